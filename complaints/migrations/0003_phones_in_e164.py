"""Store every customer's phone in E.164, as intake now always does.

Numbers saved before the one normaliser (shared.phones) may be in the
form they were typed ("06 12 34 56 78"), which the look-ups never match.
A number that cannot be read is left as it is, for a person to correct:
dropping it could lose the only way to call that customer back.
"""

from django.core.exceptions import ValidationError
from django.db import migrations

# The app's normaliser on purpose: the stored form must be the one the
# searches compute, today and after any later fix to the parser.
from shared.phones import to_e164


def phones_to_e164(apps, schema_editor):
    Customer = apps.get_model("complaints", "Customer")
    for customer in Customer.objects.exclude(phone="").only("pk", "phone").iterator():
        try:
            phone = to_e164(customer.phone)
        except ValidationError:
            continue
        if phone != customer.phone:
            Customer.objects.filter(pk=customer.pk).update(phone=phone)


class Migration(migrations.Migration):
    dependencies = [("complaints", "0002_idempotency_fingerprint")]

    operations = [migrations.RunPython(phones_to_e164, migrations.RunPython.noop, elidable=True)]
