"""The compensation ledger: what we offer a customer, who approved it, whether it was given.

A gesture goes proposed → approved → fulfilled, or ends declined; a "none"
line (with its reason) is recorded settled at once. Agents approve amounts up
to their currency's ``ApprovalLimit``, counted over everything approved on
the ticket in that currency; above it, or in a currency without a limit,
only a manager does. Every change writes a COMPENSATION event and goes
through ``transition()``, which bumps the ticket's version: ledger changes and
status moves are thereby serialized (a proposal cannot slip in while a
colleague starts the follow-up). When nothing is left waiting, the follow-up
is scheduled.
"""

import re
from collections.abc import Collection, Mapping
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any, cast

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from recovery.choices import (
    AMOUNT_REQUIRED_KINDS,
    NO_AMOUNT_KINDS,
    PENDING_COMPENSATION_STATUSES,
    CompensationKind,
    CompensationStatus,
    EventKind,
    Status,
)
from recovery.errors import ApprovalDenied, IllegalTransition, StaleTicket
from recovery.models import CURRENCY_RE, Compensation, Ticket
from recovery.models.ledger import CODE_MAX_LENGTH
from recovery.selectors import approval_refusal, compensations_with_authority, ledger_is_settled
from recovery.sla import follow_up_due_at
from recovery.workflow import (
    event_record,
    move_check,
    required_text,
    transition,
)
from shared.roles import Actor

CS = CompensationStatus
# What is handed over as a code the customer redeems (see redemption_clean).
CODE_REQUIRED_KINDS = (CompensationKind.VOUCHER, CompensationKind.DISCOUNT)
INSTRUCTIONS_MAX_LENGTH = 2000
# C0 and C1 control characters, DEL included.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
# What a text of several lines may hold of them.
_LINE_BREAKS = re.compile(r"[\r\n\t]")
# max_digits=12 with 2 decimal places.
MAX_AMOUNT = Decimal("9999999999.99")


def money_clean(
    *, kind: str, amount: Decimal | str | None, currency: str | None
) -> tuple[Decimal | None, str]:
    """``(amount, currency)`` checked for ``kind``: Decimal cents and an ISO code, or (None, "").

    Money is never a float (binary fractions lose cents), so a float is a
    programming error. An amount is refused when negative or zero (record
    "no compensation" instead), with more than two decimal places (rather
    than silently rounded), or with a kind that takes none.
    """
    if kind not in CompensationKind.values:
        raise ValidationError({"kind": _("Choose a kind of compensation.")})
    if isinstance(amount, float):
        raise TypeError("Amounts are Decimal, never float.")
    if amount in (None, ""):
        if kind in AMOUNT_REQUIRED_KINDS:
            raise ValidationError({"amount": _("Enter the amount.")})
        return None, ""
    if kind in NO_AMOUNT_KINDS:
        raise ValidationError({"amount": _("This kind of compensation takes no amount.")})
    try:
        amount = Decimal(str(amount).strip())
    except InvalidOperation:
        raise ValidationError({"amount": _("Enter the amount as a number.")}) from None
    if not amount.is_finite():
        raise ValidationError({"amount": _("Enter the amount as a number.")})
    if amount < 0:
        raise ValidationError({"amount": _("An amount cannot be negative.")})
    if amount == 0:
        raise ValidationError(
            {"amount": _("An amount must be more than zero; record “no compensation” instead.")}
        )
    # Finite, so its exponent is a number ("n", "N" and "F" are NaN's and infinity's).
    if cast(int, amount.as_tuple().exponent) < -2:
        raise ValidationError({"amount": _("Enter the amount to the cent at most.")})
    if amount > MAX_AMOUNT:
        raise ValidationError({"amount": _("This amount is too large.")})
    currency = (currency or "").strip().upper()
    if not re.fullmatch(CURRENCY_RE, currency):
        raise ValidationError(
            {"currency": _("Enter a three-letter ISO 4217 currency code, such as EUR.")}
        )
    return amount.quantize(Decimal("0.01")), currency


def _describe(compensation: Compensation, change: str) -> dict[str, Any]:
    return {
        "compensation": compensation.pk,
        "change": change,
        "kind": compensation.kind,
        # A string, not a float: JSON would lose the exact cents.
        "amount": str(compensation.amount) if compensation.amount is not None else None,
        "currency": compensation.currency,
    }


