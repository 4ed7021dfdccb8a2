"""Counting a callback window in opening hours only (off unless the SLA settings say so).

A team that answers 09:00-17:00 on weekdays cannot keep "48 hours" the way a
round-the-clock team can, so managers may choose to count only the time
somebody is there. The arithmetic lives here, apart from the database and the
clock, so that each rule can be pinned by a test with its datetimes written out.

Opening spans are wall-clock times in the calendar's time zone, but each span
is measured in real elapsed time: its bounds are made aware in the zone and
converted to UTC before subtracting. A span across a DST change at night is
then an hour shorter or longer than the wall clock says, as it is for the
people on duty, and every result is an exact UTC instant.
"""

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Self
from zoneinfo import ZoneInfo

from django.db.models import prefetch_related_objects

from recovery.models import SlaSettings

# How far ahead to look for opening time. Holidays that close every day would
# otherwise make the search endless; past this horizon the window is counted
# in real hours, which at worst makes the promise stricter, never later.
SEARCH_DAYS = 366 * 2


@dataclass(frozen=True)
class Calendar:
    """Opening spans per weekday, closed dates, and the time zone they are read in."""

    time_zone: str
    spans: dict[int, list[tuple[time, time]]]  # weekday (0 = Monday) -> [(opens, closes), ...]
    holidays: frozenset[date] = frozenset()

    @classmethod
    def from_sla(cls, sla: SlaSettings) -> Self:
        """The calendar of an ``SlaSettings`` row: two queries, once per instance.

        The rows are prefetched onto ``sla`` because one instance serves many
        windows (the sweep passes one for all the tickets it reminds, each
        asking for several); ``sla.refresh_from_db()`` forgets them.
        """
        prefetch_related_objects([sla], "opening_hours", "holidays")
        spans: dict[int, list[tuple[time, time]]] = {}
        for row in sla.opening_hours.all():
            spans.setdefault(row.weekday, []).append((row.opens, row.closes))
        return cls(
            time_zone=sla.time_zone,
            spans=spans,
            holidays=frozenset(holiday.date for holiday in sla.holidays.all()),
        )

    @property
    def is_empty(self) -> bool:
        return not any(self.spans.values())


def open_time_add(start: datetime, duration: timedelta, *, calendar: Calendar) -> datetime:
    """The moment ``duration`` of opening time has passed since ``start``, in UTC.

    Counting begins at ``start`` if the team is open then, else at the next
    opening. A duration used up exactly as a span closes ends at that closing
    time. With no opening hours configured (switched on, never filled in) the
    duration is counted in real time rather than never ending.
    """
    if duration < timedelta(0):
        raise ValueError("an opening-time duration cannot be negative")
    if not calendar.is_empty:
        remaining = duration
        for begin, end in _open_spans(start, calendar):
            if remaining <= end - begin:
                return begin + remaining
            remaining -= end - begin
    return start.astimezone(UTC) + duration


def open_time_between(start: datetime, end: datetime, *, calendar: Calendar) -> timedelta:
    """How much opening time passes from ``start`` to ``end`` (zero if ``end`` is not later).

    ``open_time_add``'s inverse: what a paused window still had left, counted
    the way the window was. With no opening hours configured, real time.
    """
    if end <= start:
        return timedelta(0)
    if calendar.is_empty:
        return end.astimezone(UTC) - start.astimezone(UTC)
    total = timedelta(0)
    for begin, close in _open_spans(start, calendar):
        if begin >= end:
            break
        total += min(close, end) - begin
    return total


def next_opening(at: datetime, *, calendar: Calendar) -> datetime:
    """``at`` itself if the team is open then, else the next opening, in UTC.

    A closing time is not open: a reminder falling due at 17:00 waits for the
    next morning, when somebody can act on it.
    """
    if not calendar.is_empty:
        first = next(_open_spans(at, calendar), None)
        if first is not None:
            return first[0]
    return at.astimezone(UTC)


def _open_spans(start: datetime, calendar: Calendar) -> Iterator[tuple[datetime, datetime]]:
    """(begin, end) in UTC of each opening span ending after ``start``, clipped to it."""
    zone = ZoneInfo(calendar.time_zone)
    start = start.astimezone(UTC)
    # A span never crosses midnight (closes > opens), so none began before today.
    day = start.astimezone(zone).date()
    for _ in range(SEARCH_DAYS):
        if day not in calendar.holidays:
            for opens, closes in _merged(calendar.spans.get(day.weekday(), ())):
                begin = datetime.combine(day, opens, tzinfo=zone).astimezone(UTC)
                end = datetime.combine(day, closes, tzinfo=zone).astimezone(UTC)
                begin = max(begin, start)
                if end > begin:  # also drops a span lost in a spring-forward gap
                    yield begin, end
        day += timedelta(days=1)


def _merged(spans: Iterable[tuple[time, time]]) -> list[tuple[time, time]]:
    """The day's spans in order, overlapping or touching ones joined, so no hour counts twice."""
    merged: list[tuple[time, time]] = []
    for opens, closes in sorted(spans):
        if closes <= opens:
            continue
        if merged and opens <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], closes))
        else:
            merged.append((opens, closes))
    return merged
