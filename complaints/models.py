"""What the customer told us.

A Customer is one person, found again by email (any case) or phone. A
Complaint is what they said, as they said it: it is never edited after intake
(corrections are notes on the ticket). Each complaint opens one recovery
ticket (``recovery.Ticket``).
"""

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex, OpClass
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from complaints.search_keys import description_vector, name_key, order_key, reference_key
from shared.choices import Priority


class Category(models.Model):
    """A kind of complaint, from a list the managers keep in the admin."""

    name_en = models.CharField(_("name (English)"), max_length=100)
    name_fr = models.CharField(_("name (French)"), max_length=100)
    default_priority = models.CharField(
        _("default priority"), max_length=16, choices=Priority.choices, default=Priority.STANDARD
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    active = models.BooleanField(_("offered on the form"), default=True)

    class Meta:
        ordering = ["position", "name_en"]
        verbose_name = _("category")
        verbose_name_plural = _("categories")

    def __str__(self):
        return self.name

    @property
    def name(self):
        return self.name_fr if (get_language() or "en").startswith("fr") else self.name_en


class Channel(models.TextChoices):
    WEB = "web", _("Web form")
    PHONE = "phone", _("Phone")
    EMAIL = "email", _("Email")
    API = "api", _("API")


class Customer(models.Model):
    """One person who complained, however many times and by whatever channel."""

    name = models.CharField(_("name"), max_length=200)
    email = models.EmailField(_("email"), blank=True, default="")
    # E.164, e.g. +33612345678; empty when unknown.
    phone = models.CharField(_("phone"), max_length=20, blank=True, default="", db_index=True)
    language = models.CharField(_("language"), max_length=8, default="en")
    timezone = models.CharField(_("time zone"), max_length=64, default="", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # Set by privacy.services when their personal data was erased (on request
    # or past retention): the row stays, anonymised, so complaints keep their
    # customer and the review's counts stay exact.
    erased_at = models.DateTimeField(_("erased at"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("customer")
        verbose_name_plural = _("customers")
        constraints = [
            # Emails are matched case-insensitively, so they are unique that way.
            models.UniqueConstraint(
                Lower("email"),
                name="customer_email_ci_unique",
                condition=~models.Q(email=""),
            )
        ]
        # The queue's search (complaints.search), PostgreSQL only (0005_search_indexes):
        # a fragment of the name, accents aside, and the end of a phone number.
        indexes = [
            GinIndex(OpClass(name_key(), name="gin_trgm_ops"), name="customer_name_trgm_idx"),
            GinIndex(OpClass("phone", name="gin_trgm_ops"), name="customer_phone_trgm_idx"),
        ]

    def __str__(self):
        return self.name


class Complaint(models.Model):
    """What happened, in the customer's words, and how it reached us."""

    reference = models.CharField(_("reference"), max_length=16, unique=True)
    # At least 128 random bits; the only key to the customer's tracking page.
    tracking_token = models.CharField(max_length=64, unique=True)
    customer = models.ForeignKey(
        Customer, on_delete=models.PROTECT, related_name="complaints", verbose_name=_("customer")
    )
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, related_name="complaints", verbose_name=_("category")
    )
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices)
    description = models.TextField(_("what happened"))
    remedy_sought = models.TextField(_("remedy wanted"), blank=True, default="")
    order_reference = models.CharField(_("order or account reference"), max_length=100, blank=True)
    nps_at_intake = models.PositiveSmallIntegerField(
        _("likelihood to recommend at intake"),
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(10)],
    )
    consent_to_contact = models.BooleanField(_("consents to be contacted"), default=False)
    language = models.CharField(_("language"), max_length=8, default="en")
    timezone = models.CharField(_("time zone"), max_length=64, blank=True, default="")
    submitted_at = models.DateTimeField(_("submitted at"), db_index=True)
    # The form's one-time key: a double click or a refresh finds this row again.
    idempotency_key = models.CharField(max_length=64, unique=True, null=True, blank=True)
    # A hash of what an API caller sent with its Idempotency-Key: the same key
    # with another body is refused instead of answered with this complaint.
    idempotency_fingerprint = models.CharField(max_length=64, blank=True, default="")
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("logged by"),
    )
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    # When privacy.services removed this complaint's free texts, files and
    # emails (erasure, or the retention sweep): the sweep skips it afterwards.
    anonymised_at = models.DateTimeField(_("anonymised at"), null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-submitted_at"]
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")
        indexes = [
            models.Index(fields=["customer", "-submitted_at"], name="complaint_customer_idx"),
            # The queue's search (complaints.search), PostgreSQL only (0005_search_indexes).
            GinIndex(
                OpClass(reference_key(), name="gin_trgm_ops"), name="complaint_reference_trgm_idx"
            ),
            GinIndex(OpClass(order_key(), name="gin_trgm_ops"), name="complaint_order_trgm_idx"),
            GinIndex(description_vector(), name="complaint_description_fts_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(nps_at_intake__isnull=True) | models.Q(nps_at_intake__lte=10),
                name="complaint_nps_0_10",
            )
        ]

    def __str__(self):
        return self.reference


def attachment_path(instance, filename):
    # The stored name is ours, never the customer's: no traversal, no clashes.
    return f"attachments/{instance.complaint.submitted_at:%Y/%m}/{instance.stored_name}"


class Attachment(models.Model):
    """A file the customer sent with the complaint (image or PDF, checked by content)."""

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=attachment_path, max_length=255)
    stored_name = models.CharField(max_length=80)
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    # Who attached it: empty for the customer (the form, a reply, the API), an
    # agent for a file sent with a message to the customer.
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("added by"),
    )
    added_at = models.DateTimeField(_("added at"), null=True, blank=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self):
        return self.original_name
