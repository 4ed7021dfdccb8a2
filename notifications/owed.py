"""Which emails each event of a ticket owes, and to whom: the one place these rules live.

Recovery announces every event it records (``recovery.signals.events_recorded``,
sent inside the transaction that wrote them) and knows nothing of emails;
``notifications.receivers`` hands the events here, and the outbox rows commit
with them or not at all. An agent's step announces one event; the sweep
announces a batch (breaches, reminders, surveys sent or closed unanswered),
and a batch costs a handful of queries whatever its size.

The customer hears that we received their complaint and about each step an
agent takes on it, in the language they wrote in, and only if we have their
address (a phone complaint may have none). They are never emailed about what
they did themselves (their own message, a reopening it caused) nor about
anything internal (notes, assignments, a manager's approval). Staff hear about
what waits on them: a compensation above the proposer's authority, a
customer's message, a callback due soon or missed, a failed recovery; and a
proposer hears when a colleague approved or declined their proposal.

A merge of duplicates, and its undo (``EventKind.MERGED``, ``UNMERGED``),
owe nobody an email: the customer loses nothing by it (their old link leads
to the survivor, whose history shows the merge) and an email about our
filing would only puzzle them; the agent who merged knows.
"""

from collections.abc import Iterable, Sequence

from notifications.models import Notification, NotificationKind
from notifications.services import notification_queue, notifications_queue_many
from notifications.staff import staff_recipients, staff_recipients_by_user
from recovery.choices import CompensationKind, EventKind
from recovery.models import Compensation, Ticket, TicketEvent
from recovery.selectors import compensation_approvable_by, compensations_with_authority
from shared.roles import AGENTS, MANAGERS

K = NotificationKind
# Whom an email goes to: (address, language).
Recipient = tuple[str, str]
# One email an event owes: (event, kind, address, language).
Owed = tuple[TicketEvent, NotificationKind, str, str]

# A status move (its action in recovery.workflow.ALLOWED) → the customer's
# email. Reopening is left out: when the customer's message reopens a ticket
# they did it themselves, and they hear back from the agent who takes it up.
# Starting the follow-up is too: its email goes with the survey, when due.
STEP_EMAILS = {
    "acknowledge": K.ACKNOWLEDGED,
    "apologize": K.APOLOGY,
    "resolve": K.RESOLVED,
}

# A ledger change → the customer's email. The offer goes out once the line is
# approved, not when it is proposed: a proposal above the agent's limit may
# still be declined by a manager, and a customer must never be promised what
# we then take back. A "none" line is recorded, never approved: the customer
# is not emailed an offer of nothing (its reason is written for staff), and
# hears from us next at the follow-up.
LEDGER_EMAILS = {
    "approved": K.COMPENSATION_OFFERED,
    "fulfilled": K.COMPENSATION_FULFILLED,
}


# Kinds that may write to staff whatever their payload says.
STAFF_EVENTS = frozenset(
    {
        EventKind.CUSTOMER_MESSAGE,
        EventKind.BREACHED,
        EventKind.REMINDED,
        EventKind.REPLY_BREACHED,
        EventKind.REPLY_REMINDED,
        EventKind.SURVEY_ANSWERED,
        EventKind.COMPENSATION,
    }
)


def customer_email_kind(event: TicketEvent) -> NotificationKind | None:
    """The email the customer is owed for ``event``, or None. Reads the event alone (no query)."""
    if event.kind == EventKind.OPENED:
        return K.COMPLAINT_RECEIVED
    if event.kind == EventKind.STATUS:
        return STEP_EMAILS.get(event.payload.get("action"))
    if event.kind == EventKind.AGENT_MESSAGE:
        return K.AGENT_MESSAGE
    if event.kind == EventKind.BREACHED:
        # The apology for a missed callback, with when we will call.
        return K.DEADLINE_MISSED
    if event.kind == EventKind.SURVEY_SENT:
        # The follow-up email goes with its survey, when the follow-up falls
        # due (recovery.workflow.bulk.surveys_send_due), not when it starts.
        return K.FOLLOW_UP
    if event.kind == EventKind.COMPENSATION and event.payload.get("kind") != CompensationKind.NONE:
        return LEDGER_EMAILS.get(event.payload.get("change"))
    return None


def _needs_a_manager(event: TicketEvent) -> bool:
    """True for a proposal its own proposer may not approve (above their limit on the ticket)."""
    if event.kind != EventKind.COMPENSATION or event.payload.get("change") != "proposed":
        return False
    compensation = compensations_with_authority().get(pk=event.payload["compensation"])
    return not compensation_approvable_by(compensation=compensation, user=event.actor)


def _proposer_to_tell(event: TicketEvent) -> list[Recipient]:
    """``[(address, language)]`` of the proposer somebody else approved or declined; else ``[]``.

    Not when they decided themselves (they know), nor for a line declined
    after its approval (the customer refused it: no decision on the proposal).
    """
    change = event.payload.get("change")
    if event.kind != EventKind.COMPENSATION or change not in ("approved", "declined"):
        return []
    compensation = Compensation.objects.select_related("proposed_by").get(
        pk=event.payload["compensation"]
    )
    proposer = compensation.proposed_by
    if proposer is None or proposer.pk == event.actor_id:
        return []
    if change == "declined" and compensation.approved_at is not None:
        return []
    return list(staff_recipients_by_user([proposer.pk]).values())


