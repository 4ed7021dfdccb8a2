"""Read the review's figures for a long period from the daily summary, in the live selectors' shapes.

The tables and charts cannot tell which source they were given: each
function here returns what its live twin returns, summed over the period's
days. The days before the last refresh's are read as stored; that day and
the ones after it (normally just today) are counted now by the code that
will store them, and added: so a month always holds what its weeks and
days hold, however stale the summary. Medians and percentiles come from the
histograms, within half a bucket.
"""

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, TypeVar

from django.db.models import Q, QuerySet, Sum
from django.utils import timezone

from review.daily import scale
from review.daily.build import SURVEY_COUNTS, day_rows
from review.models import (
    DailySummary,
    DayCompensatedTickets,
    DayCompensation,
    DayComplaints,
    DayDurations,
    DayRow,
    DaySurveys,
    DayTickets,
)
from review.periods import Period
from review.selectors.common import Row
from review.selectors.indicators import FIRST_CONTACT_BINS, survey_totals

# A week or less is read live: exact, fresh to the second, and a week is
# cheap. Longer periods read the summary once it has been built.
LIVE_DAYS = 7

_Day = TypeVar("_Day", bound=DayRow)
# A histogram of durations per (measure, agent id): bucket -> tickets.
Histograms = dict[tuple[str, int | None], Counter[int]]
TICKET_COUNTS = (
    "promises_due",
    "promises_kept",
    "contacted",
    "breached",
    "resolved",
    "resolution_events",
    "reopenings",
)


@dataclass(frozen=True)
class Summary:
    """The summary as one page view reads it: stored days before ``live_from``, later ones counted now."""

    refreshed_at: datetime
    now: datetime

    @property
    def today(self) -> date:
        return timezone.localdate(self.now)

    @property
    def live_from(self) -> date:
        """The first day not recounted in full: the last refresh's (it counted that day up to then).

        A refresh stamped after ``now`` (another machine's clock, a test
        travelling back) has counted more than there is to count now: all
        its days are read as stored.
        """
        refreshed = timezone.localdate(self.refreshed_at)
        return refreshed if refreshed <= self.today else date.max

    def live_days(self, first_day: date, last_day: date) -> tuple[date, date] | None:
        """The days of ``first_day``…``last_day`` counted now (none after today), or None."""
        first = max(first_day, self.live_from)
        last = min(last_day, self.today)
        return (first, last) if first <= last else None

    def stored(self, model: type[_Day], first_day: date, last_day: date) -> QuerySet[_Day]:
        """``model``'s stored rows of those days that are read as stored."""
        return model._default_manager.filter(
            day__gte=first_day, day__lte=min(last_day, self.live_from - timedelta(days=1))
        )

    def counted_now(self, model: type[_Day], first_day: date, last_day: date) -> list[_Day]:
        """``model``'s rows for the live days among those, counted now (unsaved); [] if none."""
        days = self.live_days(first_day, last_day)
        if days is None:
            return []
        return day_rows(model, first_day=days[0], last_day=days[1], now=self.now)


def summary_source(period: Period, *, now: datetime | None = None) -> Summary | None:
    """The summary the period is read from; None: read it live.

    Live when the period is a week or less, or when the summary was never
    built in full (a new installation, before its first refresh). Asked
    whatever the period, so a page runs the same queries for a week and a
    year whenever both are read live.
    """
    summary = DailySummary.objects.filter(pk=1, complete_at__isnull=False)
    refreshed_at = summary.values_list("refreshed_at", flat=True).first()
    if refreshed_at is None or period.length <= LIVE_DAYS:
        return None
    return Summary(refreshed_at=refreshed_at, now=now or timezone.now())


def _add(
    rows: Iterable[dict[str, Any]],
    instances: Iterable[DayRow],
    group_by: Sequence[str],
    columns: Sequence[str],
) -> list[dict[str, Any]]:
    """Grouped sums ``rows`` plus unsaved ``instances`` grouped the same way, as one list."""
    totals = {tuple(row[key] for key in group_by): row for row in rows}
    for instance in instances:
        key = tuple(getattr(instance, name) for name in group_by)
        row = totals.setdefault(key, dict(zip(group_by, key, strict=True)))
        for column in columns:
            value, before = getattr(instance, column), row.get(column)
            # As SQL's SUM: None only when every value is.
            row[column] = before if value is None else (before or 0) + value
    return list(totals.values())


