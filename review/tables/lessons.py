"""What the complaints teach: Paretos of categories, remedies asked for and root causes; the causes' trend."""

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from django.utils import formats
from django.utils.translation import gettext as _

from review import remedies
from review.periods import Period
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


def _summed(mix: Iterable[Row], key: str) -> tuple[Counter[Any], Counter[Any]]:
    """The mix's complaints now and in the period before, per value of ``key``."""
    current: Counter[Any] = Counter()
    previous: Counter[Any] = Counter()
    for row in mix:
        current[row[key]] += row["current"]
        previous[row[key]] += row["previous"]
    return current, previous


def category_pareto_table(mix: Iterable[Row], categories: Mapping[int, tuple[str, str]]) -> Table:
    """``categories`` is ``selectors.indicators.category_names()``.

    The mix counts each complaint under its corrected category
    (``review.selectors.common.COMPLAINT_GROUPS``).
    """
    current, previous = _summed(mix, "category_id")
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
    current, previous = _summed(mix, "remedy")
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


def root_cause_pareto_table(mix: Iterable[Row], causes: Mapping[int, tuple[str, str]]) -> Table:
    """The root causes recorded, most frequent first, and the complaints with none counted apart.

    The shares are of the complaints whose cause is recorded: a cause that
    is simply not recorded yet must not shrink every other one. Its row
    comes last, with its count and no share. ``causes`` is
    ``selectors.lessons.root_cause_names()``.
    """
    current, previous = _summed(mix, "root_cause_id")
    unrecorded, unrecorded_before = current.pop(None, 0), previous.pop(None, 0)
    rows: list[list[object]] = [
        [category_name(*causes[key]), *figures] for key, *figures in pareto(current, previous)
    ]
    change = (
        percent(unrecorded - unrecorded_before, unrecorded_before) if unrecorded_before else None
    )
    rows.append([_("Not recorded yet"), unrecorded, None, None, unrecorded_before, change])
    return Table(
        "root_causes",
        _("Root causes, most frequent first"),
        _columns(_("Root cause")),
        rows,
    )


def _bucket_label(period: Period) -> str:
    if period.kind == "month":
        return formats.date_format(period.first_day, "YEAR_MONTH_FORMAT")
    first = formats.date_format(period.first_day, "SHORT_DATE_FORMAT")
    if period.length == 1:
        return first
    return f"{first} – {formats.date_format(period.last_day, 'SHORT_DATE_FORMAT')}"


def root_cause_trend_table(
    trend: Mapping[str, Any], causes: Mapping[int, tuple[str, str]]
) -> Table:
    """Complaints per root cause in each period, oldest first, the current one last.

    Causes in the order of the current period's Pareto (then the earlier
    periods'), complaints with no cause recorded last. ``trend`` is
    ``{"buckets": [Period], "rows": [{"root_cause_id", "counts"}]}``.
    """
    buckets = trend["buckets"]
    counts = {row["root_cause_id"]: row["counts"] for row in trend["rows"]}
    unrecorded = counts.pop(None, [0] * len(buckets))
    order = sorted(counts, key=lambda key: ([-n for n in reversed(counts[key])], str(key)))
    rows: list[list[object]] = [[category_name(*causes[key]), *counts[key]] for key in order]
    rows.append([_("Not recorded yet"), *unrecorded])
    return Table(
        "root_cause_trend",
        _("Root causes, period by period"),
        [Column(_("Root cause")), *(Column(_bucket_label(b), True) for b in buckets)],
        rows,
    )