class _Staff:
    """The staff a set of events may write to: each group, and the users named, read once."""

    def __init__(self, events: Iterable[TicketEvent]) -> None:
        self._groups: dict[str, list[Recipient]] = {}
        self._users: dict[int, Recipient] | None = None
        self._named = {event.payload.get("assignee") for event in events} - {None}

    def group(self, name: str) -> list[Recipient]:
        if name not in self._groups:
            self._groups[name] = staff_recipients(name)
        return self._groups[name]

    def user(self, pk: int) -> Recipient | None:
        if self._users is None:
            self._users = staff_recipients_by_user(self._named | {pk})
        elif pk not in self._users and pk not in self._named:
            self._named.add(pk)
            self._users |= staff_recipients_by_user([pk])
        return self._users.get(pk)

    def assignee_or_agents(self, assignee_id: int | None) -> list[Recipient]:
        """The assignee, or every agent when there is none to write to.

        Unlike a reminder, a customer's message must reach somebody: an
        assignee who left (inactive) or has no address would leave it unread.
        """
        if assignee_id is not None and (assignee := self.user(assignee_id)) is not None:
            return [assignee]
        return self.group(AGENTS)


def _staff_owed(event: TicketEvent, staff: _Staff) -> list[tuple[NotificationKind, Recipient]]:
    """``[(kind, (address, language))]`` of the staff emails ``event`` owes."""
    if event.kind == EventKind.CUSTOMER_MESSAGE:
        return [
            (K.CUSTOMER_REPLIED, to) for to in staff.assignee_or_agents(event.ticket.assignee_id)
        ]
    if event.kind == EventKind.BREACHED:
        return [(K.BREACH_ALERT, to) for to in staff.group(MANAGERS)]
    if event.kind == EventKind.REPLY_BREACHED:
        # A missed reply escalates like a missed callback; the customer is not
        # written an apology for it: the answer itself is what they wait for.
        return [(K.REPLY_BREACH_ALERT, to) for to in staff.group(MANAGERS)]
    if event.kind in (EventKind.REMINDED, EventKind.REPLY_REMINDED):
        # The assignee as the reminder was written (an assignee who cannot be
        # written to gets nothing: the breach alert follows), else every agent.
        kind = K.CALLBACK_REMINDER if event.kind == EventKind.REMINDED else K.REPLY_REMINDER
        assignee = event.payload.get("assignee")
        if assignee is None:
            return [(kind, to) for to in staff.group(AGENTS)]
        to = staff.user(assignee)
        return [] if to is None else [(kind, to)]
    if event.kind == EventKind.SURVEY_ANSWERED and event.payload.get("unhappy"):
        # There is no manager hierarchy to find "the assignee's manager" in,
        # so every manager hears of a failed recovery, as of a missed callback.
        return [(K.SURVEY_DETRACTOR, to) for to in staff.group(MANAGERS)]
    if _needs_a_manager(event):
        return [(K.APPROVAL_NEEDED, to) for to in staff.group(MANAGERS)]
    if event.payload.get("second_attempt"):
        # An unhappy survey answer sent it back and a new callback is owed.
        return [(K.SECOND_ATTEMPT, to) for to in staff.assignee_or_agents(event.ticket.assignee_id)]
    return [(K.APPROVAL_DECIDED, to) for to in _proposer_to_tell(event)]


def _may_owe(event: TicketEvent) -> bool:
    """Whether ``event`` may owe any email: the others cost no query at all."""
    return (
        customer_email_kind(event) is not None
        or event.kind in STAFF_EVENTS
        or bool(event.payload.get("second_attempt"))
    )


def _customers(events: Sequence[TicketEvent]) -> dict[int, Recipient]:
    """``{ticket id: (address, language)}`` of the customers ``events`` owe an email.

    One step's event has its ticket in memory; a sweep's batch is read in one query.
    """
    owing = [event for event in events if customer_email_kind(event) is not None]
    if not owing:
        return {}
    if len(owing) == 1 and "ticket" in owing[0]._state.fields_cache:
        complaint = owing[0].ticket.complaint
        return {owing[0].ticket_id: (complaint.customer.email, complaint.language)}
    return {
        pk: (email, language)
        for pk, email, language in Ticket.objects.filter(
            pk__in={event.ticket_id for event in owing}
        ).values_list("pk", "complaint__customer__email", "complaint__language")
    }


def emails_owed(events: Iterable[TicketEvent]) -> list[Owed]:
    """``[(event, kind, recipient, language)]``: every email ``events`` owe, in a stable order.

    The customer's first, then staff's, event by event. Staff are written to
    in their own language (``notifications.staff``).
    """
    events = [event for event in events if _may_owe(event)]
    if not events:
        return []
    customers = _customers(events)
    staff = _Staff(events)
    owed: list[Owed] = []
    for event in events:
        kind = customer_email_kind(event)
        email, language = customers.get(event.ticket_id, ("", ""))
        if kind is not None and email:
            owed.append((event, kind, email, language))
        owed.extend(
            (event, kind, address, staff_language)
            for kind, (address, staff_language) in _staff_owed(event, staff)
        )
    return owed


def notifications_for_events(
    events: Iterable[TicketEvent], *, batch: bool = False
) -> list[Notification]:
    """Queue the emails ``events`` owe, in the caller's transaction; returns the outbox rows.

    One step's event: a row each, safe to write twice (the outbox's
    uniqueness rule on event, kind and recipient returns the row already
    written). A sweep's batch (``batch``): its events are new, so one insert,
    and the sends fanned out in chunks instead of a broker round trip each.
    """
    owed = emails_owed(events)
    if batch:
        return notifications_queue_many(
            [
                Notification(
                    ticket_id=event.ticket_id,
                    event=event,
                    kind=kind,
                    recipient=recipient,
                    language=language,
                )
                for event, kind, recipient, language in owed
            ]
        )
    return [
        notification_queue(
            ticket=event.ticket, event=event, kind=kind, recipient=recipient, language=language
        )
        for event, kind, recipient, language in owed
    ]
