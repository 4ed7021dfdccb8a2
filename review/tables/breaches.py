"""The SLA page's tables: breaches of the period and tickets at risk now, one row per ticket.

A year of breaches is tens of thousands of rows streamed to a CSV, so what
every row repeats (the words, the labels, the ticket URL, the time zone) is
worked out once per table, not once per row.
"""

from collections.abc import Callable, Iterable
from datetime import datetime
from urllib.parse import quote

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from recovery.choices import Priority, Status
from review.selectors.common import Row
from review.tables.base import Column, Link, Table, category_name, hours, person

_PLACEHOLDER = "REFERENCE"


class _Cells:
    """The cells both tables share, with everything constant computed in the request's language."""

    def __init__(self) -> None:
        self.ticket_url = reverse("agent:ticket", args=[_PLACEHOLDER])
        self.nobody = _("Nobody")
        self.yes, self.no = _("yes"), _("no")
        self.not_contacted = _("Still not contacted")
        self.priorities = {value: str(label) for value, label in Priority.choices}
        self.statuses = {value: str(label) for value, label in Status.choices}
        self.zone = timezone.get_current_timezone()
        self.french = category_name("en", "fr") == "fr"

    def reference(self, row: Row) -> Link:
        reference = row["complaint__reference"]
        return Link(reference, self.ticket_url.replace(_PLACEHOLDER, quote(reference)))

    def when(self, value: datetime | None) -> str | None:
        """As ``tables.base.when``, with the time zone looked up once."""
        return None if value is None else value.astimezone(self.zone).strftime("%Y-%m-%d %H:%M")

    def agent(self, row: Row) -> str:
        if row["assignee_id"] is None:
            return self.nobody
        return person(
            row["assignee__first_name"], row["assignee__last_name"], row["assignee__username"]
        )

    def category(self, row: Row, path: str = "") -> str:
        """The category the ticket counts under: the agent's correction, else the customer's pick."""
        # category_name() asks for the active language, a thread-local lookup: once is enough.
        name = "name_fr" if self.french else "name_en"
        return row[f"{path}category__{name}"] or row[f"{path}complaint__category__{name}"]

    def customer_category(self, row: Row, path: str = "") -> str:
        return row[f"{path}complaint__category__{'name_fr' if self.french else 'name_en'}"]


def _rows(build: Callable[[Row], list[object]], rows: Iterable[Row]) -> Iterable[list[object]]:
    """A list for a page's slice; a generator for the CSV's iterator, so nothing piles up."""
    if isinstance(rows, list):
        return [build(row) for row in rows]
    return (build(row) for row in rows)


def breaches_table(rows: Iterable[Row], *, total: int | None = None) -> Table:
    """``rows`` from ``selectors.breaches.breached_tickets``: a page's slice, or its iterator.

    Late by: from the promised time to the first contact, in hours; empty
    while nobody has called.
    """
    cells = _Cells()

    def row_of(row: Row) -> list[object]:
        contacted = row["acknowledged_at"] is not None
        return [
            cells.reference(row),
            cells.when(row["breached_at"]),
            cells.when(row["callback_promised_at"]),
            cells.when(row["acknowledged_at"]) if contacted else cells.not_contacted,
            hours(row["late"]) if contacted else None,
            cells.agent(row),
            cells.yes if row["escalated_at"] else cells.no,
            cells.category(row),
            cells.customer_category(row),
            cells.priorities.get(row["priority_at_breach"], row["priority_at_breach"]),
            cells.statuses.get(row["status"], row["status"]),
        ]

    return Table(
        "breaches",
        _("Breached tickets"),
        [
            Column(_("Reference")),
            Column(_("Breached")),
            Column(_("Promised by")),
            Column(_("First contact")),
            Column(_("Late by (hours)"), True),
            Column(_("Agent")),
            Column(_("Nobody had it at the breach")),
            Column(_("Category")),
            Column(_("Customer's category")),
            Column(_("Priority at the breach")),
            Column(_("Status now")),
        ],
        _rows(row_of, rows),
        total=total,
    )


def at_risk_table(rows: Iterable[Row], *, now: datetime, total: int | None = None) -> Table:
    """``rows`` from ``selectors.breaches.at_risk_tickets``, soonest due first."""
    cells = _Cells()

    def row_of(row: Row) -> list[object]:
        return [
            cells.reference(row),
            cells.when(row["callback_due_at"]),
            int((row["callback_due_at"] - now).total_seconds() // 60),
            cells.agent(row),
            cells.category(row),
            cells.customer_category(row),
            cells.priorities.get(row["priority"], row["priority"]),
        ]

    return Table(
        "at_risk",
        _("At risk now: due within 4 hours, nobody has called yet"),
        [
            Column(_("Reference")),
            Column(_("Callback due")),
            Column(_("Minutes left"), True),
            Column(_("Agent")),
            Column(_("Category")),
            Column(_("Customer's category")),
            Column(_("Priority")),
        ],
        _rows(row_of, rows),
        total=total,
    )


def reply_breaches_table(rows: Iterable[Row], *, total: int | None = None) -> Table:
    """``rows`` from ``selectors.breaches.reply_breaches``: one row per missed reply deadline."""
    cells = _Cells()

    def row_of(row: Row) -> list[object]:
        reference = row["ticket__complaint__reference"]
        agent = (
            cells.nobody
            if row["ticket__assignee_id"] is None
            else person(
                row["ticket__assignee__first_name"],
                row["ticket__assignee__last_name"],
                row["ticket__assignee__username"],
            )
        )
        due = datetime.fromisoformat(row["due_at"]) if row["due_at"] else None
        return [
            Link(reference, cells.ticket_url.replace(_PLACEHOLDER, quote(reference))),
            cells.when(row["created_at"]),
            cells.when(due),
            agent,
            cells.yes if row["escalated"] in (True, "true") else cells.no,
            cells.category(row, "ticket__"),
            cells.customer_category(row, "ticket__"),
            cells.priorities.get(row["priority_then"], row["priority_then"]),
            cells.statuses.get(row["ticket__status"], row["ticket__status"]),
        ]

    return Table(
        "reply_breaches",
        _("Missed reply deadlines"),
        [
            Column(_("Reference")),
            Column(_("Missed")),
            Column(_("Reply due by")),
            Column(_("Agent now")),
            Column(_("Nobody had it then")),
            Column(_("Category")),
            Column(_("Customer's category")),
            Column(_("Priority then")),
            Column(_("Status now")),
        ],
        _rows(row_of, rows),
        total=total,
    )
