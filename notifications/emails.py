"""One builder per kind of email, each rendered from template files.

Templates live in ``templates/notifications/<kind>/`` as ``subject.txt``,
``body.txt`` and ``body.html``, rendered in the recipient's language. A
template that fails to render raises: an empty email is worse than none.
"""

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from complaints.models import Attachment, Complaint
from notifications.models import Notification, NotificationKind
from recovery.choices import NpsClass
from recovery.formatting import due_phrase
from recovery.models import Compensation, Solved, Survey, Ticket
from recovery.survey import latest_survey, survey_url
from shared.people import person_name

# An email as rendered: subject, text body, HTML body.
Rendered = tuple[str, str, str]


def _render(kind: str, context: Mapping[str, Any], language: str) -> Rendered:
    with translation.override(language):
        subject: str = render_to_string(f"notifications/{kind}/subject.txt", context)
        text = render_to_string(f"notifications/{kind}/body.txt", context)
        html = render_to_string(f"notifications/{kind}/body.html", context)
    subject = " ".join(subject.split())
    if not subject or not text.strip() or not html.strip():
        raise ValueError(f"Email {kind} rendered empty in {language}.")
    return subject, text, html


def reply_address(notification: Notification) -> str:
    """The Reply-To of one email: its own token, so a reply finds its ticket.

    The sender's address proves nothing (anyone can write From: anything); the
    token is in no email but this one.
    """
    local, _at, domain = settings.AMENDS["REPLY_TO"].partition("@")
    return f"{local}+{notification.reply_token}@{domain}"


def _message(
    notification: Notification, subject: str, text: str, html: str
) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[notification.recipient],
        reply_to=[reply_address(notification)],
    )
    message.attach_alternative(html, "text/html")
    return message


def tracking_url(complaint: Complaint) -> str:
    return settings.SITE_URL + reverse("complaints:track", args=[complaint.tracking_token])


def _ticket_url(complaint: Complaint) -> str:
    return settings.SITE_URL + reverse("agent:ticket", args=[complaint.reference])


def complaint_received(notification: Notification) -> Rendered:
    ticket = notification.ticket
    complaint = ticket.complaint
    context = {
        "customer": complaint.customer,
        "complaint": complaint,
        "ticket": ticket,
        "reference": complaint.reference,
        "tracking_url": tracking_url(complaint),
        "timezone": complaint.timezone or settings.TIME_ZONE,
    }
    return _render(NotificationKind.COMPLAINT_RECEIVED, context, notification.language)


def deadline_missed(notification: Notification) -> Rendered:
    """To the customer: we missed the time we promised; the complaint is on top and a manager knows.

    Only what is true of every breach: the ticket is raised to high priority
    (top of the queue) and every manager is alerted. Nobody is assigned by the
    breach, so the email promises no personal manager.
    """
    ticket = notification.ticket
    complaint = ticket.complaint
    context = {
        "customer": complaint.customer,
        "reference": complaint.reference,
        "tracking_url": tracking_url(complaint),
    }
    return _render(NotificationKind.DEADLINE_MISSED, context, notification.language)


def breach_alert(notification: Notification) -> Rendered:
    """To a manager: this ticket's callback promise was broken."""
    ticket = notification.ticket
    complaint = ticket.complaint
    context = {
        "ticket": ticket,
        "complaint": complaint,
        "reference": complaint.reference,
        "customer": complaint.customer,
        "assignee_name": person_name(ticket.assignee),
        "ticket_url": _ticket_url(complaint),
    }
    return _render(NotificationKind.BREACH_ALERT, context, notification.language)


def callback_reminder(notification: Notification) -> Rendered:
    """To the assignee, or every agent while nobody has it: the callback falls due soon."""
    ticket = notification.ticket
    complaint = ticket.complaint
    due_at = ticket.callback_due_at or ticket.callback_promised_at
    # A reminder is only written for a promised callback (callback_promised_at stays set).
    assert due_at is not None
    with translation.override(notification.language):
        due_in = due_phrase(due_at, timezone.now())
    context = {
        "customer": complaint.customer,
        "reference": complaint.reference,
        "due_at": due_at,
        "due_in": due_in,
        "assignee": ticket.assignee,
        "ticket_url": _ticket_url(complaint),
    }
    return _render(NotificationKind.CALLBACK_REMINDER, context, notification.language)


