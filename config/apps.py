from django.apps import AppConfig
from django.contrib.admin.apps import AdminConfig


class AmendsAdminConfig(AdminConfig):
    """Django's admin, with the site that lets managers in (``config.admin``)."""

    default_site = "config.admin.AmendsAdminSite"


class ProjectConfig(AppConfig):
    """The project itself as an app, for what spans every app: ``manage.py seed_demo``."""

    name = "config"
    label = "config"
    default = False
