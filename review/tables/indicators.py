"""The indicators page's tables: the figures with their definitions, intake, compensation, charts' data."""

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, npgettext

from complaints.models import Channel
from recovery.choices import CompensationKind
from review.selectors.common import Row
from review.tables.base import (
    TWO_PLACES,
    Column,
    Table,
    category_name,
    days,
    hours,
    label_of,
    money,
    nps,
    percent,
    rounded,
)

# key: (name, unit, definition). The definition is one click away on the page.
# A counted unit is a function of the number, for its plural ("1 ticket").
DEFINITIONS = {
    "received": (
        gettext_lazy("Complaints received"),
        lambda n: npgettext("unit", "complaint", "complaints", n),
        gettext_lazy("Complaints submitted in the period, by any channel, spam included."),
    ),
    "promise_kept": (
        gettext_lazy("Callback promise kept"),
        "%",
        gettext_lazy(
            "Of the tickets whose callback promise fell due in the period (up to now), the share "
            "whose first contact came on or before the promised time. Tickets closed as invalid "
            "before anybody called are left out."
        ),
    ),
    "first_contact_median": (
        gettext_lazy("Median time to first contact"),
        lambda n: npgettext("unit", "hour", "hours", n),
        gettext_lazy(
            "For the first contacts made in the period: the time from the complaint to the "
            "call or message that acknowledged it. Half came sooner, half later."
        ),
    ),
    "first_contact_p90": (
        gettext_lazy("Time to first contact, 90th percentile"),
        lambda n: npgettext("unit", "hour", "hours", n),
        gettext_lazy(
            "For the same first contacts: nine in ten came within this time. It shows the slow "
            "tail the median hides."
        ),
    ),
    "breaches": (
        gettext_lazy("Breaches"),
        lambda n: npgettext("unit", "ticket", "tickets", n),
        gettext_lazy(
            "Tickets whose callback promise the deadline sweep marked broken during the period "
            "(nobody had made contact by the promised time)."
        ),
    ),
    "resolution_median": (
        gettext_lazy("Median time to resolution"),
        lambda n: npgettext("unit", "day", "days", n),
        gettext_lazy(
            "For the tickets resolved in the period: the time from the complaint to the "
            "resolution. A reopened ticket counts from the complaint to its last resolution."
        ),
    ),
    "reopen_rate": (
        gettext_lazy("Reopen rate"),
        "%",
        gettext_lazy(
            "Reopenings in the period (a resolved ticket taken back, by an agent or by the "
            "customer's message) per 100 resolutions in the period."
        ),
    ),
    "csat_average": (
        gettext_lazy("CSAT, average"),
        gettext_lazy("out of 5"),
        gettext_lazy(
            "The average satisfaction score (1 to 5) of the follow-up surveys answered in the period."
        ),
    ),
    "csat_satisfied": (
        gettext_lazy("CSAT, satisfied"),
        "%",
        gettext_lazy("Of the same answers, the share that scored 4 or 5."),
    ),
    "nps_follow_up": (
        gettext_lazy("NPS at follow-up"),
        gettext_lazy("from -100 to 100"),
        gettext_lazy(
            "Net Promoter Score of the follow-up answers given in the period: the percentage of "
            "promoters (9 or 10) minus the percentage of detractors (0 to 6)."
        ),
    ),
    "conversion": (
        gettext_lazy("Detractor conversion"),
        "%",
        gettext_lazy(
            "Of the tickets whose customer was a detractor at intake (0 to 6 on the complaint "
            "form) and answered the follow-up survey in the period, the share who answered 7 or "
            "more: now a passive or a promoter."
        ),
    ),
}


def _indicator_columns() -> list[Column]:
    return [
        Column(_("Indicator")),
        Column(_("Value"), numeric=True),
        Column(_("Unit")),
        Column(_("Based on"), numeric=True),
        Column(_("Definition")),
    ]


