"""SQL the review needs that Django does not ship: percentiles, and "contains any of these words".

Both run inside the database whatever the engine, so a page costs the same
number of queries on PostgreSQL (tests, production) and on the embedded SQLite
of ``make run``.
"""

import json
import math
from collections.abc import Iterable, Sequence
from datetime import timedelta
from typing import Any

from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Aggregate, BooleanField, DurationField, Field, Func, Value
from django.db.models.sql.compiler import SQLCompiler

SQLITE_PERCENTILES = "amends_percentiles_cont"


def _interpolate(ordered: Sequence[float], fraction: float) -> float:
    position = (len(ordered) - 1) * fraction
    low, high = math.floor(position), math.ceil(position)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


class _PercentilesCont:
    """PERCENTILE_CONT for SQLite: linear interpolation, as PostgreSQL does; a JSON list back.

    Keeps every value of the group in memory, which is fine for the embedded
    default's data; PostgreSQL, which production uses, sorts on its side.
    """

    def __init__(self) -> None:
        self.values: list[float] = []
        self.fractions = "[]"  # JSON, set by the first step

    def step(self, fractions: str, value: float | None) -> None:
        self.fractions = fractions
        if value is not None:
            self.values.append(value)

    def finalize(self) -> str | None:
        # No row got through the FILTER: SQL NULL, as PostgreSQL answers.
        if not self.values:
            return None
        ordered = sorted(self.values)
        return json.dumps([_interpolate(ordered, f) for f in json.loads(self.fractions)])


class _Quantiles(Field):
    """What Percentiles returns: a list, one value per fraction, in the measured field's type."""

    def __init__(self, count: int, base: Field | None = None) -> None:
        self.count, self.base = count, base
        super().__init__()

    def from_db_value(
        self, value: Any, expression: Any, connection: BaseDatabaseWrapper
    ) -> list[Any]:
        if value is None:
            return [None] * self.count
        if isinstance(value, str):  # SQLite's JSON; durations come as microseconds
            value = json.loads(value)
            if isinstance(self.base, DurationField):
                value = [None if v is None else timedelta(microseconds=v) for v in value]
        return list(value)


class Percentiles(Aggregate):
    """Continuous percentiles of ``expression`` (0.5 is the median), as PostgreSQL computes them.

    Several fractions share one sort: ``Percentiles(duration, (0.5, 0.9))``
    gives ``[median, p90]``. Works on numbers and durations; takes ``filter=``
    like any aggregate, so percentiles over different subsets come out of one
    query. On SQLite a small Python aggregate, registered on the connection,
    does the same: the page runs the same queries on the embedded default.
    """

    function = "PERCENTILE_CONT"
    name = "Percentiles"
    template = (
        "%(function)s(ARRAY[%(fractions)s]::float8[]) WITHIN GROUP (ORDER BY %(expressions)s)"
    )

    def __init__(self, expression: Any, fractions: Iterable[float], **extra: Any) -> None:
        fractions = [float(f) for f in fractions]
        if not fractions or not all(0 <= f <= 1 for f in fractions):
            raise ValueError("Percentiles need fractions between 0 and 1.")
        base = getattr(expression, "_output_field_or_none", None)
        # Floats we formatted ourselves: safe to inline, and PostgreSQL wants
        # the fractions as constants next to WITHIN GROUP.
        super().__init__(
            expression,
            fractions=", ".join(repr(f) for f in fractions),
            output_field=_Quantiles(len(fractions), base),
            **extra,
        )

    def as_sqlite(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, **extra_context: Any
    ) -> tuple[str, tuple[Any, ...]]:
        # SQLite has no ordered-set aggregates; register ours on this
        # connection (cheap, idempotent) before the query that needs it runs.
        connection.ensure_connection()
        connection.connection.create_aggregate(SQLITE_PERCENTILES, 2, _PercentilesCont)
        clone = self.copy()
        clone.function = SQLITE_PERCENTILES
        clone.template = "%(function)s('[%(fractions)s]', %(expressions)s)"
        return clone.as_sql(compiler, connection, **extra_context)


class ContainsAny(Func):
    """True when the text ``expression`` contains any of ``words`` (compare lowered text to lowered words).

    One LIKE ANY(ARRAY[...]) on PostgreSQL, so the text is read once whatever
    the number of words; an OR of LIKEs elsewhere.
    """

    output_field = BooleanField()
    arity = None

    def __init__(self, expression: Any, words: Iterable[str]) -> None:
        patterns = [Value(f"%{_escape_like(word)}%") for word in words]
        if not patterns:
            raise ValueError("ContainsAny needs at least one word.")
        super().__init__(expression, *patterns)

    def as_sql(  # type: ignore[override]  # compiles its own SQL: no function or template
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, **extra_context: Any
    ) -> tuple[str, tuple[Any, ...]]:
        text, *patterns = self.get_source_expressions()
        text_sql, text_params = compiler.compile(text)
        parts: list[str] = []
        params: list[Any] = []
        for pattern in patterns:
            pattern_sql, pattern_params = compiler.compile(pattern)
            parts.append(f"{text_sql} LIKE {pattern_sql} ESCAPE '\\'")
            params.extend((*text_params, *pattern_params))
        return f"({' OR '.join(parts)})", tuple(params)

    def as_postgresql(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, **extra_context: Any
    ) -> tuple[str, tuple[Any, ...]]:
        text, *patterns = self.get_source_expressions()
        text_sql, params = compiler.compile(text)
        compiled = [compiler.compile(pattern) for pattern in patterns]
        array = ", ".join(sql for sql, _params in compiled)
        params = (*params, *(p for _sql, pattern_params in compiled for p in pattern_params))
        return f"({text_sql} LIKE ANY(ARRAY[{array}]::text[]))", tuple(params)


def _escape_like(word: str) -> str:
    return word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