def _follow_up_changes(*, ticket: Ticket, at: datetime) -> dict[str, datetime | None]:
    """Schedule the follow-up when the ledger settles; unschedule it while anything waits."""
    due = follow_up_due_at(settled_at=at) if ledger_is_settled(ticket=ticket) else None
    return {"follow_up_due_at": due}


@transaction.atomic
def compensation_propose(
    *,
    ticket: Ticket,
    actor: User | None,
    kind: str,
    amount: Decimal | str | None = None,
    currency: str = "",
    description: str = "",
    reason: str = "",
    expected_version: int | None = None,
) -> Compensation:
    """Add a line to the ledger; the first one moves an apologized ticket to compensated.

    Kind ``none`` needs a ``reason`` and is recorded settled (fulfilled) at
    once, which schedules the follow-up. Any other line is proposed and waits
    for approval. The customer's requested remedy is copied onto the line, as
    it stood when the offer was made. Also allowed in follow-up (a further
    gesture), which takes the ticket back to compensated.
    """
    to_status = None if ticket.status == Status.COMPENSATED else Status.COMPENSATED
    if to_status:
        move_check(ticket=ticket, to_status=to_status, expected_version=expected_version)
    amount, currency = money_clean(kind=kind, amount=amount, currency=currency)
    if kind == CompensationKind.NONE:
        reason = required_text(reason, field="reason", message=_("Say why no compensation is due."))
    at = timezone.now()
    settled: dict[str, Any] = {}
    if kind == CompensationKind.NONE:
        settled = {
            "status": CS.FULFILLED,
            "approved_by": actor,
            "approved_at": at,
            "fulfilled_by": actor,
            "fulfilled_at": at,
        }
    compensation = Compensation.objects.create(
        ticket=ticket,
        kind=kind,
        amount=amount,
        currency=currency,
        remedy_sought=ticket.complaint.remedy_sought,
        description=(description or "").strip(),
        reason=(reason or "").strip(),
        proposed_by=actor,
        proposed_at=at,
        **settled,
    )
    transition(
        ticket=ticket,
        actor=actor,
        to_status=to_status,
        expected_version=expected_version,
        changes=_follow_up_changes(ticket=ticket, at=at),
        kind=EventKind.COMPENSATION,
        payload=_describe(compensation, "recorded" if settled else "proposed"),
        at=at,
    )
    return compensation


def _ledger_step(
    *,
    compensation: Compensation,
    actor: User | None,
    expected_version: int | None,
    from_statuses: Collection[str],
    change: str,
    fields: Mapping[str, Any],
    at: datetime,
) -> Compensation:
    """Move one ledger line on, conditionally on its status, with the ticket's version bump."""
    ticket = compensation.ticket
    if compensation.status not in from_statuses:
        raise IllegalTransition(
            _("This compensation is %(status)s; it cannot be %(change)s.")
            % {"status": compensation.get_status_display().lower(), "change": change}
        )
    updated = Compensation.objects.filter(pk=compensation.pk, status__in=from_statuses).update(
        **fields
    )
    if updated != 1:
        raise StaleTicket()
    for name, value in fields.items():
        setattr(compensation, name, value)
    transition(
        ticket=ticket,
        actor=actor,
        expected_version=expected_version,
        changes=_follow_up_changes(ticket=ticket, at=at),
        kind=EventKind.COMPENSATION,
        payload=_describe(compensation, change),
        at=at,
    )
    return compensation


@transaction.atomic
def compensation_approve(
    *, compensation: Compensation, actor: User | None, expected_version: int | None = None
) -> Compensation:
    """Approve a proposed compensation, within the approver's authority.

    An agent approves while the ticket's total approved in the line's
    currency, this line included, stays within that currency's
    ``ApprovalLimit`` (no row: nothing); a manager approves any amount; lines
    without an amount any agent may approve. Above that, ApprovalDenied
    (saying the limit and what is already approved) and nothing changes.

    The ticket row is locked before the total is read: two agents approving
    two lines of one ticket at once are taken one after the other, and the
    second sees the first's approval (or, holding an older version, is
    refused as stale). Without the lock both could read the same total.
    """
    ticket = compensation.ticket
    Ticket.objects.select_for_update().filter(pk=ticket.pk).values_list("pk").get()
    if compensation.status == CS.PROPOSED:
        line = compensations_with_authority().get(pk=compensation.pk)
        refusal = approval_refusal(compensation=line, user=actor)
        if refusal:
            raise ApprovalDenied(refusal)
    at = timezone.now()
    return _ledger_step(
        compensation=compensation,
        actor=actor,
        expected_version=expected_version,
        from_statuses=(CS.PROPOSED,),
        change="approved",
        at=at,
        fields={"status": CS.APPROVED, "approved_by": actor, "approved_at": at},
    )


