"""Where each review page's figures come from: live for a week or less, else the daily summary.

Pages and CSV exports ask here, never the selectors directly, so a table and
its CSV always read the same source. Each result carries ``summary_at``:
None when read live, else when the summary it came from was refreshed.
"""

from recovery.review.daily import read as daily
from recovery.review.selectors import agents as agent_selectors
from recovery.review.selectors import indicators as indicator_selectors
from recovery.review.selectors import lessons as lesson_selectors


def review_indicators(*, period, now=None):
    """The indicators page: ten queries live, eight from the summary, whatever the period."""
    summary_at = daily.summary_at(period)
    categories = indicator_selectors.category_names()
    if summary_at:
        figures = daily.indicators(period, categories)
    else:
        figures = indicator_selectors.review_indicators(period=period, now=now)
        figures["categories"] = categories
    return {**figures, "summary_at": summary_at}


def review_agents(*, period, now=None):
    summary_at = daily.summary_at(period)
    staff = agent_selectors.staff_names()
    if summary_at:
        figures = daily.agents(period, staff)
    else:
        figures = agent_selectors.review_agents(period=period, now=now)
        figures["staff"] = staff
    return {**figures, "summary_at": summary_at}


def review_lessons(*, period):
    """What the complaints teach: the complaint mix, compensation given per kind, category names."""
    summary_at = daily.summary_at(period)
    if summary_at:
        mix, by_kind = daily.complaint_mix(period), daily.compensation_by_kind(period)
    else:
        mix = lesson_selectors.complaint_mix(period=period)
        by_kind = indicator_selectors.compensation_by_kind(period=period)
    return {
        "mix": mix,
        "by_kind": by_kind,
        "categories": indicator_selectors.category_names(),
        "summary_at": summary_at,
    }
