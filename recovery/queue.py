"""The agents' queue: which open tickets to show, in what order, and how many of each.

Every read here is one query whatever the size of the data: the page of tickets
is an index range scan of ``ticket_queue_idx`` (open tickets by ``due_at``, or
the index of the column sorted by: ``recovery.queue_sorts``) that stops after a
page, and the counters are one aggregate over open tickets.
A search is first narrowed to one indexed condition (a reference, an email, a
phone number), else to fragments the trigram and full-text indexes of
``complaints.search`` answer: it never scans the customers or the complaints.
"""

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Self

from django.conf import settings
from django.contrib.auth.models import User
from django.core.cache import cache
from django.db.models import Count, Q, QuerySet
from django.db.models.lookups import Exact
from django.http import QueryDict
from django.utils import timezone

from complaints.models import Customer
from complaints.search import complaint_ids_matching
from complaints.selectors import customers_by_email
from recovery.choices import OPEN_STATUSES, CompensationStatus, Priority, Status
from recovery.models import Ticket
from recovery.models.tickets import unread_q
from recovery.queue_sorts import DEFAULT_SORT, SORTS, tickets_sorted
from recovery.selectors import LineWithAuthority, compensations_with_authority, counted_category
from recovery.sla import PROMISE_UNBROKEN, callback_start
from recovery.workflow.moves import awaiting_approval_exists
from shared.choices import TROUBLE
from shared.identifiers import normalize_reference
from shared.outages import log_unavailable
from shared.phones import maybe_e164
from shared.roles import is_manager

logger = logging.getLogger(__name__)
# "escalated": breached while nobody had it, until somebody takes it.
# "awaiting": a proposed compensation waits (for a manager: one that needs a manager).
SCOPES = ("all", "mine", "unassigned", "escalated", "awaiting")
# The shape of the cached counters is in the key: a new shape (a new tab) gets
# a new key, so a deploy never reads the counters the previous code cached.
COUNTS_KEY = "amends:queue:counts:v2"
PER_PAGE = 25


@dataclass(frozen=True)
class QueueFilters:
    """What the agent asked to see; built from the query string by the view."""

    scope: str = "all"
    status: str = ""
    priority: str = ""
    category: int | None = None
    channel: str = ""
    breached: bool = False
    # Tickets with an email that failed, bounced or was marked as spam.
    email_trouble: bool = False
    # A customer message the assignee has not read yet (the row's marker).
    unread: bool = False
    query: str = ""
    # A column of recovery.queue_sorts.SORTS; "-" before it in the query string: descending.
    sort: str = DEFAULT_SORT
    descending: bool = False

    @classmethod
    def from_params(cls, params: QueryDict) -> Self:
        """Read filters from a QueryDict, ignoring what is not a known value."""
        statuses = {s.value for s in Status if s in OPEN_STATUSES}
        category = params.get("category", "")
        sort = params.get("sort", "")
        descending = sort.startswith("-")
        sort = sort.removeprefix("-")
        if sort not in SORTS:
            sort, descending = DEFAULT_SORT, False
        return cls(
            scope=params.get("scope", "") if params.get("scope") in SCOPES else "all",
            status=params.get("status", "") if params.get("status") in statuses else "",
            priority=params.get("priority", "")
            if params.get("priority") in Priority.values
            else "",
            category=int(category) if category.isdigit() and len(category) < 10 else None,
            channel=params.get("channel", "")[:8] if params.get("channel") else "",
            breached=params.get("breached") in ("1", "on", "true"),
            email_trouble=params.get("emails") == "failed",
            unread=params.get("unread") in ("1", "on", "true"),
            query=" ".join(params.get("q", "").split())[:100],
            sort=sort,
            descending=descending,
        )


@dataclass
class QueuePage:
    tickets: Sequence[Ticket]
    number: int
    has_next: bool
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def has_previous(self) -> bool:
        return self.number > 1


def breached_q(now: datetime) -> Q:
    """Open tickets whose callback promise is broken: overdue and not acknowledged, or marked."""
    return Q(callback_due_at__lt=now) | Q(breached_at__isnull=False)


