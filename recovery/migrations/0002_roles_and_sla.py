from django.db import migrations


def create(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for name in ("agents", "managers"):
        Group.objects.get_or_create(name=name)
    SlaSettings = apps.get_model("recovery", "SlaSettings")
    SlaSettings.objects.get_or_create(pk=1, defaults={"high_hours": 24, "standard_hours": 48})


class Migration(migrations.Migration):
    dependencies = [("recovery", "0001_initial"), ("auth", "0012_alter_user_first_name_max_length")]
    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