def redemption_clean(
    *, kind: str, code: str | None = "", redeem_instructions: str | None = ""
) -> tuple[str, str]:
    """``(code, redeem_instructions)`` checked for a line of ``kind`` being handed over.

    A voucher or a discount is worth nothing to the customer without its code
    and how to use it, and the email that hands it over is the only place
    they read them: both are required for those kinds, optional for others.
    The code is one line the customer types at a till or a checkout, so it
    has no control characters (a pasted tab or newline would make it fail
    there); the instructions may run over several lines.
    """
    code = (code or "").strip()
    instructions = (redeem_instructions or "").strip()
    errors: dict[str, str | Promise] = {}
    if kind in CODE_REQUIRED_KINDS and not code:
        errors["code"] = _("Enter the code the customer will use.")
    elif len(code) > CODE_MAX_LENGTH:
        errors["code"] = _("A code has at most %(max)d characters.") % {"max": CODE_MAX_LENGTH}
    elif _CONTROL.search(code):
        errors["code"] = _("A code is one line of letters, digits and signs, without tabs.")
    if kind in CODE_REQUIRED_KINDS and not instructions:
        errors["redeem_instructions"] = _("Say how the customer uses it: where, until when.")
    elif len(instructions) > INSTRUCTIONS_MAX_LENGTH:
        errors["redeem_instructions"] = _("Keep how to use it under %(max)d characters.") % {
            "max": INSTRUCTIONS_MAX_LENGTH
        }
    elif _CONTROL.search(_LINE_BREAKS.sub("", instructions)):
        errors["redeem_instructions"] = _("Remove the invisible control characters.")
    if errors:
        raise ValidationError(errors)
    return code, instructions


@transaction.atomic
def compensation_fulfil(
    *,
    compensation: Compensation,
    actor: User | None,
    code: str = "",
    redeem_instructions: str = "",
    expected_version: int | None = None,
) -> Compensation:
    """Record that an approved compensation was handed over (refund sent, voucher issued...).

    A voucher or discount is handed over with its code and how to redeem it
    (``redemption_clean``), which the customer's email then carries. When it
    was the last line waiting, the follow-up is scheduled
    ``SlaSettings.follow_up_days`` days from now.
    """
    code, redeem_instructions = redemption_clean(
        kind=compensation.kind, code=code, redeem_instructions=redeem_instructions
    )
    at = timezone.now()
    return _ledger_step(
        compensation=compensation,
        actor=actor,
        expected_version=expected_version,
        from_statuses=(CS.APPROVED,),
        change="fulfilled",
        at=at,
        fields={
            "status": CS.FULFILLED,
            "fulfilled_by": actor,
            "fulfilled_at": at,
            "code": code,
            "redeem_instructions": redeem_instructions,
        },
    )


@transaction.atomic
def compensation_decline(
    *,
    compensation: Compensation,
    actor: User | None,
    reason: str,
    expected_version: int | None = None,
) -> Compensation:
    """Decline a proposed or approved compensation (the customer refused it, or we will not).

    The reason is required. A decline settles the line: when nothing else
    waits, the follow-up is scheduled, as after a fulfilment.
    """
    reason = required_text(reason, field="reason", message=_("Say why it is declined."))
    at = timezone.now()
    return _ledger_step(
        compensation=compensation,
        actor=actor,
        expected_version=expected_version,
        from_statuses=PENDING_COMPENSATION_STATUSES,
        change="declined",
        at=at,
        fields={
            "status": CS.DECLINED,
            "declined_by": actor,
            "declined_at": at,
            "decline_reason": reason,
        },
    )


def compensations_decline_pending(
    *, ticket: Ticket, actor: Actor, reason: str, at: datetime
) -> None:
    """Decline whatever still waits on a ticket being closed; the caller moved the ticket."""
    for compensation in ticket.compensations.filter(status__in=PENDING_COMPENSATION_STATUSES):
        Compensation.objects.filter(pk=compensation.pk).update(
            status=CS.DECLINED, declined_by=actor, declined_at=at, decline_reason=reason
        )
        compensation.status = CS.DECLINED
        event_record(
            ticket=ticket,
            kind=EventKind.COMPENSATION,
            actor=actor,
            payload=_describe(compensation, "declined"),
            at=at,
        )
