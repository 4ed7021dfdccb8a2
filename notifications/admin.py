from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin

from notifications.models import Notification, StaffProfile


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("kind", "recipient", "status", "attempts", "created_at", "sent_at")
    list_filter = ("status", "kind")
    readonly_fields = [f.name for f in Notification._meta.fields]

    def has_add_permission(self, request):
        return False


class StaffProfileInline(admin.StackedInline):
    """The language a staff member's emails are written in, on their user page."""

    model = StaffProfile
    can_delete = False
    extra = 1
    max_num = 1


User = get_user_model()
# Django's own user page, with the language inline added.
admin.site.unregister(User)


@admin.register(User)
class StaffUserAdmin(UserAdmin):
    inlines = [*UserAdmin.inlines, StaffProfileInline]
