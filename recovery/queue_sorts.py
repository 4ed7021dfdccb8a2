"""The queue's column sorts: the ORDER BY of each, and what keeps it one short read.

Every sort ends on the ticket's id, so rows that tie keep one order from page to
page. Descending reverses every term, ties included: a backward scan of the
ascending order's index serves it.

The sorts on the ticket's own columns (due, opened, priority, status) each have
a partial index over open tickets (``recovery.models.tickets``, migration
recovery 0016): PostgreSQL reads a page of it and stops, at any number of
tickets. A sort on a joined column (reference, customer, topic, assignee)
cannot use an index on the tickets, and the tables it joins have none in that
order that knows which tickets are open: at 100,000 open tickets a customer
sort would join and sort them all (about 200 ms), a reference sort walked the
complaints' reference index through 600,000 closed ones (1.2 s). So those are
bounded: they sort the ``JOINED_SORT_WINDOW`` matching tickets due first, a
fixed amount of work whatever the size of the data (7 to 20 ms for 500 at
1,000,000 tickets, where the own columns' take under a millisecond), and the
page says so when there are more.
"""

from django.db.models import Expression, F, OrderBy, QuerySet
from django.db.models.functions import Coalesce, Lower
from django.utils.translation import get_language

from recovery.models import Ticket
from recovery.models.tickets import priority_rank, status_rank

DEFAULT_SORT = "due"
# The columns the queue shows, in its order, each sortable.
SORTS = ("reference", "customer", "category", "priority", "status", "opened", "due", "assignee")
# Sorted within the window of the tickets due first (the docstring says why).
JOINED_SORTS = frozenset({"reference", "customer", "category", "assignee"})
JOINED_SORT_WINDOW = 500


def sort_terms(key: str) -> list[F | Expression]:
    """The ascending order of ``key``, before the id; the due date breaks ties within a group."""
    due = F("due_at")
    if key == "opened":
        return [F("opened_at")]
    if key == "priority":
        return [priority_rank(), due]
    if key == "status":
        return [status_rank(), due]
    if key == "reference":
        return [F("complaint__reference")]
    if key == "customer":
        return [Lower("complaint__customer__name"), due]
    if key == "category":
        # The topic the row shows, the one the ticket counts under (an agent's
        # correction, else the customer's pick: recovery.selectors.counted_category),
        # in the managers' order of the topics, then by the name the agent reads.
        language = "fr" if (get_language() or "en").startswith("fr") else "en"
        return [
            Coalesce("category__position", "complaint__category__position"),
            Coalesce(f"category__name_{language}", f"complaint__category__name_{language}"),
            due,
        ]
    if key == "assignee":
        # As shared.people names them; the unassigned after everybody.
        return [
            Lower("assignee__first_name"),
            Lower("assignee__last_name"),
            F("assignee__username"),
            due,
        ]
    return [due]


def sort_order(key: str, *, descending: bool = False) -> list[OrderBy]:
    """The ORDER BY of ``key``: nulls after the values, all of it reversed when ``descending``."""
    terms = [*sort_terms(key), F("id")]
    if descending:
        return [term.desc(nulls_first=True) for term in terms]
    return [term.asc(nulls_last=True) for term in terms]


def tickets_sorted(
    tickets: QuerySet[Ticket], *, key: str, descending: bool = False
) -> QuerySet[Ticket]:
    """``tickets`` in the order of ``key``; a joined column's within the window due first.

    Still one query: the window is a subquery of the page's, a range of the
    due-order index that stops after ``JOINED_SORT_WINDOW`` rows.
    """
    if key in JOINED_SORTS:
        window = tickets.order_by(*sort_order(DEFAULT_SORT)).values("pk")[:JOINED_SORT_WINDOW]
        tickets = Ticket.objects.filter(pk__in=window)
    return tickets.order_by(*sort_order(key, descending=descending))
