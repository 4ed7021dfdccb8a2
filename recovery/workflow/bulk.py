"""What the deadline sweep writes: breaches, reminders, surveys due and unanswered, many at a time.

The sweep can find a thousand tickets due at once (a broker down for an hour,
a Monday morning); handling them one by one costs a dozen round trips each.
These writers lock the due rows, write them in one statement and append their
events in one insert, so a sweep's cost is a handful of queries whatever it
finds. The row locks and the conditions re-checked under them make any number
of concurrent calls (two beats, the sweep racing an ETA task) write each
breach, each reminder and each survey's close once. Each writer announces its
events as one batch (``recovery.signals``), so the emails they owe are written
in the same transaction, in one insert.
"""

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Case, F, QuerySet, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from recovery.choices import OPEN_STATUSES, EventKind, Priority, Status
from recovery.errors import IllegalTransition, StaleTicket
from recovery.models import SlaSettings, Survey, SurveyOutcome, Ticket, TicketEvent
from recovery.models.survey import SURVEY_DAYS
from recovery.signals import events_announce
from recovery.sla import PROMISE_UNBROKEN, callback_columns, callback_start, reminder_times
from recovery.workflow.columns import tickets_write, tickets_write_each
from recovery.workflow.moves import ALLOWED, transition
from shared.roles import Actor


def _recorded(events: Iterable[TicketEvent]) -> list[TicketEvent]:
    """Append a batch of events in one insert, and announce them as one (``recovery.signals``)."""
    return events_announce(TicketEvent.objects.bulk_create(events), batch=True)


def awaiting_callback() -> QuerySet[Ticket]:
    """Open tickets owed a callback whose promise is not yet marked broken: what the sweep watches.

    A callback is owed while ``callback_due_at`` is set: the first one (a new
    ticket) or a second attempt's. ``breached_at`` is the once-guard, once per
    promise (``recovery.sla.PROMISE_UNBROKEN``): a column of the row, not a
    look-up of events, so the re-check under the row lock sees it.
    """
    return Ticket.objects.filter(
        PROMISE_UNBROKEN,
        status__in=OPEN_STATUSES,
        callback_due_at__isnull=False,
    )


def _locked(
    queryset: QuerySet[Any], *fields: str, limit: int | None = None
) -> list[dict[str, Any]]:
    # Ordered by id so concurrent callers take their locks in the same order
    # (no deadlock); "of self" leaves joined rows unlocked.
    rows = queryset.select_for_update(of=("self",)).order_by("id").values("id", "version", *fields)
    return list(rows[:limit] if limit else rows)


def _locked_write(
    queryset: QuerySet[Any], rows: list[dict[str, Any]], columns: dict[str, Any], *, at: datetime
) -> None:
    """Write ``columns`` on the locked ``rows``, still in ``queryset``: all of them, or refuse."""
    updated = tickets_write(queryset.filter(pk__in=[row["id"] for row in rows]), columns, at=at)
    if updated != len(rows):
        # Only where row locks do not exist (SQLite): another writer got there first.
        raise StaleTicket()


def escalated_if_nobodys(now: datetime) -> Case:
    """``escalated_at`` for a broken promise: now if nobody has the ticket, else unchanged."""
    return Case(When(assignee__isnull=True, then=Value(now)), default=F("escalated_at"))


@transaction.atomic
def tickets_breach(*, now: datetime, ids: Iterable[int] | None = None) -> list[TicketEvent]:
    """Mark every ticket whose callback was due by ``now`` as breached; return their events.

    A breach is recorded once per promise (``breached_at``, see
    ``awaiting_callback``), raises the priority to high (a manager is now on
    it), and puts a ticket nobody had on the escalation list (``escalated_at``).
    A second attempt's breach moves ``breached_at`` to its own moment: the
    column says when the callback last owed was missed. The deadline stays: the call is still owed, and the
    queue keeps the ticket at the top as overdue. ``ids`` narrows the check to
    those tickets (the ETA task's one).
    """
    due = awaiting_callback().filter(callback_due_at__lte=now)
    if ids is not None:
        due = due.filter(pk__in=ids)
    rows = _locked(due, "priority", "callback_due_at", "assignee_id", "second_attempt_at")
    if not rows:
        return []
    _locked_write(
        awaiting_callback(),
        rows,
        {
            "breached_at": now,
            "priority": Priority.HIGH,
            # Past the deadline a reminder is moot: the breach alert replaces it.
            "reminder_due_at": None,
            "escalated_at": escalated_if_nobodys(now),
        },
        at=now,
    )
    return _recorded(
        TicketEvent(
            ticket_id=row["id"],
            kind=EventKind.BREACHED,
            created_at=now,
            payload={
                "due_at": row["callback_due_at"].isoformat(),
                "late_seconds": round((now - row["callback_due_at"]).total_seconds(), 3),
                "priority_was": row["priority"],
                "escalated": row["assignee_id"] is None,
                "second_attempt": row["second_attempt_at"] is not None,
            },
        )
        for row in rows
    )


