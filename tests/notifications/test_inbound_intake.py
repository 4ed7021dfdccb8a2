"""An email that is nobody's reply opens a complaint, answered by the usual acknowledgement."""

import pytest
from django.test import Client

from complaints.models import Attachment, Channel, Complaint
from notifications import inbound
from notifications.inbound.intake import email_language
from notifications.inbound.text import html_to_text, language_guess, order_reference_in
from notifications.models import InboundEmail, InboundStatus, Notification, NotificationKind
from recovery.choices import EventKind
from recovery.models import TicketEvent
from tests.complaints.conftest import EXE_BYTES, PNG_BYTES
from tests.factories import CategoryFactory, CustomerFactory, ticketed_complaint
from tests.notifications.inbound_mail import PROVIDERS, raw_email

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _category():
    return CategoryFactory(name_en="Other", position=0)


@pytest.fixture(params=PROVIDERS, ids=lambda provider: provider.name)
def provider(request, settings):
    request.param.configure(settings)
    return request.param


def acknowledgements():
    return Notification.objects.filter(kind=NotificationKind.COMPLAINT_RECEIVED)


def test_a_new_senders_email_opens_an_email_complaint_acknowledged_with_its_reference(
    client, provider
):
    response = provider.post(client, raw_email())
    assert response.status_code == 200
    complaint = Complaint.objects.select_related("customer", "ticket").get()
    assert complaint.channel == Channel.EMAIL
    assert (complaint.customer.email, complaint.customer.name) == (
        "ada@example.com",
        "Ada Lovelace",
    )
    assert complaint.description == (
        "My parcel never arrived\n\n"
        "I ordered a vase three weeks ago and it never arrived. Please help."
    )
    assert (complaint.language, complaint.consent_to_contact) == ("en", True)
    stored = InboundEmail.objects.get()
    assert (stored.status, stored.reason, stored.complaint, stored.ticket) == (
        InboundStatus.OPENED,
        "",
        complaint,
        complaint.ticket,
    )
    # The OPENED event owes the acknowledgement (reference and tracking link): one, to the sender.
    (ack,) = acknowledgements()
    assert (ack.recipient, ack.ticket_id, ack.language) == (
        "ada@example.com",
        complaint.ticket.pk,
        "en",
    )


def test_a_french_email_opens_a_complaint_answered_in_french(client, provider):
    text = "Bonjour, j’ai reçu ma commande cassée et je voudrais être remboursée. Merci."
    provider.post(client, raw_email(subject="Colis abîmé", text=text))
    complaint = Complaint.objects.get()
    assert complaint.language == "fr"
    assert acknowledgements().get().language == "fr"


def test_an_email_with_no_clear_language_is_answered_in_the_customers_earlier_one(client, provider):
    earlier = ticketed_complaint(customer__email="ada@example.com", customer__language="fr")
    provider.post(client, raw_email(subject="Vase 4411", text="Vase 4411 broken. Refund?"))
    new = Complaint.objects.exclude(pk=earlier.pk).get()
    assert new.language == "fr"


def test_a_subject_that_is_an_order_number_becomes_the_order_reference(client, provider):
    provider.post(client, raw_email(subject="Order #884213", text="The vase arrived in pieces."))
    complaint = Complaint.objects.get()
    assert (complaint.order_reference, complaint.description) == (
        "884213",
        "The vase arrived in pieces.",
    )


def test_an_html_only_email_is_kept_as_text_with_its_scripts_dropped(client, provider):
    html = (
        "<html><head><style>p{color:red}</style><script>steal(document.cookie)</script></head>"
        "<body><p>The vase arrived <b>broken</b> &amp; chipped.</p>"
        '<img src=x onerror="alert(1)"><p>Please refund me.</p></body></html>'
    )
    provider.post(client, raw_email(text=None, html=html))
    complaint = Complaint.objects.get()
    assert complaint.description == (
        "My parcel never arrived\n\nThe vase arrived broken & chipped.\n\nPlease refund me."
    )
    stored = InboundEmail.objects.get()
    for kept in (complaint.description, stored.text):
        assert "<" not in kept and "steal" not in kept and "alert" not in kept


