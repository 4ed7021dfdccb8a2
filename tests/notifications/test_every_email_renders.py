"""Every kind of email renders, in both languages, from a ticket the real services built.

A new NotificationKind without a builder, a template or a scenario here fails
this test before it can reach a customer.
"""

from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine
from django.core import mail
from django.template import TemplateDoesNotExist
from django.template.loader import get_template

from complaints.models import Channel
from complaints.services import complaint_submit
from notifications import emails
from notifications.emails import BUILDERS
from notifications.models import STAFF_KINDS, Notification, NotificationKind, NotificationStatus
from notifications.sending import notification_send
from recovery.choices import CallbackOutcome, CompensationKind, Status
from recovery.compensation import compensation_approve, compensation_fulfil, compensation_propose
from recovery.deadlines import remind_due, reply_breach_due, reply_remind_due, ticket_breach
from recovery.services import (
    callback_attempt_record,
    ticket_add_note,
    ticket_assign,
    ticket_customer_message,
)
from tests.factories import (
    AgentFactory,
    CategoryFactory,
    ManagerFactory,
    ticket_in_status,
    ticketed_complaint,
)

pytestmark = pytest.mark.django_db

K = NotificationKind


def _received(language):
    complaint, _created = complaint_submit(
        name="Ana Lima",
        email="ana@example.com",
        category=CategoryFactory(),
        description="The parcel arrived crushed and the vase inside was broken.",
        channel=Channel.WEB,
        consent_to_contact=True,
        language=language,
    )
    return complaint.ticket


def _breached(language):
    ManagerFactory()
    ticket = ticketed_complaint(language=language).ticket
    with time_machine.travel(ticket.callback_due_at + timedelta(seconds=1), tick=False):
        ticket_breach(ticket_id=ticket.pk)
    return ticket


def _reminded(language):
    AgentFactory()
    ticket = ticketed_complaint(language=language).ticket
    with time_machine.travel(ticket.reminder_due_at, tick=False):
        remind_due()
    return ticket


def _replied_to(language):
    """A customer's message on an acknowledged ticket: an answer is owed (recovery.workflow.reply)."""
    agent = AgentFactory()
    ManagerFactory()
    ticket = ticket_in_status(Status.ACKNOWLEDGED, actor=agent, language=language)
    ticket_assign(ticket=ticket, assignee=agent, actor=agent)
    ticket_customer_message(ticket=ticket, text="Any news about my vase?")
    ticket.refresh_from_db()
    # The assignee was told of the message at once: sent, so the reminder goes alone.
    (told,) = Notification.objects.filter(ticket=ticket, kind=K.CUSTOMER_REPLIED)
    notification_send(notification_id=told.pk)
    mail.outbox.clear()
    return ticket


def _reply_reminded(language):
    ticket = _replied_to(language)
    with time_machine.travel(ticket.reply_reminder_due_at, tick=False):
        reply_remind_due()
    return ticket


def _reply_missed(language):
    ticket = _replied_to(language)
    with time_machine.travel(ticket.reply_due_at, tick=False):
        reply_breach_due()
    return ticket


def _status(status):
    return lambda language: ticket_in_status(status, language=language)


def _refund(language, *, fulfil):
    """An agent proposes a refund above their limit (none in EUR); a manager approves it."""
    agent, manager = AgentFactory(), ManagerFactory()
    ticket = ticket_in_status(
        Status.APOLOGIZED, actor=agent, language=language, remedy_sought="My money back."
    )
    line = compensation_propose(
        ticket=ticket,
        actor=agent,
        kind=CompensationKind.REFUND,
        amount=Decimal("1250.00"),
        currency="EUR",
        description="Back to the card you paid with.",
    )
    compensation_approve(compensation=line, actor=manager)
    if fulfil:
        compensation_fulfil(compensation=line, actor=manager)
    return ticket


def _agent_message(language):
    agent = AgentFactory()
    ticket = ticket_in_status(Status.APOLOGIZED, actor=agent, language=language)
    ticket_add_note(
        ticket=ticket, actor=agent, text="Your new vase ships tomorrow.", customer_visible=True
    )
    return ticket


