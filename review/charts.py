"""Charts as server-rendered SVG: the geometry here, the markup in templates/review/_chart_*.html.

No JavaScript and nothing from a CDN. Each chart has a <title>, a <desc>
that says what it shows in a sentence, and its data as a table beside it
(the same Table the CSV exports), which is what a screen reader should read.
"""

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, cast

from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from review.selectors.indicators import FIRST_CONTACT_BINS
from review.tables.base import Table

WIDTH, HEIGHT = 720, 260
LEFT, RIGHT, TOP, BOTTOM = 44, 12, 12, 44


@dataclass
class BarChart:
    key: str
    title: str
    desc: str
    bars: list = field(default_factory=list)  # dicts: x, y, width, height, label, value
    y_ticks: list = field(default_factory=list)  # dicts: y, label
    x_labels: list = field(default_factory=list)  # dicts: x, label
    width: int = WIDTH
    height: int = HEIGHT
    plot_left: int = LEFT
    plot_right: int = WIDTH - RIGHT
    baseline: int = HEIGHT - BOTTOM


def _nice_max(value: int) -> int:
    """The smallest 1, 2 or 5 × 10^n at or above ``value`` (at least 1): a readable axis top."""
    if value <= 1:
        return 1
    magnitude = 10 ** math.floor(math.log10(value))  # an int: the counts are whole
    for step in (1, 2, 5, 10):
        if step * magnitude >= value:
            return step * magnitude
    return 10 * magnitude


def bar_chart(
    *,
    key: str,
    title: str,
    desc: str,
    points: Sequence[tuple[str, int]],
    label_every: int = 1,
) -> BarChart:
    """Vertical bars for ``points`` = ``[(label, value)]``; every ``label_every``-th label shown."""
    chart = BarChart(key=key, title=title, desc=desc)
    top = _nice_max(max((value for _label, value in points), default=0))
    plot_height = chart.baseline - TOP
    band = (chart.plot_right - chart.plot_left) / max(len(points), 1)
    gap = band * 0.2 if band >= 4 else 0
    for index, (label, value) in enumerate(points):
        height = plot_height * value / top
        x = chart.plot_left + index * band
        chart.bars.append(
            {
                "x": round(x + gap / 2, 2),
                "y": round(chart.baseline - height, 2),
                "width": round(max(band - gap, 0.5), 2),
                "height": round(height, 2),
                "label": label,
                "value": value,
            }
        )
        if index % label_every == 0:
            chart.x_labels.append({"x": round(x + band / 2, 2), "label": label})
    for tick in _ticks(top):
        chart.y_ticks.append(
            {"y": round(chart.baseline - plot_height * tick / top, 2), "label": _number(tick)}
        )
    return chart


def _ticks(top: int) -> list[int]:
    """Whole numbers from 0 to ``top`` (1, 2 or 5 × 10^n): the bars count things, no half a breach.

    Halves of an even top (0, 10, 20); every unit of a 1 or a 5, which have
    no whole half.
    """
    step = top // 2 if top % 2 == 0 else 1
    return list(range(0, top + 1, step))


def _number(value: int) -> str:
    return formats.number_format(value, decimal_pos=0)


def breaches_chart(per_day: Sequence[tuple[date, int]]) -> BarChart:
    """Breaches per day; for long periods only some days are labelled, every bar has its own title."""
    total = sum(n for _day, n in per_day)
    worst = max(per_day, key=lambda item: item[1], default=None)
    desc = ngettext(
        "%(total)d breach over %(days)d days.", "%(total)d breaches over %(days)d days.", total
    ) % {"total": total, "days": len(per_day)}
    if worst and worst[1]:
        desc += " " + _("The most on %(day)s: %(n)d.") % {
            "day": formats.date_format(worst[0], "DATE_FORMAT"),
            "n": worst[1],
        }
    label_every = max(1, math.ceil(len(per_day) / 12))
    return bar_chart(
        key="breaches_per_day",
        title=_("Breaches per day"),
        desc=desc,
        points=[(formats.date_format(day, "j M"), n) for day, n in per_day],
        label_every=label_every,
    )