def _reply_context(notification: Notification) -> dict[str, object]:
    ticket = notification.ticket
    complaint = ticket.complaint
    due_at = datetime.fromisoformat(notification.event.payload["due_at"])
    with translation.override(notification.language):
        due_in = due_phrase(due_at, timezone.now())
    return {
        "customer": complaint.customer,
        "reference": complaint.reference,
        "due_at": due_at,
        "due_in": due_in,
        "assignee": ticket.assignee,
        "assignee_name": person_name(ticket.assignee),
        "ticket_url": _ticket_url(complaint),
    }


def reply_reminder(notification: Notification) -> Rendered:
    """To the assignee, or every agent while nobody has it: a customer's message awaits an answer.

    The deadline is the one the reminder was written for (its event's
    payload): by the time the email goes, an answer may have cleared it.
    """
    context = _reply_context(notification)
    return _render(NotificationKind.REPLY_REMINDER, context, notification.language)


def reply_breach_alert(notification: Notification) -> Rendered:
    """To a manager: a customer's message went unanswered past the next-reply deadline."""
    context = _reply_context(notification)
    return _render(NotificationKind.REPLY_BREACH_ALERT, context, notification.language)


def follow_up_url(ticket: Ticket) -> str:
    """Where the follow-up email asks the customer to tell us how it went: the survey.

    A ticket that reached follow-up before surveys existed has none; its
    customer gets the tracking page instead.
    """
    survey = latest_survey(ticket)
    return survey_url(survey) if survey else tracking_url(ticket.complaint)


def _progress(notification: Notification, **extra: Any) -> Rendered:
    """What every progress email to the customer shows, and the event that caused it.

    Signed with the first name of the agent who took the step, when we have
    it: a person, not a system, is putting things right.
    """
    ticket = notification.ticket
    complaint = ticket.complaint
    event = notification.event
    context = {
        "customer": complaint.customer,
        "reference": complaint.reference,
        "tracking_url": tracking_url(complaint),
        "agent_name": event.actor.first_name if event.actor else "",
        "event": event,
        "text": event.payload.get("text", ""),
        **extra,
    }
    return _render(notification.kind, context, notification.language)


def _compensation(notification: Notification) -> Compensation:
    return Compensation.objects.get(pk=notification.event.payload["compensation"])


def acknowledged(notification: Notification) -> Rendered:
    """To the customer: thank you for talking with us (or our written message); what comes next."""
    return _progress(notification, method=notification.event.payload.get("method"))


def apology(notification: Notification) -> Rendered:
    """To the customer: the apology, in the agent's own words."""
    return _progress(notification)


def compensation_offered(notification: Notification) -> Rendered:
    """To the customer: what we offer (once approved), how much, and how they will get it."""
    return _progress(notification, compensation=_compensation(notification))


def compensation_fulfilled(notification: Notification) -> Rendered:
    """To the customer: the compensation has been handed over, a voucher with its code and use."""
    return _progress(notification, compensation=_compensation(notification))


def follow_up(notification: Notification) -> Rendered:
    """To the customer: how did it go? With the link to tell us."""
    return _progress(notification, follow_up_url=follow_up_url(notification.ticket))


def resolved(notification: Notification) -> Rendered:
    """To the customer: the complaint is closed, and how to reopen it."""
    return _progress(notification)


def agent_message(notification: Notification) -> Rendered:
    """To the customer: a message an agent wrote them on the ticket page, and its files.

    Each file is linked to its download behind the tracking link: the email
    carries no file itself (the tracking link already is the key to them).
    """
    complaint = notification.ticket.complaint
    ids = notification.event.payload.get("attachments") or []
    files = [
        {
            "name": a.original_name,
            "url": settings.SITE_URL
            + reverse("complaints:track_attachment", args=[complaint.tracking_token, a.pk]),
        }
        for a in Attachment.objects.filter(complaint=complaint, pk__in=ids)
    ]
    return _progress(notification, files=files)


def approval_needed(notification: Notification) -> Rendered:
    """To a manager: a compensation above the proposer's limit waits for their approval."""
    ticket = notification.ticket
    complaint = ticket.complaint
    compensation = _compensation(notification)
    proposer = compensation.proposed_by
    context = {
        "reference": complaint.reference,
        "customer": complaint.customer,
        "compensation": compensation,
        "proposer": person_name(proposer),
        "ticket_url": _ticket_url(complaint),
    }
    return _render(NotificationKind.APPROVAL_NEEDED, context, notification.language)


