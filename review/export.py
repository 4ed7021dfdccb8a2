"""A review table as a streamed CSV download: one row at a time, so a year of breaches fits.

The rows come from the same table builders the pages use (``tables.EXPORTS``),
so the figures are the page's, cell for cell. Big tables read their rows with
``.iterator()``: neither Django nor the database client holds them all.
"""

import csv
from collections.abc import Iterator
from decimal import Decimal

from django.http import StreamingHttpResponse
from django.utils import translation

from review.tables.base import Table


class _Echo:
    """A file-like object whose write() hands the line back, for csv.writer in a generator."""

    def write(self, value: str) -> str:
        return value


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)


def csv_lines(table: Table, *, batch: int = 500) -> Iterator[str]:
    """The table as CSV text, ``batch`` rows per chunk: each chunk costs the server a write."""
    writer = csv.writer(_Echo())
    yield writer.writerow([str(column.label) for column in table.columns])
    lines = []
    for row in table.rows:
        lines.append(writer.writerow([_cell(value) for value in row]))
        if len(lines) == batch:
            yield "".join(lines)
            lines = []
    if lines:
        yield "".join(lines)


def csv_response(table: Table, *, filename: str) -> StreamingHttpResponse:
    language = translation.get_language()

    def lines() -> Iterator[str]:
        # The labels of lazily built rows are translated as they stream,
        # after the view has returned: keep the request's language for them.
        with translation.override(language):
            # A byte-order mark, so that spreadsheet programs read UTF-8 (é, ç) right.
            yield "\ufeff"
            yield from csv_lines(table)

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
