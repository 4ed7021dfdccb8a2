"""Reads for the customer's tracking page: which link opens it, and what it shows of the recovery.

The page is the complaint seen through its ticket (stage, timeline, what was
offered), so it lives here, above ``complaints``; its URLs keep the public
names (``complaints:track``, ``recovery.tracking_urls``).

The customer reads a stage, never a raw status: ``ticket_stage`` (in
``recovery.workflow.moves``) says when a compensated ticket is still waiting
for a manager, and this module turns that into the steps they see. A
compensation counts for the customer once it is approved: a proposal may still
be declined, and a "no compensation" line is a decision, not a remedy.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import prefetch_related_objects
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from complaints.models import Complaint
from recovery.choices import CompensationKind, CompensationStatus, Status
from recovery.merges import customer_events_joined, merged_into_token
from recovery.models import Compensation, Ticket, TicketEvent
from recovery.workflow.moves import AWAITING_APPROVAL, ticket_stage
from shared.identifiers import TOKEN_RE

S = Status
# The customer's steps, in order. Closed as invalid has none (the page says so).
STEPS = (
    (S.NEW, _("Received")),
    (S.ACKNOWLEDGED, _("Acknowledged")),
    (S.APOLOGIZED, _("Apologized")),
    (S.COMPENSATED, _("Compensated")),
    (S.FOLLOW_UP, _("Follow-up")),
    (S.RESOLVED, _("Resolved")),
)
_OFFERED = (CompensationStatus.APPROVED, CompensationStatus.FULFILLED)


def tracking_link_is_live(complaint: Complaint, *, now: datetime | None = None) -> bool:
    """Whether the complaint's tracking link still opens: for TRACKING_LINK_DAYS after filing.

    The link is a bearer key sent by email; it stops working once the
    complaint is long settled, so an old inbox cannot open it for ever.
    """
    days = settings.AMENDS["TRACKING_LINK_DAYS"]
    return (now or timezone.now()) < complaint.submitted_at + timedelta(days=days)


def complaint_for_tracking(token: str) -> Complaint:
    """The complaint behind a live tracking token, or Http404 with no hint why."""
    if not token or not TOKEN_RE.match(token):
        raise Http404
    complaint = (
        Complaint.objects.select_related("ticket", "category", "customer")
        .filter(tracking_token=token)
        # A merged complaint's link leads to the survivor's page (no query of its own).
        .annotate(merged_into_token=merged_into_token())
        .first()
    )
    if complaint is None or not tracking_link_is_live(complaint):
        raise Http404
    return complaint


def customer_timeline(ticket: Ticket) -> list[TicketEvent]:
    """The events a customer may see on their tracking page, oldest first.

    With those of the complaints merged into this one, each marked with its
    reference (``origin``), in the same single query (``recovery.merges``).
    """
    return customer_events_joined(ticket)


def tracking_ledger(ticket: Ticket) -> None:
    """Load ``ticket``'s ledger once (one query) for ``ticket_stage`` and ``offered_lines``."""
    prefetch_related_objects([ticket], "compensations")


def offered_lines(ticket: Ticket) -> list[Compensation]:
    """The remedies the customer was offered: approved or handed over, never proposed or declined."""
    return [
        c
        for c in ticket.compensations.all()
        if c.status in _OFFERED and c.kind != CompensationKind.NONE
    ]


def tracking_steps(
    ticket: Ticket, *, offered: list[Compensation]
) -> tuple[str, list[dict[str, object]]]:
    """``(reached, steps)``: the stage the customer has reached, and each step with its state.

    A step is ``done`` once passed, ``current`` where the complaint stands
    (``done`` too once that is the last one, resolved); the rest are to come.
    While a proposal waits for approval the customer stands at "apologized".
    When the remedy decided is "no compensation" (nothing approved on the
    ledger) the "compensated" step is left out rather than ticked: it never
    happened, and the customer is not told they were compensated.
    """
    stage = ticket_stage(ticket)
    reached = S.APOLOGIZED if stage == AWAITING_APPROVAL else stage
    settled_without = not offered and reached in (S.COMPENSATED, S.FOLLOW_UP, S.RESOLVED)
    if settled_without and reached == S.COMPENSATED:
        reached = S.APOLOGIZED
    codes: list[str] = [code for code, _label in STEPS]
    at = codes.index(reached) if reached in codes else -1
    steps: list[dict[str, object]] = []
    for index, (code, label) in enumerate(STEPS):
        if code == S.COMPENSATED and settled_without:
            continue
        current = index == at
        done = index < at or (current and code == S.RESOLVED)
        steps.append({"code": code, "label": label, "current": current, "done": done})
    return reached, steps
