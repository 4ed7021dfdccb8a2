"""The ticket page's record card: the customer's pick beside the corrected category, the root cause."""

import re

import pytest
from django.urls import reverse

from recovery.canned import canned_replies_offered
from recovery.choices import EventKind, Status
from recovery.models import CannedKind, CannedReply, RootCause
from recovery.queue import QueueFilters, ticket_queue
from recovery.services import ticket_category_correct
from tests.factories import CategoryFactory, ManagerFactory, ticket_in_status, ticketed_complaint

pytestmark = pytest.mark.django_db


@pytest.fixture
def agent_client(client, agent):
    client.force_login(agent)
    return client


@pytest.fixture(autouse=True)
def carrier():
    # Not the migration's seeded list: a browser test's flush may have emptied it.
    return RootCause.objects.create(name_en="Carrier", name_fr="Transporteur")


def _ticket():
    category = CategoryFactory(name_en="Delivery", name_fr="Livraison")
    return ticketed_complaint(category=category).ticket


def test_the_page_shows_the_customers_pick_and_offers_only_active_choices(agent_client):
    ticket = _ticket()
    CategoryFactory(name_en="Retired category", active=False)
    RootCause.objects.create(name_en="Retired cause", name_fr="Ancienne", active=False)

    page = agent_client.get(reverse("agent:ticket", args=[ticket.reference])).text

    assert "Customer chose: <strong>Delivery</strong>" in page
    assert 'name="category-category"' in page and 'name="root_cause-root_cause"' in page
    assert "Carrier" in page
    assert "Retired category" not in page and "Retired cause" not in page


def test_correcting_the_category_and_naming_the_cause_from_the_page(agent_client, carrier):
    ticket = _ticket()
    billing = CategoryFactory(name_en="Billing", name_fr="Facturation")
    url = reverse("agent:ticket", args=[ticket.reference])

    response = agent_client.post(
        reverse("agent:ticket_category", args=[ticket.reference]),
        {"category-category": billing.pk},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == url
    assert "Category corrected." in response.text
    agent_client.post(
        reverse("agent:ticket_root_cause", args=[ticket.reference]),
        {"root_cause-root_cause": carrier.pk},
    )

    ticket.refresh_from_db()
    assert ticket.category == billing and ticket.root_cause == carrier
    page = agent_client.get(url).text
    assert "Customer chose: <strong>Delivery</strong>" in page
    assert "Category corrected: Delivery → Billing" in page
    assert "Root cause: Carrier" in page


def test_the_same_choice_again_says_so_and_records_nothing(agent_client):
    ticket = _ticket()
    response = agent_client.post(
        reverse("agent:ticket_category", args=[ticket.reference]),
        {"category-category": ticket.complaint.category_id},
        follow=True,
    )
    assert "The category was already that." in response.text
    assert not ticket.events.filter(kind=EventKind.CATEGORY).exists()


def test_a_closed_ticket_shows_the_record_without_the_forms(agent_client, agent, carrier):
    ticket = ticket_in_status(Status.RESOLVED, actor=agent)
    page = agent_client.get(reverse("agent:ticket", args=[ticket.reference])).text
    assert "Customer chose:" in page
    assert 'name="category-category"' not in page

    response = agent_client.post(
        reverse("agent:ticket_root_cause", args=[ticket.reference]),
        {"root_cause-root_cause": carrier.pk},
    )
    assert response.status_code == 409
    assert "reopen it first" in response.text


def test_the_queue_files_a_recategorised_ticket_under_its_corrected_category(agent_client, agent):
    ticket = _ticket()
    billing = CategoryFactory(name_en="Billing", name_fr="Facturation")
    untouched = _ticket()
    ticket_category_correct(ticket=ticket, actor=agent, category=billing)

    def refs(category):
        page = ticket_queue(filters=QueueFilters(category=category.pk), user=agent)
        return [t.reference for t in page.tickets]

    assert refs(billing) == [ticket.reference]
    assert refs(ticket.complaint.category) == []
    assert refs(untouched.complaint.category) == [untouched.reference]
    row = re.search(
        rf'<tr[^>]*data-ticket="{ticket.reference}".*?</tr>',
        agent_client.get(reverse("agent:queue")).text,
        re.S,
    ).group(0)
    assert "Billing" in row and "Delivery" not in row


def test_a_recategorised_ticket_is_offered_the_canned_replies_of_its_corrected_category(agent):
    ticket = _ticket()
    billing = CategoryFactory(name_en="Billing", name_fr="Facturation")
    ticket_category_correct(ticket=ticket, actor=agent, category=billing)

    def reply(title, category):
        return CannedReply.objects.create(
            title=title, kind=CannedKind.APOLOGY, language="en", category=category, text="Sorry."
        )

    for_billing = reply("Billing", billing)
    reply("Delivery", ticket.complaint.category)

    assert {o.reply for o in canned_replies_offered(ticket=ticket, agent=agent)} == {for_billing}


def test_managers_keep_the_root_causes_in_the_admin_in_both_languages_by_position(client):
    RootCause.objects.all().delete()
    RootCause.objects.create(name_en="Supplier", name_fr="Fournisseur", position=20)
    RootCause.objects.create(name_en="Defect", name_fr="Défaut", position=10)
    client.force_login(ManagerFactory(is_staff=False))

    listed = client.get(reverse("admin:recovery_rootcause_changelist"))
    assert listed.status_code == 200
    assert listed.text.index("Défaut") < listed.text.index("Fournisseur")
    added = client.post(
        reverse("admin:recovery_rootcause_add"),
        {
            "name_en": "Billing error",
            "name_fr": "Erreur de facturation",
            "position": 5,
            "active": "on",
        },
    )
    assert added.status_code == 302
    assert [c.name_en for c in RootCause.objects.all()] == ["Billing error", "Defect", "Supplier"]


def test_agents_cannot_edit_the_root_causes(agent_client):
    assert agent_client.get(reverse("admin:recovery_rootcause_changelist")).status_code in (
        302,
        403,
    )
