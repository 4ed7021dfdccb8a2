"""The per-agent table: one row per person who can hold tickets (or holds some), and one for nobody."""

from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Any

from django.utils.translation import gettext as _

from review.selectors.common import Row
from review.tables.base import (
    TWO_PLACES,
    Column,
    Table,
    hours,
    money,
    percent,
    person,
    rounded,
)


def _amounts(lines: Iterable[Row]) -> str:
    """ "20.00 EUR; 10.00 GBP": this agent's totals per currency, gestures without money left out."""
    parts = [(row["currency"], money(row["amount"])) for row in lines if row["amount"] is not None]
    return "; ".join(f"{amount} {currency}" for currency, amount in sorted(parts))


def agents_table(figures: Mapping[str, Any]) -> Table:
    tickets = {row["assignee_id"]: row for row in figures["tickets"]}
    first_contact = {row["assignee_id"]: row for row in figures["first_contact"]}
    surveys = {row["assignee_id"]: row for row in figures["surveys"]}
    given: defaultdict[int | None, list[Row]] = defaultdict(list)
    for row in figures["compensation"]:
        given[row["assignee_id"]].append(row)
    active = set(tickets) | set(first_contact) | set(surveys) | set(given)
    names = {
        row["pk"]: person(row["first_name"], row["last_name"], row["username"])
        for row in figures["staff"]
        if row["holds"] or row["pk"] in active
    }
    rows: list[list[Any]] = []
    for pk in [*sorted(names, key=lambda pk: names[pk].lower()), None]:
        t, f, s, lines = (
            tickets.get(pk, {}),
            first_contact.get(pk, {}),
            surveys.get(pk, {}),
            given[pk],
        )
        if pk is None and not (t or f or s or lines):
            continue
        first = f.get("first_contact") or [None]
        rows.append(
            [
                names[pk] if pk is not None else _("Nobody (unassigned)"),
                f.get("contacted", 0),
                t.get("resolved", 0),
                t.get("promises_due", 0),
                percent(t.get("promises_kept", 0), t.get("promises_due", 0)),
                hours(first[0]),
                s.get("csat_answers", 0),
                rounded(s.get("csat_average"), TWO_PLACES),
                percent(s.get("csat_satisfied", 0), s.get("csat_answers", 0)),
                sum(row["lines"] for row in lines),
                _amounts(lines),
            ]
        )
    # Busiest first (first contacts and resolutions); the alphabetical order above breaks ties.
    rows.sort(key=lambda row: -(row[1] + row[2]))
    return Table(
        "agents",
        _("Per agent"),
        [
            Column(_("Agent")),
            Column(_("First contacts"), True),
            Column(_("Resolved"), True),
            Column(_("Promises due"), True),
            Column(_("Kept on time (%)"), True),
            Column(_("Median first contact (hours)"), True),
            Column(_("Survey answers"), True),
            Column(_("CSAT, average"), True),
            Column(_("CSAT 4–5 (%)"), True),
            Column(_("Compensation lines given"), True),
            Column(_("Amount given")),
        ],
        rows,
    )
