"""Cursor pagination over a nullable deadline column, in the order of its index.

DRF's CursorPagination keys a page on the first ordering column alone and
compares it with ``>``, which a NULL never satisfies: on ``(due_at, id)`` the
tickets with no deadline (acknowledged, waiting for an apology...) would be
skipped or repeated. So the position here is the pair ``(value, id)``, NULL
included, and a page is read in at most two index range scans: the rows with
a value, from the position on, in ``(value, id)`` order (``ticket_queue_idx``
for the queue), then, once those run out, the rows without one by id. NULLs
come last, as PostgreSQL stores them in an ascending index. The order is
total (id breaks every tie), so a row is never skipped nor shown twice, even
while tickets move.

What DRF gives is kept: the opaque ``cursor`` parameter, ``next`` and
``previous`` links, ``page_size`` and the documented response.
"""

from datetime import datetime

from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import Cursor, CursorPagination


class KeysetCursorPagination(CursorPagination):
    """Pages in ``(field, id)`` order, NULLs last; ``descending`` reverses both columns."""

    field = "due_at"
    descending = False
    ordering = "due_at"  # what DRF's own code expects to find; the order is ours
    page_size = 25
    page_size_query_param = "page_size"
    max_page_size = 100
    invalid_cursor_message = _("This cursor is not valid; start again from the first page.")  # type: ignore[assignment]  # DRF formats it lazily

    def paginate_queryset(self, queryset, request, view=None):
        self.request = request
        self.base_url = request.build_absolute_uri()
        self.page_size = self.get_page_size(request)
        cursor = self.decode_cursor(request)
        position = self._position(cursor.position) if cursor and cursor.position else None
        backward = bool(cursor and cursor.reverse and position)
        rows = self._rows(queryset, position, forward=not backward, limit=self.page_size + 1)
        more = len(rows) > self.page_size
        rows = rows[: self.page_size]
        if backward:
            rows.reverse()
        # Coming from a position, there is a page on the side we came from.
        self.has_next = position is not None if backward else more
        self.has_previous = more if backward else position is not None
        self.page = rows
        self.anchor = position
        return rows

    def decode_cursor(self, request):
        # A bad cursor is bad input (400), not a missing page (DRF's 404).
        try:
            return super().decode_cursor(request)
        except NotFound:
            raise ValidationError(
                {self.cursor_query_param: [self.invalid_cursor_message]}
            ) from None

    def get_next_link(self):
        if not self.has_next:
            return None
        key = self._key(self.page[-1]) if self.page else self._encode(self.anchor)
        return self.encode_cursor(Cursor(offset=0, reverse=False, position=key))

    def get_previous_link(self):
        if not self.has_previous:
            return None
        key = self._key(self.page[0]) if self.page else self._encode(self.anchor)
        return self.encode_cursor(Cursor(offset=0, reverse=True, position=key))

    # The position is "<value in ISO 8601 or empty>|<id>"; an empty value is NULL.

    def _key(self, row):
        return self._encode((getattr(row, self.field), row.pk))

    @staticmethod
    def _encode(position):
        value, pk = position
        return f"{value.isoformat() if value is not None else ''}|{pk}"

    def _position(self, text):
        try:
            value, pk = text.split("|")
            value = datetime.fromisoformat(value) if value else None
            if value is not None and value.tzinfo is None:
                raise ValueError("a cursor we made always has a time zone")
            return value, int(pk)
        except ValueError:
            raise ValidationError(
                {self.cursor_query_param: [self.invalid_cursor_message]}
            ) from None

    def _rows(self, queryset, position, *, forward, limit):
        """Up to ``limit`` rows from ``position`` on (or back), nearest first."""
        in_nulls = position is not None and position[0] is None
        dated = self._dated(queryset, None if in_nulls else position, forward=forward)
        undated = self._undated(queryset, position if in_nulls else None, forward=forward)
        if forward:
            segments = [undated] if in_nulls else [dated, undated]
        else:
            segments = [undated, dated] if in_nulls else [dated]
        rows = []
        for segment in segments:
            rows.extend(segment[: limit - len(rows)])
            if len(rows) >= limit:
                break
        return rows

    def _rising(self, forward):
        return forward != self.descending

    def _dated(self, queryset, position, *, forward):
        rising, field = self._rising(forward), self.field
        rows = queryset.filter(**{f"{field}__isnull": False})
        if position is not None:
            value, pk = position
            # "(field, id) beyond the position", written so that the index
            # range starts at the value and only its ties are filtered.
            bound, ties = ("gte", "lte") if rising else ("lte", "gte")
            rows = rows.filter(**{f"{field}__{bound}": value}).exclude(
                **{field: value, f"id__{ties}": pk}
            )
        return rows.order_by(field if rising else f"-{field}", "id" if rising else "-id")

    def _undated(self, queryset, position, *, forward):
        rising = self._rising(forward)
        rows = queryset.filter(**{f"{self.field}__isnull": True})
        if position is not None:
            rows = rows.filter(**{"id__gt" if rising else "id__lt": position[1]})
        return rows.order_by("id" if rising else "-id")
