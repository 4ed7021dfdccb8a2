"""The outbox page, the emails on the timeline, and the agents' "failed emails" filter."""

import pytest

from notifications.models import Notification, NotificationKind, NotificationStatus
from notifications.services import notification_queue
from recovery.choices import EventKind
from tests.factories import (
    AgentFactory,
    ManagerFactory,
    UserFactory,
    received_email,
    ticketed_complaint,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def email():
    ticket = ticketed_complaint(language="fr").ticket
    return received_email(ticket=ticket)


def test_agents_see_every_email_newest_first_and_open_one_as_the_customer_sees_it(
    agent_client, email
):
    page = agent_client.get("/agent/outbox/").content.decode()
    assert email.recipient in page
    assert email.ticket.reference in page
    detail = agent_client.get(f"/agent/outbox/{email.pk}/").content.decode()
    assert "srcdoc=" in detail and "sandbox" in detail
    assert email.ticket.reference in detail  # the rendered subject
    assert "Réclamation" in detail or "réclamation" in detail  # rendered in French


def test_the_outbox_is_for_staff_only(client, email):
    assert client.get("/agent/outbox/").status_code == 302  # to the login page
    client.force_login(UserFactory())  # signed in, but neither agent nor manager
    assert client.get(f"/agent/outbox/{email.pk}/").status_code == 403


def test_the_failed_tab_lists_only_emails_that_went_wrong(agent_client, email):
    other = received_email(ticket=ticketed_complaint().ticket)
    Notification.objects.filter(pk=email.pk).update(status=NotificationStatus.BOUNCED)
    page = agent_client.get("/agent/outbox/?show=trouble").content.decode()
    assert f"/agent/outbox/{email.pk}/" in page
    assert f"/agent/outbox/{other.pk}/" not in page


def test_a_staff_alert_for_someone_else_is_for_managers_only(client):
    ticket = ticketed_complaint().ticket
    alert = notification_queue(
        ticket=ticket,
        event=ticket.events.get(kind=EventKind.OPENED),
        kind=NotificationKind.BREACH_ALERT,
        recipient="boss@amends.test",
        language="en",
    )
    client.force_login(AgentFactory())
    assert client.get(f"/agent/outbox/{alert.pk}/").status_code == 403
    client.force_login(ManagerFactory())
    assert client.get(f"/agent/outbox/{alert.pk}/").status_code == 200


def test_the_timeline_shows_each_email_and_its_delivery(agent_client, email):
    Notification.objects.filter(pk=email.pk).update(status=NotificationStatus.DELIVERED)
    page = agent_client.get(f"/agent/tickets/{email.ticket.reference}/").content.decode()
    assert f"/agent/outbox/{email.pk}/" in page
    assert "badge--email-delivered" in page


def test_a_bounced_customer_email_tells_the_agent_to_call(agent_client, email):
    ticket_page = f"/agent/tickets/{email.ticket.reference}/"
    assert "did not arrive" not in agent_client.get(ticket_page).content.decode()
    Notification.objects.filter(pk=email.pk).update(status=NotificationStatus.BOUNCED)
    page = agent_client.get(ticket_page).content.decode()
    assert "did not arrive: call the customer instead" in page


def test_the_queue_filters_tickets_with_failed_emails(agent_client, email):
    fine = ticketed_complaint().ticket
    Notification.objects.filter(pk=email.pk).update(status=NotificationStatus.FAILED)
    page = agent_client.get("/agent/?emails=failed").content.decode()
    assert email.ticket.reference in page
    assert fine.reference not in page
