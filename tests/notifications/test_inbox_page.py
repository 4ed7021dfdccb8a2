"""The unmatched mail page: who may see it, what it shows, what each action does, and once only."""

import itertools

import pytest
from django.core import mail
from django.core.cache import cache

from complaints.models import Channel, Complaint
from notifications import inbound
from notifications.inbox import COUNT_KEY, unmatched_count
from notifications.models import InboundEmail, InboundStatus, Notification, NotificationKind
from recovery.choices import EventKind, Status
from tests.factories import (
    CategoryFactory,
    CustomerFactory,
    UserFactory,
    ticket_in_status,
    ticketed_complaint,
)

pytestmark = pytest.mark.django_db

URL = "/agent/inbox/"
_ids = itertools.count()


def unmatched(**columns):
    values = {
        "status": InboundStatus.REVIEW,
        "reason": inbound.NOT_MATCHED,
        "esp": "postmark",
        "message_id": f"<{next(_ids)}@mail.test>",
        "from_email": "Ada Lovelace <ada@example.com>",
        "to": "complaints@amends.test",
        "subject": "My parcel never came",
        "text": "Hello, my parcel never came and nobody answers the phone.",
        **columns,
    }
    return InboundEmail.objects.create(**values)


def test_anonymous_visitors_and_customers_are_sent_to_the_login(client):
    email = unmatched()
    for url in (URL, f"{URL}{email.pk}/"):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    response = client.post(f"{URL}{email.pk}/spam/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert InboundEmail.objects.get().status == InboundStatus.REVIEW


def test_a_signed_in_user_who_is_not_an_agent_is_refused(client):
    email = unmatched()
    client.force_login(UserFactory())
    assert client.get(URL).status_code == 403
    assert client.get(f"{URL}{email.pk}/").status_code == 403
    assert client.post(f"{URL}{email.pk}/spam/").status_code == 403
    assert InboundEmail.objects.get().status == InboundStatus.REVIEW


def test_the_list_shows_waiting_emails_newest_first_with_the_reason_in_words(agent_client):
    older = unmatched(subject="First one", reason=inbound.SENDER_NOT_CUSTOMER)
    newer = unmatched(subject="Second one", attachment_names=["receipt.pdf"])
    unmatched(subject="Already handled", status=InboundStatus.DISMISSED)
    page = agent_client.get(URL).content.decode()
    assert page.index("Second one") < page.index("First one")
    assert "Already handled" not in page
    assert "The sender is not the complaint’s customer" in page
    assert "No reply address and no reference to match it by" in page
    assert "receipt.pdf" in page
    assert f"{URL}{older.pk}/" in page and f"{URL}{newer.pk}/" in page


def test_the_reason_is_in_french_for_a_french_agent(agent_client):
    unmatched(reason=inbound.AUTOMATIC_REPLY)
    page = agent_client.get(URL, headers={"accept-language": "fr"}).content.decode()
    assert "Une réponse automatique (absence, liste de diffusion)" in page


def test_an_email_s_html_and_scripts_are_shown_as_text(agent_client):
    email = unmatched(
        subject="<img src=x onerror=alert(1)>",
        text="<script>alert('x')</script><b>bold</b>",
        from_email='"<i>Eve</i>" <eve@example.com>',
    )
    for url in (URL, f"{URL}{email.pk}/"):
        page = agent_client.get(url).content.decode()
        assert "<script>alert" not in page and "<img src=x" not in page and "<i>Eve" not in page
        assert "&lt;script&gt;alert" in page


@pytest.mark.parametrize("size", [1, 30])
def test_the_list_runs_the_same_queries_however_many_emails_wait(
    agent_client, django_assert_num_queries, size
):
    for _n in range(size):
        unmatched()
    # session, user, the user's groups, the page's count and its rows.
    with django_assert_num_queries(5):
        assert agent_client.get(URL).status_code == 200


def test_the_count_is_one_query_then_cached_until_an_agent_handles_one(
    agent, django_assert_num_queries
):
    from notifications.inbox import inbound_dismiss

    email, _other = unmatched(), unmatched()
    cache.delete(COUNT_KEY)
    with django_assert_num_queries(1):
        assert unmatched_count() == 2
    with django_assert_num_queries(0):
        assert unmatched_count() == 2
    inbound_dismiss(inbound_email=email, agent=agent)
    assert unmatched_count() == 1


def test_the_queue_shows_the_unmatched_mail_tab_with_its_count(agent_client):
    unmatched(), unmatched(), unmatched()
    page = agent_client.get("/agent/").content.decode()
    assert 'href="/agent/inbox/"' in page
    tab = page[page.index("tabs__tab--inbox") :]
    assert '<span class="tabs__count">3</span>' in tab[: tab.index("</a>")]


def test_attaching_adds_the_text_to_the_ticket_as_the_customer_s_message(agent_client, agent):
    ticket = ticketed_complaint().ticket
    email = unmatched(
        text="It arrived broken.\n\nOn Monday, Amends wrote:\n> Your complaint AM-...",
        attachment_names=["photo.jpg"],
    )
    response = agent_client.post(f"{URL}{email.pk}/attach/", {"reference": ticket.reference})
    assert response.status_code == 302
    email.refresh_from_db()
    assert email.status == InboundStatus.ATTACHED
    assert email.ticket == ticket and email.handled_by == agent and email.handled_at
    message = ticket.events.get(kind=EventKind.CUSTOMER_MESSAGE)
    assert message.payload == {"text": "It arrived broken.\n\n[photo.jpg]", "source": "email"}
    note = ticket.events.get(kind=EventKind.NOTE)
    assert note.actor == agent and not note.customer_visible
    timeline = agent_client.get(f"/agent/tickets/{ticket.reference}/").content.decode()
    assert "It arrived broken." in timeline


def test_attaching_to_a_resolved_ticket_reopens_it(agent_client):
    ticket = ticket_in_status(Status.RESOLVED)
    email = unmatched()
    typed = ticket.reference.lower().replace("-", " ")  # as an agent might type it
    agent_client.post(f"{URL}{email.pk}/attach/", {"reference": typed})
    ticket.refresh_from_db()
    assert ticket.status != Status.RESOLVED
    assert InboundEmail.objects.get().status == InboundStatus.ATTACHED


def test_an_unknown_reference_is_refused_on_the_form_and_the_email_still_waits(agent_client):
    email = unmatched()
    response = agent_client.post(f"{URL}{email.pk}/attach/", {"reference": "AM-ZZZZ-ZZZZ"})
    assert response.status_code == 400
    assert "No complaint has this reference." in response.content.decode()
    assert InboundEmail.objects.get().status == InboundStatus.REVIEW


def test_the_sender_s_tickets_are_suggested(agent_client):
    mine = ticketed_complaint(customer=CustomerFactory(email="ada@example.com")).ticket
    other = ticketed_complaint().ticket
    email = unmatched(subject=f"About {other.reference}")
    page = agent_client.get(f"{URL}{email.pk}/").content.decode()
    assert f"Attach to {mine.reference}" in page
    assert f"Attach to {other.reference}" in page


def test_opening_a_complaint_files_it_by_email_and_sends_the_received_email(
    agent_client, agent, django_capture_on_commit_callbacks
):
    category = CategoryFactory()
    email = unmatched(from_email="Ada Lovelace <Ada@Example.com>")
    with django_capture_on_commit_callbacks(execute=True):
        response = agent_client.post(
            f"{URL}{email.pk}/complaint/",
            {"name": "Ada Lovelace", "category": category.pk, "language": "fr"},
        )
    assert response.status_code == 302
    complaint = Complaint.objects.get()
    assert complaint.channel == Channel.EMAIL and complaint.language == "fr"
    assert complaint.customer.email == "ada@example.com"
    assert complaint.description == email.text
    assert complaint.ticket.events.get(kind=EventKind.OPENED).actor == agent
    email.refresh_from_db()
    assert email.status == InboundStatus.OPENED and email.complaint == complaint
    assert email.ticket == complaint.ticket and email.handled_by == agent
    received = Notification.objects.get(kind=NotificationKind.COMPLAINT_RECEIVED)
    assert received.recipient == "ada@example.com"
    assert complaint.reference in agent_client.get(URL).content.decode()  # the message


def test_the_language_is_preselected_from_the_text(agent_client):
    email = unmatched(text="Bonjour, je n'ai pas reçu ma commande. Merci de me rappeler.")
    page = agent_client.get(f"{URL}{email.pk}/").content.decode()
    assert '<option value="fr" selected>' in page


def test_discarding_as_spam_takes_it_off_the_list(agent_client, agent):
    email = unmatched(subject="Cheap watches")
    response = agent_client.post(f"{URL}{email.pk}/spam/")
    assert response.status_code == 302
    email.refresh_from_db()
    assert email.status == InboundStatus.DISMISSED and email.handled_by == agent
    assert "Cheap watches" not in agent_client.get(URL).content.decode()


def test_discarding_an_email_matched_to_a_ticket_notes_it_on_that_ticket(agent_client):
    ticket = ticketed_complaint().ticket
    email = unmatched(ticket=ticket, reason=inbound.AUTOMATIC_REPLY)
    agent_client.post(f"{URL}{email.pk}/spam/")
    assert ticket.events.filter(kind=EventKind.NOTE).count() == 1
    assert not ticket.events.filter(kind=EventKind.CUSTOMER_MESSAGE).exists()


@pytest.mark.parametrize("second", ["attach", "complaint", "spam"])
def test_a_second_action_on_a_handled_email_does_nothing_and_says_so(agent_client, second):
    ticket = ticketed_complaint().ticket
    category = CategoryFactory()
    email = unmatched()
    agent_client.post(f"{URL}{email.pk}/attach/", {"reference": ticket.reference})
    data = {
        "attach": {"reference": ticket.reference},
        "complaint": {"name": "Ada", "category": category.pk, "language": "en"},
        "spam": {},
    }[second]
    response = agent_client.post(f"{URL}{email.pk}/{second}/", data, follow=True)
    assert "already handled" in response.content.decode()
    assert ticket.events.filter(kind=EventKind.CUSTOMER_MESSAGE).count() == 1
    assert Complaint.objects.count() == 1
    assert InboundEmail.objects.get().status == InboundStatus.ATTACHED


def test_actions_need_the_csrf_token(client, agent):
    client.handler.enforce_csrf_checks = True
    client.force_login(agent)
    email = unmatched()
    assert client.post(f"{URL}{email.pk}/spam/").status_code == 403
    assert InboundEmail.objects.get().status == InboundStatus.REVIEW
    assert len(mail.outbox) == 0
