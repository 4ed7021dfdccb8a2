"""The deadline rules: when a callback, a reminder and a follow-up fall due.

Pure calculations from the SLA settings managers edit; ``recovery.workflow``
is the only code that stores their results on a ticket. Windows are counted
in real elapsed time (UTC), or, when the SLA settings say so, in opening
hours only (``recovery.business_hours``).

A callback is owed after the complaint is submitted, and again each time an
unhappy follow-up answer sends the ticket back for a second attempt: one
rule, counted from a different start (``callback_start``); ``submitted_at``
below is that start.
"""

from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.db.models import F, Q

from complaints.models import Complaint
from recovery import business_hours
from recovery.choices import Priority
from recovery.models import SlaSettings


def window_end(*, start: datetime, hours: float | timedelta, sla: SlaSettings) -> datetime:
    """``start`` plus ``hours`` of the SLA clock: real hours, or opening hours when on.

    Counted in UTC: Python adds a timedelta to a zoned datetime in wall-clock
    time, which would make a 48-hour promise 47 real hours across a DST change.
    ``hours`` may be a timedelta (what a paused reply window had left).
    """
    duration = hours if isinstance(hours, timedelta) else timedelta(hours=hours)
    if sla.business_hours:
        return business_hours.open_time_add(
            start, duration, calendar=business_hours.Calendar.from_sla(sla)
        )
    return start.astimezone(UTC) + duration


def clock_between(*, start: datetime, end: datetime, sla: SlaSettings) -> timedelta:
    """How much of the SLA clock runs from ``start`` to ``end``: ``window_end``'s inverse."""
    if sla.business_hours:
        return business_hours.open_time_between(
            start, end, calendar=business_hours.Calendar.from_sla(sla)
        )
    return max(end - start, timedelta(0))


def callback_due_at(
    *, submitted_at: datetime, priority: str, sla: SlaSettings | None = None
) -> datetime:
    """When the customer must have been called back by, for this priority."""
    sla = sla or SlaSettings.current()
    return window_end(start=submitted_at, hours=sla.hours_for(priority), sla=sla)


def reminder_times(
    *, submitted_at: datetime, priority: str, sla: SlaSettings | None = None
) -> list[datetime]:
    """When the agents are reminded of the callback: at each configured share of the window.

    Counted in opening hours, a share can run out just as the team closes; that
    reminder waits for the next opening, when somebody is there to act on it.
    """
    sla = sla or SlaSettings.current()
    hours = sla.hours_for(priority)
    times = [
        window_end(start=submitted_at, hours=hours * fraction, sla=sla)
        for fraction in sla.reminder_fractions()
    ]
    if sla.business_hours:
        calendar = business_hours.Calendar.from_sla(sla)
        times = [business_hours.next_opening(at, calendar=calendar) for at in times]
    return times


def callback_columns(
    *,
    submitted_at: datetime,
    priority: str,
    reminders_sent: int = 0,
    now: datetime | None = None,
    sla: SlaSettings | None = None,
) -> dict[str, datetime | None]:
    """The callback deadline and the next reminder owed, as ``transition()`` changes.

    Reminders already sent are not sent again, and one whose time has already
    passed (a priority raised late in the window) is skipped: the deadline
    itself is what matters then.
    """
    sla = sla or SlaSettings.current()
    due = callback_due_at(submitted_at=submitted_at, priority=priority, sla=sla)
    upcoming = reminder_times(submitted_at=submitted_at, priority=priority, sla=sla)
    upcoming = [at for at in upcoming[reminders_sent:] if now is None or at > now]
    return {
        "callback_due_at": due,
        "callback_promised_at": due,
        "reminder_due_at": upcoming[0] if upcoming else None,
    }


def callback_start(*, opened_at: datetime, second_attempt_at: datetime | None = None) -> datetime:
    """Where the callback owed is counted from: the submission, or a second attempt's answer.

    A second attempt's callback is the one owed while ``second_attempt_at``
    is set: the first was met before the ticket could reach follow-up.
    """
    return second_attempt_at or opened_at


