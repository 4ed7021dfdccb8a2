"""Finding complaints from a fragment of what the agent remembers.

On PostgreSQL every condition here is answered by an index the migration
``0005_search_indexes`` builds: trigram (pg_trgm) GIN indexes serve the
``LIKE '%...%'`` fragments of names, references, order numbers and phone
numbers, and one full-text GIN index holds each description stemmed in both
French and English. The indexed expressions are the ones the query
repeats: PostgreSQL uses an expression index only for the same expression,
so the models' indexes and this module take them from ``search_keys``. Names are compared without accents through
``amends_unaccent``, an IMMUTABLE wrapper the migration creates
(``unaccent()`` itself is only STABLE, so it cannot be indexed).

The embedded SQLite of ``make run`` has none of these; it gets plain
case-insensitive ``LIKE`` matches over the same fields (no accent folding,
no stemming), enough for a demo's handful of rows.
"""

import functools
import re
from collections.abc import Callable
from typing import Any

from django.contrib.postgres.search import SearchQuery
from django.db import connection
from django.db.models import Expression, IntegerField, Model, Q, QuerySet, Value
from django.db.models.expressions import RawSQL
from django.db.models.functions import Upper
from django.db.models.sql import Query

from complaints.models import Complaint, Customer
from complaints.search_keys import (
    description_vector,
    name_key,
    order_key,
    reference_key,
    unaccent,
)
from shared.identifiers import REFERENCE_ALPHABET

# Below three characters pg_trgm has no trigram to look up: an index scan
# would read the whole index, so such fragments only match whole values.
MIN_FRAGMENT = 3
# Fewer digits than this are too common to mean one phone number.
MIN_PHONE_DIGITS = 6
# A search lists at most this many complaints, the newest (eight pages of
# the queue): the bound is what lets PostgreSQL look their tickets up one by
# one, and each one looked up costs the page about 0.02 ms.
MAX_MATCHES = 200
PHONE_CHARACTERS = re.compile(r"^[0-9+() .\-/]+$")


def description_query(query: str) -> Expression:
    """The words the agent typed, all of them, stemmed as French or as English."""
    words = unaccent(Value(query))
    return SearchQuery(words, config="french") | SearchQuery(words, config="english")


def phone_digits(query: str) -> str:
    """The national significant digits of a typed phone number ("07911 123456" → "7911123456").

    Without its national trunk prefix (the leading zeros) and its "+", the
    number is the end of the E.164 form we store, whatever its country: a
    British number typed as a British customer says it is found although the
    default region (FR) cannot read it.
    """
    if not PHONE_CHARACTERS.match(query):
        return ""
    digits = re.sub(r"\D", "", query).lstrip("0")
    return digits if len(digits) >= MIN_PHONE_DIGITS else ""


def customers_matching(*, query: str) -> QuerySet[Customer]:
    """Customers whose phone ends with the digits typed, or else whose name contains ``query``.

    Digits are never part of a name, so a number is looked up by phone only.
    """
    digits = phone_digits(query)
    if digits:
        return Customer.objects.filter(phone__endswith=digits)
    if connection.vendor != "postgresql":
        return Customer.objects.filter(name__icontains=query)
    return Customer.objects.alias(name_key=name_key()).filter(
        name_key__contains=Upper(unaccent(Value(query)))
    )


def complaints_matching(*, query: str) -> QuerySet[Complaint]:
    """Complaints whose reference or order number contains ``query``, or whose description has its words.

    The customers' matches (``customers_matching``) are a separate query on
    purpose: an OR across two tables cannot use either table's indexes, so
    the caller unites the two sets instead.
    """
    fragment = re.sub(r"[^0-9A-Za-z]", "", query).upper()
    is_reference = len(fragment) >= MIN_FRAGMENT and set(fragment) <= set(REFERENCE_ALPHABET)
    if connection.vendor != "postgresql":
        condition = Q(order_reference__icontains=query) | Q(description__icontains=query)
        if is_reference:
            condition |= Q(reference__icontains=fragment)
        return Complaint.objects.filter(condition)
    condition = Q(order_key__contains=query.upper()) | Q(
        description_vector=description_query(query)
    )
    if is_reference:
        condition |= Q(reference_key__contains=fragment)
    return Complaint.objects.alias(
        reference_key=reference_key(),
        order_key=order_key(),
        description_vector=description_vector(),
    ).filter(condition)