def _sums(
    source: Summary,
    model: type[DayRow],
    period: Period,
    group_by: Sequence[str],
    columns: Sequence[str],
) -> list[dict[str, Any]]:
    stored = (
        source.stored(model, period.first_day, period.last_day)
        .values(*group_by)
        .annotate(**{column: Sum(column) for column in columns})
        .order_by()
    )
    counted = source.counted_now(model, period.first_day, period.last_day)
    return _add(list(stored), counted, group_by, columns)


def _histograms(source: Summary, period: Period, measures: Sequence[str]) -> Histograms:
    """``{(measure, agent_id): {bucket: tickets}}`` over the period."""
    rows = (
        source.stored(DayDurations, period.first_day, period.last_day)
        .filter(measure__in=measures)
        .values("measure", "agent_id", "bucket")
        .annotate(tickets=Sum("tickets"))
        .order_by()
    )
    histograms: Histograms = defaultdict(Counter)
    for row in rows:
        histograms[row["measure"], row["agent_id"]][row["bucket"]] += row["tickets"]
    for counted in source.counted_now(DayDurations, period.first_day, period.last_day):
        if counted.measure in measures:
            histograms[counted.measure, counted.agent_id][counted.bucket] += counted.tickets
    return histograms


def indicators(
    period: Period, categories: dict[int, tuple[str, str]], *, source: Summary
) -> dict[str, Any]:
    per_day = _sums(source, DayTickets, period, ("day",), TICKET_COUNTS)
    totals: Counter[str] = Counter()
    for row in per_day:
        totals.update({key: row[key] or 0 for key in TICKET_COUNTS})
    histograms = _histograms(source, period, (DayDurations.FIRST_CONTACT, DayDurations.RESOLUTION))
    first_contact = histograms[DayDurations.FIRST_CONTACT, None]
    median, p90 = scale.percentiles(first_contact, (0.5, 0.9))
    (resolution,) = scale.percentiles(histograms[DayDurations.RESOLUTION, None], (0.5,))
    breached = {row["day"]: row["breached"] or 0 for row in per_day}
    by_kind = compensation_by_kind(period, source=source)
    return {
        "categories": categories,
        "received": _sums(
            source, DayComplaints, period, ("channel", "category_id"), ("complaints",)
        ),
        "tickets": {
            "promises_due": totals["promises_due"],
            "promises_kept": totals["promises_kept"],
            "contacted": totals["contacted"],
            "first_contact_median": median,
            "first_contact_p90": p90,
            "breaches": totals["breached"],
            "resolved": totals["resolved"],
            "resolution_median": resolution,
        },
        "first_contact_bins": scale.bin_counts(first_contact, FIRST_CONTACT_BINS),
        "reopens": {
            "resolutions": totals["resolution_events"],
            "reopenings": totals["reopenings"],
        },
        "surveys": survey_totals(_sums(source, DaySurveys, period, ("intake",), SURVEY_COUNTS)),
        "compensation_by_kind": by_kind,
        "compensation_by_currency": _by_currency(source, period, by_kind),
        "breaches_per_day": [(day, breached.get(day, 0)) for day in period.days()],
    }


def compensation_by_kind(period: Period, *, source: Summary) -> list[Row]:
    rows = _sums(source, DayCompensation, period, ("kind", "currency"), ("lines", "amount"))
    return sorted(rows, key=lambda row: (row["kind"], row["currency"]))


def _by_currency(source: Summary, period: Period, by_kind: Iterable[Row]) -> list[dict[str, Any]]:
    amounts: Counter[str] = Counter()
    for row in by_kind:
        if row["amount"] is not None:
            amounts[row["currency"]] += row["amount"]
    tickets = {
        row["currency"]: row["tickets"]
        for row in _sums(source, DayCompensatedTickets, period, ("currency",), ("tickets",))
    }
    return [
        {"currency": currency, "tickets": tickets.get(currency, 0), "amount": amounts[currency]}
        for currency in sorted(amounts)
    ]


