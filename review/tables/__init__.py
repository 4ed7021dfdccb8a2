"""The review's tables, and for each its CSV: the same selector, the same cells.

``EXPORTS`` maps a table's name to a function of the request's scope that
runs the table's selector and builds it; the CSV view looks names up here.
"""

from collections.abc import Callable
from typing import Any

from review import figures
from review.scope import Scope
from review.selectors import breaches as breach_selectors
from review.tables import agents, breaches, indicators, lessons
from review.tables.base import Table

Export = Callable[[Scope], Table]


def _indicator_figures(scope: Scope) -> dict[str, Any]:
    return figures.review_indicators(period=scope.period, now=scope.now)


def _from_indicators(build: Callable[..., Table], *keys: str) -> Export:
    """A CSV of one indicators table, from the figures the page itself reads."""

    def export(scope: Scope) -> Table:
        figures_ = _indicator_figures(scope)
        return build(*(figures_[key] for key in keys))

    return export


def _breaches(scope: Scope) -> Table:
    rows = breach_selectors.breached_tickets(period=scope.period, filters=scope.filters)
    return breaches.breaches_table(rows.iterator(chunk_size=2000))


def _at_risk(scope: Scope) -> Table:
    rows = breach_selectors.at_risk_tickets(now=scope.now, filters=scope.filters)
    return breaches.at_risk_table(rows.iterator(chunk_size=2000), now=scope.now)


def _reply_breaches(scope: Scope) -> Table:
    rows = breach_selectors.reply_breaches(period=scope.period, filters=scope.filters)
    return breaches.reply_breaches_table(rows.iterator(chunk_size=2000))


def _lessons(build: Callable[..., Table], key: str) -> Export:
    def export(scope: Scope) -> Table:
        figures_ = figures.review_lessons(period=scope.period, now=scope.now)
        return build(figures_["mix"], figures_[key])

    return export


def _root_cause_trend(scope: Scope) -> Table:
    figures_ = figures.review_lessons(period=scope.period, now=scope.now)
    return lessons.root_cause_trend_table(figures_["trend"], figures_["root_causes"])


EXPORTS: dict[str, Export] = {
    "indicators": lambda scope: indicators.indicators_table(_indicator_figures(scope)),
    "received_by_channel": _from_indicators(indicators.channel_table, "received"),
    "received_by_category": _from_indicators(indicators.category_table, "received", "categories"),
    "compensation_by_kind": _from_indicators(
        indicators.compensation_kind_table, "compensation_by_kind"
    ),
    "compensation_by_currency": _from_indicators(
        indicators.compensation_currency_table, "compensation_by_currency"
    ),
    "breaches_per_day": _from_indicators(indicators.breaches_per_day_table, "breaches_per_day"),
    "first_contact": _from_indicators(indicators.first_contact_table, "first_contact_bins"),
    "nps_before_after": _from_indicators(indicators.nps_table, "surveys"),
    "breaches": _breaches,
    "at_risk": _at_risk,
    "reply_breaches": _reply_breaches,
    "categories": _lessons(lessons.category_pareto_table, "categories"),
    "remedies": _lessons(lessons.remedy_pareto_table, "by_kind"),
    "root_causes": _lessons(lessons.root_cause_pareto_table, "root_causes"),
    "root_cause_trend": _root_cause_trend,
    "agents": lambda scope: agents.agents_table(
        figures.review_agents(period=scope.period, now=scope.now)
    ),
}
