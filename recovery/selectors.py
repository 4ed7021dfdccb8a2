"""Reads for the agents' pages, and the questions the workflow asks of the ledger."""

from django.contrib.auth import get_user_model
from django.db.models import Prefetch, Q, prefetch_related_objects
from django.utils.translation import gettext_lazy as _

from config.roles import AGENTS, MANAGERS, is_agent, is_manager
from recovery.choices import (
    PENDING_COMPENSATION_STATUSES,
    SETTLED_COMPENSATION_STATUSES,
    CompensationStatus,
    Status,
)
from recovery.models import ApprovalLimit, CallbackAttempt, Compensation, Ticket, TicketEvent


def ticket_for_agent(reference):
    """One ticket with everything its page shows, in a fixed number of queries.

    However long the timeline or the ledger, the page costs the same: each
    list is one prefetch, and the people named on it come in the same query.
    """
    people = ("proposed_by", "approved_by", "fulfilled_by", "declined_by")
    return (
        Ticket.objects.select_related(
            "complaint__customer", "complaint__category", "complaint__logged_by", "assignee"
        )
        .prefetch_related(
            "complaint__attachments",
            Prefetch("compensations", queryset=Compensation.objects.select_related(*people)),
            Prefetch("events", queryset=TicketEvent.objects.select_related("actor")),
            "notifications",
        )
        .filter(complaint__reference=reference)
        .first()
    )


def ticket_for_api(reference):
    """``ticket_for_agent`` plus the callback attempts, which the API lists and the page does not.

    One more query, whatever the number of calls; kept apart so that the
    page does not pay for a list it does not show.
    """
    ticket = ticket_for_agent(reference)
    if ticket is not None:
        prefetch_related_objects(
            [ticket],
            Prefetch("callback_attempts", queryset=CallbackAttempt.objects.select_related("agent")),
        )
    return ticket


def breached_tickets(*, since=None, until=None, assignee_id=None, category_id=None):
    """Tickets whose callback promise the sweep marked broken, open or closed, for the managers.

    ``since`` (inclusive) and ``until`` (exclusive) bound ``breached_at``.
    The caller orders and pages them.
    """
    tickets = Ticket.objects.filter(breached_at__isnull=False).select_related(
        "complaint__category", "assignee"
    )
    if since is not None:
        tickets = tickets.filter(breached_at__gte=since)
    if until is not None:
        tickets = tickets.filter(breached_at__lt=until)
    if assignee_id is not None:
        tickets = tickets.filter(assignee_id=assignee_id)
    if category_id is not None:
        tickets = tickets.filter(complaint__category_id=category_id)
    return tickets


def ledger_is_settled(*, ticket):
    """True when nothing waits for approval or hand-over and at least one line is settled."""
    statuses = set(ticket.compensations.values_list("status", flat=True))
    return not statuses & set(PENDING_COMPENSATION_STATUSES) and bool(
        statuses & set(SETTLED_COMPENSATION_STATUSES)
    )


def compensation_approvable_by(*, compensation, user):
    """Whether ``user`` has the authority to approve this line's amount (its status aside).

    Managers approve anything; agents approve a line without an amount, or
    one within their currency's ApprovalLimit (no row: nothing).
    """
    return compensation.pk in compensations_approvable_by(compensations=[compensation], user=user)


def compensations_approvable_by(*, compensations, user):
    """The pks of the lines ``user`` may approve, with the limits read once for all of them.

    The ticket page asks about every line waiting on its ledger; one query for
    the limits keeps its cost the same however many there are.
    """
    compensations = list(compensations)
    if is_manager(user):
        return {c.pk for c in compensations}
    if not is_agent(user):
        return set()
    # A handful of rows (one per currency): read them all, always, so the
    # page's query count does not depend on what the ledger holds.
    limits = dict(ApprovalLimit.objects.values_list("currency", "agent_limit"))
    return {
        c.pk
        for c in compensations
        if c.amount is None or (c.currency in limits and c.amount <= limits[c.currency])
    }


def assignable_agents():
    """Active users who may be given tickets: agents, managers and superusers."""
    return list(
        get_user_model()
        .objects.filter(is_active=True)
        .filter(Q(groups__name__in=(AGENTS, MANAGERS)) | Q(is_superuser=True))
        .distinct()
        .order_by("first_name", "username")
    )


_STEPS = {
    "acknowledge": _("Call the customer back"),
    "apologize": _("Apologize"),
    "compensate": _("Propose a compensation"),
    "approve_compensation": _("Approve the compensation"),
    "fulfil_compensation": _("Fulfil the compensation"),
    "start_follow_up": _("Start the follow-up"),
    "resolve": _("Follow up and resolve"),
}


def ticket_next_step(ticket):
    """What the agent should do next on ``ticket``, and by when; None once it is closed.

    Returns ``{"step", "label", "due", "compensation"}``: ``step`` names the
    service to offer first (``acknowledge``, ``apologize``, ``compensate``,
    ``approve_compensation``, ``fulfil_compensation``, ``start_follow_up``,
    ``resolve``); ``compensation`` is the ledger line it concerns, if any.
    """
    step, due, compensation = None, None, None
    if ticket.status == Status.NEW:
        step, due = "acknowledge", ticket.callback_due_at
    elif ticket.status == Status.ACKNOWLEDGED:
        step = "apologize"
    elif ticket.status == Status.APOLOGIZED:
        step = "compensate"
    elif ticket.status == Status.COMPENSATED:
        # .all() so that a prefetched ledger costs no query.
        ledger = ticket.compensations.all()
        waiting = [c for c in ledger if c.status in PENDING_COMPENSATION_STATUSES]
        if waiting:
            compensation = waiting[0]
            step = (
                "approve_compensation"
                if compensation.status == CompensationStatus.PROPOSED
                else "fulfil_compensation"
            )
        else:
            step, due = "start_follow_up", ticket.follow_up_due_at
    elif ticket.status == Status.FOLLOW_UP:
        step, due = "resolve", ticket.follow_up_due_at
    if step is None:
        return None
    return {"step": step, "label": _STEPS[step], "due": due, "compensation": compensation}
