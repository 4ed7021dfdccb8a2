from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class RecoveryConfig(AppConfig):
    name = "recovery"
    verbose_name = _("Recovery")

    def ready(self):
        from recovery import receivers
        from recovery.post_migrate import ensure_roles_and_sla

        post_migrate.connect(ensure_roles_and_sla, sender=self)
        receivers.connect()
