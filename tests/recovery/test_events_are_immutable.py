"""The timeline is an audit trail: events are written once, never edited or deleted."""

import pytest

from recovery.choices import Status
from recovery.models import TicketEvent
from tests.factories import ticket_in_status

pytestmark = pytest.mark.django_db


@pytest.fixture
def event(agent):
    return ticket_in_status(Status.ACKNOWLEDGED, actor=agent).events.last()


def test_saving_an_existing_event_again_is_refused(event):
    event.payload = {"text": "rewritten history"}
    with pytest.raises(TypeError):
        event.save()
    event.refresh_from_db()
    assert event.payload != {"text": "rewritten history"}


def test_deleting_an_event_is_refused(event):
    with pytest.raises(TypeError):
        event.delete()
    assert TicketEvent.objects.filter(pk=event.pk).exists()


def test_bulk_edits_and_deletes_of_events_are_refused(event):
    with pytest.raises(TypeError):
        TicketEvent.objects.filter(pk=event.pk).update(customer_visible=True)
    with pytest.raises(TypeError):
        TicketEvent.objects.filter(pk=event.pk).delete()
    assert TicketEvent.objects.filter(pk=event.pk).exists()
