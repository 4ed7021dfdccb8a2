"""Staff emails in the staff member's own language, naming colleagues by their full name."""

from datetime import timedelta

import pytest
import time_machine
from django.core import mail

from notifications.models import Notification, NotificationKind, NotificationStatus, StaffProfile
from notifications.sending import notification_send
from recovery.deadlines import remind_due, ticket_breach
from recovery.services import ticket_assign
from tests.factories import AgentFactory, ManagerFactory, ticketed_complaint

pytestmark = pytest.mark.django_db


def french(user):
    StaffProfile.objects.create(user=user, language="fr")
    return user


def send_all(kind):
    for row in Notification.objects.filter(kind=kind):
        notification_send(notification_id=row.pk)


def test_a_french_speaking_manager_gets_the_breach_alert_in_french(settings):
    settings.LANGUAGE_CODE = "en"
    french(ManagerFactory(email="patronne@amends.test"))
    ManagerFactory(email="boss@amends.test")
    complaint = ticketed_complaint(language="en")
    with time_machine.travel(complaint.ticket.callback_due_at + timedelta(seconds=1), tick=False):
        ticket_breach(ticket_id=complaint.ticket.pk)
    alerts = dict(
        Notification.objects.filter(kind=NotificationKind.BREACH_ALERT).values_list(
            "recipient", "language"
        )
    )
    assert alerts == {"patronne@amends.test": "fr", "boss@amends.test": "en"}
    send_all(NotificationKind.BREACH_ALERT)
    by_recipient = {message.to[0]: message for message in mail.outbox}
    assert "promesse de rappel" in by_recipient["patronne@amends.test"].subject.lower()
    assert "callback promise missed" in by_recipient["boss@amends.test"].subject.lower()


def test_a_digest_for_a_french_agent_is_french(settings):
    settings.LANGUAGE_CODE = "en"
    agent = french(AgentFactory(email="agent@amends.test"))
    tickets = [ticketed_complaint().ticket for _ in range(2)]
    for ticket in tickets:
        ticket_assign(ticket=ticket, assignee=agent, actor=agent)
    with time_machine.travel(max(t.reminder_due_at for t in tickets) + timedelta(seconds=1)):
        assert remind_due() == 2
        rows = Notification.objects.filter(kind=NotificationKind.CALLBACK_REMINDER)
        assert set(rows.values_list("recipient", "language")) == {("agent@amends.test", "fr")}
        assert notification_send(notification_id=rows.first().pk) == NotificationStatus.SENT
    (digest,) = mail.outbox
    assert digest.subject.startswith("[Amends] 2 alertes")
    assert digest.subject.endswith("2 rappels avant échéance")
    assert "Rappel" in digest.body


def test_staff_emails_name_the_assignee_by_full_name_not_username():
    ManagerFactory(email="boss@amends.test")
    agent = AgentFactory(username="ana42", first_name="Ana", last_name="Lopez")
    complaint = ticketed_complaint()
    ticket_assign(ticket=complaint.ticket, assignee=agent, actor=agent)
    with time_machine.travel(complaint.ticket.callback_due_at + timedelta(seconds=1), tick=False):
        ticket_breach(ticket_id=complaint.ticket.pk)
    send_all(NotificationKind.BREACH_ALERT)
    (alert,) = mail.outbox
    for text in (alert.body, alert.alternatives[0][0]):
        assert "Ana Lopez" in text
        assert "ana42" not in text


def test_switching_the_interface_language_sets_a_staff_members_email_language(client):
    agent = AgentFactory()
    client.force_login(agent)
    response = client.post("/i18n/setlang/", {"language": "fr", "next": "/agent/"})
    assert response.status_code == 302
    assert StaffProfile.objects.get(user=agent).language == "fr"
    client.post("/i18n/setlang/", {"language": "en", "next": "/agent/"})
    assert StaffProfile.objects.get(user=agent).language == "en"


def test_a_customer_switching_language_creates_no_staff_profile(client):
    response = client.post("/i18n/setlang/", {"language": "fr", "next": "/"})
    assert response.status_code == 302
    assert response.cookies["django_language"].value == "fr"
    assert not StaffProfile.objects.exists()


def test_the_email_language_is_editable_on_the_users_admin_page(admin_client):
    agent = AgentFactory()
    page = admin_client.get(f"/admin/auth/user/{agent.pk}/change/")
    assert page.status_code == 200
    assert b'name="staff_profile-0-language"' in page.content