def search_q(query: str) -> Q:
    """One indexed condition for what the agent typed: an exact key first, else any fragment.

    A whole reference, an email or a phone number that reads as one are
    unique keys, looked up by their own b-tree index. Anything else may be a
    piece of a reference, a name (accents aside), an order number, words of
    the description or a phone number in another country's national form:
    ``complaints.search`` answers each from a trigram or full-text index, and
    the newest complaints it finds (``complaint_ids_matching``, bounded) have
    their tickets looked up by ``complaint_id``, so no table is scanned. Still
    one query: the union is a subquery of the page's.
    """
    reference = normalize_reference(query)
    if reference:
        return Q(complaint__reference=reference)
    if "@" in query:
        return Q(complaint__customer__in=customers_by_email(query).values("pk"))
    phone = maybe_e164(query)
    if phone:
        return Q(complaint__customer__in=Customer.objects.filter(phone=phone).values("pk"))
    return Q(complaint__in=complaint_ids_matching(query=query))


def awaiting_approval(*, for_manager: bool) -> QuerySet[LineWithAuthority]:
    """The proposed lines waiting for approval; for a manager, only those an agent may not approve.

    "Needs a manager" is the ledger's own rule (``compensations_with_authority``):
    above the agents' limit on the ticket, counting what is already approved.
    """
    lines = compensations_with_authority().filter(status=CompensationStatus.PROPOSED)
    return lines.filter(within_agents_limit=False) if for_manager else lines


def filters_q(filters: QueueFilters, *, user: User, now: datetime) -> Q:
    """The filters as one condition over open tickets (the search aside)."""
    condition = Q()
    if filters.scope == "mine":
        condition &= Q(assignee=user)
    elif filters.scope == "unassigned":
        condition &= Q(assignee__isnull=True)
    elif filters.scope == "escalated":
        condition &= Q(escalated_at__isnull=False, assignee__isnull=True)
    elif filters.scope == "awaiting":
        condition &= Q(pk__in=awaiting_approval(for_manager=is_manager(user)).values("ticket_id"))
    if filters.status:
        condition &= Q(status=filters.status)
    if filters.priority:
        condition &= Q(priority=filters.priority)
    if filters.category:
        # The category the ticket counts under: an agent's correction wins.
        condition &= Q(Exact(counted_category(), filters.category))
    if filters.channel:
        condition &= Q(complaint__channel=filters.channel)
    if filters.breached:
        condition &= breached_q(now)
    if filters.unread:
        # Word for word the condition of ticket_unread_idx, so PostgreSQL reads that index.
        condition &= unread_q()
    if filters.email_trouble:
        # A range of notification_trouble_idx: the few emails that went wrong
        # (the outbox's rows, reached through their tickets: recovery imports
        # nothing of notifications).
        troubled = Ticket.objects.filter(notifications__status__in=TROUBLE).values("pk")
        condition &= Q(pk__in=troubled)
    return condition


def shared_counts(*, now: datetime) -> dict[str, int]:
    """How many open tickets are in all, unassigned, breached and awaiting approval: the same for all.

    One count each rather than one aggregate with FILTER clauses: each is an
    index-only range scan of its own partial index, where the aggregate has to
    read every open row. Still about 15 ms at 100,000 open tickets, so the
    result is shared through the cache for QUEUE_COUNTS_SECONDS (the page
    refreshes every 30 s anyway); a cache failure just counts again.
    """
    ttl = settings.AMENDS["QUEUE_COUNTS_SECONDS"]
    try:
        counts = cache.get(COUNTS_KEY) if ttl else None
    except Exception as error:
        log_unavailable(logger, "Queue counters cache unavailable; counting live.", error)
        counts = None
    if counts is not None:
        return counts
    open_tickets = Ticket.objects.filter(status__in=OPEN_STATUSES)
    # Overdue callbacks, plus tickets the sweep marked whose callback is no longer overdue.
    overdue = open_tickets.filter(callback_due_at__lt=now).count()
    marked = open_tickets.filter(breached_at__isnull=False).exclude(callback_due_at__lt=now).count()
    waiting = awaiting_approval(for_manager=False).filter(ticket__status__in=OPEN_STATUSES)
    counts = {
        **waiting.aggregate(
            awaiting=Count("ticket", distinct=True),
            awaiting_manager=Count("ticket", distinct=True, filter=Q(within_agents_limit=False)),
        ),
        "all": open_tickets.count(),
        "unassigned": open_tickets.filter(assignee__isnull=True).count(),
        "breached": overdue + marked,
        "escalated": open_tickets.filter(escalated_at__isnull=False, assignee__isnull=True).count(),
    }
    try:
        if ttl:
            cache.set(COUNTS_KEY, counts, timeout=ttl)
    except Exception as error:
        log_unavailable(logger, "Queue counters cache unavailable; not kept.", error)
    return counts


