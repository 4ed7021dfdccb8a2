from django.apps import AppConfig
from django.db.models import CharField
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _


class ComplaintsConfig(AppConfig):
    name = "complaints"
    verbose_name = _("Complaints")

    def ready(self):
        # ``email__lower``: how a customer is found by email (complaints.selectors.
        # customers_by_email), through the lower(email) index.
        CharField.register_lookup(Lower)
