"""The span of time a review page looks at: a calendar week, a calendar month, or chosen days.

Days run from local midnight to local midnight in the current time zone (the
SLA's, Europe/Paris by default), so "March" means what a manager in the office
means by it, whatever the DST change in the middle.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.http import QueryDict
from django.utils import formats, timezone
from django.utils.translation import gettext as _

KINDS = ("week", "month", "custom")
# Two years and a day: enough to compare a year with the one before, and the
# per-day chart stays readable.
MAX_DAYS = 731


def _midnight(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _month_start(day: date) -> date:
    return day.replace(day=1)


def _next_month(day: date) -> date:
    return (day.replace(day=28) + timedelta(days=4)).replace(day=1)


@dataclass(frozen=True)
class Period:
    """``first_day`` to ``last_day`` inclusive; ``start``/``end`` bound timestamps (end excluded)."""

    kind: str
    first_day: date
    last_day: date

    @property
    def start(self) -> datetime:
        return _midnight(self.first_day)

    @property
    def end(self) -> datetime:
        return _midnight(self.last_day + timedelta(days=1))

    @property
    def length(self) -> int:
        return (self.last_day - self.first_day).days + 1

    def days(self) -> list[date]:
        return [self.first_day + timedelta(days=n) for n in range(self.length)]

    def previous(self) -> "Period":
        """The period just before, of the same kind: last week, last month, or as many days."""
        if self.kind == "week":
            return week_of(self.first_day - timedelta(days=7))
        if self.kind == "month":
            return month_of(self.first_day - timedelta(days=1))
        return Period(
            "custom",
            self.first_day - timedelta(days=self.length),
            self.first_day - timedelta(days=1),
        )

    def following(self) -> "Period":
        if self.kind == "week":
            return week_of(self.last_day + timedelta(days=1))
        if self.kind == "month":
            return month_of(self.last_day + timedelta(days=1))
        return Period(
            "custom", self.last_day + timedelta(days=1), self.last_day + timedelta(days=self.length)
        )

    def params(self) -> dict[str, str]:
        """The query-string parameters that give this period back (links, CSV, navigation)."""
        if self.kind == "custom":
            return {
                "period": "custom",
                "from": self.first_day.isoformat(),
                "to": self.last_day.isoformat(),
            }
        return {"period": self.kind, "date": self.first_day.isoformat()}

    @property
    def label(self) -> str:
        if self.kind == "month":
            return formats.date_format(self.first_day, "YEAR_MONTH_FORMAT")
        first = formats.date_format(self.first_day, "DATE_FORMAT")
        last = formats.date_format(self.last_day, "DATE_FORMAT")
        if self.kind == "week":
            return _("Week of %(first)s to %(last)s") % {"first": first, "last": last}
        return _("%(first)s to %(last)s") % {"first": first, "last": last}


def periods_ending(period: Period, count: int) -> list[Period]:
    """``count`` periods of ``period``'s kind back to back, ending with it, oldest first.

    A trend's buckets: the last six months for a month, the last six weeks
    for a week, six spans as long as a custom one.
    """
    periods = [period]
    while len(periods) < count:
        periods.append(periods[-1].previous())
    return periods[::-1]


def week_of(day: date) -> Period:
    monday = day - timedelta(days=day.weekday())
    return Period("week", monday, monday + timedelta(days=6))


def month_of(day: date) -> Period:
    first = _month_start(day)
    return Period("month", first, _next_month(first) - timedelta(days=1))


def _day(value: str | None) -> date | None:
    try:
        return date.fromisoformat((value or "")[:10])
    except ValueError:
        return None


def period_from_params(params: QueryDict, *, today: date | None = None) -> Period:
    """The period a query string asks for; anything unreadable falls back to this month."""
    return period_and_notices(params, today=today)[0]


def period_and_notices(params: QueryDict, *, today: date | None = None) -> tuple[Period, list[str]]:
    """The period a query string asks for, and what was changed in it to make it one, to tell the user.

    ``period=week|month`` with an optional ``date`` inside it (default today);
    ``period=custom`` with ``from`` and ``to`` (inclusive). A "from" after
    "to" is swapped and a span over MAX_DAYS cut, and each says so: a
    manager must never read figures for days other than those they think
    they asked for.
    """
    today = today or timezone.localdate()
    kind = params.get("period", "month")
    notices = []
    if kind == "custom":
        first, last = _day(params.get("from")), _day(params.get("to"))
        if first and last:
            if first > last:
                first, last = last, first
                notices.append(_("“From” was after “To”: the two dates were swapped."))
            if last > first + timedelta(days=MAX_DAYS - 1):
                last = first + timedelta(days=MAX_DAYS - 1)
                notices.append(
                    _("A period is at most two years: it was cut to end on %(day)s.")
                    % {"day": formats.date_format(last, "DATE_FORMAT")}
                )
            return Period("custom", first, last), notices
        kind = "month"
    anchor = _day(params.get("date")) or today
    return (week_of(anchor) if kind == "week" else month_of(anchor)), notices
