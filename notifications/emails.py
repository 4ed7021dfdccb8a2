"""One builder per kind of email, each rendered from template files.

Templates live in ``templates/notifications/<kind>/`` as ``subject.txt``,
``body.txt`` and ``body.html``, rendered in the recipient's language. A
template that fails to render raises: an empty email is worse than none.
"""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from notifications.models import NotificationKind


def _render(kind, context, language):
    with translation.override(language):
        subject = render_to_string(f"notifications/{kind}/subject.txt", context)
        text = render_to_string(f"notifications/{kind}/body.txt", context)
        html = render_to_string(f"notifications/{kind}/body.html", context)
    subject = " ".join(subject.split())
    if not subject or not text.strip() or not html.strip():
        raise ValueError(f"Email {kind} rendered empty in {language}.")
    return subject, text, html


def reply_address(notification):
    """The Reply-To of one email: its own token, so a reply finds its ticket.

    The sender's address proves nothing (anyone can write From: anything); the
    token is in no email but this one.
    """
    local, _at, domain = settings.AMENDS["REPLY_TO"].partition("@")
    return f"{local}+{notification.reply_token}@{domain}"


def _message(notification, subject, text, html):
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[notification.recipient],
        reply_to=[reply_address(notification)],
    )
    message.attach_alternative(html, "text/html")
    return message


def tracking_url(complaint):
    return settings.SITE_URL + reverse("complaints:track", args=[complaint.tracking_token])


def _ticket_url(complaint):
    return settings.SITE_URL + reverse("agent:ticket", args=[complaint.reference])


def complaint_received(notification):
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


def deadline_missed(notification):
    """To the customer: we missed the time we promised; a manager is now on it."""
    ticket = notification.ticket
    complaint = ticket.complaint
    context = {
        "customer": complaint.customer,
        "reference": complaint.reference,
        "tracking_url": tracking_url(complaint),
    }
    return _render(NotificationKind.DEADLINE_MISSED, context, notification.language)


def breach_alert(notification):
    """To a manager: this ticket's callback promise was broken."""
    ticket = notification.ticket
    complaint = ticket.complaint
    context = {
        "ticket": ticket,
        "complaint": complaint,
        "reference": complaint.reference,
        "customer": complaint.customer,
        "ticket_url": _ticket_url(complaint),
    }
    return _render(NotificationKind.BREACH_ALERT, context, notification.language)


def callback_reminder(notification):
    """To the assignee, or every agent while nobody has it: the callback falls due soon."""
    from recovery.templatetags.queue_rows import due_phrase

    ticket = notification.ticket
    complaint = ticket.complaint
    due_at = ticket.callback_due_at or ticket.callback_promised_at
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


BUILDERS = {
    NotificationKind.COMPLAINT_RECEIVED: complaint_received,
    NotificationKind.DEADLINE_MISSED: deadline_missed,
    NotificationKind.BREACH_ALERT: breach_alert,
    NotificationKind.CALLBACK_REMINDER: callback_reminder,
}


def build(notification):
    """The email for ``notification``, ready to send."""
    subject, text, html = BUILDERS[notification.kind](notification)
    return subject, _message(notification, subject, text, html)