def indicator_rows(
    figures: Mapping[str, Any],
) -> list[tuple[str, int | Decimal | None, int | None]]:
    """``[(key, value, based_on)]``: each figure and the number of things it was computed from."""
    received = sum(row["complaints"] for row in figures["received"])
    t, s, r = figures["tickets"], figures["surveys"], figures["reopens"]
    return [
        ("received", received, None),
        ("promise_kept", percent(t["promises_kept"], t["promises_due"]), t["promises_due"]),
        ("first_contact_median", hours(t["first_contact_median"]), t["contacted"]),
        ("first_contact_p90", hours(t["first_contact_p90"]), t["contacted"]),
        ("breaches", t["breaches"], None),
        ("resolution_median", days(t["resolution_median"]), t["resolved"]),
        ("reopen_rate", percent(r["reopenings"], r["resolutions"]), r["resolutions"]),
        ("csat_average", rounded(s["csat_average"], TWO_PLACES), s["csat_answers"]),
        ("csat_satisfied", percent(s["csat_satisfied"], s["csat_answers"]), s["csat_answers"]),
        ("nps_follow_up", nps(s["promoters"], s["detractors"], s["nps_answers"]), s["nps_answers"]),
        (
            "conversion",
            percent(s["converted"], s["detractors_at_intake"]),
            s["detractors_at_intake"],
        ),
    ]


def _plural_count(value: int | Decimal | None) -> int:
    """The number ngettext should choose the unit's form by: a fraction ("0.5 days") reads as plural."""
    if value is not None and value == int(value):
        return int(value)
    return 2


