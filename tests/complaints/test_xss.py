"""Customer text is shown as text everywhere: on agents' pages, the tracking page and emails."""

import pytest
from django.core import mail
from django.urls import reverse

from notifications.models import Notification
from notifications.sending import notification_send
from tests.factories import CustomerFactory, ticketed_complaint
from tests.xss_corpus import PAYLOADS

pytestmark = pytest.mark.django_db


def assert_no_payload_unescaped(html):
    for payload in PAYLOADS:
        assert payload not in html, payload


@pytest.fixture
def hostile_complaint():
    text = "\n".join(PAYLOADS)
    customer = CustomerFactory(name=PAYLOADS[1][:200])
    return ticketed_complaint(
        customer=customer, description=text, remedy_sought=text, order_reference=PAYLOADS[0][:100]
    )


def test_tracking_page_escapes_every_payload(client, hostile_complaint):
    html = client.get(reverse("complaints:track", args=[hostile_complaint.tracking_token])).text
    assert_no_payload_unescaped(html)
    assert "&lt;script&gt;window.__xss=1&lt;/script&gt;" in html


def test_agent_ticket_page_escapes_every_payload(agent_client, hostile_complaint):
    html = agent_client.get(reverse("agent:ticket", args=[hostile_complaint.reference])).text
    assert_no_payload_unescaped(html)
    assert "&lt;svg onload=window.__xss=3&gt;" in html


def test_agent_queue_and_lookup_escape_the_customer_name(agent_client, hostile_complaint):
    assert_no_payload_unescaped(agent_client.get(reverse("agent:queue")).text)
    html = agent_client.get(reverse("agent:customer_lookup"), {"q": "onerror"}).text
    assert_no_payload_unescaped(html)


def test_customer_message_with_payloads_is_escaped_on_the_tracking_page(client, hostile_complaint):
    url = reverse("complaints:track", args=[hostile_complaint.tracking_token])
    client.post(url, {"text": "\n".join(PAYLOADS)})
    assert_no_payload_unescaped(client.get(url).text)


def test_received_email_escapes_the_customers_name_in_html(hostile_complaint, settings):
    customer = hostile_complaint.customer
    customer.email = "hostile@example.com"
    customer.save()
    from tests.factories import received_email

    received_email(ticket=hostile_complaint.ticket)
    notification_send(notification_id=Notification.objects.get().pk)
    (message,) = mail.outbox
    html = message.alternatives[0][0]
    assert_no_payload_unescaped(html)