def complaint_ids_matching(*, query: str) -> QuerySet[Complaint, Any] | RawSQL:
    """The ids of the newest ``MAX_MATCHES`` complaints found by their own fields or their customer's.

    The complaints matched by their own fields are united with those of the
    matching customers (an OR across the join could use neither table's
    indexes). The LIMIT is the point: without it PostgreSQL guesses from the
    trigram selectivity that thousands of complaints match, and joins them
    to the tickets by hashing all of them (a sequential scan of a million
    tickets, 200 ms); knowing at most ``MAX_MATCHES`` come, it looks each
    one's ticket up by its unique ``complaint_id`` index instead. A search
    broader than that (a common word) lists the newest complaints it finds.
    UNION ALL: a complaint found twice costs nothing to the IN that reads this.

    On PostgreSQL the same conditions are written out as SQL
    (``matching_ids_sql``): the ORM took 10 to 30 ms of Python to build this
    union of aliased expressions, more than the database takes to answer it.
    """
    if connection.vendor == "postgresql":
        return matching_ids_sql(query)
    customers = customers_matching(query=query).values("pk")
    # Unordered parts: SQLite refuses an ORDER BY (the complaints' default) inside a UNION.
    by_customer = Complaint.objects.filter(customer__in=customers).order_by().values("pk")
    by_own_fields = complaints_matching(query=query).order_by().values("pk")
    return by_own_fields.union(by_customer, all=True).order_by("-pk")[:MAX_MATCHES]


def compiled(model: type[Model], expression: Expression) -> tuple[str, list[object]]:
    """``expression`` as SQL over ``model``'s table, unaliased (``"complaints_customer"."name"``)."""
    query = Query(model)
    sql, params = query.get_compiler(connection=connection).compile(
        expression.resolve_expression(query)
    )
    return sql, list(params)


@functools.cache
def key_sql(model: type[Model], key: Callable[[], Expression]) -> tuple[str, tuple[object, ...]]:
    """A search key's SQL, compiled once from ``search_keys``: the very expression its index holds."""
    sql, params = compiled(model, key())
    return sql, tuple(params)


def matching_ids_sql(query: str) -> RawSQL:
    """``complaint_ids_matching`` on PostgreSQL: what ``complaints_matching`` and ``customers_matching`` ask, as SQL.

    The same conditions over the same key expressions (``key_sql``), so the
    same indexes answer; only the Python that builds the query is saved.
    """
    like = connection.ops.prep_for_like_query
    fragment = re.sub(r"[^0-9A-Za-z]", "", query).upper()
    order, order_params = key_sql(Complaint, order_key)
    vector, vector_params = key_sql(Complaint, description_vector)
    words, words_params = compiled(Complaint, description_query(query))
    own = [f"{order} LIKE %s", f"{vector} @@ {words}"]
    params: list[object] = [*order_params, f"%{like(query.upper())}%", *vector_params]
    params += words_params
    if len(fragment) >= MIN_FRAGMENT and set(fragment) <= set(REFERENCE_ALPHABET):
        reference, reference_params = key_sql(Complaint, reference_key)
        own.append(f"{reference} LIKE %s")
        params += [*reference_params, f"%{fragment}%"]
    digits = phone_digits(query)
    if digits:
        customer = '"complaints_customer"."phone" LIKE %s'
        params.append(f"%{like(digits)}")
    else:
        name, name_params = key_sql(Customer, name_key)
        customer = f"{name} LIKE '%%' || UPPER(amends_unaccent(%s)) || '%%'"
        params += [*name_params, like(query)]
    params.append(MAX_MATCHES)
    # Only compiled expressions and constants are spliced in; what was typed is a parameter.
    sql = (
        f'SELECT "id" FROM "complaints_complaint" WHERE {" OR ".join(own)}'  # noqa: S608
        ' UNION ALL SELECT "id" FROM "complaints_complaint" WHERE "customer_id" IN'
        f' (SELECT "id" FROM "complaints_customer" WHERE {customer})'
        " ORDER BY 1 DESC LIMIT %s"
    )
    return RawSQL(sql, params, output_field=IntegerField())  # noqa: S611  # see above
