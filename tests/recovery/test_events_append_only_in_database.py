"""The timeline is append-only in PostgreSQL too: a trigger refuses edits and deletes (recovery 0017).

The model layer's guard (test_events_are_immutable.py) stops the ORM; these
go past it in raw SQL, through a cascade, and through the redaction's own
exemption used for anything but erasing texts.
"""

import pytest
from django.db import IntegrityError, connection, transaction

from privacy.services import customer_erase
from recovery.choices import Status
from recovery.models import Ticket, TicketEvent
from recovery.redaction import ERASED, events_redact
from tests.factories import ticket_in_status
from tests.privacy.conftest import MARKER, plant

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger is PostgreSQL's"),
]


@pytest.fixture
def event(agent):
    ticket = ticket_in_status(Status.ACKNOWLEDGED, actor=agent)
    return TicketEvent.objects.create(
        ticket=ticket,
        kind="note",
        actor=agent,
        created_at=ticket.opened_at,
        payload={"text": "Called the customer, she was kind.", "count": 3},
    )


@pytest.fixture
def planted(db):
    return plant()


def refused(sql, params=(), *, redacting=False):
    """Run ``sql`` in its own savepoint; return the database's refusal."""
    with (
        pytest.raises(IntegrityError) as refusal,
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        if redacting:
            cursor.execute("SELECT set_config('amends.redacting', 'on', true)")
        cursor.execute(sql, params)
    return str(refusal.value)


def stored(event):
    return TicketEvent.objects.filter(pk=event.pk).values("payload", "customer_visible").get()


def test_a_raw_update_of_an_event_is_refused(event):
    before = stored(event)
    message = refused(
        'UPDATE recovery_ticketevent SET payload = \'{"text": "rewritten"}\' WHERE id = %s',
        [event.pk],
    )
    assert "ticket events are append-only: UPDATE of event" in message
    assert stored(event) == before


def test_a_raw_delete_of_an_event_is_refused(event):
    message = refused("DELETE FROM recovery_ticketevent WHERE id = %s", [event.pk])
    assert "ticket events are append-only: DELETE of event" in message
    assert TicketEvent.objects.filter(pk=event.pk).exists()


def test_deleting_a_ticket_does_not_take_its_timeline_with_it(event):
    """Django's cascade deletes in SQL, past the model's guard: the trigger stops it."""
    with pytest.raises(IntegrityError), transaction.atomic():
        Ticket.objects.get(pk=event.ticket_id).delete()
    assert TicketEvent.objects.filter(pk=event.pk).exists()


@pytest.mark.parametrize(
    "change",
    [
        "customer_visible = true",
        "kind = 'status'",
        "created_at = created_at - interval '1 day'",
        "payload = jsonb_set(payload, '{text}', '\"[erased] and rewritten\"')",
        "payload = jsonb_set(payload, '{count}', '\"[erased]\"')",  # not a text
        "payload = payload - 'text'",
        'payload = payload || \'{"extra": "[erased]"}\'',
        "payload = '[]'",
    ],
)
def test_the_redaction_exemption_lets_through_nothing_but_erasing_texts(event, change):
    before = stored(event)
    sql = f"UPDATE recovery_ticketevent SET {change} WHERE id = %s"  # noqa: S608  # ours
    assert "append-only" in refused(sql, [event.pk], redacting=True)
    assert stored(event) == before


def test_the_redaction_erases_texts_and_closes_its_exemption_behind_it(event):
    with transaction.atomic():
        assert events_redact(ticket_ids=[event.ticket_id], keys=["text"]) >= 1
        # Later in the same transaction, the trigger is back to refusing everything.
        assert "append-only" in refused(
            "UPDATE recovery_ticketevent SET payload = jsonb_set(payload, '{text}', %s) "
            "WHERE id = %s",
            ['"[erased]"', event.pk],
        )
    payload = stored(event)["payload"]
    assert payload == {"text": ERASED, "count": 3}


def test_erasing_a_customer_still_erases_their_timeline_texts(
    planted, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        customer_erase(customer=planted.customer, actor=planted.manager)
    events = TicketEvent.objects.filter(ticket=planted.ticket)
    assert events.exists()
    assert not [e.payload for e in events if MARKER in str(e.payload)]
    assert any(ERASED in e.payload.values() for e in events)