def first_contact_chart(table: Table) -> BarChart:
    """The distribution of time to first contact, from the ``first_contact`` table's rows."""
    # Its cells are (label, tickets, share): ``tables.indicators.first_contact_table``.
    points = cast(list[tuple[str, int]], [(label, n) for label, n, _share in table.rows])
    total = sum(n for _label, n in points)
    within_day = sum(
        n
        for (_label, n), (_low, high) in zip(points, FIRST_CONTACT_BINS, strict=True)
        if high is not None and high <= 24
    )
    desc = ngettext(
        "%(total)d first contact; %(share)s within 24 hours.",
        "%(total)d first contacts; %(share)s within 24 hours.",
        total,
    ) % {
        "total": total,
        "share": f"{round(100 * within_day / total)} %" if total else "—",
    }
    return bar_chart(
        key="first_contact", title=_("Time to first contact"), desc=desc, points=points
    )


# Pixels per character of a label under a bar (the axis font), to shorten a
# cause's name to its bar's width; the bar's own title has it whole.
LABEL_CHAR_WIDTH = 7


def root_cause_chart(table: Table) -> BarChart:
    """The root-cause Pareto as bars, most frequent first, from the ``root_causes`` table's rows.

    Its cells are (name, n, share, cumulative share, previous, change), the
    last row the complaints with no cause recorded, which the bars leave out
    (the description says how many): they are no cause.
    """
    rows = cast(list[list[Any]], list(table.rows))
    *recorded, unrecorded = rows
    points = [(str(row[0]), int(row[1])) for row in recorded if row[1]]
    total = sum(n for _label, n in points)
    desc = ngettext(
        "%(total)d complaint with a root cause recorded",
        "%(total)d complaints with a root cause recorded",
        total,
    ) % {"total": total}
    if points:
        # The separator is in the words: French puts a space before its semicolon.
        desc += _("; the most frequent: %(cause)s (%(n)d)") % {
            "cause": points[0][0],
            "n": points[0][1],
        }
    desc += ". " + _("Not recorded yet: %(n)d.") % {"n": unrecorded[1]}
    chart = bar_chart(
        key="root_causes", title=_("Root causes, most frequent first"), desc=desc, points=points
    )
    fits = max(
        6, int((chart.plot_right - chart.plot_left) / max(len(points), 1) / LABEL_CHAR_WIDTH)
    )
    for label in chart.x_labels:
        name = label["label"]
        if len(name) > fits:
            label["label"] = name[: fits - 1].rstrip() + "…"
    return chart


@dataclass
class StackedChart:
    key: str
    title: str
    desc: str
    rows: list  # dicts: y, label, nps, segments (dicts: x, width, share, label, css)
    legend: list
    width: int = WIDTH
    height: int = 150
    plot_left: int = 110
    plot_right: int = WIDTH - 90


def nps_chart(groups: Mapping[str, Mapping[str, Any]], paired: int) -> StackedChart:
    """Detractors, passives and promoters as 100 % bars, at intake and at follow-up."""
    parts = (
        ("detractors", _("Detractors (0–6)"), "chart__seg--bad"),
        ("passives", _("Passives (7–8)"), "chart__seg--mid"),
        ("promoters", _("Promoters (9–10)"), "chart__seg--good"),
    )
    chart = StackedChart(
        key="nps_before_after",
        title=_("NPS at intake and at follow-up"),
        desc="",
        rows=[],
        legend=[{"label": label, "css": css} for _key, label, css in parts],
    )
    span = chart.plot_right - chart.plot_left
    for index, (moment, label) in enumerate(
        (("before", _("At intake")), ("after", _("At follow-up")))
    ):
        group, x, segments = groups[moment], chart.plot_left, []
        for key, part_label, css in parts:
            share = group[key] / paired if paired else 0
            width = span * share
            segments.append(
                {
                    "x": round(x, 2),
                    "width": round(width, 2),
                    "share": round(100 * share),
                    "label": part_label,
                    "css": css,
                    "text_x": round(x + width / 2, 2),
                }
            )
            x += width
        chart.rows.append(
            {"y": 16 + index * 52, "label": label, "nps": group["nps"], "segments": segments}
        )
    if paired:
        chart.desc = ngettext(
            "%(n)d customer scored us at intake and at follow-up: NPS %(before)s at intake, "
            "%(after)s at follow-up.",
            "%(n)d customers scored us at intake and at follow-up: NPS %(before)s at intake, "
            "%(after)s at follow-up.",
            paired,
        ) % {"n": paired, "before": groups["before"]["nps"], "after": groups["after"]["nps"]}
    else:
        chart.desc = _("No customer scored us both at intake and at follow-up in this period.")
    return chart