def indicator_cards(figures: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Each indicator with its value, what it was computed from, and its definition: the page's cards."""
    cards: list[dict[str, Any]] = []
    for key, value, based_on in indicator_rows(figures):
        name, unit, definition = DEFINITIONS[key]
        cards.append(
            {
                "key": key,
                "name": str(name),
                "value": value,
                "unit": str(unit(_plural_count(value)) if callable(unit) else unit),
                "based_on": based_on,
                "definition": str(definition),
            }
        )
    return cards


def indicators_table(figures: Mapping[str, Any]) -> Table:
    """The cards as a table, for the CSV: the same values, the definitions in the last column."""
    rows = [
        [card["name"], card["value"], card["unit"], card["based_on"], card["definition"]]
        for card in indicator_cards(figures)
    ]
    return Table("indicators", _("Indicators"), _indicator_columns(), rows)


def _shares(counts: Mapping[Any, int], labels: Callable[[Any], str]) -> list[list[object]]:
    total = sum(counts.values())
    ordered = sorted(counts.items(), key=lambda item: (-item[1], str(labels(item[0]))))
    return [[labels(key), n, percent(n, total)] for key, n in ordered]


def channel_table(received: Iterable[Row]) -> Table:
    counts: Counter[str] = Counter()
    for row in received:
        counts[row["channel"]] += row["complaints"]
    return Table(
        "received_by_channel",
        _("Complaints received by channel"),
        [Column(_("Channel")), Column(_("Complaints"), True), Column(_("Share (%)"), True)],
        _shares(counts, lambda value: label_of(Channel, value)),
    )


def category_table(received: Iterable[Row], categories: Mapping[int, tuple[str, str]]) -> Table:
    """``categories`` is ``selectors.indicators.category_names()``."""
    counts: Counter[int] = Counter()
    for row in received:
        counts[row["category_id"]] += row["complaints"]
    return Table(
        "received_by_category",
        _("Complaints received by category"),
        [Column(_("Category")), Column(_("Complaints"), True), Column(_("Share (%)"), True)],
        _shares(counts, lambda pk: category_name(*categories[pk])),
    )


def compensation_kind_table(by_kind: Iterable[Row]) -> Table:
    return Table(
        "compensation_by_kind",
        _("Compensation given, by kind"),
        [
            Column(_("Kind")),
            Column(_("Currency")),
            Column(_("Lines"), True),
            Column(_("Amount"), True),
        ],
        [
            [
                label_of(CompensationKind, row["kind"]),
                row["currency"],
                row["lines"],
                money(row["amount"]),
            ]
            for row in by_kind
        ],
    )


def compensation_currency_table(by_currency: Iterable[Row]) -> Table:
    return Table(
        "compensation_by_currency",
        _("Compensation given, totals by currency"),
        [
            Column(_("Currency")),
            Column(_("Tickets"), True),
            Column(_("Total"), True),
            Column(_("Average per ticket"), True),
        ],
        [
            [
                row["currency"],
                row["tickets"],
                money(row["amount"]),
                money(row["amount"] / row["tickets"]) if row["tickets"] else None,
            ]
            for row in by_currency
        ],
    )


def breaches_per_day_table(per_day: Iterable[tuple[date, int]]) -> Table:
    return Table(
        "breaches_per_day",
        _("Breaches per day"),
        [Column(_("Day")), Column(_("Breaches"), True)],
        [[day.isoformat(), n] for day, n in per_day],
    )


def bin_label(low: int, high: int | None) -> str:
    if high is None:
        return _("%(low)d h or more") % {"low": low}
    return _("%(low)d–%(high)d h") % {"low": low, "high": high}


def first_contact_table(bins: Sequence[tuple[int, int | None, int]]) -> Table:
    """``bins`` from ``selectors.indicators.first_contact_bins``."""
    total = sum(n for _low, _high, n in bins)
    return Table(
        "first_contact",
        _("Time to first contact"),
        [
            Column(_("Time to first contact")),
            Column(_("Tickets"), True),
            Column(_("Share (%)"), True),
        ],
        [[bin_label(low, high), n, percent(n, total)] for low, high, n in bins],
    )


def nps_groups(surveys: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """``{"before"|"after": {"promoters", "passives", "detractors"}}`` for the answers with both scores."""
    paired = surveys["paired"]
    groups: defaultdict[str, dict[str, Any]] = defaultdict(dict)
    for moment in ("before", "after"):
        promoters = surveys[f"paired_promoters_{moment}"]
        detractors = surveys[f"paired_detractors_{moment}"]
        groups[moment] = {
            "promoters": promoters,
            "passives": paired - promoters - detractors,
            "detractors": detractors,
            "nps": nps(promoters, detractors, paired),
        }
    return dict(groups)


def nps_table(surveys: Mapping[str, Any]) -> Table:
    groups = nps_groups(surveys)
    paired = surveys["paired"]
    rows = [
        [
            label,
            groups["before"][key],
            percent(groups["before"][key], paired),
            groups["after"][key],
            percent(groups["after"][key], paired),
        ]
        for key, label in (
            ("promoters", _("Promoters (9–10)")),
            ("passives", _("Passives (7–8)")),
            ("detractors", _("Detractors (0–6)")),
        )
    ]
    rows.append([_("NPS"), groups["before"]["nps"], None, groups["after"]["nps"], None])
    return Table(
        "nps_before_after",
        _("NPS at intake and at follow-up, same customers"),
        [
            Column(_("Group")),
            Column(_("At intake"), True),
            Column(_("At intake (%)"), True),
            Column(_("At follow-up"), True),
            Column(_("At follow-up (%)"), True),
        ],
        rows,
    )


def indicator_tables(figures: Mapping[str, Any]) -> dict[str, Table]:
    """Every table of the indicators page, by name, from one ``review_indicators`` result."""
    return {
        table.name: table
        for table in (
            indicators_table(figures),
            channel_table(figures["received"]),
            category_table(figures["received"], figures["categories"]),
            compensation_kind_table(figures["compensation_by_kind"]),
            compensation_currency_table(figures["compensation_by_currency"]),
            breaches_per_day_table(figures["breaches_per_day"]),
            first_contact_table(figures["first_contact_bins"]),
            nps_table(figures["surveys"]),
        )
    }
