"""What ``migrate`` (and ``flush``) must leave behind: the two role groups, their rights, the SLA row.

Connected in ``RecoveryConfig.ready()``; imported only then, once the apps
are loaded (the auth models these use cannot be imported earlier).
"""

from typing import Any

from django.apps import AppConfig
from django.apps import apps as global_apps
from django.apps.registry import Apps
from django.contrib.auth.management import create_permissions

from shared.roles import AGENTS, MANAGERS

# What the managers group may do in the admin: tune the callback promise (the
# single SLA row is edited, never added or deleted), the approval limits, the
# canned replies agents start from and the root causes they name.
MANAGER_PERMISSIONS = (
    "view_slasettings",
    "change_slasettings",
    *(
        f"{action}_{model}"
        for model in ("openinghours", "holiday", "approvallimit", "cannedreply", "rootcause")
        for action in ("add", "change", "delete", "view")
    ),
)


def ensure_roles_and_sla(
    sender: AppConfig, using: str, apps: Apps = global_apps, **kwargs: Any
) -> None:
    """Recreate the two role groups, the managers' permissions and the SLA row.

    Runs after ``migrate`` or ``flush``. Migration 0002 makes the groups once,
    but a ``flush`` (a dev reset, or every transactional test's teardown)
    empties the tables and replays only this signal: without it the roles
    would silently vanish.
    """
    try:
        Group = apps.get_model("auth", "Group")
        SlaSettings = apps.get_model("recovery", "SlaSettings")
    except LookupError:  # migrating backwards, before these models exist
        return
    groups = {
        name: Group.objects.using(using).get_or_create(name=name)[0] for name in (AGENTS, MANAGERS)
    }
    _grant_manager_permissions(sender, groups[MANAGERS], using=using, apps=apps)
    SlaSettings.objects.using(using).get_or_create(pk=1)


def _grant_manager_permissions(
    app_config: AppConfig, group: Any, *, using: str, apps: Apps
) -> None:
    # ``group`` is the migration state's Group (``apps.get_model``), not auth's class.
    # post_migrate calls its receivers in the order they connected, so whether
    # auth has made this app's permissions yet depends on INSTALLED_APPS order.
    # Making them here first (it skips those that exist) removes the doubt.
    create_permissions(app_config, verbosity=0, using=using, apps=apps)
    Permission = apps.get_model("auth", "Permission")
    # A permission still missing (a model not migrated yet, going backwards)
    # is simply not granted; the next migrate grants it.
    permissions = Permission.objects.using(using).filter(
        content_type__app_label=app_config.label, codename__in=MANAGER_PERMISSIONS
    )
    group.permissions.add(*permissions)
