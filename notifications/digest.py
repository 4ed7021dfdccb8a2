"""One email for several staff alerts that fire at once for the same person.

A sweep that finds twenty missed callbacks must not send a manager twenty
emails in a minute. The send that claims a staff alert claims that person's
other pending alerts with it (services.notification_claim), and this module
writes them up as one list, each with its kind, reference and ticket link.
"""

from collections.abc import Sequence

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.urls import reverse
from django.utils import translation
from django.utils.translation import ngettext_lazy

from notifications import emails
from notifications.models import Notification, NotificationKind

K = NotificationKind

# How each kind is counted in the subject: "3 missed callbacks, 4 reminders".
COUNTED = {
    K.BREACH_ALERT: ngettext_lazy(
        "%(count)d missed callback", "%(count)d missed callbacks", "count"
    ),
    K.CALLBACK_REMINDER: ngettext_lazy("%(count)d reminder", "%(count)d reminders", "count"),
    K.REPLY_BREACH_ALERT: ngettext_lazy(
        "%(count)d missed reply", "%(count)d missed replies", "count"
    ),
    K.REPLY_REMINDER: ngettext_lazy(
        "%(count)d reply reminder", "%(count)d reply reminders", "count"
    ),
    K.APPROVAL_NEEDED: ngettext_lazy(
        "%(count)d compensation to approve", "%(count)d compensations to approve", "count"
    ),
    K.APPROVAL_DECIDED: ngettext_lazy(
        "%(count)d decision on your proposals", "%(count)d decisions on your proposals", "count"
    ),
    K.CUSTOMER_REPLIED: ngettext_lazy(
        "%(count)d customer message", "%(count)d customer messages", "count"
    ),
    K.SECOND_ATTEMPT: ngettext_lazy(
        "%(count)d second attempt to call back", "%(count)d second attempts to call back", "count"
    ),
    K.SURVEY_DETRACTOR: ngettext_lazy(
        "%(count)d unhappy follow-up answer", "%(count)d unhappy follow-up answers", "count"
    ),
}


def _summary(notifications: Sequence[Notification]) -> str:
    counts: dict[str, int] = {}
    for notification in notifications:
        counts[notification.kind] = counts.get(notification.kind, 0) + 1
    return ", ".join(
        str(COUNTED[K(kind)] % {"count": count})
        if kind in COUNTED
        # A staff kind added later reads "2 × <its label>" until it gets its own words.
        else f"{count} × {NotificationKind(kind).label}"
        for kind, count in counts.items()
    )


def build(notifications: Sequence[Notification]) -> tuple[str, EmailMultiAlternatives]:
    """``(subject, message)``: one email to the recipient of ``notifications`` listing them all.

    ``notifications`` share a recipient and are staff kinds, loaded with their
    ticket, complaint and customer. Ordered by kind, then oldest first, so
    alerts of one kind read together.
    """
    first = notifications[0]
    ordered = sorted(notifications, key=lambda n: (n.kind, n.created_at, n.pk))
    with translation.override(first.language):
        alerts = [
            {
                "label": notification.get_kind_display(),
                "reference": notification.ticket.complaint.reference,
                "customer": notification.ticket.complaint.customer.name,
                "ticket_url": settings.SITE_URL
                + reverse("agent:ticket", args=[notification.ticket.complaint.reference]),
            }
            for notification in ordered
        ]
        context = {"alerts": alerts, "total": len(alerts), "summary": _summary(ordered)}
    subject, text, html = emails._render("staff_digest", context, first.language)
    # No tokened Reply-To: a reply from staff is not a customer's message.
    message = EmailMultiAlternatives(
        subject=subject, body=text, from_email=settings.DEFAULT_FROM_EMAIL, to=[first.recipient]
    )
    message.attach_alternative(html, "text/html")
    return subject, message
