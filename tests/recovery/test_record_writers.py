"""Fixing the record: an agent corrects the category and names the root cause, each change on the timeline."""

import pytest
from django.core.exceptions import ValidationError

from recovery.choices import EventKind, Status
from recovery.errors import IllegalTransition, StaleTicket
from recovery.models import RootCause, Ticket
from recovery.services import ticket_category_correct, ticket_root_cause_record
from tests.factories import AgentFactory, CategoryFactory, ticket_in_status, ticketed_complaint

pytestmark = pytest.mark.django_db


@pytest.fixture
def agent():
    return AgentFactory()


@pytest.fixture
def ticket():
    return Ticket.objects.select_related("complaint__category").get(
        pk=ticketed_complaint().ticket.pk
    )


def _cause(**kwargs):
    return RootCause.objects.create(
        name_en=kwargs.pop("name_en", "Carrier"),
        name_fr=kwargs.pop("name_fr", "Transporteur"),
        **kwargs,
    )


def test_correcting_the_category_keeps_the_customers_pick_and_records_both(agent, ticket):
    picked = ticket.complaint.category
    billing = CategoryFactory(name_en="Billing", name_fr="Facturation")
    version = ticket.version

    event = ticket_category_correct(ticket=ticket, actor=agent, category=billing)

    ticket.refresh_from_db()
    ticket.complaint.refresh_from_db()
    assert ticket.category == billing
    assert ticket.complaint.category == picked
    assert event.kind == EventKind.CATEGORY
    assert event.actor == agent
    assert not event.customer_visible
    assert event.payload == {
        "from": picked.pk,
        "to": billing.pk,
        "from_name": {"en": picked.name_en, "fr": picked.name_fr},
        "to_name": {"en": "Billing", "fr": "Facturation"},
        "customer": picked.pk,
    }
    # Not a workflow change: a colleague's step on the same page stays valid.
    assert ticket.version == version


def test_choosing_the_customers_pick_again_undoes_the_correction(agent, ticket):
    picked = ticket.complaint.category
    billing = CategoryFactory()
    ticket_category_correct(ticket=ticket, actor=agent, category=billing)

    event = ticket_category_correct(ticket=ticket, actor=agent, category=picked)

    ticket.refresh_from_db()
    assert ticket.category is None
    assert (event.payload["from"], event.payload["to"]) == (billing.pk, picked.pk)


def test_the_same_category_again_changes_nothing_and_records_nothing(agent, ticket):
    billing = CategoryFactory()
    ticket_category_correct(ticket=ticket, actor=agent, category=billing)
    events = ticket.events.count()

    assert ticket_category_correct(ticket=ticket, actor=agent, category=billing) is None
    # Nor the customer's pick on a ticket never corrected.
    other = Ticket.objects.get(pk=ticketed_complaint().ticket.pk)
    assert (
        ticket_category_correct(ticket=other, actor=agent, category=other.complaint.category)
        is None
    )
    assert ticket_category_correct(ticket=other, actor=agent, category=None) is None
    assert ticket.events.count() == events
    assert other.events.filter(kind=EventKind.CATEGORY).count() == 0


def test_an_inactive_category_is_refused(agent, ticket):
    retired = CategoryFactory(active=False)
    with pytest.raises(ValidationError) as refused:
        ticket_category_correct(ticket=ticket, actor=agent, category=retired)
    assert "category" in refused.value.error_dict
    ticket.refresh_from_db()
    assert ticket.category is None
    assert not ticket.events.filter(kind=EventKind.CATEGORY).exists()


def test_the_customers_pick_can_come_back_even_once_retired(agent, ticket):
    picked = ticket.complaint.category
    ticket_category_correct(ticket=ticket, actor=agent, category=CategoryFactory())
    picked.active = False
    picked.save()
    assert ticket_category_correct(ticket=ticket, actor=agent, category=picked) is not None
    ticket.refresh_from_db()
    assert ticket.category is None


@pytest.mark.parametrize("status", [Status.RESOLVED, Status.CLOSED_INVALID])
def test_a_closed_tickets_record_is_refused(agent, status):
    ticket = ticket_in_status(status)
    with pytest.raises(IllegalTransition, match="closed ticket"):
        ticket_category_correct(ticket=ticket, actor=agent, category=CategoryFactory())
    with pytest.raises(IllegalTransition, match="closed ticket"):
        ticket_root_cause_record(ticket=ticket, actor=agent, root_cause=_cause())
    ticket.refresh_from_db()
    assert ticket.category is None and ticket.root_cause is None


def test_a_colleagues_fix_in_between_makes_the_second_stale(agent, ticket):
    seen = Ticket.objects.get(pk=ticket.pk)
    ticket_category_correct(ticket=ticket, actor=agent, category=CategoryFactory())
    with pytest.raises(StaleTicket):
        ticket_category_correct(ticket=seen, actor=AgentFactory(), category=CategoryFactory())
    assert ticket.events.filter(kind=EventKind.CATEGORY).count() == 1


def test_recording_the_root_cause_writes_it_and_its_event(agent, ticket):
    carrier = _cause()
    version = ticket.version

    event = ticket_root_cause_record(ticket=ticket, actor=agent, root_cause=carrier)

    ticket.refresh_from_db()
    assert ticket.root_cause == carrier
    assert ticket.version == version
    assert event.kind == EventKind.ROOT_CAUSE
    assert event.actor == agent
    assert event.payload == {
        "from": None,
        "to": carrier.pk,
        "from_name": None,
        "to_name": {"en": "Carrier", "fr": "Transporteur"},
    }


def test_changing_and_clearing_the_root_cause_records_from_and_to(agent, ticket):
    carrier, defect = _cause(), _cause(name_en="Product defect", name_fr="Défaut du produit")
    ticket_root_cause_record(ticket=ticket, actor=agent, root_cause=carrier)
    changed = ticket_root_cause_record(ticket=ticket, actor=agent, root_cause=defect)
    cleared = ticket_root_cause_record(ticket=ticket, actor=agent, root_cause=None)

    ticket.refresh_from_db()
    assert ticket.root_cause is None
    assert (changed.payload["from"], changed.payload["to"]) == (carrier.pk, defect.pk)
    assert (cleared.payload["from"], cleared.payload["to"]) == (defect.pk, None)


def test_the_same_root_cause_again_records_nothing(agent, ticket):
    carrier = _cause()
    ticket_root_cause_record(ticket=ticket, actor=agent, root_cause=carrier)
    assert ticket_root_cause_record(ticket=ticket, actor=agent, root_cause=carrier) is None
    assert (
        ticket_root_cause_record(
            ticket=Ticket.objects.get(pk=ticketed_complaint().ticket.pk),
            actor=agent,
            root_cause=None,
        )
        is None
    )
    assert ticket.events.filter(kind=EventKind.ROOT_CAUSE).count() == 1


def test_an_inactive_root_cause_is_refused(agent, ticket):
    retired = _cause(active=False)
    with pytest.raises(ValidationError) as refused:
        ticket_root_cause_record(ticket=ticket, actor=agent, root_cause=retired)
    assert "root_cause" in refused.value.error_dict
    ticket.refresh_from_db()
    assert ticket.root_cause is None
    assert not ticket.events.filter(kind=EventKind.ROOT_CAUSE).exists()


def test_a_retired_cause_stays_on_the_tickets_that_name_it(agent, ticket):
    carrier = _cause()
    ticket_root_cause_record(ticket=ticket, actor=agent, root_cause=carrier)
    carrier.active = False
    carrier.save()
    ticket.refresh_from_db()
    assert ticket.root_cause == carrier