def agents(period: Period, staff: list[Row], *, source: Summary) -> dict[str, Any]:
    tickets = _sums(
        source, DayTickets, period, ("agent_id",), ("promises_due", "promises_kept", "resolved")
    )
    first_contact = []
    for (_measure, agent), histogram in _histograms(
        source, period, (DayDurations.AGENT_FIRST_CONTACT,)
    ).items():
        first_contact.append(
            {
                "assignee_id": agent,
                "contacted": sum(histogram.values()),
                "first_contact": scale.percentiles(histogram, (0.5,)),
            }
        )
    surveys = []
    for row in _sums(
        source,
        DaySurveys,
        period,
        ("agent_id",),
        ("answers", "csat_answers", "csat_total", "csat_satisfied"),
    ):
        answered = row["csat_answers"]
        surveys.append(
            {
                "assignee_id": row["agent_id"],
                "answers": row["answers"],
                "csat_answers": answered,
                "csat_average": row["csat_total"] / answered if answered else None,
                "csat_satisfied": row["csat_satisfied"],
            }
        )
    compensation = _sums(
        source, DayCompensation, period, ("agent_id", "currency"), ("lines", "amount")
    )
    return {
        # As live, no row for nobody when nothing was due or resolved (the
        # timeline's counts sit on rows without an agent, and are not read here).
        "tickets": [_by_assignee(row) for row in tickets if row["promises_due"] or row["resolved"]],
        "first_contact": first_contact,
        "surveys": surveys,
        "compensation": [_by_assignee(row) for row in compensation],
        "staff": staff,
    }


def _by_assignee(row: Row) -> dict[str, Any]:
    """A summary row keyed as the live selectors key theirs (``assignee_id``)."""
    return {("assignee_id" if key == "agent_id" else key): value for key, value in row.items()}


MIX_KEYS = ("category_id", "remedy", "root_cause_id")


def complaint_mix(period: Period, *, source: Summary) -> list[Row]:
    """Complaints per (category, remedy bucket, root cause) in the period and the one before."""
    previous = period.previous()
    current = Q(day__gte=period.first_day)
    rows = (
        source.stored(DayComplaints, previous.first_day, period.last_day)
        .values(*MIX_KEYS)
        .annotate(
            current=Sum("complaints", filter=current, default=0),
            previous=Sum("complaints", filter=~current, default=0),
        )
        .order_by()
    )
    mix = {tuple(row[key] for key in MIX_KEYS): row for row in rows}
    for row in source.counted_now(DayComplaints, previous.first_day, period.last_day):
        key = tuple(getattr(row, name) for name in MIX_KEYS)
        mixed = mix.setdefault(
            key, {**dict(zip(MIX_KEYS, key, strict=True)), "current": 0, "previous": 0}
        )
        mixed["current" if row.day >= period.first_day else "previous"] += row.complaints
    return list(mix.values())


def root_cause_trend(buckets: Sequence[Period], *, source: Summary) -> list[Row]:
    """Complaints per root cause in each of ``buckets``, as ``lessons.root_cause_trend`` counts live."""
    sums = {
        f"b{n}": Sum("complaints", filter=Q(day__gte=b.first_day, day__lte=b.last_day), default=0)
        for n, b in enumerate(buckets)
    }
    first, last = buckets[0].first_day, buckets[-1].last_day
    # Any rows: the plugin cannot see the columns ``**sums`` adds.
    rows: QuerySet[Any, Any] = (
        source.stored(DayComplaints, first, last).values("root_cause_id").annotate(**sums)
    )
    trend = {
        row["root_cause_id"]: [row[f"b{n}"] for n in range(len(buckets))] for row in rows.order_by()
    }
    for counted in source.counted_now(DayComplaints, first, last):
        counts = trend.setdefault(counted.root_cause_id, [0] * len(buckets))
        for n, bucket in enumerate(buckets):
            if bucket.first_day <= counted.day <= bucket.last_day:
                counts[n] += counted.complaints
    return [{"root_cause_id": cause, "counts": counts} for cause, counts in trend.items()]
