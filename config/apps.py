from django.contrib.admin.apps import AdminConfig


class AmendsAdminConfig(AdminConfig):
    """Django's admin, with the site that lets managers in (``config.admin``)."""

    default_site = "config.admin.AmendsAdminSite"
