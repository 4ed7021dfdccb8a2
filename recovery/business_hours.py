"""Counting a callback window in opening hours only (off unless the SLA settings say so)."""

from dataclasses import dataclass
from datetime import UTC


@dataclass(frozen=True)
class Calendar:
    """Opening spans per weekday, closed dates, and the time zone they are read in."""

    time_zone: str
    spans: dict  # weekday (0 = Monday) -> [(opens, closes), ...]
    holidays: frozenset

    @classmethod
    def from_sla(cls, sla):
        spans = {}
        for row in sla.opening_hours.all():
            spans.setdefault(row.weekday, []).append((row.opens, row.closes))
        return cls(
            time_zone=sla.time_zone,
            spans=spans,
            holidays=frozenset(sla.holidays.values_list("date", flat=True)),
        )


def open_time_add(start, duration, *, calendar):
    """The moment ``duration`` of opening time has passed since ``start`` (in UTC)."""
    raise NotImplementedError  # placeholder, filled in below
    return start.astimezone(UTC)