def approval_decided(notification: Notification) -> Rendered:
    """To the agent who proposed a compensation: a colleague approved or declined it."""
    ticket = notification.ticket
    complaint = ticket.complaint
    event = notification.event
    compensation = _compensation(notification)
    decider = event.actor
    context = {
        "reference": complaint.reference,
        "customer": complaint.customer,
        "compensation": compensation,
        "approved": event.payload.get("change") == "approved",
        "decider": person_name(decider),
        "decline_reason": compensation.decline_reason,
        "ticket_url": _ticket_url(complaint),
    }
    return _render(NotificationKind.APPROVAL_DECIDED, context, notification.language)


def customer_replied(notification: Notification) -> Rendered:
    """To the assignee, or every agent while nobody has it: the customer wrote to us."""
    ticket = notification.ticket
    complaint = ticket.complaint
    assignee = ticket.assignee
    context = {
        "reference": complaint.reference,
        "customer": complaint.customer,
        "text": notification.event.payload.get("text", ""),
        "assignee": assignee,
        "assignee_name": person_name(assignee),
        # The agents are written to instead of an assignee who cannot be.
        "for_assignee": assignee is not None and assignee.email == notification.recipient,
        "ticket_url": _ticket_url(complaint),
    }
    return _render(NotificationKind.CUSTOMER_REPLIED, context, notification.language)


def survey_detractor(notification: Notification) -> Rendered:
    """To a manager: the follow-up survey says the recovery failed; the ticket is tried again."""
    ticket = notification.ticket
    complaint = ticket.complaint
    answer = notification.event.payload
    context = {
        "reference": complaint.reference,
        "customer": complaint.customer,
        "csat": answer["csat"],
        "nps": answer["nps"],
        "nps_class": NpsClass(answer["nps_class"]).label,
        "solved": Solved(answer["solved"]).label,
        "comment": answer.get("comment", ""),
        "assignee": ticket.assignee,
        "assignee_name": person_name(ticket.assignee),
        "ticket_url": _ticket_url(complaint),
    }
    return _render(NotificationKind.SURVEY_DETRACTOR, context, notification.language)


def second_attempt(notification: Notification) -> Rendered:
    """To the assignee, or every agent while nobody has it: call the unhappy customer again, by when.

    The deadline is the one the event promised (the ticket's may have moved
    on by the time the email is rendered); the customer's own words from the
    survey say what went wrong.
    """
    ticket = notification.ticket
    complaint = ticket.complaint
    assignee = ticket.assignee
    due_at = datetime.fromisoformat(notification.event.payload["callback_due_at"])
    survey = Survey.objects.filter(pk=notification.event.payload.get("survey")).first()
    with translation.override(notification.language):
        due_in = due_phrase(due_at, timezone.now())
    context = {
        "reference": complaint.reference,
        "customer": complaint.customer,
        "due_at": due_at,
        "due_in": due_in,
        "comment": survey.comment if survey else "",
        "assignee": assignee,
        "assignee_name": person_name(assignee),
        "for_assignee": assignee is not None and assignee.email == notification.recipient,
        "ticket_url": _ticket_url(complaint),
    }
    return _render(NotificationKind.SECOND_ATTEMPT, context, notification.language)


BUILDERS: dict[str, Callable[[Notification], Rendered]] = {
    NotificationKind.COMPLAINT_RECEIVED: complaint_received,
    NotificationKind.DEADLINE_MISSED: deadline_missed,
    NotificationKind.BREACH_ALERT: breach_alert,
    NotificationKind.CALLBACK_REMINDER: callback_reminder,
    NotificationKind.ACKNOWLEDGED: acknowledged,
    NotificationKind.APOLOGY: apology,
    NotificationKind.COMPENSATION_OFFERED: compensation_offered,
    NotificationKind.COMPENSATION_FULFILLED: compensation_fulfilled,
    NotificationKind.FOLLOW_UP: follow_up,
    NotificationKind.RESOLVED: resolved,
    NotificationKind.AGENT_MESSAGE: agent_message,
    NotificationKind.APPROVAL_NEEDED: approval_needed,
    NotificationKind.APPROVAL_DECIDED: approval_decided,
    NotificationKind.CUSTOMER_REPLIED: customer_replied,
    NotificationKind.SURVEY_DETRACTOR: survey_detractor,
    NotificationKind.SECOND_ATTEMPT: second_attempt,
    NotificationKind.REPLY_REMINDER: reply_reminder,
    NotificationKind.REPLY_BREACH_ALERT: reply_breach_alert,
}


def build(notification: Notification) -> tuple[str, EmailMultiAlternatives]:
    """The email for ``notification``, ready to send."""
    subject, text, html = BUILDERS[notification.kind](notification)
    return subject, _message(notification, subject, text, html)
