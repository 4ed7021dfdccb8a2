"""The one sanctioned rewrite of recovery's records: removing a customer's personal data.

The timeline is append-only (``ImmutableQuerySet``, and on PostgreSQL a
trigger, recovery 0017): no view, task or admin edits an event. Erasing a customer (GDPR, ``privacy.services``) is the
exception the law requires, so it has its own narrowly named writers here
instead of a silent way around the guard. They replace free texts only:
statuses, dates, scores and amounts (what the statistics read) stay as they
were, and ticket rows (``recovery.workflow``'s alone) are never touched.
"""

from collections.abc import Collection

from django.db import connection, transaction
from django.db.backends.utils import CursorWrapper

from recovery.models import CallbackAttempt, Compensation, Survey, TicketEvent

# What an erased free text reads afterwards: visibly removed, not silently empty.
ERASED = "[erased]"


@transaction.atomic
def events_redact(*, ticket_ids: Collection[int], keys: Collection[str]) -> int:
    """Replace the string values of ``keys`` in these tickets' event payloads; the events stay.

    One UPDATE per key, in SQL on purpose: the model layer refuses edits to
    events, and this is the only place allowed to make one. Only string
    values are replaced (a key that holds an id or a number elsewhere keeps
    it), and a value already erased is left alone, so a second run changes
    nothing. Returns how many payload values were replaced.

    On PostgreSQL a trigger refuses any UPDATE of an event (recovery 0017)
    unless ``amends.redacting`` is ``on`` in the transaction, and even then
    lets through only string values turned into ``[erased]``. The setting is
    transaction-local and turned off again before returning, so the rest of
    an erasure's transaction gets no exemption; a failure rolls it back with
    the savepoint.
    """
    ids = sorted(set(ticket_ids))
    if not ids or not keys:
        return 0
    table = TicketEvent._meta.db_table
    replaced = 0
    with connection.cursor() as cursor:
        _redacting(cursor, on=True)
        for key in sorted(set(keys)):
            cursor.execute(
                f'UPDATE "{table}" SET payload = jsonb_set(payload, ARRAY[%s], to_jsonb(%s::text))'  # noqa: S608  # the table name is ours
                " WHERE ticket_id = ANY(%s) AND jsonb_typeof(payload -> %s) = 'string'"
                " AND payload ->> %s NOT IN ('', %s)",
                [key, ERASED, ids, key, key, ERASED],
            )
            replaced += cursor.rowcount
        _redacting(cursor, on=False)
    return replaced


def _redacting(cursor: CursorWrapper, *, on: bool) -> None:
    """Open or close the trigger's one exemption, for this transaction only."""
    if connection.vendor == "postgresql":
        cursor.execute("SELECT set_config('amends.redacting', %s, true)", ["on" if on else "off"])


def _blank(value: str) -> str:
    return ERASED if value else ""


@transaction.atomic
def ticket_records_redact(*, ticket_ids: Collection[int]) -> int:
    """Remove the free texts of these tickets' compensations, callback attempts and surveys.

    Kinds, amounts, currencies, statuses, scores and dates stay: the review
    counts and sums them. A code or a voucher's instructions may name the
    customer, so they go too. A text that must not be empty (a "none" line's
    reason) reads ``[erased]``. Returns how many rows changed.
    """
    changed = 0
    for line in Compensation.objects.filter(ticket_id__in=ticket_ids):
        texts = {
            "remedy_sought": _blank(line.remedy_sought),
            "description": _blank(line.description),
            "reason": _blank(line.reason),
            "decline_reason": _blank(line.decline_reason),
            "code": _blank(line.code),
            "redeem_instructions": _blank(line.redeem_instructions),
        }
        if any(getattr(line, name) != value for name, value in texts.items()):
            changed += Compensation.objects.filter(pk=line.pk).update(**texts)
    for attempt in CallbackAttempt.objects.filter(ticket_id__in=ticket_ids):
        texts = {"number_called": "", "note": _blank(attempt.note)}
        if any(getattr(attempt, name) != value for name, value in texts.items()):
            changed += CallbackAttempt.objects.filter(pk=attempt.pk).update(**texts)
    changed += (
        Survey.objects.filter(ticket_id__in=ticket_ids)
        .exclude(comment__in=("", ERASED))
        .update(comment=ERASED)
    )
    return changed
