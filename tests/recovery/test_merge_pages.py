"""Merged duplicates on the pages: joined history, redirects, the merge and undo forms, the admin."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from complaints.models import Attachment
from notifications.models import Notification
from recovery.choices import EventKind, Status
from recovery.models import Ticket, TicketMerge
from recovery.services import ticket_add_note, ticket_assign
from recovery.workflow import ticket_customer_message, ticket_merge
from tests.complaints.conftest import PNG_BYTES
from tests.factories import AgentFactory, CustomerFactory, ticket_in_status
from tests.recovery.test_ticket_page import PAGE_QUERIES, _Controls
from tests.recovery.test_tracking_page import TRACKING_QUERIES

pytestmark = pytest.mark.django_db

# The survivor's page reads its merges, then their timelines, emails and files
# (a prefetch each), whatever the number merged; a page with none reads nothing more.
MERGED_PAGE_QUERIES = PAGE_QUERIES + 4


def page_url(ticket):
    return reverse("agent:ticket", args=[ticket.reference])


def track_url(complaint):
    return reverse("complaints:track", args=[complaint.tracking_token])


def attach(complaint, name):
    return Attachment.objects.create(
        complaint=complaint,
        file=ContentFile(PNG_BYTES, name="x.png"),
        stored_name="x.png",
        original_name=name,
        content_type="image/png",
        size=len(PNG_BYTES),
    )


@pytest.fixture
def customer():
    return CustomerFactory()


@pytest.fixture
def pair(customer, agent):
    into = ticket_in_status(Status.ACKNOWLEDGED, actor=agent, customer=customer)
    merged = ticket_in_status(Status.NEW, actor=agent, customer=customer)
    return merged, into


def merged_pair(pair, agent):
    merged, into = pair
    ticket_customer_message(ticket=merged, text="Same broken vase, second form.")
    ticket_add_note(ticket=merged, actor=agent, text="Looks like a duplicate")
    attach(merged.complaint, "vase-side.png")
    merge = ticket_merge(merged=Ticket.objects.get(pk=merged.pk), into=into, actor=agent)
    return merged, into, merge


def test_the_survivors_page_joins_the_merged_timeline_files_and_emails_in_time_order(
    agent_client, pair, agent
):
    merged, into, _merge = merged_pair(pair, agent)
    ticket_add_note(ticket=into, actor=agent, text="After the merge")

    html = agent_client.get(page_url(into)).text

    for text in ("Same broken vase, second form.", "Looks like a duplicate", "vase-side.png"):
        assert text in html
    # Oldest first across both tickets: the merged one's message before the later note.
    assert html.index("Same broken vase") < html.index("After the merge")
    # Each joined event carries its reference; the survivor's own carry none.
    assert html.count('badge--origin reference-inline" title') == merged.events.count()
    received = Notification.objects.filter(ticket=merged).first()
    assert received is not None  # the complaint-received email of the duplicate
    assert reverse("outbox:email", args=[received.pk]) in html
    assert f"{merged.reference} merged into this complaint" in html


def test_the_survivors_page_costs_the_same_however_many_are_merged(
    client, customer, agent, django_assert_num_queries
):
    into = ticket_in_status(Status.ACKNOWLEDGED, actor=agent, customer=customer)
    client.force_login(agent)
    with django_assert_num_queries(PAGE_QUERIES):
        client.get(page_url(into))
    first = ticket_in_status(Status.NEW, actor=agent, customer=customer)
    ticket_merge(merged=first, into=into, actor=agent)
    client.force_login(agent)
    with django_assert_num_queries(MERGED_PAGE_QUERIES):
        assert client.get(page_url(into)).status_code == 200
    for n in range(3):
        other = ticket_in_status(Status.ACKNOWLEDGED, actor=agent, customer=customer)
        for i in range(4):
            ticket_add_note(ticket=other, actor=agent, text=f"Note {n}.{i}")
        attach(other.complaint, f"file {n}.png")
        ticket_merge(merged=other, into=Ticket.objects.get(pk=into.pk), actor=agent)
    client.force_login(agent)
    with CaptureQueriesContext(connection) as busy:
        assert "Note 2.3" in client.get(page_url(into)).text
    assert len(busy) == MERGED_PAGE_QUERIES


def test_the_merged_reference_leads_to_the_survivor_with_a_notice(agent_client, pair, agent):
    merged, into = pair
    ticket_merge(merged=merged, into=into, actor=agent)

    response = agent_client.get(page_url(merged))

    assert response.status_code == 302 and response["Location"] == page_url(into)
    html = agent_client.get(response["Location"]).text
    assert f"{merged.reference} is merged into {into.reference}" in html


def test_a_step_posted_to_a_merged_ticket_changes_nothing_and_leads_to_the_survivor(
    agent_client, pair, agent
):
    merged, into = pair
    ticket_merge(merged=merged, into=into, actor=agent)
    version = Ticket.objects.get(pk=merged.pk).version
    response = agent_client.post(
        reverse("agent:ticket_close_invalid", args=[merged.reference]),
        {"close-version": version, "close-reason": "Spam"},
    )
    assert response.status_code == 302 and response["Location"] == page_url(into)
    assert Ticket.objects.get(pk=merged.pk).status == Status.MERGED


def test_every_control_of_the_merge_card_has_a_label(agent_client, pair, customer, agent):
    merged, into = pair
    other = ticket_in_status(Status.NEW, actor=agent, customer=customer)
    ticket_merge(merged=other, into=merged, actor=agent)
    for ticket in (merged, into):
        html = agent_client.get(page_url(ticket)).text
        assert "merge-into" in html or "Undo merge" in html
        parser = _Controls()
        parser.feed(html)
        assert [c for c in parser.controls if c not in parser.labelled] == []


def merge_post(client, merged, into, *, confirm, version=None):
    data = {"merge-into": into.reference, "merge-version": version or merged.version}
    if confirm:
        data["merge-confirm"] = "on"
    return client.post(reverse("agent:ticket_merge", args=[merged.reference]), data)


def test_the_form_lists_the_customers_other_open_complaints_only(
    agent_client, pair, customer, agent
):
    merged, into = pair
    closed = ticket_in_status(Status.RESOLVED, actor=agent, customer=customer)
    stranger = ticket_in_status(Status.NEW, actor=agent)
    html = agent_client.get(page_url(merged)).text
    form = re.search(r'<form[^>]*id="merge-form".*?</form>', html, re.S).group(0)
    assert f'value="{into.reference}"' in form
    assert closed.reference not in form and stranger.reference not in form
    assert merged.reference not in re.findall(r'name="merge-into" value="([^"]+)"', form)


def test_merging_asks_for_confirmation_first(agent_client, pair):
    merged, into = pair
    response = merge_post(agent_client, merged, into, confirm=False)
    assert response.status_code == 200
    assert f"Merge {merged.reference} into {into.reference}?" in response.text
    assert "keeps its callback promise" not in response.text  # acknowledged: no call owed
    assert Ticket.objects.get(pk=merged.pk).status == Status.NEW
    assert not TicketMerge.objects.exists()


def test_the_confirmation_warns_of_a_customer_message_left_unanswered(
    agent_client, customer, agent
):
    into = ticket_in_status(Status.NEW, actor=agent, customer=customer)
    merged = ticket_in_status(Status.ACKNOWLEDGED, actor=agent, customer=customer)
    ticket_customer_message(ticket=merged, text="Still waiting for the vase.")
    merged = Ticket.objects.get(pk=merged.pk)
    assert merged.reply_due_at is not None
    response = merge_post(agent_client, merged, into, confirm=False)
    assert f"A message from the customer on {merged.reference} is still unanswered" in (
        response.text
    )


def test_confirming_merges_and_leads_to_the_survivor(agent_client, pair):
    merged, into = pair
    response = merge_post(agent_client, merged, into, confirm=True)
    assert response.status_code == 302 and response["Location"] == page_url(into)
    assert Ticket.objects.get(pk=merged.pk).status == Status.MERGED
    html = agent_client.get(page_url(into)).text
    assert f"{merged.reference} is merged into {into.reference}. It can be undone until" in html
    assert f"Undo merge of {merged.reference}" in html


def test_a_refused_merge_says_why_on_the_ticket_page(agent_client, pair, agent):
    merged, _into = pair
    stranger = ticket_in_status(Status.NEW, actor=agent)
    for confirm in (False, True):
        response = merge_post(agent_client, merged, stranger, confirm=confirm)
        assert response.status_code == 409
        assert "another customer&#x27;s complaint" in response.text
    assert not TicketMerge.objects.exists()


def test_a_merge_from_an_old_page_is_sent_back_to_reload(agent_client, pair, agent):
    merged, into = pair
    old = merged.version
    # The page was loaded; a colleague then takes the ticket.
    ticket_assign(ticket=merged, assignee=AgentFactory(), actor=agent)
    response = merge_post(agent_client, merged, into, confirm=True, version=old)
    assert response.status_code == 302 and response["Location"] == page_url(merged)
    assert Ticket.objects.get(pk=merged.pk).status == Status.NEW


def undo_url(reference, merge):
    return reverse("agent:ticket_unmerge", args=[reference, merge.pk])


def test_undo_from_the_survivors_page_gives_the_complaint_back(agent_client, pair, agent):
    merged, into, merge = merged_pair(pair, agent)
    response = agent_client.post(undo_url(into.reference, merge))
    assert response.status_code == 302 and response["Location"] == page_url(into)
    assert Ticket.objects.get(pk=merged.pk).status == Status.NEW
    html = agent_client.get(page_url(into)).text
    assert f"{merged.reference} is its own complaint again" in html
    assert "Same broken vase" not in html
    assert agent_client.get(page_url(merged)).status_code == 200


def test_after_seven_days_the_undo_button_is_gone_and_a_post_is_refused(agent_client, pair, agent):
    merged, into, merge = merged_pair(pair, agent)
    with time_machine.travel(merge.merged_at + timedelta(days=7, seconds=-1), tick=False):
        assert f"Undo merge of {merged.reference}" in agent_client.get(page_url(into)).text
    with time_machine.travel(merge.merged_at + timedelta(days=7), tick=False):
        html = agent_client.get(page_url(into)).text
        assert f"Undo merge of {merged.reference}" not in html
        assert "Merged for good" in html
        response = agent_client.post(undo_url(into.reference, merge))
        assert response.status_code == 409 and "undone for 7 days" in response.text
    assert Ticket.objects.get(pk=merged.pk).status == Status.MERGED


def test_the_undo_of_another_tickets_merge_is_not_found(agent_client, pair, agent):
    _merged, _into, merge = merged_pair(pair, agent)
    stranger = ticket_in_status(Status.NEW, actor=agent)
    assert agent_client.post(undo_url(stranger.reference, merge)).status_code == 404


def test_the_queue_leaves_the_merged_ticket_out(agent_client, pair, agent):
    merged, into = pair
    ticket_merge(merged=merged, into=into, actor=agent)
    html = agent_client.get(reverse("agent:queue")).text
    assert into.reference in html and merged.reference not in html


class TestTracking:
    def test_the_merged_link_leads_to_the_survivors_page(self, client, pair, agent):
        merged, into = pair
        ticket_merge(merged=merged, into=into, actor=agent)
        response = client.get(track_url(merged.complaint))
        assert response.status_code == 302
        assert response["Location"] == track_url(into.complaint)
        assert response["Referrer-Policy"] == "same-origin"
        assert "no-store" in response["Cache-Control"]

    def test_a_message_sent_from_the_merged_link_reaches_the_survivor(self, client, pair, agent):
        merged, into = pair
        ticket_merge(merged=merged, into=into, actor=agent)
        response = client.post(track_url(merged.complaint), {"text": "Any news?"})
        assert response["Location"] == track_url(into.complaint)
        message = into.events.get(kind=EventKind.CUSTOMER_MESSAGE)
        assert message.payload["text"] == "Any news?"
        assert not merged.events.filter(kind=EventKind.CUSTOMER_MESSAGE).exists()

    def test_the_survivors_page_shows_the_merged_history_and_files_but_no_internal_note(
        self, client, pair, agent
    ):
        merged, into, _merge = merged_pair(pair, agent)
        html = client.get(track_url(into.complaint)).text
        assert "Same broken vase, second form." in html and "vase-side.png" in html
        assert "Looks like a duplicate" not in html
        assert f"Your complaint {merged.reference} is followed here" in html
        assert f'badge--origin">{merged.reference}' in html

    def test_the_survivors_link_serves_the_merged_files_and_no_other(self, client, pair, agent):
        merged, into, _merge = merged_pair(pair, agent)
        mine = merged.complaint.attachments.get()
        stranger = attach(ticket_in_status(Status.NEW, actor=agent).complaint, "other.png")
        url = "complaints:track_attachment"
        token = into.complaint.tracking_token
        assert client.get(reverse(url, args=[token, mine.pk])).status_code == 200
        assert client.get(reverse(url, args=[token, stranger.pk])).status_code == 404

    def test_the_survivors_page_costs_the_same_with_merges(self, client, pair, agent):
        merged, into, _merge = merged_pair(pair, agent)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(track_url(into.complaint)).status_code == 200
        assert len(queries) == TRACKING_QUERIES


class TestAdmin:
    def test_merges_are_read_only_in_the_admin(self, client, pair, agent):
        merged, into = pair
        merge = ticket_merge(merged=merged, into=into, actor=agent)
        admin = get_user_model().objects.create_superuser("root", "root@amends.test", "pw-12345")
        client.force_login(admin)
        assert client.get(reverse("admin:recovery_ticketmerge_changelist")).status_code == 200
        change = reverse("admin:recovery_ticketmerge_change", args=[merge.pk])
        assert client.get(change).status_code == 200
        assert client.post(change, {"status_before": "resolved"}).status_code == 403
        assert client.get(reverse("admin:recovery_ticketmerge_add")).status_code == 403
        delete = reverse("admin:recovery_ticketmerge_delete", args=[merge.pk])
        assert client.post(delete, {"post": "yes"}).status_code == 403
        assert TicketMerge.objects.get(pk=merge.pk).status_before == Status.NEW
