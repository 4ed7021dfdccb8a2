"""What the complaints teach: Paretos of categories and of the remedies asked for, with the trend."""

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from review import remedies
from review.selectors.common import Row
from review.tables.base import Column, Table, category_name, percent

# (key, n, share, cumulative share, previous n, change %)
ParetoRow = tuple[Any, int, Decimal | None, Decimal | None, int, Decimal | None]


def pareto(current: Mapping[Any, int], previous: Mapping[Any, int]) -> list[ParetoRow]:
    """``[(key, n, share, cumulative share, previous n, change %)]``, largest first.

    The cumulative share is what makes it a Pareto: the few keys that hold
    most of the complaints come first. A key present only in the previous
    period stays, with zero now.
    """
    total = sum(current.values())
    keys = sorted(
        set(current) | set(previous),
        key=lambda k: (-current.get(k, 0), -previous.get(k, 0), str(k)),
    )
    running = 0
    rows: list[ParetoRow] = []
    for key in keys:
        n, before = current.get(key, 0), previous.get(key, 0)
        running += n
        change = percent(n - before, before) if before else None
        rows.append((key, n, percent(n, total), percent(running, total), before, change))
    return rows


def _columns(first: str) -> list[Column]:
    return [
        Column(first),
        Column(_("Complaints"), True),
        Column(_("Share (%)"), True),
        Column(_("Cumulative share (%)"), True),
        Column(_("Previous period"), True),
        Column(_("Change (%)"), True),
    ]


def category_pareto_table(mix: Iterable[Row], categories: Mapping[int, tuple[str, str]]) -> Table:
    """``categories`` is ``selectors.indicators.category_names()``."""
    current: Counter[int] = Counter()
    previous: Counter[int] = Counter()
    for row in mix:
        current[row["category_id"]] += row["current"]
        previous[row["category_id"]] += row["previous"]
    return Table(
        "categories",
        _("Categories, most complained about first"),
        _columns(_("Category")),
        [
            [category_name(*categories[key]), *figures]
            for key, *figures in pareto(current, previous)
        ],
    )


def remedy_pareto_table(mix: Iterable[Row], by_kind: Iterable[Row]) -> Table:
    """The remedies asked for, and beside each, how many lines of that kind were given."""
    current: Counter[str] = Counter()
    previous: Counter[str] = Counter()
    for row in mix:
        current[row["remedy"]] += row["current"]
        previous[row["remedy"]] += row["previous"]
    given: defaultdict[str, int] = defaultdict(int)
    for row in by_kind:
        given[row["kind"]] += row["lines"]
    rows: list[list[object]] = []
    for key, *figures in pareto(current, previous):
        kind = remedies.ASKED_KIND.get(key)
        rows.append([str(remedies.LABELS[key]), *figures, given[kind] if kind else None])
    return Table(
        "remedies",
        _("Remedies asked for, most asked first"),
        [*_columns(_("Remedy asked for")), Column(_("Given, lines of that kind"), True)],
        rows,
    )
