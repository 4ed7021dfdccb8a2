"""Where each review page's figures come from: live for a week or less, else the daily summary.

Pages and CSV exports ask here, never the selectors directly, so a table and
its CSV always read the same source. Each result carries ``summary_at``:
None when read live, else when the summary it came from was refreshed; and
``counted_live_from``: the first day of the period that the summary had not
recounted yet and was counted live instead (None when there was none).
"""

from datetime import datetime
from typing import Any

from review.daily import read as daily
from review.daily.read import Summary
from review.periods import Period, periods_ending
from review.selectors import agents as agent_selectors
from review.selectors import indicators as indicator_selectors
from review.selectors import lessons as lesson_selectors


def _provenance(source: Summary | None, period: Period) -> dict[str, Any]:
    if source is None:
        return {"summary_at": None, "counted_live_from": None}
    live = source.live_days(period.first_day, period.last_day)
    return {"summary_at": source.refreshed_at, "counted_live_from": live and live[0]}


def review_indicators(*, period: Period, now: datetime | None = None) -> dict[str, Any]:
    """The indicators page: ten queries live; from the summary eight, and eleven more for the days counted live."""
    source = daily.summary_source(period, now=now)
    categories = indicator_selectors.category_names()
    if source:
        figures = daily.indicators(period, categories, source=source)
    else:
        figures = indicator_selectors.review_indicators(period=period, now=now)
        figures["categories"] = categories
    return {**figures, **_provenance(source, period)}


def review_agents(*, period: Period, now: datetime | None = None) -> dict[str, Any]:
    source = daily.summary_source(period, now=now)
    staff = agent_selectors.staff_names()
    if source:
        figures = daily.agents(period, staff, source=source)
    else:
        figures = agent_selectors.review_agents(period=period, now=now)
        figures["staff"] = staff
    return {**figures, **_provenance(source, period)}


# A root cause's trend: this period and the ones before it, of the same kind.
TREND_PERIODS = 6


def review_lessons(*, period: Period, now: datetime | None = None) -> dict[str, Any]:
    """What the complaints teach: the complaint mix, compensation given per kind, the root
    causes' trend over ``TREND_PERIODS`` periods, and the category and root cause names.

    The trend is read from the same source as the rest (a week's, live, then
    spans six weeks), so its last bucket always equals the period's Pareto.
    """
    source = daily.summary_source(period, now=now)
    buckets = periods_ending(period, TREND_PERIODS)
    if source:
        mix = daily.complaint_mix(period, source=source)
        by_kind = daily.compensation_by_kind(period, source=source)
        trend = daily.root_cause_trend(buckets, source=source)
    else:
        mix = lesson_selectors.complaint_mix(period=period)
        by_kind = indicator_selectors.compensation_by_kind(period=period)
        trend = lesson_selectors.root_cause_trend(buckets=buckets)
    return {
        "mix": mix,
        "by_kind": by_kind,
        "trend": {"buckets": buckets, "rows": trend},
        "categories": indicator_selectors.category_names(),
        "root_causes": lesson_selectors.root_cause_names(),
        **_provenance(source, period),
    }
