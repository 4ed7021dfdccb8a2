"""The compensation ledger and the limits on what agents approve alone.

Written only by the services in ``recovery.compensation``.
"""

from django.conf import settings
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from recovery.choices import (
    AMOUNT_REQUIRED_KINDS,
    NO_AMOUNT_KINDS,
    CompensationKind,
    CompensationStatus,
)

CODE_MAX_LENGTH = 64
# ISO 4217 alphabetic code, e.g. EUR, USD, GBP.
CURRENCY_RE = r"^[A-Z]{3}$"
currency_validator = RegexValidator(
    CURRENCY_RE, _("Enter a three-letter ISO 4217 currency code, such as EUR."), code="currency"
)


class ApprovalLimit(models.Model):
    """How much an agent may approve alone, per currency. Managers approve any amount.

    No row for a currency means agents approve nothing in it: a new currency
    needs a manager's decision before agents can hand out money in it.
    """

    currency = models.CharField(
        _("currency"), max_length=3, unique=True, validators=[currency_validator]
    )
    agent_limit = models.DecimalField(
        _("agents may approve up to"),
        max_digits=12,
        decimal_places=2,
        validators=[MinValueValidator(0)],
    )

    class Meta:
        ordering = ["currency"]
        verbose_name = _("approval limit")
        verbose_name_plural = _("approval limits")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(agent_limit__gte=0), name="approval_limit_not_negative"
            ),
            models.CheckConstraint(
                condition=models.Q(currency__regex=CURRENCY_RE), name="approval_limit_iso_currency"
            ),
        ]

    def __str__(self):
        return f"{self.currency} {self.agent_limit}"


class Compensation(models.Model):
    """One line of a ticket's compensation ledger: a gesture, or a reasoned "none".

    A gesture goes proposed → approved → fulfilled, or ends declined. Kind
    ``none`` is recorded straight as fulfilled: there is nothing to approve or
    hand over, only the written reason why nothing is due.
    """

    ticket = models.ForeignKey(
        "recovery.Ticket", on_delete=models.CASCADE, related_name="compensations"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=CompensationKind.choices)
    amount = models.DecimalField(
        _("amount"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    currency = models.CharField(
        _("currency"), max_length=3, blank=True, default="", validators=[currency_validator]
    )
    # What the customer asked for, as it stood when this was proposed.
    remedy_sought = models.TextField(_("remedy wanted"), blank=True, default="")
    description = models.TextField(_("description"), blank=True, default="")
    reason = models.TextField(_("reason"), blank=True, default="")
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=CompensationStatus.choices,
        default=CompensationStatus.PROPOSED,
    )
    decline_reason = models.TextField(_("why it was declined"), blank=True, default="")
    # A voucher's or discount's code and how to use it, written when it is
    # handed over (a code is issued then, not when the gesture is proposed);
    # the customer reads both in the email and on the tracking page.
    # db_default too: rows written in SQL (the benchmarks' loaders) need not name them.
    code = models.CharField(
        _("code"), max_length=CODE_MAX_LENGTH, blank=True, default="", db_default=""
    )
    redeem_instructions = models.TextField(
        _("how to use it"), blank=True, default="", db_default=""
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    proposed_at = models.DateTimeField(_("proposed at"))
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    approved_at = models.DateTimeField(_("approved at"), null=True)
    fulfilled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    fulfilled_at = models.DateTimeField(_("fulfilled at"), null=True)
    declined_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    declined_at = models.DateTimeField(_("declined at"), null=True)

    class Meta:
        ordering = ["proposed_at", "pk"]
        verbose_name = _("compensation")
        verbose_name_plural = _("compensations")
        # The services check all of this first, with friendlier messages; the
        # database keeps the ledger sound whatever writes to it.
        # The review's compensation figures: what was handed over in a period.
        indexes = [
            models.Index(
                fields=["fulfilled_at"],
                name="compensation_fulfilled_idx",
                condition=models.Q(status=CompensationStatus.FULFILLED),
            )
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount__isnull=True) | models.Q(amount__gt=0),
                name="compensation_amount_positive",
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(amount__isnull=True, currency="")
                    | models.Q(amount__isnull=False, currency__regex=CURRENCY_RE)
                ),
                name="compensation_amount_has_currency",
            ),
            models.CheckConstraint(
                condition=~models.Q(kind__in=NO_AMOUNT_KINDS) | models.Q(amount__isnull=True),
                name="compensation_kind_takes_no_amount",
            ),
            models.CheckConstraint(
                condition=~models.Q(kind__in=AMOUNT_REQUIRED_KINDS)
                | models.Q(amount__isnull=False),
                name="compensation_kind_needs_amount",
            ),
            models.CheckConstraint(
                condition=~models.Q(kind=CompensationKind.NONE) | ~models.Q(reason=""),
                name="compensation_none_has_reason",
            ),
        ]

    def __str__(self):
        if self.amount is None:
            return self.get_kind_display()
        return f"{self.get_kind_display()} {self.amount} {self.currency}"
