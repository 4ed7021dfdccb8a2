from django import forms
from django.contrib import admin
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from recovery.canned import canned_reply_save
from recovery.models import (
    ApprovalLimit,
    CallbackAttempt,
    CannedReply,
    Compensation,
    Holiday,
    OpeningHours,
    RootCause,
    SlaSettings,
    Ticket,
    TicketEvent,
    TicketMerge,
)


class OpeningHoursInline(admin.TabularInline):
    model = OpeningHours
    extra = 1


class HolidayInline(admin.TabularInline):
    model = Holiday
    extra = 1


@admin.register(SlaSettings)
class SlaSettingsAdmin(admin.ModelAdmin):
    """Managers set the callback promise here, opening hours and holidays included.

    The checks live in the models' ``clean()`` (a real time zone, the second
    reminder after the first, closing after opening), which the admin's forms
    run, so their errors show beside the field at fault.
    """

    list_display = ("__str__", "high_hours", "standard_hours", "follow_up_days")
    fieldsets = (
        (_("Callback windows"), {"fields": ("high_hours", "standard_hours")}),
        (
            _("Next-reply windows"),
            {
                "fields": ("high_reply_hours", "standard_reply_hours"),
                "description": _(
                    "Once a ticket is acknowledged, each message from the customer is "
                    "answered within this window; it pauses while an agent waits on the customer."
                ),
            },
        ),
        (_("Reminders"), {"fields": ("first_reminder_percent", "second_reminder_percent")}),
        (_("Opening hours"), {"fields": ("business_hours", "time_zone")}),
        (_("Follow-up"), {"fields": ("follow_up_days",)}),
    )
    inlines = (OpeningHoursInline, HolidayInline)

    def has_add_permission(self, request):
        return not SlaSettings.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        # There is one row: a list of one is a click nobody needs.
        sla = SlaSettings.objects.filter(pk=1).first()
        if sla is None:
            return super().changelist_view(request, extra_context)
        return redirect(reverse("admin:recovery_slasettings_change", args=[sla.pk]))


class ApprovalLimitForm(forms.ModelForm):
    class Meta:
        model = ApprovalLimit
        fields = ("currency", "agent_limit")
        # Typed and shown as the manager's language writes it: "50,00" in French.
        localized_fields = ("agent_limit",)

    def clean_currency(self):
        # "eur" means EUR; the model's validator then checks the ISO shape.
        return self.cleaned_data["currency"].strip().upper()


@admin.register(ApprovalLimit)
class ApprovalLimitAdmin(admin.ModelAdmin):
    """Managers set how much agents may approve alone, per currency."""

    form = ApprovalLimitForm
    list_display = ("currency", "agent_limit")


@admin.register(CannedReply)
class CannedReplyAdmin(admin.ModelAdmin):
    """Managers keep the canned replies here as on their page; both save the same way.

    The placeholder check is the text field's validator, so an unknown
    ``{placeholder}`` is refused beside the text, before any agent sees it.
    """

    list_display = ("title", "kind", "language", "category", "active", "updated_at", "updated_by")
    list_filter = ("kind", "language", "active", "category")
    search_fields = ("title", "text")
    readonly_fields = ("updated_by", "updated_at")

    def save_model(self, request, obj, form, change):
        canned_reply_save(reply=obj, actor=request.user)


@admin.register(RootCause)
class RootCauseAdmin(admin.ModelAdmin):
    """Managers keep the list of root causes agents name on a ticket, in both languages.

    Retire a cause by unticking "offered to agents" rather than deleting it:
    the tickets that name it keep it (and the review's Pareto still counts
    them); a cause in use cannot be deleted.
    """

    list_display = ("name_en", "name_fr", "position", "active")
    list_editable = ("position", "active")
    list_filter = ("active",)
    search_fields = ("name_en", "name_fr")
    ordering = ("position", "name_en")


class ReadOnlyAdmin(admin.ModelAdmin):
    """Tickets, their timeline and ledger change only through recovery's services."""

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


@admin.register(CallbackAttempt)
class CallbackAttemptAdmin(ReadOnlyAdmin):
    list_display = ("ticket", "agent", "number_called", "outcome", "created_at")
    list_filter = ("outcome",)
    search_fields = ("ticket__complaint__reference", "number_called")


@admin.register(Compensation)
class CompensationAdmin(ReadOnlyAdmin):
    list_display = ("ticket", "kind", "amount", "currency", "status", "proposed_at")
    list_filter = ("status", "kind", "currency")
    search_fields = ("ticket__complaint__reference",)


@admin.register(TicketMerge)
class TicketMergeAdmin(ReadOnlyAdmin):
    """Merges are made and undone on the ticket page (recovery.workflow.merge), never here.

    A row edited by hand would no longer say what its undo gives back.
    """

    list_display = ("merged", "into", "status_before", "merged_by", "merged_at", "undone_at")
    list_filter = ("undone_at",)
    list_select_related = ("merged__complaint", "into__complaint", "merged_by")
    search_fields = ("merged__complaint__reference", "into__complaint__reference")
