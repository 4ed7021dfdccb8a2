"""POST /api/v1/tickets/{ref}/category/ and /root-cause/: fixing the record through the API."""

import pytest

from recovery.choices import EventKind, Status
from recovery.models import RootCause, Ticket
from recovery.services import ticket_category_correct
from tests.api.conftest import error_of, ticket_url
from tests.api.test_breaches import URL, breached
from tests.factories import CategoryFactory, ticket_in_status, ticketed_complaint

pytestmark = pytest.mark.django_db


def post(client, ticket, route, body):
    return client.post(ticket_url(ticket, route), body, format="json")


@pytest.fixture
def ticket():
    return ticketed_complaint().ticket


@pytest.fixture
def carrier():
    return RootCause.objects.create(name_en="Carrier", name_fr="Transporteur")


def test_an_agent_corrects_the_category_and_the_ticket_shows_both(agent_api, ticket):
    billing = CategoryFactory(name_en="Billing")

    response = post(agent_api, ticket, "category/", {"category": billing.pk})

    assert response.status_code == 200
    body = response.json()
    assert body["category"] == {"id": billing.pk, "name": "Billing"}
    assert body["complaint"]["category"]["id"] == ticket.complaint.category_id
    assert body["events"][-1]["kind"] == EventKind.CATEGORY
    assert body["events"][-1]["payload"]["to"] == billing.pk


def test_null_gives_the_customers_pick_back(agent_api, ticket):
    post(agent_api, ticket, "category/", {"category": CategoryFactory().pk})

    response = post(agent_api, ticket, "category/", {"category": None})

    assert response.status_code == 200
    assert response.json()["category"]["id"] == ticket.complaint.category_id
    ticket.refresh_from_db()
    assert ticket.category_id is None


def test_an_agent_records_the_root_cause(agent_api, ticket, carrier):
    response = post(agent_api, ticket, "root-cause/", {"root_cause": carrier.pk})

    assert response.status_code == 200
    assert response.json()["root_cause"] == {"id": carrier.pk, "name": "Carrier"}
    assert response.json()["events"][-1]["kind"] == EventKind.ROOT_CAUSE


@pytest.mark.parametrize(
    ("route", "field"), [("category/", "category"), ("root-cause/", "root_cause")]
)
def test_an_unknown_id_gets_400_on_the_field(agent_api, ticket, route, field):
    response = post(agent_api, ticket, route, {field: 999999})

    assert response.status_code == 400
    error = error_of(response)
    assert error["code"] == "invalid"
    assert list(error["fields"]) == [field]
    assert "999999" in str(error["fields"][field])
    assert not ticket.events.filter(kind__in=[EventKind.CATEGORY, EventKind.ROOT_CAUSE]).exists()


@pytest.mark.parametrize(
    ("route", "field"), [("category/", "category"), ("root-cause/", "root_cause")]
)
def test_a_missing_or_malformed_id_gets_400(agent_api, ticket, route, field):
    assert post(agent_api, ticket, route, {}).status_code == 400
    response = post(agent_api, ticket, route, {field: "carrier"})
    assert response.status_code == 400
    assert list(error_of(response)["fields"]) == [field]


def test_a_retired_choice_gets_400_saying_so(agent_api, ticket, carrier):
    carrier.active = False
    carrier.save()
    retired = CategoryFactory(active=False)

    cause = post(agent_api, ticket, "root-cause/", {"root_cause": carrier.pk})
    category = post(agent_api, ticket, "category/", {"category": retired.pk})

    assert cause.status_code == category.status_code == 400
    assert "no longer offered" in str(error_of(cause)["fields"]["root_cause"])
    assert "no longer offered" in str(error_of(category)["fields"]["category"])
    ticket.refresh_from_db()
    assert ticket.root_cause_id is None and ticket.category_id is None


def test_a_closed_ticket_gets_409(agent_api, carrier):
    ticket = ticket_in_status(Status.RESOLVED)

    response = post(agent_api, ticket, "root-cause/", {"root_cause": carrier.pk})

    assert response.status_code == 409
    assert "reopen it first" in error_of(response)["message"]
    assert Ticket.objects.get(pk=ticket.pk).root_cause_id is None


def test_the_same_value_again_is_a_200_with_no_new_event(agent_api, ticket, carrier):
    post(agent_api, ticket, "root-cause/", {"root_cause": carrier.pk})

    response = post(agent_api, ticket, "root-cause/", {"root_cause": carrier.pk})

    assert response.status_code == 200
    assert ticket.events.filter(kind=EventKind.ROOT_CAUSE).count() == 1


def test_the_breach_list_filters_and_names_the_corrected_category(manager_api, agent):
    delivery, billing = CategoryFactory(name_en="Delivery"), CategoryFactory(name_en="Billing")
    moved = breached(category=delivery)
    ticket_category_correct(ticket=moved, actor=agent, category=billing)

    as_billing = manager_api.get(URL, {"category": billing.pk}).json()["results"]
    as_delivery = manager_api.get(URL, {"category": delivery.pk}).json()["results"]

    assert [row["reference"] for row in as_billing] == [moved.complaint.reference]
    assert as_billing[0]["category"]["name"] == "Billing"
    assert as_billing[0]["customer_category"]["name"] == "Delivery"
    assert as_delivery == []
