"""Canned replies: kept by managers, offered on a ticket filled in, edited by the agent."""

import re
from datetime import UTC, datetime
from html import unescape
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.urls import reverse

from recovery.canned import canned_replies_offered, canned_reply_fill, canned_text_fill
from recovery.choices import Status
from recovery.models import PLACEHOLDERS, CannedKind, CannedReply, TicketEvent
from recovery.views.canned import canned_picker
from tests.factories import (
    AgentFactory,
    CategoryFactory,
    CustomerFactory,
    ticket_in_status,
    ticketed_complaint,
)

pytestmark = pytest.mark.django_db

# Wednesday 2 December 2026, 09:00 in Paris: a fixed moment, so the promise is one too.
NOW = datetime(2026, 12, 2, 8, 0, tzinfo=UTC)


def canned(text, *, kind=CannedKind.APOLOGY, language="en", category=None, **kwargs):
    reply = CannedReply(
        title=kwargs.pop("title", text[:30]),
        kind=kind,
        language=language,
        category=category,
        text=text,
        **kwargs,
    )
    reply.full_clean()
    reply.save()
    return reply


def page_url(ticket):
    return reverse("agent:ticket", args=[ticket.reference])


def textarea(text, name):
    match = re.search(rf'<textarea[^>]*name="{name}"[^>]*>(.*?)</textarea>', text, re.S)
    assert match, f"no textarea {name}"
    return unescape(match.group(1)).strip()


@pytest.fixture
def ana():
    return AgentFactory(first_name="Ana", last_name="Silva")


# --- Filling ---------------------------------------------------------------------------


@time_machine.travel(NOW, tick=False)
def test_placeholders_are_filled_in_english_with_the_promise_in_the_customers_zone(ana):
    ticket = ticket_in_status(
        Status.NEW,
        actor=ana,
        customer=CustomerFactory(name="Grace Hopper"),
        timezone="America/New_York",
    )
    reply = canned(
        "Dear {first_name}, {agent_name} here about {reference}: "
        "we will call you by {callback_time}.",
        kind=CannedKind.REPLY,
    )
    text = canned_reply_fill(reply=reply, ticket=ticket, agent=ana)
    due = ticket.callback_due_at.astimezone(ZoneInfo("America/New_York"))
    assert text == (
        f"Dear Grace, Ana Silva here about {ticket.reference}: we will call you by "
        f"{due:%A} {due.day} {due:%B %Y, %H:%M}."
    )


@time_machine.travel(NOW, tick=False)
def test_placeholders_are_filled_in_french_as_the_promise_reads_in_french(ana):
    ticket = ticket_in_status(
        Status.ACKNOWLEDGED,
        actor=ana,
        customer=CustomerFactory(name="Amélie Poulain", language="fr"),
        language="fr",
        timezone="Europe/Paris",
    )
    reply = canned(
        "Bonjour {first_name}, nous vous avions promis un rappel le {callback_time}.",
        language="fr",
    )
    text = canned_reply_fill(reply=reply, ticket=ticket, agent=ana)
    # The promise once met: the moment promised, in French, weekday in lower case.
    assert text == (
        "Bonjour Amélie, nous vous avions promis un rappel le vendredi 4 décembre 2026 à 09:00."
    )


def test_doubled_braces_are_written_as_single_braces(ana):
    ticket = ticket_in_status(Status.ACKNOWLEDGED, actor=ana)
    reply = canned("Your code is {{SORRY}} for {reference}; {{ and }} stay.")
    assert canned_reply_fill(reply=reply, ticket=ticket, agent=ana) == (
        f"Your code is {{SORRY}} for {ticket.reference}; {{ and }} stay."
    )


def test_a_placeholder_without_a_value_is_filled_with_nothing_not_left_in_braces():
    assert canned_text_fill("Hi {first_name}!", dict.fromkeys(PLACEHOLDERS, "")) == "Hi !"


# --- Refusing what is not a placeholder ------------------------------------------------


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("Dear {firstname},", "{firstname}"),
        ("Dear {prénom},", "{prénom}"),
        ("Positional {} or {0}", "{}"),
        ("No attributes {reference.__class__}", "{reference.__class__}"),
        ("No formats {reference:>20}", "{reference:>20}"),
        ("No conversions {reference!r}", "{reference!r}"),
    ],
)
def test_an_unknown_placeholder_is_refused_with_a_message_naming_it(text, shown):
    with pytest.raises(ValidationError) as error:
        canned(text)
    message = " ".join(error.value.message_dict["text"])
    assert f"Unknown placeholder {shown}." in message
    assert "{first_name}, {reference}, {callback_time}, {agent_name}" in message
    assert "write {{ and }} for a brace itself" in message