# The promise now owed is not yet marked broken: ``breached_at`` is the
# once-guard, once per promise. The first promise breaks at most once; a second
# attempt's, made at ``second_attempt_at``, breaks once more, which moves
# ``breached_at`` past it. ``promise_broken`` is the same rule for one row.
PROMISE_UNBROKEN = Q(breached_at__isnull=True) | Q(breached_at__lt=F("second_attempt_at"))


def promise_broken(*, breached_at: datetime | None, second_attempt_at: datetime | None) -> bool:
    """True when the callback promise now owed is marked broken (``PROMISE_UNBROKEN``'s negation)."""
    if breached_at is None:
        return False
    return second_attempt_at is None or breached_at >= second_attempt_at


def second_attempt_columns(
    *, answered_at: datetime, priority: str, sla: SlaSettings | None = None
) -> dict[str, datetime | int | None]:
    """The new callback a second attempt owes, as ``transition()`` changes.

    The priority's window counted from the unhappy answer, with its
    reminders from the first. ``callback_promised_at`` keeps the first
    promise: the review's "promise kept" compares it with the first contact
    (``acknowledged_at``), and moving it would count a broken first promise
    as kept. The second promise lives in ``callback_due_at`` and its breach.
    """
    columns = callback_columns(
        submitted_at=answered_at, priority=priority, now=answered_at, sla=sla
    )
    del columns["callback_promised_at"]
    return {**columns, "reminders_sent": 0}


def reply_reminder_after(
    *, due: datetime, priority: str, after: datetime, sla: SlaSettings
) -> datetime | None:
    """The next reminder of a reply owed by ``due``, after ``after``; None when none is left.

    A reminder falls at each configured share of the priority's reply window,
    counted back from the deadline: at 50 % and 75 % of a 24-hour window, when
    12 and 6 hours are left. Counted from the end rather than the start, the
    same rule holds for a window resumed after a pause (only what was left of
    it runs) and for a sweep that comes late (the reminders already passed are
    not sent in a burst: the next one still ahead is).
    """
    window = timedelta(hours=sla.reply_hours_for(priority))
    left = clock_between(start=after, end=due, sla=sla)
    for fraction in sla.reminder_fractions():
        still_left_then = window * (1 - fraction)
        if still_left_then < left:
            at = window_end(start=after, hours=left - still_left_then, sla=sla)
            if sla.business_hours:
                at = business_hours.next_opening(at, calendar=business_hours.Calendar.from_sla(sla))
            return at if at < due else None
    return None


def reply_columns(
    *,
    start: datetime,
    priority: str,
    remaining: timedelta | None = None,
    sla: SlaSettings | None = None,
) -> dict[str, datetime | None]:
    """The next-reply deadline owed from ``start`` and its first reminder, as column values.

    A customer's message owes an answer within the priority's reply window
    (``SlaSettings.reply_hours_for``), counted like the callback (real or
    opening hours); a wait on the customer ended by the agent resumes with
    ``remaining``, what the window had left when it was paused.
    """
    sla = sla or SlaSettings.current()
    hours = remaining if remaining is not None else sla.reply_hours_for(priority)
    due = window_end(start=start, hours=hours, sla=sla)
    return {
        "reply_due_at": due,
        "reply_reminder_due_at": reply_reminder_after(
            due=due, priority=priority, after=start, sla=sla
        ),
    }


def follow_up_due_at(*, settled_at: datetime, sla: SlaSettings | None = None) -> datetime:
    """When to ask the customer whether the remedy worked: some days after it was settled."""
    sla = sla or SlaSettings.current()
    return settled_at.astimezone(UTC) + timedelta(days=sla.follow_up_days)


def priority_for_complaint(*, complaint: Complaint) -> Priority:
    """The category's default priority, raised to high for a repeat complainant.

    Somebody who complained again within the last 90 days was let down twice:
    their callback is the more urgent one.
    """
    if complaint.category.default_priority == Priority.HIGH:
        return Priority.HIGH
    window = timedelta(days=settings.AMENDS["REPEAT_COMPLAINANT_DAYS"])
    earlier = (
        Complaint.objects.filter(
            customer_id=complaint.customer_id,
            submitted_at__gte=complaint.submitted_at - window,
            submitted_at__lte=complaint.submitted_at,
        )
        .exclude(pk=complaint.pk)
        .exists()
    )
    return Priority.HIGH if earlier else Priority.STANDARD