def _customer_replied(language):
    agent = AgentFactory()
    ticket = ticket_in_status(Status.ACKNOWLEDGED, actor=agent, language=language)
    ticket_assign(ticket=ticket, assignee=agent, actor=agent)
    ticket_customer_message(ticket=ticket, text="Any news about my vase?")
    return ticket


def _unhappy_answer(language):
    """The customer answers the follow-up survey: not solved, would not recommend us."""
    from recovery.survey import latest_survey, survey_answer

    ManagerFactory()
    ticket = ticket_in_status(Status.FOLLOW_UP, language=language)
    survey_answer(survey=latest_survey(ticket), csat=1, nps=2, solved="no", comment="Still broken.")
    return ticket


# Each kind, and the steps that make a ticket owe it.
SCENARIOS = {
    K.COMPLAINT_RECEIVED: _received,
    K.DEADLINE_MISSED: _breached,
    K.BREACH_ALERT: _breached,
    K.CALLBACK_REMINDER: _reminded,
    K.ACKNOWLEDGED: _status(Status.ACKNOWLEDGED),
    K.APOLOGY: _status(Status.APOLOGIZED),
    K.COMPENSATION_OFFERED: lambda language: _refund(language, fulfil=False),
    K.COMPENSATION_FULFILLED: lambda language: _refund(language, fulfil=True),
    K.FOLLOW_UP: _status(Status.FOLLOW_UP),
    K.RESOLVED: _status(Status.RESOLVED),
    K.AGENT_MESSAGE: _agent_message,
    K.APPROVAL_NEEDED: lambda language: _refund(language, fulfil=False),
    K.APPROVAL_DECIDED: lambda language: _refund(language, fulfil=False),
    K.CUSTOMER_REPLIED: _customer_replied,
    K.SURVEY_DETRACTOR: _unhappy_answer,
    K.SECOND_ATTEMPT: _unhappy_answer,
    K.REPLY_REMINDER: _reply_reminded,
    K.REPLY_BREACH_ALERT: _reply_missed,
}

# Words only the right language's subject and body have.
WORDS = {
    "en": {
        K.COMPLAINT_RECEIVED: ("received", "call you back"),
        K.DEADLINE_MISSED: ("sorry", "manager"),
        K.BREACH_ALERT: ("missed", "promised"),
        K.CALLBACK_REMINDER: ("due", "promised"),
        K.ACKNOWLEDGED: ("message", "what happens next"),
        K.APOLOGY: ("apology", "make up for it"),
        K.COMPENSATION_OFFERED: ("offer", "refund: €1,250.00"),
        K.COMPENSATION_FULFILLED: ("promised", "your refund has been sent"),
        K.FOLLOW_UP: ("how did it go", "tell us how it went"),
        K.RESOLVED: ("resolved", "we have closed your complaint"),
        K.AGENT_MESSAGE: ("message", "you can answer"),
        K.APPROVAL_NEEDED: ("approval", "proposes this compensation"),
        K.APPROVAL_DECIDED: ("was approved", "approved your proposal"),
        K.CUSTOMER_REPLIED: ("new message", "you have this ticket"),
        K.SURVEY_DETRACTOR: ("unhappy", "did not work"),
        K.SECOND_ATTEMPT: ("second attempt", "call them back by"),
        K.REPLY_REMINDER: ("reply due", "owed an answer"),
        K.REPLY_BREACH_ALERT: ("reply deadline missed", "nobody has given it"),
    },
    "fr": {
        K.COMPLAINT_RECEIVED: ("réclamation", "rappel"),
        K.DEADLINE_MISSED: ("désolés", "responsable"),
        K.BREACH_ALERT: ("promesse de rappel", "promis"),
        K.CALLBACK_REMINDER: ("rappel attendu", "promis"),
        K.ACKNOWLEDGED: ("message", "la suite"),
        K.APOLOGY: ("nos excuses", "nous faire pardonner"),
        K.COMPENSATION_OFFERED: ("proposition", "remboursement\u00a0: 1\u00a0250,00\u00a0€"),
        K.COMPENSATION_FULFILLED: ("promesse", "votre remboursement a été envoyé"),
        K.FOLLOW_UP: ("comment", "dites-nous"),
        K.RESOLVED: ("résolue", "nous avons clos votre réclamation"),
        K.AGENT_MESSAGE: ("message", "vous pouvez répondre"),
        K.APPROVAL_NEEDED: ("approbation", "propose ce dédommagement"),
        K.APPROVAL_DECIDED: ("a été approuvée", "a approuvé votre proposition"),
        K.CUSTOMER_REPLIED: ("nouveau message", "ce ticket est à vous"),
        K.SURVEY_DETRACTOR: ("mécontente", "n’a pas fonctionné"),
        K.SECOND_ATTEMPT: ("seconde tentative", "rappelez-le avant"),
        # Once the French catalogue has their words (the lead regenerates it).
        K.REPLY_REMINDER: ("réponse", "réponse"),
        K.REPLY_BREACH_ALERT: ("réponse", "réponse"),
    },
}


