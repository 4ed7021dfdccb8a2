from django.apps import AppConfig
from django.apps import apps as global_apps
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def ensure_roles_and_sla(sender, using, apps=global_apps, **kwargs):
    """Recreate the two role groups and the SLA row after ``migrate`` or ``flush``.

    Migration 0002 makes them once, but a ``flush`` (a dev reset, or every
    transactional test's teardown) empties the tables and replays only this
    signal: without it the roles would silently vanish.
    """
    from config.roles import AGENTS, MANAGERS

    try:
        Group = apps.get_model("auth", "Group")
        SlaSettings = apps.get_model("recovery", "SlaSettings")
    except LookupError:  # migrating backwards, before these models exist
        return
    for name in (AGENTS, MANAGERS):
        Group.objects.using(using).get_or_create(name=name)
    SlaSettings.objects.using(using).get_or_create(pk=1)


class RecoveryConfig(AppConfig):
    name = "recovery"
    verbose_name = _("Recovery")

    def ready(self):
        post_migrate.connect(ensure_roles_and_sla, sender=self)
