"""Read the review's figures for a long period from the daily summary, in the live selectors' shapes.

The tables and charts cannot tell which source they were given: each
function here returns what its live twin returns, summed over the period's
days. Counts and sums are the live ones as of the last refresh; medians and
percentiles come from the histograms, within half a bucket.
"""

from collections import Counter, defaultdict

from django.db.models import Q, Sum

from recovery.models import (
    DailySummary,
    DayCompensatedTickets,
    DayCompensation,
    DayComplaints,
    DayDurations,
    DaySurveys,
    DayTickets,
)
from recovery.review.daily import scale
from recovery.review.daily.build import SURVEY_COUNTS
from recovery.review.selectors.indicators import FIRST_CONTACT_BINS, survey_totals

# A week or less is read live: exact, fresh to the second, and a week is
# cheap. Longer periods read the summary once it has been built.
LIVE_DAYS = 7
TICKET_COUNTS = (
    "promises_due",
    "promises_kept",
    "contacted",
    "breached",
    "resolved",
    "resolution_events",
    "reopenings",
)


def summary_at(period):
    """When the summary the period would be read from was refreshed; None: read it live.

    Live when the period is a week or less, or when the summary was never
    built in full (a new installation, before its first refresh). Asked
    whatever the period, so a page runs the same queries for a week and a
    year whenever both are read live.
    """
    summary = DailySummary.objects.filter(pk=1, complete_at__isnull=False)
    refreshed_at = summary.values_list("refreshed_at", flat=True).first()
    return refreshed_at if period.length > LIVE_DAYS else None


def _days(period, first_day=None):
    return Q(day__gte=first_day or period.first_day, day__lte=period.last_day)


def _sums(model, period, group_by, columns):
    return (
        model.objects.filter(_days(period))
        .values(*group_by)
        .annotate(**{column: Sum(column) for column in columns})
        .order_by()
    )


def _histograms(period, measures):
    """``{(measure, agent_id): {bucket: tickets}}`` over the period."""
    rows = (
        DayDurations.objects.filter(_days(period), measure__in=measures)
        .values("measure", "agent_id", "bucket")
        .annotate(tickets=Sum("tickets"))
        .order_by()
    )
    histograms = defaultdict(Counter)
    for row in rows:
        histograms[row["measure"], row["agent_id"]][row["bucket"]] += row["tickets"]
    return histograms


def indicators(period, categories):
    per_day = list(_sums(DayTickets, period, ("day",), TICKET_COUNTS))
    totals = Counter()
    for row in per_day:
        totals.update({key: row[key] or 0 for key in TICKET_COUNTS})
    histograms = _histograms(period, (DayDurations.FIRST_CONTACT, DayDurations.RESOLUTION))
    first_contact = histograms[DayDurations.FIRST_CONTACT, None]
    median, p90 = scale.percentiles(first_contact, (0.5, 0.9))
    (resolution,) = scale.percentiles(histograms[DayDurations.RESOLUTION, None], (0.5,))
    breached = {row["day"]: row["breached"] or 0 for row in per_day}
    by_kind = compensation_by_kind(period)
    return {
        "categories": categories,
        "received": list(_sums(DayComplaints, period, ("channel", "category_id"), ("complaints",))),
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
        "surveys": survey_totals(_sums(DaySurveys, period, ("intake",), SURVEY_COUNTS)),
        "compensation_by_kind": by_kind,
        "compensation_by_currency": _by_currency(period, by_kind),
        "breaches_per_day": [(day, breached.get(day, 0)) for day in period.days()],
    }


def compensation_by_kind(period):
    rows = _sums(DayCompensation, period, ("kind", "currency"), ("lines", "amount"))
    return list(rows.order_by("kind", "currency"))


def _by_currency(period, by_kind):
    amounts = Counter()
    for row in by_kind:
        if row["amount"] is not None:
            amounts[row["currency"]] += row["amount"]
    tickets = {
        row["currency"]: row["tickets"]
        for row in _sums(DayCompensatedTickets, period, ("currency",), ("tickets",))
    }
    return [
        {"currency": currency, "tickets": tickets.get(currency, 0), "amount": amounts[currency]}
        for currency in sorted(amounts)
    ]


def agents(period, staff):
    tickets = _sums(
        DayTickets, period, ("agent_id",), ("promises_due", "promises_kept", "resolved")
    )
    first_contact = []
    for (_measure, agent), histogram in _histograms(
        period, (DayDurations.AGENT_FIRST_CONTACT,)
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
    compensation = _sums(DayCompensation, period, ("agent_id", "currency"), ("lines", "amount"))
    return {
        # As live, no row for nobody when nothing was due or resolved (the
        # timeline's counts sit on rows without an agent, and are not read here).
        "tickets": [_by_assignee(row) for row in tickets if row["promises_due"] or row["resolved"]],
        "first_contact": first_contact,
        "surveys": surveys,
        "compensation": [_by_assignee(row) for row in compensation],
        "staff": staff,
    }


def _by_assignee(row):
    """A summary row keyed as the live selectors key theirs (``assignee_id``)."""
    return {("assignee_id" if key == "agent_id" else key): value for key, value in row.items()}


def complaint_mix(period):
    """Complaints per (category, remedy bucket) in the period and the one before."""
    previous = period.previous()
    current = Q(day__gte=period.first_day)
    return list(
        DayComplaints.objects.filter(_days(period, first_day=previous.first_day))
        .values("category_id", "remedy")
        .annotate(
            current=Sum("complaints", filter=current, default=0),
            previous=Sum("complaints", filter=~current, default=0),
        )
        .order_by()
    )
