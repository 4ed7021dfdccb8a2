"""The outbox page: every email Amends owes or sent, as the recipient sees it.

With the embedded default (no email provider), emails are written to files
under ``var/mail/``; this page is how a newcomer sees what customers would
receive, and how agents check what went wrong with one that failed.
"""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_POST, require_safe
from django.views.i18n import set_language

from notifications import emails
from notifications.models import STAFF_KINDS, TROUBLE, Notification, NotificationStatus
from notifications.staff import staff_language_set
from shared.roles import agent_required, is_manager

PER_PAGE = 50
FILTERS = {
    "": None,
    "pending": (NotificationStatus.PENDING, NotificationStatus.SENDING),
    "trouble": TROUBLE,
}


@agent_required
@require_safe
def outbox(request):
    """The latest emails first, a page at a time (keyset on id: any page costs the same)."""
    show = request.GET.get("show", "")
    rows = Notification.objects.select_related("ticket__complaint").order_by("-pk")
    if FILTERS.get(show):
        rows = rows.filter(status__in=FILTERS[show])
    before = request.GET.get("before", "")
    if before.isdigit() and len(before) < 12:
        rows = rows.filter(pk__lt=int(before))
    page = list(rows[: PER_PAGE + 1])
    return render(
        request,
        "notifications/outbox.html",
        {
            "rows": page[:PER_PAGE],
            "next_before": page[PER_PAGE - 1].pk if len(page) > PER_PAGE else None,
            "show": show if show in FILTERS else "",
        },
    )


@agent_required
@require_safe
def outbox_email(request, pk):
    """One email rendered as it was (or will be) sent, with its delivery history."""
    notification = get_object_or_404(
        Notification.objects.select_related(
            "ticket__complaint__customer", "ticket__complaint__category", "ticket__assignee"
        ),
        pk=pk,
    )
    # Staff alerts name other tickets and people; agents see customer emails
    # and their own alerts, managers see everything.
    if (
        notification.kind in STAFF_KINDS
        and notification.recipient != request.user.email
        and not is_manager(request.user)
    ):
        raise PermissionDenied
    try:
        subject, message = emails.build(notification)
        html = next((body for body, kind in message.alternatives if kind == "text/html"), "")
        rendered = {"subject": subject, "text": message.body, "html": html, "error": ""}
    except Exception as error:  # shown to staff: the point is to see what went wrong
        rendered = {"subject": notification.subject, "text": "", "html": "", "error": repr(error)}
    return render(
        request,
        "notifications/outbox_email.html",
        {
            "notification": notification,
            "email": rendered,
            "events": list(notification.delivery_events.all()),
        },
    )


@require_POST
def language_switch(request):
    """Django's ``set_language``, which also keeps a staff member's choice for their emails.

    The language somebody reads the pages in is the one they read their
    alerts in; nobody has to find a setting in the admin for that.
    """
    response = set_language(request)
    staff_language_set(user=request.user, language=request.POST.get("language", ""))
    return response