def test_a_photo_is_kept_with_the_complaint_and_a_program_is_refused_and_listed(client, provider):
    files = [
        ("vase.png", PNG_BYTES, "image/png"),
        ("invoice.exe", EXE_BYTES, "application/octet-stream"),
        ("photo.jpg", EXE_BYTES, "image/jpeg"),
    ]
    provider.post(client, raw_email(attachments=files))
    complaint = Complaint.objects.get()
    (kept,) = Attachment.objects.filter(complaint=complaint)
    assert (kept.original_name, kept.content_type, kept.file.read()) == (
        "vase.png",
        "image/png",
        PNG_BYTES,
    )
    stored = InboundEmail.objects.get()
    assert (stored.status, stored.attachment_names) == (
        InboundStatus.OPENED,
        ["invoice.exe", "photo.jpg"],
    )


def test_a_known_customers_address_without_a_token_opens_a_new_complaint_not_their_ticket(
    client, provider
):
    """A forged From gains nothing: a new complaint, acknowledged at the customer's own address."""
    earlier = ticketed_complaint(customer__email="ada@example.com")
    provider.post(client, raw_email(sender="ADA@example.com", text="Somebody else's words, long."))
    assert not TicketEvent.objects.filter(
        ticket=earlier.ticket, kind=EventKind.CUSTOMER_MESSAGE
    ).exists()
    new = Complaint.objects.exclude(pk=earlier.pk).get()
    assert new.customer_id == earlier.customer_id
    assert InboundEmail.objects.get().complaint == new
    assert acknowledgements().filter(ticket=new.ticket).get().recipient == "ada@example.com"


def test_the_same_email_posted_twice_opens_one_complaint(client, provider):
    raw = raw_email(message_id="<once@mail.test>")
    for _ in range(2):
        assert provider.post(client, raw).status_code == 200
    assert Complaint.objects.count() == 1
    assert InboundEmail.objects.count() == 1
    assert acknowledgements().count() == 1


def test_the_same_words_sent_again_are_answered_by_the_first_complaint(client, provider):
    provider.post(client, raw_email())
    provider.post(client, raw_email())  # another Message-ID: the customer pressed Send twice
    assert Complaint.objects.count() == 1
    first, again = InboundEmail.objects.order_by("pk")
    assert again.complaint == first.complaint
    assert (again.status, again.reason) == (InboundStatus.OPENED, inbound.REPEAT)
    assert acknowledgements().count() == 1


def test_a_sender_over_the_forms_rate_limit_is_kept_for_review_and_not_answered(
    client, provider, settings
):
    settings.AMENDS = {**settings.AMENDS, "RATE_LIMIT_PER_EMAIL": 2}
    for n in range(3):
        provider.post(client, raw_email(text=f"Complaint number {n}: the vase is broken."))
    assert Complaint.objects.count() == 2
    limited = InboundEmail.objects.order_by("pk").last()
    assert (limited.status, limited.reason, limited.complaint) == (
        InboundStatus.REVIEW,
        inbound.RATE_LIMITED,
        None,
    )
    assert acknowledgements().count() == 2


def test_an_email_too_short_to_be_a_complaint_is_kept_for_review(client, provider):
    provider.post(client, raw_email(subject="", text="Help"))
    assert not Complaint.objects.exists()
    assert InboundEmail.objects.get().reason == inbound.TOO_SHORT


def test_the_webhook_needs_no_csrf_token(provider):
    response = provider.post(Client(enforce_csrf_checks=True), raw_email())
    assert response.status_code == 200
    assert Complaint.objects.count() == 1


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Bonjour, ma commande n’est jamais arrivée.", "fr"),
        ("Hello, my order never arrived and I have been waiting.", "en"),
        ("Vase 4411", None),
    ],
)
def test_the_language_is_guessed_from_telltale_words(text, language):
    assert language_guess(text) == language


@pytest.mark.parametrize(
    ("subject", "number"),
    [
        ("Order #884213", "884213"),
        ("Commande n° AB-1234", "AB-1234"),
        ("#7731", "7731"),
        ("My parcel never arrived", ""),
        ("Broken vase", ""),
    ],
)
def test_only_a_subject_that_is_an_order_number_counts_as_one(subject, number):
    assert order_reference_in(subject) == number


def test_html_becomes_the_text_a_reader_sees():
    assert html_to_text("<p>One<br>Two</p><script>x()</script><p>&lt;b&gt;</p>") == (
        "One\nTwo\n\n<b>"
    )


def test_an_emails_language_is_its_words_else_the_senders_earlier_complaints():
    CustomerFactory(email="amelie@example.com", language="fr")
    english = "Hello, my order has not arrived and nobody answers the phone."
    assert email_language(sender="Amelie@example.com", text=english) == "en"
    assert email_language(sender="amelie@example.com", text="AB-1234") == "fr"
    assert email_language(sender="nobody@example.com", text="AB-1234") == "en"
