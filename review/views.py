"""The managers' review pages under /manager/, and every table's CSV.

Each page runs a fixed number of queries whatever the period: the selectors
aggregate in the database, and the two long lists (breaches, at risk) are
shown a page at a time.
"""

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from recovery.choices import Priority
from review import charts
from review import figures as review_figures
from review.export import csv_response
from review.scope import Scope
from review.selectors import agents as agent_selectors
from review.selectors import breaches as breach_selectors
from review.selectors import indicators as indicator_selectors
from review.tables import EXPORTS, agents, breaches, indicators, lessons
from review.tables.base import category_name, person
from shared.roles import manager_required

BREACHES_PER_PAGE = 50
AT_RISK_SHOWN = 50


def _context(scope: Scope, page_name: str, **extra: Any) -> dict[str, Any]:
    period = scope.period
    return {
        "scope": scope,
        "period": period,
        "page_name": page_name,
        "query": scope.query(),
        "period_query": urlencode(period.params()),
        "today": timezone.localdate(scope.now),
        # What a "—" means: a rate or median over nothing is no figure, never 0 % or 100 %.
        "no_figure": _("No figure: nothing to count or to divide by in this period."),
        "previous_query": scope.query(period=period.previous()),
        "following_query": scope.query(period=period.following()),
        **extra,
    }


@manager_required
@require_safe
def review_indicators(request: HttpRequest) -> HttpResponse:
    scope = Scope.from_request(request)
    figures = review_figures.review_indicators(period=scope.period, now=scope.now)
    tables = indicators.indicator_tables(figures)
    return render(
        request,
        "review/indicators.html",
        _context(
            scope,
            "indicators",
            summary_at=figures["summary_at"],
            counted_live_from=figures["counted_live_from"],
            indicators=indicators.indicator_cards(figures),
            tables=tables,
            breaches_chart=charts.breaches_chart(figures["breaches_per_day"]),
            first_contact_chart=charts.first_contact_chart(tables["first_contact"]),
            nps_chart=charts.nps_chart(
                indicators.nps_groups(figures["surveys"]), figures["surveys"]["paired"]
            ),
        ),
    )


def _page_number(request: HttpRequest) -> int:
    page = request.GET.get("page", "1")
    return int(page) if page.isdigit() and 0 < len(page) < 6 and int(page) > 0 else 1


def _agent_choices() -> list[tuple[int, str]]:
    """(pk, name) of everyone who can hold tickets, for the agent filter."""
    people = agent_selectors.staff_names()
    choices = [
        (row["pk"], person(row["first_name"], row["last_name"], row["username"]))
        for row in people
        if row["holds"]
    ]
    return sorted(choices, key=lambda choice: choice[1].lower())


def _category_choices() -> list[tuple[int, str]]:
    names = indicator_selectors.category_names()
    return sorted(
        ((pk, category_name(*name)) for pk, name in names.items()),
        key=lambda choice: choice[1].lower(),
    )


@manager_required
@require_safe
def review_breaches(request: HttpRequest) -> HttpResponse:
    scope = Scope.from_request(request)
    page = _page_number(request)
    breached = breach_selectors.breached_tickets(period=scope.period, filters=scope.filters)
    start = (page - 1) * BREACHES_PER_PAGE
    at_risk = breach_selectors.at_risk_tickets(now=scope.now, filters=scope.filters)
    total = breach_selectors.breach_count(period=scope.period, filters=scope.filters)
    return render(
        request,
        "review/breaches.html",
        _context(
            scope,
            "breaches",
            breaches=breaches.breaches_table(
                list(breached[start : start + BREACHES_PER_PAGE]), total=total
            ),
            at_risk=breaches.at_risk_table(
                list(at_risk[:AT_RISK_SHOWN]),
                now=scope.now,
                total=breach_selectors.at_risk_count(now=scope.now, filters=scope.filters),
            ),
            # Missed next-reply deadlines, beside the callbacks: the latest page of them.
            reply_breaches=breaches.reply_breaches_table(
                list(
                    breach_selectors.reply_breaches(period=scope.period, filters=scope.filters)[
                        :BREACHES_PER_PAGE
                    ]
                ),
                total=breach_selectors.reply_breach_count(
                    period=scope.period, filters=scope.filters
                ),
            ),
            page=page,
            has_next=start + BREACHES_PER_PAGE < total,
            staff=_agent_choices(),
            categories=_category_choices(),
            priorities=Priority.choices,
        ),
    )


@manager_required
@require_safe
def review_lessons(request: HttpRequest) -> HttpResponse:
    scope = Scope.from_request(request)
    figures = review_figures.review_lessons(period=scope.period, now=scope.now)
    root_causes = lessons.root_cause_pareto_table(figures["mix"], figures["root_causes"])
    return render(
        request,
        "review/lessons.html",
        _context(
            scope,
            "lessons",
            summary_at=figures["summary_at"],
            counted_live_from=figures["counted_live_from"],
            previous_period=scope.period.previous(),
            categories=lessons.category_pareto_table(figures["mix"], figures["categories"]),
            remedies=lessons.remedy_pareto_table(figures["mix"], figures["by_kind"]),
            root_causes=root_causes,
            root_cause_chart=charts.root_cause_chart(root_causes),
            root_cause_trend=lessons.root_cause_trend_table(
                figures["trend"], figures["root_causes"]
            ),
        ),
    )


@manager_required
@require_safe
def review_agents(request: HttpRequest) -> HttpResponse:
    scope = Scope.from_request(request)
    figures = review_figures.review_agents(period=scope.period, now=scope.now)
    return render(
        request,
        "review/agents.html",
        _context(
            scope,
            "agents",
            summary_at=figures["summary_at"],
            counted_live_from=figures["counted_live_from"],
            agents=agents.agents_table(figures),
        ),
    )


@manager_required
@require_safe
def review_export(request: HttpRequest, name: str) -> StreamingHttpResponse:
    build = EXPORTS.get(name)
    if build is None:
        raise Http404
    scope = Scope.from_request(request)
    period = scope.period
    return csv_response(
        build(scope),
        filename=f"amends-{name}-{period.first_day:%Y%m%d}-{period.last_day:%Y%m%d}.csv",
    )