@transaction.atomic
def tickets_remind(*, now: datetime, limit: int = 500) -> list[TicketEvent]:
    """Move up to ``limit`` reminders due by ``now`` along and return their events.

    Each ticket's next reminder time moves to the following one, or to none. A
    sweep that comes late (a worker down) sends only the latest reminder due,
    not a burst of stale ones. Reminders do not bump the version: an agent
    with the ticket open is not told to reload because the sweep reminded them.
    """
    rows = _locked(
        awaiting_callback().filter(reminder_due_at__lte=now),
        "opened_at",
        "second_attempt_at",
        "priority",
        "reminders_sent",
        "reminder_due_at",
        "callback_due_at",
        "assignee_id",
        limit=limit,
    )
    if not rows:
        return []
    sla = SlaSettings.current()
    columns, events = {}, []
    for row in rows:
        start = callback_start(
            opened_at=row["opened_at"], second_attempt_at=row["second_attempt_at"]
        )
        times = reminder_times(submitted_at=start, priority=row["priority"], sla=sla)
        passed = max(row["reminders_sent"] + 1, sum(1 for at in times if at <= now))
        upcoming = times[passed:]
        columns[row["id"]] = {
            "reminders_sent": passed,
            "reminder_due_at": upcoming[0] if upcoming else None,
        }
        events.append(
            TicketEvent(
                ticket_id=row["id"],
                kind=EventKind.REMINDED,
                created_at=now,
                payload={
                    "number": passed,
                    "due_at": row["callback_due_at"].isoformat(),
                    "assignee": row["assignee_id"],
                },
            )
        )
    tickets_write_each(columns, at=now, quiet=True)
    return _recorded(events)


def surveys_to_send(now: datetime) -> QuerySet[Ticket]:
    """Tickets in follow-up whose survey is due: a range of ``ticket_follow_up_due_idx``."""
    return Ticket.objects.filter(status=Status.FOLLOW_UP, follow_up_due_at__lte=now)


@transaction.atomic
def surveys_send_due(*, now: datetime, limit: int = 500) -> list[TicketEvent]:
    """Send the follow-up survey of up to ``limit`` tickets due by ``now``; return their events.

    The survey goes out when the follow-up falls due, not when it starts: the
    customer is asked once the remedy has had time to arrive, as the page
    says. Each ticket's ``follow_up_due_at`` then moves to the end of the
    survey's window, when silence resolves it (``surveys_close_unanswered``):
    that write is the once-guard, re-checked under the row lock, so two
    sweeps send one survey. A ticket already waiting on a survey (one sent
    when follow-ups still sent it at once) gets no second one, only the move.
    Each SURVEY_SENT event owes the follow-up email with the survey's link.
    """
    rows = _locked(surveys_to_send(now), limit=limit)
    if not rows:
        return []
    ids = [row["id"] for row in rows]
    waiting = dict(
        Survey.objects.filter(ticket_id__in=ids, outcome=SurveyOutcome.WAITING).values_list(
            "ticket_id", "expires_at"
        )
    )
    surveys = Survey.objects.bulk_create(
        Survey(ticket_id=pk, sent_at=now, expires_at=now + timedelta(days=SURVEY_DAYS))
        for pk in ids
        if pk not in waiting
    )
    ends = {**waiting, **{survey.ticket_id: survey.expires_at for survey in surveys}}
    tickets_write_each(
        {pk: {"follow_up_due_at": end} for pk, end in ends.items()}, at=now, quiet=True
    )
    return _recorded(
        TicketEvent(
            ticket_id=survey.ticket_id,
            kind=EventKind.SURVEY_SENT,
            created_at=now,
            payload={"survey": survey.pk, "expires_at": survey.expires_at.isoformat()},
        )
        for survey in surveys
    )


def unanswered_surveys(now: datetime) -> QuerySet[Survey]:
    """Surveys still waiting whose window has closed: a range of ``survey_waiting_idx``."""
    return Survey.objects.filter(outcome=SurveyOutcome.WAITING, expires_at__lte=now)