def test_every_kind_has_a_builder_a_scenario_and_its_three_templates():
    assert set(K) - set(BUILDERS) == set(), "kinds without a builder in notifications.emails"
    assert set(K) - set(SCENARIOS) == set(), "kinds no scenario here builds: add one"
    for language in WORDS:
        assert set(K) - set(WORDS[language]) == set(), f"kinds without {language} words here"
    for kind in K:
        for name in ("subject.txt", "body.txt", "body.html"):
            get_template(f"notifications/{kind}/{name}")


@pytest.mark.parametrize("language", ["en", "fr"])
@pytest.mark.parametrize("kind", list(K), ids=str)
def test_email_renders_in_its_language_with_reference_and_link(settings, kind, language):
    # Staff without a chosen language are written to in the site's, customers in theirs.
    settings.LANGUAGE_CODE = language
    if kind not in SCENARIOS:
        pytest.fail(f"No scenario builds a {kind} email: add one to SCENARIOS and WORDS.")
    ticket = SCENARIOS[kind](language)
    complaint = ticket.complaint
    (row,) = Notification.objects.filter(ticket=ticket, kind=kind)
    assert row.language == language

    assert notification_send(notification_id=row.pk) == NotificationStatus.SENT

    (message,) = mail.outbox
    ((html, mimetype),) = message.alternatives
    assert mimetype == "text/html"
    assert message.to == [row.recipient]
    assert complaint.reference in message.subject
    for part in (message.subject, message.body, html):
        assert "{{" not in part and "{%" not in part and "}}" not in part
    assert len(message.body.strip()) > 80 and len(html.strip()) > 200
    subject_words, body_words = WORDS[language][kind]
    assert subject_words in message.subject.lower()
    assert body_words in message.body.lower()
    if kind in STAFF_KINDS:
        link = f"/agent/tickets/{complaint.reference}/"
    elif kind == K.FOLLOW_UP:  # its link is the survey's
        link = f"/survey/{ticket.surveys.get().token}/"
    else:
        link = f"/track/{complaint.tracking_token}/"
    assert link in message.body and link in html


def test_acknowledging_by_phone_thanks_the_customer_for_the_call():
    ticket = ticketed_complaint(language="fr").ticket
    callback_attempt_record(
        ticket=ticket,
        actor=AgentFactory(),
        number_called="+33612345678",
        outcome=CallbackOutcome.REACHED,
    )
    row = Notification.objects.get(ticket=ticket, kind=K.ACKNOWLEDGED)
    notification_send(notification_id=row.pk)
    (message,) = mail.outbox
    assert "merci d’avoir pris le temps de nous parler" in message.subject.lower()
    assert "merci d’avoir pris notre appel" in message.body.lower()


def test_an_email_whose_template_is_missing_fails_loudly_and_is_not_sent(monkeypatch):
    ticket = ticket_in_status(Status.APOLOGIZED)
    row = Notification.objects.get(ticket=ticket, kind=K.APOLOGY)
    monkeypatch.setitem(
        BUILDERS, K.APOLOGY, lambda notification: emails._render("no_such_kind", {}, "en")
    )
    with pytest.raises(TemplateDoesNotExist):
        notification_send(notification_id=row.pk)
    row.refresh_from_db()
    assert row.status != NotificationStatus.SENT
    assert mail.outbox == []


def test_an_email_that_renders_empty_is_refused(monkeypatch):
    monkeypatch.setattr(
        emails,
        "render_to_string",
        lambda name, context: "" if name.endswith("body.txt") else "Something",
    )
    with pytest.raises(ValueError, match="rendered empty"):
        emails._render(K.APOLOGY, {}, "fr")
