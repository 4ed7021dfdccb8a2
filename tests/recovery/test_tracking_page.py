"""The customer's private tracking page (recovery.views.tracking, recovery.tracking)."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from complaints.models import Attachment
from recovery.choices import CompensationKind, EventKind, Status
from recovery.compensation import (
    compensation_approve,
    compensation_decline,
    compensation_fulfil,
    compensation_propose,
)
from recovery.services import ticket_reopen, ticket_resolve
from recovery.tracking import tracking_link_is_live
from tests.complaints.conftest import PNG_BYTES
from tests.factories import ticket_in_status, ticketed_complaint

pytestmark = pytest.mark.django_db
# The complaint with its ticket, its ledger, its files, its timeline.
TRACKING_QUERIES = 4


def track_url(complaint):
    return reverse("complaints:track", args=[complaint.tracking_token])


def test_tracking_page_shows_status_and_the_customer_visible_timeline(client):
    complaint = ticketed_complaint(description="The blender arrived without its lid.")
    response = client.get(track_url(complaint))
    assert response.status_code == 200
    assert complaint.reference in response.text
    assert "The blender arrived without its lid." in response.text
    assert response["Referrer-Policy"] == "same-origin"
    assert "no-store" in response["Cache-Control"]


def test_internal_events_never_reach_the_tracking_page(client):
    from recovery.workflow import event_record

    complaint = ticketed_complaint()
    event_record(
        ticket=complaint.ticket, kind=EventKind.NOTE, payload={"text": "Customer sounds angry"}
    )
    assert "Customer sounds angry" not in client.get(track_url(complaint)).text


@pytest.mark.parametrize(
    "token",
    ["x" * 43, "short", "A" * 42 + "!", "../../etc/passwd", "x" * 200],
)
def test_wrong_token_is_a_plain_404(client, token):
    ticketed_complaint()
    response = client.get(f"/track/{token}/")
    assert response.status_code == 404


def test_404_for_a_wrong_token_looks_the_same_as_for_an_expired_one(client, settings):
    complaint = ticketed_complaint()
    wrong = client.get("/track/" + "x" * 43 + "/")
    with time_machine.travel(complaint.submitted_at + timedelta(days=366)):
        expired = client.get(track_url(complaint))
    assert wrong.status_code == expired.status_code == 404
    assert wrong.content == expired.content
    assert complaint.reference not in expired.text


def test_tracking_link_still_works_the_day_before_it_expires(client):
    complaint = ticketed_complaint()
    with time_machine.travel(complaint.submitted_at + timedelta(days=364)):
        assert client.get(track_url(complaint)).status_code == 200


def test_customer_can_add_a_message_that_joins_the_timeline(client):
    complaint = ticketed_complaint()
    response = client.post(track_url(complaint), {"text": "I am home after 6 pm."}, follow=True)
    assert response.status_code == 200
    assert "I am home after 6 pm." in response.text
    event = complaint.ticket.events.get(kind=EventKind.CUSTOMER_MESSAGE)
    assert event.customer_visible and event.payload["text"] == "I am home after 6 pm."


def test_empty_message_is_refused_with_a_message(client):
    complaint = ticketed_complaint()
    response = client.post(track_url(complaint), {"text": ""})
    assert response.status_code == 400
    assert "Write your message before sending it." in response.text
    assert not complaint.ticket.events.filter(kind=EventKind.CUSTOMER_MESSAGE).exists()


def test_the_customer_reads_the_apology_and_acknowledgement_but_no_internal_detail(client):
    ticket = ticket_in_status(Status.FOLLOW_UP)
    ticket_resolve(ticket=ticket, actor=None, note="Internal: gave up arguing.")
    ticket_reopen(ticket=ticket, actor=None, reason="Internal: voucher code bounced.")
    text = client.get(track_url(ticket.complaint)).text
    # The words ticket_in_status used for the acknowledgement and the apology.
    assert "Hello, Ana here." in text
    assert "We are sorry about the broken vase." in text
    assert "gave up arguing" not in text
    assert "voucher code bounced" not in text
    assert "Already refunded." not in text  # the "no compensation" reason


def step_state(html, label):
    """ "done", "current" or "" for the progress step named ``label``; None if there is none."""
    for classes, body in re.findall(r'<li class="(steps__item[^"]*)"[^>]*>(.*?)</li>', html, re.S):
        if re.sub(r"<[^>]+>", "", body).strip().endswith(label):
            for state in ("done", "current"):
                if f"steps__item--{state}" in classes:
                    return state
            return ""
    return None


def status_badge(html):
    return re.search(r'id="status-title".*?<span class="badge[^"]*">([^<]*)</span>', html, re.S)[1]


def propose_refund(ticket, agent, amount="20.00"):
    return compensation_propose(
        ticket=ticket, actor=agent, kind=CompensationKind.REFUND, amount=amount, currency="EUR"
    )


def test_a_proposed_remedy_is_not_shown_as_compensated_until_it_is_approved(client, agent, manager):
    ticket = ticket_in_status(Status.APOLOGIZED, actor=agent)
    compensation = propose_refund(ticket, agent)
    html = client.get(track_url(ticket.complaint)).text
    assert step_state(html, "Compensated") == ""
    assert step_state(html, "Apologized") == "current"
    assert status_badge(html) == "Apologized"

    # Approved: the complaint now stands at "compensated" (the current step, as
    # every step the complaint has reached last is shown).
    compensation_approve(compensation=compensation, actor=manager)
    html = client.get(track_url(ticket.complaint)).text
    assert step_state(html, "Compensated") == "current"
    assert step_state(html, "Apologized") == "done"
    assert status_badge(html) == "Compensated"


def test_no_compensation_is_never_called_compensated_on_the_tracking_page(client, agent):
    # "none" is a decision, not a remedy: the stepper skips that step.
    ticket = ticket_in_status(Status.COMPENSATED, actor=agent)
    html = client.get(track_url(ticket.complaint)).text
    assert step_state(html, "Compensated") is None
    assert step_state(html, "Apologized") == "current"
    assert "Compensated" not in html
    ticket = ticket_in_status(Status.FOLLOW_UP, actor=agent)
    html = client.get(track_url(ticket.complaint)).text
    assert step_state(html, "Compensated") is None
    assert step_state(html, "Follow-up") == "current"


def attach(complaint, name="photo of the lid.png", data=None):
    data = data or PNG_BYTES
    attachment = Attachment(
        complaint=complaint,
        stored_name=f"{complaint.pk}-{len(name)}.png",
        original_name=name,
        content_type="image/png",
        size=len(data),
    )
    attachment.file.save(attachment.stored_name, ContentFile(data), save=False)
    attachment.save()
    return attachment


def test_the_customer_sees_their_files_and_downloads_them_through_their_link_only(client):
    complaint = ticketed_complaint()
    attachment = attach(complaint, data=b"\x89PNG\r\n\x1a\n" + b"\0" * 2048)
    html = client.get(track_url(complaint)).text
    url = reverse("complaints:track_attachment", args=[complaint.tracking_token, attachment.pk])
    assert "photo of the lid.png" in html and "2 KB" in html  # as the form writes sizes
    assert f'href="{url}"' in html

    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    assert b"".join(response.streaming_content).startswith(b"\x89PNG")

    # Another complaint's file through this link, or this file through a wrong one: nothing.
    other = attach(ticketed_complaint(), name="not yours.png")
    stranger = reverse("complaints:track_attachment", args=[complaint.tracking_token, other.pk])
    assert client.get(stranger).status_code == 404
    wrong = reverse("complaints:track_attachment", args=["x" * 43, attachment.pk])
    assert client.get(wrong).status_code == 404


def test_the_file_link_expires_with_the_tracking_link(client):
    complaint = ticketed_complaint()
    attachment = attach(complaint)
    url = reverse("complaints:track_attachment", args=[complaint.tracking_token, attachment.pk])
    with time_machine.travel(complaint.submitted_at + timedelta(days=366)):
        assert client.get(url).status_code == 404


def test_what_was_offered_is_listed_once_approved_with_the_code_once_handed_over(
    client, agent, manager
):
    ticket = ticket_in_status(Status.APOLOGIZED, actor=agent)
    voucher = compensation_propose(
        ticket=ticket,
        actor=agent,
        kind=CompensationKind.VOUCHER,
        amount="30",
        currency="EUR",
        description="For your next order.",
    )
    declined = propose_refund(ticket, agent, amount="99.00")
    compensation_decline(compensation=declined, actor=manager, reason="Too much.")
    pending = propose_refund(ticket, agent, amount="77.00")
    html = client.get(track_url(ticket.complaint)).text
    assert "What we offered you" not in html and "For your next order." not in html

    compensation_approve(compensation=voucher, actor=manager)
    html = client.get(track_url(ticket.complaint)).text
    assert "What we offered you" in html and "For your next order." in html
    assert "€30.00" in html
    assert "99.00" not in html and "77.00" not in html and "Too much." not in html

    compensation_fulfil(
        compensation=voucher, actor=agent, code="SORRY-30", redeem_instructions="At checkout."
    )
    html = client.get(track_url(ticket.complaint)).text
    assert "SORRY-30" in html and "At checkout." in html
    assert pending.status == "proposed"


def test_a_code_on_the_tracking_page_is_escaped(client, agent, manager):
    from tests.xss_corpus import PAYLOADS

    ticket = ticket_in_status(Status.APOLOGIZED, actor=agent)
    voucher = compensation_propose(
        ticket=ticket, actor=agent, kind=CompensationKind.VOUCHER, amount="5", currency="EUR"
    )
    compensation_approve(compensation=voucher, actor=manager)
    payload = PAYLOADS[1]
    compensation_fulfil(
        compensation=voucher, actor=agent, code=payload, redeem_instructions=payload
    )
    attach(ticket.complaint, name=PAYLOADS[0])
    html = client.get(track_url(ticket.complaint)).text
    assert payload not in html and PAYLOADS[0] not in html
    assert "&lt;img src=x onerror=window.__xss=2&gt;" in html


def test_the_tracking_page_costs_the_same_queries_however_much_it_shows(client, agent, manager):
    quiet = ticketed_complaint()
    with CaptureQueriesContext(connection) as quiet_queries:
        assert client.get(track_url(quiet)).status_code == 200
    ticket = ticket_in_status(Status.APOLOGIZED, actor=agent)
    for n in range(3):
        attach(ticket.complaint, name=f"photo {n}.png")
        line = propose_refund(ticket, agent, amount=f"{n + 1}.00")
        compensation_approve(compensation=line, actor=manager)
    with CaptureQueriesContext(connection) as busy_queries:
        assert client.get(track_url(ticket.complaint)).status_code == 200
    assert len(busy_queries) == len(quiet_queries) == TRACKING_QUERIES


def test_the_tracking_link_is_live_until_the_last_moment_of_its_days(settings):
    settings.AMENDS = {**settings.AMENDS, "TRACKING_LINK_DAYS": 30}
    complaint = ticketed_complaint()
    ends = complaint.submitted_at + timedelta(days=30)

    assert tracking_link_is_live(complaint, now=ends - timedelta(seconds=1))
    assert not tracking_link_is_live(complaint, now=ends)