def queue_counts(*, user: User, now: datetime) -> dict[str, int]:
    """Counters for the tabs: the shared ones, and this agent's own (always live).

    ``reminded`` is the badge on "Mine": this agent's tickets whose callback
    is still owed after a reminder went out. ``awaiting`` counts what the
    "awaiting approval" tab lists for this user: every waiting proposal for an
    agent, those that need a manager for a manager.
    """
    mine = Ticket.objects.filter(status__in=OPEN_STATUSES, assignee=user).aggregate(
        mine=Count("id"),
        reminded=Count(
            "id",
            filter=PROMISE_UNBROKEN & Q(callback_due_at__isnull=False, reminders_sent__gt=0),
        ),
    )
    counts = {**shared_counts(now=now), **mine}
    manager_count = counts.pop("awaiting_manager")
    if is_manager(user):
        counts["awaiting"] = manager_count
    return counts


def due_state(ticket: Ticket, now: datetime) -> str:
    """ "breached", "soon" (under a quarter of the callback window left), or "" for the row's colour.

    While a callback is owed, its own promise decides: a second attempt's is
    counted from its answer, whatever became of the first promise. With none
    owed, a ticket whose promise was broken stays marked.
    """
    due = ticket.callback_due_at
    if due is None:
        # The answer owed to a customer's message, once overdue (recovery.workflow.reply).
        reply_late = ticket.reply_due_at is not None and ticket.reply_due_at <= now
        return "breached" if ticket.breached_at or reply_late else ""
    start = callback_start(opened_at=ticket.opened_at, second_attempt_at=ticket.second_attempt_at)
    if due <= now or (ticket.breached_at and ticket.breached_at >= start):
        return "breached"
    window = (due - start).total_seconds()
    if window > 0 and (due - now).total_seconds() < window / 4:
        return "soon"
    return ""


def ticket_queue(
    *,
    filters: QueueFilters,
    user: User,
    page: int = 1,
    per_page: int = PER_PAGE,
    now: datetime | None = None,
) -> QueuePage:
    """One page of the queue: overdue first, then the nearest deadline, met ones last.

    Or in the order of the column the agent chose (``recovery.queue_sorts``).
    A search also finds closed tickets (agents look up a resolved complaint by
    its reference), listed after the open ones in the due order.
    """
    now = now or timezone.now()
    tickets = Ticket.objects.filter(filters_q(filters, user=user, now=now))
    if filters.query:
        tickets = tickets.filter(search_q(filters.query))
    else:
        tickets = tickets.filter(status__in=OPEN_STATUSES)
    page = max(1, page)
    tickets = tickets_sorted(tickets, key=filters.sort, descending=filters.descending)
    rows = list(
        tickets.select_related("complaint__customer", "complaint__category", "category", "assignee")
        # The row's stage (recovery.workflow.moves.ticket_stage), in the same query.
        .annotate(awaiting_approval=awaiting_approval_exists())[
            (page - 1) * per_page : page * per_page + 1
        ]
    )
    for ticket in rows:
        ticket.due_state = due_state(ticket, now)  # type: ignore[attr-defined]  # for the row
    return QueuePage(
        tickets=rows[:per_page],
        number=page,
        has_next=len(rows) > per_page,
        counts=queue_counts(user=user, now=now),
    )


def queue_tickets(
    *,
    filters: QueueFilters,
    user: User,
    assignee_id: int | None = None,
    now: datetime | None = None,
) -> QuerySet[Ticket]:
    """The queue's tickets for the API, unordered (its cursor pagination orders them).

    The same conditions as the page (``filters_q``), narrowed to one
    assignee if asked. Without a status filter, the open tickets; a closed
    status lists those instead (the page finds them through its search).
    """
    now = now or timezone.now()
    tickets = Ticket.objects.filter(filters_q(filters, user=user, now=now))
    if assignee_id is not None:
        tickets = tickets.filter(assignee_id=assignee_id)
    if not filters.status or filters.status in OPEN_STATUSES:
        # Repeated even with an open status, so the partial indexes apply.
        tickets = tickets.filter(status__in=OPEN_STATUSES)
    return tickets.select_related(
        "complaint__customer", "complaint__category", "category", "assignee"
    ).annotate(awaiting_approval=awaiting_approval_exists())
