from django.contrib import admin

from recovery.models import SlaSettings, Ticket, TicketEvent


@admin.register(SlaSettings)
class SlaSettingsAdmin(admin.ModelAdmin):
    list_display = ("__str__", "high_hours", "standard_hours")

    def has_add_permission(self, request):
        return not SlaSettings.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyAdmin(admin.ModelAdmin):
    """Tickets move only through recovery.workflow; the admin only shows them."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Ticket)
class TicketAdmin(ReadOnlyAdmin):
    list_display = ("__str__", "status", "priority", "callback_due_at", "assignee")
    list_filter = ("status", "priority")
    search_fields = ("complaint__reference",)


@admin.register(TicketEvent)
class TicketEventAdmin(ReadOnlyAdmin):
    list_display = ("ticket", "kind", "actor", "created_at", "customer_visible")
    list_filter = ("kind",)