@pytest.mark.parametrize("text", ["A lone { brace", "A lone } brace", "{first_name"])
def test_a_brace_on_its_own_is_refused_and_told_how_to_write_it(text):
    with pytest.raises(ValidationError) as error:
        canned(text)
    assert "write {{ for { and }} for }" in " ".join(error.value.message_dict["text"])


def test_a_stored_text_that_skipped_the_check_is_never_offered(ana):
    ticket = ticket_in_status(Status.ACKNOWLEDGED, actor=ana)
    good = canned("Sorry, {first_name}.")
    CannedReply.objects.create(
        title="Bad", kind=CannedKind.APOLOGY, language="en", text="Sorry {firstname}"
    )
    offers = canned_replies_offered(ticket=ticket, agent=ana)
    assert [o.reply for o in offers] == [good]


def test_no_offered_text_holds_a_placeholder_even_when_the_ticket_lacks_its_value(ana):
    ticket = ticket_in_status(Status.ACKNOWLEDGED, actor=ana, customer=CustomerFactory(name=""))
    everything = " ".join(f"{{{name}}}" for name in PLACEHOLDERS)
    canned(f"All: {everything}", kind=CannedKind.REPLY)
    canned(f"All again: {everything}")
    offers = canned_replies_offered(ticket=ticket, agent=None)
    assert len(offers) == 2
    for offer in offers:
        assert not any(f"{{{name}}}" in offer.text for name in PLACEHOLDERS)


# --- What an agent is offered ------------------------------------------------------------


def test_only_active_replies_in_the_tickets_language_for_its_category_or_any_are_offered(ana):
    damaged, late = CategoryFactory(), CategoryFactory()
    ticket = ticket_in_status(Status.ACKNOWLEDGED, actor=ana, category=damaged, language="fr")
    offered = {
        canned("Pour tous", language="fr", title="any"),
        canned("Pour les casses", language="fr", category=damaged, title="damaged"),
    }
    canned("Retards", language="fr", category=late, title="late")
    canned("English", language="en", title="english")
    canned("Retirée", language="fr", active=False, title="inactive")
    offers = canned_replies_offered(ticket=ticket, agent=ana)
    assert {o.reply for o in offers} == offered


def test_each_form_offers_its_kind_apologies_in_the_apology_box_replies_elsewhere(ana):
    ticket = ticket_in_status(Status.ACKNOWLEDGED, actor=ana)
    apology = canned("Sorry.", kind=CannedKind.APOLOGY)
    reply = canned("Hello.", kind=CannedKind.REPLY)
    offers, _initial = canned_picker(ticket=ticket, agent=ana)
    assert [o.reply for o in offers["apology"]] == [apology]
    assert [o.reply for o in offers["ack"]] == [reply]
    assert [o.reply for o in offers["message"]] == [reply]


def test_the_apology_form_shows_the_replies_filled_in_for_the_script(client, ana):
    ticket = ticket_in_status(
        Status.ACKNOWLEDGED, actor=ana, customer=CustomerFactory(name="Grace Hopper")
    )
    canned("Grace is <{first_name}> & sorry", title="Broken & sorry")
    client.force_login(ana)
    text = client.get(page_url(ticket)).text
    link = re.search(r'<a [^>]*data-canned-text="([^"]*)"[^>]*>([^<]*)</a>', text)
    assert link, "no canned reply link"
    # Escaped in the attribute, filled in for this customer.
    assert unescape(link.group(1)) == "Grace is <Grace> & sorry"
    assert link.group(2) == "Broken &amp; sorry"
    assert 'data-canned-into="id_apology-text"' in link.group(0)


def test_without_script_the_link_reloads_the_form_filled_in_to_edit(client, ana):
    ticket = ticket_in_status(
        Status.ACKNOWLEDGED, actor=ana, customer=CustomerFactory(name="Grace Hopper")
    )
    reply = canned("We are sorry, {first_name}. {agent_name}")
    client.force_login(ana)
    page = client.get(page_url(ticket)).text
    href = unescape(re.search(r'<a [^>]*href="(\?canned=[^"]*)"[^>]*data-canned', page).group(1))
    assert href == f"?canned={reply.pk}&into=apology#id_apology-text"
    text = client.get(page_url(ticket) + href.split("#")[0]).text
    assert textarea(text, "apology-text") == "We are sorry, Grace. Ana Silva"
    # Only that form: the message box stays empty.
    assert textarea(text, "message-text") == ""


