"""Staff accounts in the admin are deactivated, never deleted.

A user's id is on the timelines they wrote, which are append-only down to the
database (recovery 0017's trigger): deleting the user would have to rewrite
those events (SET_NULL), which the database refuses, and the admin would
answer with an error page. Deactivating keeps every "who did what" true and
closes the account at once. Registered from ``config.apps`` once the admin has
registered Django's own user admin.
"""

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import User


class DeactivateNotDelete:
    """Mixed into whichever user admin the apps registered (notifications adds the email language)."""

    actions = ["deactivate"]

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description="Deactivate the selected users (they can no longer sign in)")
    def deactivate(self, request, queryset):
        count = queryset.filter(is_active=True).update(is_active=False)
        self.message_user(request, f"{count} user(s) deactivated.", messages.SUCCESS)


def register(site: admin.AdminSite) -> None:
    registered = type(site._registry[User]) if site.is_registered(User) else UserAdmin
    if site.is_registered(User):
        site.unregister(User)
    site.register(User, type("StaffUserAdmin", (DeactivateNotDelete, registered), {}))
