from django import forms
from django.contrib import admin

from complaints.models import Attachment, Category, Complaint, Customer
from shared.phones import to_e164


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ("name_en", "name_fr", "default_priority", "position", "active")
    list_editable = ("position", "active")


class CustomerAdminForm(forms.ModelForm):
    class Meta:
        model = Customer
        fields = ("name", "email", "phone", "language", "timezone")

    def clean_phone(self):
        # Stored as the look-ups will search for it, like every intake does.
        raw = self.cleaned_data.get("phone", "").strip()
        return to_e164(raw) if raw else ""


@admin.register(Customer)
class CustomerAdmin(admin.ModelAdmin):
    form = CustomerAdminForm
    list_display = ("name", "email", "phone", "language", "created_at")
    search_fields = ("name", "email", "phone")


class AttachmentInline(admin.TabularInline):
    model = Attachment
    extra = 0
    can_delete = False
    readonly_fields = ("original_name", "content_type", "size")
    fields = readonly_fields


@admin.register(Complaint)
class ComplaintAdmin(admin.ModelAdmin):
    """Complaints are what the customer said: read-only here as everywhere."""

    list_display = ("reference", "customer", "category", "channel", "submitted_at")
    list_filter = ("channel", "category")
    search_fields = ("reference", "customer__name", "customer__email")
    inlines = [AttachmentInline]
    exclude = ("tracking_token", "idempotency_key")

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False
