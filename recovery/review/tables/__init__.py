"""The review's tables, and for each its CSV: the same selector, the same cells.

``EXPORTS`` maps a table's name to a function of the request's scope that
runs the table's selector and builds it; the CSV view looks names up here.
"""

from recovery.review.selectors import agents as agent_selectors
from recovery.review.selectors import breaches as breach_selectors
from recovery.review.selectors import indicators as indicator_selectors
from recovery.review.selectors import lessons as lesson_selectors
from recovery.review.tables import agents, breaches, indicators, lessons


def _indicators(scope):
    figures = indicator_selectors.review_indicators(period=scope.period, now=scope.now)
    return indicators.indicators_table(figures)


def _received_by_channel(scope):
    return indicators.channel_table(indicator_selectors.complaints_received(period=scope.period))


def _received_by_category(scope):
    return indicators.category_table(
        indicator_selectors.complaints_received(period=scope.period),
        indicator_selectors.category_names(),
    )


def _breaches(scope):
    rows = breach_selectors.breached_tickets(period=scope.period, filters=scope.filters)
    return breaches.breaches_table(rows.iterator(chunk_size=2000))


def _at_risk(scope):
    rows = breach_selectors.at_risk_tickets(now=scope.now, filters=scope.filters)
    return breaches.at_risk_table(rows.iterator(chunk_size=2000), now=scope.now)


def _remedies(scope):
    return lessons.remedy_pareto_table(
        lesson_selectors.complaint_mix(period=scope.period),
        indicator_selectors.compensation_by_kind(period=scope.period),
    )


EXPORTS = {
    "indicators": _indicators,
    "received_by_channel": _received_by_channel,
    "received_by_category": _received_by_category,
    "compensation_by_kind": lambda scope: indicators.compensation_kind_table(
        indicator_selectors.compensation_by_kind(period=scope.period)
    ),
    "compensation_by_currency": lambda scope: indicators.compensation_currency_table(
        indicator_selectors.compensation_by_currency(period=scope.period)
    ),
    "breaches_per_day": lambda scope: indicators.breaches_per_day_table(
        indicator_selectors.breaches_per_day(period=scope.period)
    ),
    "first_contact": lambda scope: indicators.first_contact_table(
        indicator_selectors.first_contact_bins(period=scope.period)
    ),
    "nps_before_after": lambda scope: indicators.nps_table(
        indicator_selectors.survey_figures(period=scope.period)
    ),
    "breaches": _breaches,
    "at_risk": _at_risk,
    "categories": lambda scope: lessons.category_pareto_table(
        lesson_selectors.complaint_mix(period=scope.period), indicator_selectors.category_names()
    ),
    "remedies": _remedies,
    "agents": lambda scope: agents.agents_table(
        agent_selectors.review_agents(period=scope.period, now=scope.now)
    ),
}