@pytest.mark.parametrize(
    "query", ["?canned=999999&into=apology", "?canned=abc&into=apology", "?into=note&canned=1"]
)
def test_a_link_to_a_reply_not_offered_fills_nothing(client, ana, query):
    ticket = ticket_in_status(Status.ACKNOWLEDGED, actor=ana)
    canned("Sorry.")
    client.force_login(ana)
    response = client.get(page_url(ticket) + query)
    assert response.status_code == 200
    assert textarea(response.text, "apology-text") == ""


def test_an_inactive_or_other_language_reply_cannot_be_pulled_in_by_its_id(client, ana):
    ticket = ticket_in_status(Status.ACKNOWLEDGED, actor=ana)
    hidden = canned("Hidden", active=False)
    client.force_login(ana)
    text = client.get(page_url(ticket) + f"?canned={hidden.pk}&into=apology").text
    assert textarea(text, "apology-text") == ""


def test_the_edited_text_is_what_the_customer_gets(client, ana):
    ticket = ticket_in_status(Status.ACKNOWLEDGED, actor=ana)
    client.force_login(ana)
    canned("We are sorry, {first_name}.")
    response = client.post(
        reverse("agent:ticket_apologize", args=[ticket.reference]),
        {"apology-version": ticket.version, "apology-text": "Edited: truly sorry."},
    )
    assert response.status_code == 302
    event = TicketEvent.objects.filter(ticket=ticket).latest("pk")
    assert event.customer_visible and event.payload["text"] == "Edited: truly sorry."


# --- Managers keep the library ---------------------------------------------------------


def test_managers_may_manage_canned_replies_in_the_admin():
    codenames = set(
        Group.objects.get(name="managers").permissions.values_list("codename", flat=True)
    )
    assert {f"{action}_cannedreply" for action in ("add", "change", "delete", "view")} <= codenames


def test_a_manager_saves_a_reply_on_their_page_and_is_recorded_as_its_author(client, manager):
    client.force_login(manager)
    category = CategoryFactory()
    response = client.post(
        reverse("agent:canned_new"),
        {
            "title": "Late parcel",
            "kind": "reply",
            "language": "en",
            "category": category.pk,
            "text": "Hello {first_name}, about {reference}…",
            "active": "on",
        },
    )
    assert response.status_code == 302
    reply = CannedReply.objects.get()
    assert reply.updated_by == manager and reply.category == category
    listing = client.get(reverse("agent:canned_list")).text
    assert "Late parcel" in listing and reverse("agent:canned_edit", args=[reply.pk]) in listing


def test_a_manager_is_told_beside_the_text_which_placeholder_is_unknown(client, manager):
    client.force_login(manager)
    reply = canned("Hello {first_name}")
    response = client.post(
        reverse("agent:canned_edit", args=[reply.pk]),
        {"title": "Hi", "kind": "apology", "language": "en", "text": "Hello {name}"},
    )
    assert response.status_code == 400
    assert "Unknown placeholder {name}." in unescape(response.text)
    reply.refresh_from_db()
    assert reply.text == "Hello {first_name}"


def test_the_admin_refuses_an_unknown_placeholder_and_records_who_saved(client, manager):
    client.force_login(manager)
    url = reverse("admin:recovery_cannedreply_add")
    data = {"title": "Hi", "kind": "reply", "language": "fr", "text": "Bonjour {nom}"}
    refused = client.post(url, data)
    assert refused.status_code == 200
    assert "Unknown placeholder {nom}." in unescape(refused.text)
    saved = client.post(url, {**data, "text": "Bonjour {first_name}", "active": "on"})
    assert saved.status_code == 302
    assert CannedReply.objects.get().updated_by == manager


def test_agents_cannot_open_the_managers_page(agent_client):
    assert agent_client.get(reverse("agent:canned_list")).status_code == 403
    assert agent_client.get(reverse("agent:canned_new")).status_code == 403


def test_the_managers_page_speaks_french(client, manager):
    client.force_login(manager)
    canned("Bonjour", language="fr", title="Accueil")
    text = client.get(reverse("agent:canned_list"), HTTP_ACCEPT_LANGUAGE="fr").text
    assert "Réponses types" in text and "Accueil" in text


def test_the_page_costs_the_same_queries_however_many_replies(
    client, ana, django_assert_num_queries
):
    from tests.recovery.test_ticket_page import PAGE_QUERIES

    ticket = ticketed_complaint(category=CategoryFactory()).ticket
    client.force_login(ana)
    with django_assert_num_queries(PAGE_QUERIES):
        client.get(page_url(ticket))
    for n in range(6):
        canned(f"Reply {n} {{first_name}}", kind=CannedKind.values[n % 2])
        canned(f"For this one {n}", category=ticket.complaint.category)
    client.force_login(ana)
    with django_assert_num_queries(PAGE_QUERIES):
        assert "Reply 4" in client.get(page_url(ticket)).text