@transaction.atomic
def surveys_close_unanswered(
    *, now: datetime, limit: int = 500
) -> tuple[list[TicketEvent], list[TicketEvent]]:
    """Close up to ``limit`` surveys unanswered by ``now``; resolve their tickets still in follow-up.

    Returns ``(closed, resolved)``: a SURVEY_EXPIRED event per survey, and
    the status event of each ticket resolved ("no answer" in its payload),
    for the emails it owes. The ticket rows are locked before the survey
    rows, the order ``recovery.survey.survey_answer`` takes them in: an answer
    sent as the window closes either commits first (the survey is no longer
    waiting when re-read under the lock) or waits and is refused as expired.
    A ticket that left follow-up meanwhile (an agent resolved it, a further
    gesture) keeps its status; only its survey closes.
    """
    ticket_ids = list(
        unanswered_surveys(now)
        .order_by("expires_at", "id")
        .values_list("ticket_id", flat=True)[:limit]
    )
    if not ticket_ids:
        return [], []
    tickets = {
        row["id"]: row for row in _locked(Ticket.objects.filter(pk__in=ticket_ids), "status")
    }
    surveys = list(
        unanswered_surveys(now)
        .filter(ticket_id__in=tickets)
        .select_for_update()
        .order_by("id")
        .values("id", "ticket_id")
    )
    if not surveys:
        return [], []
    Survey.objects.filter(pk__in=[s["id"] for s in surveys]).update(outcome=SurveyOutcome.NO_ANSWER)
    # One survey waits per ticket (a new round closes the last), so a ticket
    # appears once here; the dict keeps that true whatever the data says.
    follow_ups = {
        s["ticket_id"]: s["id"]
        for s in surveys
        if tickets[s["ticket_id"]]["status"] == Status.FOLLOW_UP
    }
    if follow_ups:
        updated = tickets_write(
            Ticket.objects.filter(pk__in=follow_ups, status=Status.FOLLOW_UP),
            {"status": Status.RESOLVED, "resolved_at": now, "follow_up_due_at": None},
            at=now,
        )
        if updated != len(follow_ups):
            # Only where row locks do not exist (SQLite): another writer got there first.
            raise StaleTicket()
    closed = _recorded(
        TicketEvent(
            ticket_id=s["ticket_id"],
            kind=EventKind.SURVEY_EXPIRED,
            created_at=now,
            payload={"survey": s["id"], "resolved": follow_ups.get(s["ticket_id"]) == s["id"]},
        )
        for s in surveys
    )
    resolved = _recorded(
        TicketEvent(
            ticket_id=ticket_id,
            kind=EventKind.STATUS,
            created_at=now,
            customer_visible=True,
            from_status=Status.FOLLOW_UP,
            to_status=Status.RESOLVED,
            payload={
                "action": ALLOWED[(Status.FOLLOW_UP, Status.RESOLVED)],
                "note": "",
                "survey": survey_id,
                "survey_outcome": SurveyOutcome.NO_ANSWER,
            },
        )
        for ticket_id, survey_id in follow_ups.items()
    )
    return closed, resolved


@transaction.atomic
def ticket_priority_change(
    *,
    ticket: Ticket,
    actor: Actor,
    priority: str,
    expected_version: int | None = None,
    now: datetime | None = None,
) -> TicketEvent | None:
    """Set the priority; while the callback is owed, its deadline moves with it.

    The new deadline is counted from the submission (a second attempt's from
    its answer, keeping the first promise on record), as if the ticket had had
    this priority from the start, so raising it late can make it due at once
    (the sweep then breaches it within the minute). Reminders already sent are
    not repeated. Returns the event, or None when the priority was already that.
    """
    if priority not in Priority.values:
        raise ValidationError({"priority": _("Choose a priority.")})
    if not ticket.is_open:
        raise IllegalTransition(_("Only an open ticket's priority can change."))
    if priority == ticket.priority:
        return None
    now = now or timezone.now()
    changes: dict[str, Any] = {"priority": priority}
    if ticket.callback_due_at is not None:
        changes |= callback_columns(
            submitted_at=callback_start(
                opened_at=ticket.opened_at, second_attempt_at=ticket.second_attempt_at
            ),
            priority=priority,
            reminders_sent=ticket.reminders_sent,
            now=now,
        )
        if ticket.second_attempt_at is not None:
            # The first promise stays as made, for the review (recovery.sla).
            del changes["callback_promised_at"]
    return transition(
        ticket=ticket,
        actor=actor,
        expected_version=expected_version,
        changes=changes,
        kind=EventKind.PRIORITY,
        payload={"from": ticket.priority, "to": priority},
        at=now,
    )
