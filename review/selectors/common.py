"""Small pieces the review's selectors share."""

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from django.db.models import DurationField, ExpressionWrapper, F, OuterRef, Q, Subquery

from recovery.choices import NpsClass
from recovery.models import Ticket
from recovery.selectors import counted_category
from recovery.survey import nps_class
from review.periods import Period

# One row of figures as a selector returns it (often a values() row): column name to value.
Row = Mapping[str, Any]

# The NPS groups as score bounds a query can filter on, read off
# recovery.survey.nps_class so the review and the survey flow never disagree.
PROMOTER_MIN = min(s for s in range(11) if nps_class(s) == NpsClass.PROMOTER)
PASSIVE_MIN = min(s for s in range(11) if nps_class(s) == NpsClass.PASSIVE)


def between(field: str, start: datetime | date, end: datetime | date) -> Q:
    """``field`` in [start, end): the half-open span every period uses."""
    return Q(**{f"{field}__gte": start, f"{field}__lt": end})


def in_period(field: str, period: Period) -> Q:
    return between(field, period.start, period.end)


def duration(later: str, earlier: str) -> ExpressionWrapper:
    """``later - earlier`` as a duration (interval on PostgreSQL)."""
    return ExpressionWrapper(F(later) - F(earlier), output_field=DurationField())


def of_ticket(column: str) -> Subquery:
    """``column`` of the row's ticket (``ticket_id``), looked up by primary key, row by row.

    Surveys and compensation lines of a period are a small share of their
    table; a lookup per row reads only their tickets, where a join tempts the
    planner into hashing all the tickets (and complaints) there are. Group by
    it rather than filter on it: a filter would repeat the lookup per use.
    """
    return Subquery(Ticket.objects.filter(pk=OuterRef("ticket_id")).values(column)[:1])


# Grouping complaints by category means by the one the ticket counts under
# (the agent's correction, else the customer's pick), and by root cause: the
# names a complaint's values() rows use for them. ``category_id`` itself is
# the customer's pick, a column of the complaint, and Django will not let an
# expression take a column's name.
COMPLAINT_GROUPS = {
    "counted_category": counted_category(ticket="ticket__", complaint=""),
    "root_cause": F("ticket__root_cause_id"),
}


def complaint_groups(rows: Any) -> list[Row]:
    """A complaint's values() rows grouped by ``COMPLAINT_GROUPS``, keyed as the summary's columns.

    ``counted_category`` becomes ``category_id`` and ``root_cause``
    ``root_cause_id``, the names ``review.models.DayComplaints`` stores them
    under, so the live and the summary rows read alike.
    """
    renamed = {"counted_category": "category_id", "root_cause": "root_cause_id"}
    return [{renamed.get(key, key): value for key, value in row.items()} for row in rows]
