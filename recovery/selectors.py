"""Reads for the agents' pages, and the questions the workflow asks of the ledger."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, TypeAlias, TypedDict

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.db.models import (
    BooleanField,
    Case,
    DecimalField,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
    prefetch_related_objects,
)
from django.db.models.functions import Coalesce
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from recovery.choices import (
    PENDING_COMPENSATION_STATUSES,
    SETTLED_COMPENSATION_STATUSES,
    CompensationStatus,
    Status,
)
from recovery.merges import has_merges_in, merged_into_reference
from recovery.models import ApprovalLimit, CallbackAttempt, Compensation, Ticket, TicketEvent
from recovery.money import money_format
from shared.roles import AGENTS, MANAGERS, UserLike, is_agent, is_manager

if TYPE_CHECKING:  # a typing helper of django-stubs, not installed in production
    from django_stubs_ext import WithAnnotations

# What counts against an agent's limit on a ticket: what was granted, handed over yet or not.
GRANTED_STATUSES = (CompensationStatus.APPROVED, CompensationStatus.FULFILLED)


def ticket_for_agent(reference: str) -> Ticket | None:
    """One ticket with everything its page shows, in a fixed number of queries.

    However long the timeline or the ledger, the page costs the same: each
    list is one prefetch, and the people named on it come in the same query.
    """
    people = ("proposed_by", "approved_by", "fulfilled_by", "declined_by")
    return (
        Ticket.objects.select_related(
            "complaint__customer",
            "complaint__category",
            "complaint__logged_by",
            "assignee",
            "category",
            "root_cause",
        )
        .prefetch_related(
            "complaint__attachments",
            Prefetch(
                "compensations", queryset=compensations_with_authority().select_related(*people)
            ),
            Prefetch("events", queryset=TicketEvent.objects.select_related("actor")),
            "notifications",
        )
        .filter(complaint__reference=reference)
        # Where a merged ticket's reference leads, and whether others are merged into
        # it (recovery.merges): no query of their own; the page reads the merges only then.
        .annotate(merged_into_reference=merged_into_reference(), has_merges_in=has_merges_in())
        .first()
    )


def ticket_for_api(reference: str) -> Ticket | None:
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


def breached_tickets(
    *,
    since: datetime | None = None,
    until: datetime | None = None,
    assignee_id: int | None = None,
    category_id: int | None = None,
) -> QuerySet[Ticket]:
    """Tickets whose callback promise the sweep marked broken, open or closed, for the managers.

    ``since`` (inclusive) and ``until`` (exclusive) bound ``breached_at``.
    The caller orders and pages them.
    """
    tickets = Ticket.objects.filter(breached_at__isnull=False).select_related(
        "complaint__category", "category", "assignee"
    )
    if since is not None:
        tickets = tickets.filter(breached_at__gte=since)
    if until is not None:
        tickets = tickets.filter(breached_at__lt=until)
    if assignee_id is not None:
        tickets = tickets.filter(assignee_id=assignee_id)
    if category_id is not None:
        tickets = tickets.alias(counted_category=counted_category()).filter(
            counted_category=category_id
        )
    return tickets


def ledger_is_settled(*, ticket: Ticket) -> bool:
    """True when nothing waits for approval or hand-over and at least one line is settled."""
    statuses = set(ticket.compensations.values_list("status", flat=True))
    return not statuses & set(PENDING_COMPENSATION_STATUSES) and bool(
        statuses & set(SETTLED_COMPENSATION_STATUSES)
    )


class Authority(TypedDict):
    """The columns ``compensations_with_authority`` adds to each ledger line."""

    approved_on_ticket: Decimal
    agent_limit: Decimal | None
    within_agents_limit: bool


# A ledger line read through ``compensations_with_authority``.
LineWithAuthority: TypeAlias = "WithAnnotations[Compensation, Authority]"


def compensations_with_authority() -> QuerySet[LineWithAuthority]:
    """Ledger lines, each annotated with what an agent's approval of it would come to.

    ``approved_on_ticket``: the amount already approved or handed over on the
    line's ticket in its currency, the line itself left out. ``agent_limit``:
    the currency's ApprovalLimit (None: no row, agents approve nothing in it).
    ``within_agents_limit``: whether an agent may approve the line: it has no
    amount, or it and ``approved_on_ticket`` together stay within the limit.
    The limit bounds what a ticket is given, not one line: two lines of 45
    under a limit of 50 cannot both be approved by an agent.

    The one statement of the rule: the approval service, the email to the
    managers, the ticket page, the API and the queue's "awaiting approval"
    tab all read these columns.
    """
    granted = (
        Compensation.objects.filter(
            ticket=OuterRef("ticket"), currency=OuterRef("currency"), status__in=GRANTED_STATUSES
        )
        .exclude(pk=OuterRef("pk"))
        .order_by()
        .values("ticket")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    limit = ApprovalLimit.objects.filter(currency=OuterRef("currency")).values("agent_limit")
    money = DecimalField(max_digits=14, decimal_places=2)
    return Compensation.objects.annotate(
        approved_on_ticket=Coalesce(Subquery(granted), Value(Decimal("0.00")), output_field=money),
        agent_limit=Subquery(limit, output_field=money),
    ).annotate(
        within_agents_limit=Case(
            When(amount__isnull=True, then=Value(True)),
            When(
                agent_limit__isnull=False,
                amount__lte=F("agent_limit") - F("approved_on_ticket"),
                then=Value(True),
            ),
            default=Value(False),
            output_field=BooleanField(),
        )
    )


def compensation_approvable_by(*, compensation: LineWithAuthority, user: UserLike) -> bool:
    """Whether ``user`` has the authority to approve this line (its status aside).

    ``compensation`` comes from ``compensations_with_authority()``. Managers
    approve anything; agents what is within their limit on the ticket.
    """
    if is_manager(user):
        return True
    return is_agent(user) and compensation.within_agents_limit


def compensations_approvable_by(
    *, compensations: Iterable[LineWithAuthority], user: UserLike
) -> set[int]:
    """The pks of the lines ``user`` may approve (lines from ``compensations_with_authority``)."""
    return {c.pk for c in compensations if compensation_approvable_by(compensation=c, user=user)}


def approval_refusal(*, compensation: LineWithAuthority, user: UserLike) -> str | Promise | None:
    """Why ``user`` may not approve ``compensation``, naming the limit and what is approved; or None."""
    if compensation_approvable_by(compensation=compensation, user=user):
        return None
    currency = compensation.currency
    if not is_agent(user):
        return _("Only a manager can approve this compensation.")
    if compensation.agent_limit is None:
        return _(
            "Agents may approve nothing in %(currency)s alone: a manager must approve this one."
        ) % {"currency": currency}
    limit = money_format(compensation.agent_limit, currency)
    if not compensation.approved_on_ticket:
        return _(
            "You may approve up to %(limit)s on this ticket: a manager must approve this one."
        ) % {"limit": limit}
    return _(
        "You may approve up to %(limit)s on this ticket (%(approved)s already approved): "
        "a manager must approve this one."
    ) % {"limit": limit, "approved": money_format(compensation.approved_on_ticket, currency)}


@dataclass(frozen=True)
class Allowance:
    """What an agent may still approve alone on one ticket in one currency."""

    currency: str
    limit: Decimal
    approved: Decimal


def approval_allowances(*, user: UserLike, ledger: Iterable[Compensation]) -> list[Allowance]:
    """For an agent, one Allowance per currency with a limit; none for a manager (no limit).

    ``ledger`` is the ticket's lines (a prefetched list costs no query); the
    limits are one query. Shown beside the compensation form, so the agent
    knows before proposing whether they can approve it themselves.
    """
    if is_manager(user):
        return []
    approved: dict[str, Decimal] = {}
    for line in ledger:
        if line.amount is not None and line.status in GRANTED_STATUSES:
            approved[line.currency] = approved.get(line.currency, Decimal("0")) + line.amount
    return [
        Allowance(currency=currency, limit=limit, approved=approved.get(currency, Decimal("0")))
        for currency, limit in ApprovalLimit.objects.values_list("currency", "agent_limit")
    ]


def assignable_agents() -> list[User]:
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


class NextStep(TypedDict):
    step: str
    label: Promise
    due: datetime | None
    compensation: Compensation | None


def ticket_next_step(ticket: Ticket) -> NextStep | None:
    """What the agent should do next on ``ticket``, and by when; None once it is closed.

    Returns ``{"step", "label", "due", "compensation"}``: ``step`` names the
    service to offer first (``acknowledge``, ``apologize``, ``compensate``,
    ``approve_compensation``, ``fulfil_compensation``, ``start_follow_up``,
    ``resolve``); ``compensation`` is the ledger line it concerns, if any.
    A callback owed comes first: a new ticket's, or a second attempt's after
    an unhappy follow-up answer (``recovery.survey``).
    """
    step, due, compensation = None, None, None
    if ticket.status == Status.NEW or (ticket.is_open and ticket.callback_due_at is not None):
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


def counted_category(*, ticket: str = "", complaint: str = "complaint__") -> Coalesce:
    """The category a ticket counts under: the agent's correction, else the customer's pick.

    The one rule for every statistic, filter and export that groups by
    category (``coalesce(ticket.category, complaint.category)``), written
    from whichever model the query starts at: ``ticket`` and ``complaint``
    are the paths to each from there (from a Complaint: ``ticket="ticket__",
    complaint=""``). The customer's own pick stays readable as
    ``complaint.category`` where a page or export shows it beside.
    """
    return Coalesce(f"{ticket}category_id", f"{complaint}category_id")
