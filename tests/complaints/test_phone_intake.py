"""Agents log complaints taken on the phone and find the customer again."""

import pytest
from django.urls import reverse

from complaints.models import Complaint, Customer
from recovery.choices import Priority
from tests.conftest import form_token
from tests.factories import CustomerFactory, UserFactory, ticketed_complaint

pytestmark = pytest.mark.django_db
URL = reverse("agent:phone_intake")


def phone_data(category, **overrides):
    data = {
        "name": "Bob Durand",
        "email": "",
        "phone": "06 98 76 54 32",
        "language": "fr",
        "category": str(category.pk),
        "description": "Le technicien n'est jamais venu au rendez-vous de ce matin.",
        "remedy_sought": "",
        "order_reference": "",
        "nps": "",
        "consent": "on",
        "form_token": form_token(age=0),
    }
    data.update(overrides)
    return data


def test_anonymous_visitor_is_sent_to_the_login_page(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def test_logged_in_user_without_a_role_is_refused(client):
    client.force_login(UserFactory())
    assert client.get(URL).status_code == 403


def test_agent_logs_a_phone_complaint_with_channel_and_author(agent_client, agent, category):
    response = agent_client.post(URL, phone_data(category))
    complaint = Complaint.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("agent:ticket", args=[complaint.reference])
    assert complaint.channel == "phone"
    assert complaint.logged_by == agent
    assert complaint.language == "fr"
    assert complaint.customer.phone == "+33698765432"
    assert complaint.ticket.callback_due_at is not None


def test_phone_complaint_needs_an_email_or_a_phone(agent_client, category):
    response = agent_client.post(URL, phone_data(category, phone=""))
    assert response.status_code == 400
    assert "email or phone number" in response.text
    assert not Complaint.objects.exists()


def test_caller_found_by_phone_is_linked_to_their_earlier_complaint(agent_client, category):
    earlier = ticketed_complaint(customer=CustomerFactory(phone="+33698765432", email=""))
    agent_client.post(URL, phone_data(category))
    assert Customer.objects.count() == 1
    latest = Complaint.objects.exclude(pk=earlier.pk).get()
    assert latest.customer == earlier.customer
    assert latest.ticket.priority == Priority.HIGH


def test_choosing_a_customer_from_the_lookup_links_the_complaint(agent_client, category):
    customer = CustomerFactory(email="known@example.com")
    ticketed_complaint(customer=customer)
    page = agent_client.get(URL, {"customer": customer.pk})
    assert "known@example.com" in page.text
    agent_client.post(URL, phone_data(category, customer_id=str(customer.pk), phone="", email=""))
    assert customer.complaints.count() == 2


@pytest.mark.parametrize("query", ["KNOWN@example.com", "+44 7911 123456", "07911 123456", "Grace"])
def test_lookup_finds_a_customer_by_email_phone_or_name(agent_client, query, settings):
    settings.AMENDS = {**settings.AMENDS, "DEFAULT_PHONE_REGION": "GB"}
    CustomerFactory(name="Grace Hopper", email="known@example.com", phone="+447911123456")
    CustomerFactory(name="Somebody Else", email="else@example.com")
    response = agent_client.get(reverse("agent:customer_lookup"), {"q": query})
    assert "Grace Hopper" in response.text
    assert "Somebody Else" not in response.text


def test_lookup_finds_a_customer_by_complaint_reference(agent_client):
    complaint = ticketed_complaint()
    response = agent_client.get(
        reverse("agent:customer_lookup"), {"q": complaint.reference.lower()}
    )
    assert complaint.customer.name in response.text


@pytest.mark.parametrize(("query", "region"), [("+447700900123", "FR"), ("07700 900123", "GB")])
def test_returning_caller_found_by_their_stored_number_files_under_the_same_customer(
    agent_client, category, settings, query, region
):
    """Issue 12: a UK number in a reserved range was refused and never found."""
    settings.AMENDS = {**settings.AMENDS, "DEFAULT_PHONE_REGION": region}
    sam = CustomerFactory(name="Sam Patel", email="sam.patel@example.com", phone="+447700900123")
    ticketed_complaint(customer=sam)

    lookup = agent_client.get(reverse("agent:customer_lookup"), {"q": query})
    assert "Sam Patel" in lookup.text
    use_this_customer = f"{URL}?customer={sam.pk}"
    assert use_this_customer in lookup.text

    page = agent_client.get(use_this_customer)
    form = page.context["form"]
    posted = phone_data(
        category,
        customer_id=str(sam.pk),
        name=form["name"].value(),
        email=form["email"].value(),
        phone=form["phone"].value(),
        language=form["language"].value(),
    )
    response = agent_client.post(URL, posted)

    assert response.status_code == 302, response.context["form"].errors
    assert sam.complaints.count() == 2
    assert Customer.objects.count() == 1
    sam.refresh_from_db()
    assert sam.phone == "+447700900123"


def test_a_phone_complaint_is_assigned_to_the_agent_who_logged_it(agent_client, agent, category):
    agent_client.post(URL, phone_data(category))
    ticket = Complaint.objects.get().ticket
    assert ticket.assignee == agent
    (assigned,) = ticket.events.filter(kind="assigned")
    assert assigned.actor == agent and assigned.payload["claimed"] is True
