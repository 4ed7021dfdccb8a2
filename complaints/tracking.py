"""What the customer's tracking page shows of the recovery: the progress steps and what was offered.

The customer reads a stage, never a raw status: ``ticket_stage`` (in
``recovery.workflow.moves``) says when a compensated ticket is still waiting
for a manager, and this module turns that into the steps they see. A
compensation counts for the customer once it is approved: a proposal may still
be declined, and a "no compensation" line is a decision, not a remedy.
"""

from django.db.models import prefetch_related_objects
from django.utils.translation import gettext_lazy as _

from recovery.choices import CompensationKind, CompensationStatus, Status
from recovery.workflow.moves import AWAITING_APPROVAL, ticket_stage

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


def tracking_ledger(ticket):
    """Load ``ticket``'s ledger once (one query) for ``ticket_stage`` and ``offered_lines``."""
    prefetch_related_objects([ticket], "compensations")


def offered_lines(ticket):
    """The remedies the customer was offered: approved or handed over, never proposed or declined."""
    return [
        c
        for c in ticket.compensations.all()
        if c.status in _OFFERED and c.kind != CompensationKind.NONE
    ]


def tracking_steps(ticket, *, offered):
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
    codes = [code for code, _label in STEPS]
    at = codes.index(reached) if reached in codes else -1
    steps = []
    for index, (code, label) in enumerate(STEPS):
        if code == S.COMPENSATED and settled_without:
            continue
        current = index == at
        done = index < at or (current and code == S.RESOLVED)
        steps.append({"code": code, "label": label, "current": current, "done": done})
    return reached, steps
