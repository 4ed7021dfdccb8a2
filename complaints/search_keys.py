"""The expressions the search indexes hold, shared by the models' indexes and the search.

PostgreSQL uses an expression index only for a query that repeats the
expression exactly, so ``complaints.models`` (the indexes) and
``complaints.search`` (the queries) both build them here. Changing one is a
new migration: the index must be rebuilt over the new expression.
"""

from django.contrib.postgres.search import SearchVector
from django.db.models import CharField, Expression, F, Func, TextField, Value
from django.db.models.functions import Replace, Upper


def unaccent(expression: Expression | F | Value) -> Func:
    """``amends_unaccent(expression)``: the text without its accents ("Amélie" → "Amelie")."""
    return Func(expression, function="amends_unaccent", output_field=TextField())


def name_key() -> Expression:
    """What the customer-name trigram index holds: the name in capitals, without accents."""
    return Upper(unaccent(F("name")))


def reference_key() -> Expression:
    """The reference without its dashes, so "K59X" finds AM-F2K5-9XPD across the dash."""
    return Replace(F("reference"), Value("-"), Value(""), output_field=CharField())


def order_key() -> Expression:
    """The order number in capitals: agents type it in any case."""
    return Upper(F("order_reference"))


def description_vector() -> Expression:
    """The description stemmed in French and in English, accents folded: one vector, one index.

    A complaint's language field says what the customer chose for the form,
    not always what they wrote in, so both stemmings are kept for every row.
    """
    text = unaccent(F("description"))
    return SearchVector(text, config="french") + SearchVector(text, config="english")
