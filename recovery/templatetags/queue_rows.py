"""The queue's rows, rendered in Python.

The queue is the page agents live in and it refreshes every 30 seconds; in the
template engine each row cost about a millisecond (variable lookups, a URL
reverse, two date filters). Here a row is a few ``format_html`` calls, which
escape every value exactly as the template would.
"""

from django import template
from django.urls import reverse
from django.utils import dateformat, timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from recovery.formatting import due_phrase
from recovery.sla import promise_broken
from recovery.templatetags.recovery_tags import channel_label, priority_label, status_label
from recovery.workflow.moves import ticket_stage
from recovery.workflow.reading import ticket_unread
from shared.people import person_name

register = template.Library()

# One Tab stop per row: the reference's link. The checkbox, the customer's name
# (a link to their page, also on the ticket page) and the claim button are out
# of the Tab order (tabindex -1), reached by the queue's shortcuts
# (static/js/queue.js: x ticks, c claims) or in the ticket; a screen reader's
# browse mode still finds them.
ROW = (
    '<tr class="queue-row{}" data-ticket="{}"{}>'
    '<td><input type="checkbox" name="tickets" value="{}" id="pick-{}" aria-labelledby="ref-{}"'
    ' tabindex="-1"></td>'
    '<td class="table__ref q-ref"><a id="ref-{}" href="{}" data-row-link{}>{}</a>{}</td>'
    '<td class="q-customer"><a href="{}" tabindex="-1">{}</a></td>'
    '<td class="q-topic">{}<span class="q-channel muted"> · {}</span></td>'
    '<td class="q-priority"><span class="badge badge--{}">{}</span></td>'
    '<td class="q-status"><span class="badge badge--{}">{}</span>{}</td>'
    '<td class="q-opened">{}</td>'
    '<td class="q-due">{}</td>'
    '<td class="q-assignee">{}</td>'
    "</tr>"
)


@register.simple_tag
def queue_rows(tickets, now):
    """All rows of the queue table for ``tickets`` (with ``due_state`` set by the selector)."""
    words = {
        "claim": _("Claim"),
        "follow_up": _("follow-up"),
        "reply": _("reply owed"),
        "waiting": _("Waiting on the customer"),
        "called": _("Called back"),
        "breached": _("Breached"),
        "overdue": _("Overdue"),
        "reminded": _("Reminded"),
        "second_attempt": _("Second attempt"),
        "unread": _("Unread message"),
        "unread_title": _("The customer wrote since the assignee last opened the ticket"),
    }
    # The ticket URL differs only by reference: reverse once, fill in per row.
    url_pattern = reverse("agent:ticket", args=["REFERENCE"])
    customer_pattern = reverse("privacy:customer", args=[2**31 - 1])
    return format_html_join(
        "", "{}", ((_row(t, now, words, url_pattern, customer_pattern),) for t in tickets)
    )


def _row(ticket, now, words, url_pattern, customer_pattern):
    reference = ticket.reference
    complaint = ticket.complaint
    stage = ticket_stage(ticket)
    unread = ticket_unread(ticket)
    opened = timezone.localtime(ticket.opened_at)
    return format_html(
        ROW,
        (f" queue-row--{ticket.due_state}" if ticket.due_state else "")
        + (" queue-row--unread" if unread else ""),
        reference,
        mark_safe(" data-unread") if unread else "",
        ticket.pk,
        ticket.pk,
        ticket.pk,
        ticket.pk,
        url_pattern.replace("REFERENCE", reference),
        format_html(' aria-describedby="unread-{}"', ticket.pk) if unread else "",
        reference,
        _unread_badge(ticket, words) if unread else "",
        customer_pattern.replace(str(2**31 - 1), str(complaint.customer_id)),
        complaint.customer.name,
        # The category the ticket counts under: an agent's correction wins.
        (ticket.category or complaint.category).name,
        channel_label(complaint.channel),
        ticket.priority,
        priority_label(ticket.priority),
        stage,
        status_label(stage),
        _second_attempt_badge(ticket, words),
        format_html(
            '<time datetime="{}">{}</time>',
            opened.isoformat(),
            dateformat.format(opened, "j N, H:i"),
        ),
        _due_cell(ticket, now, words),
        _assignee_cell(ticket, words),
    )


def _due_cell(ticket, now, words):
    if ticket.due_at:
        state = {"breached": " due--overdue", "soon": " due--soon"}.get(ticket.due_state, "")
        local = timezone.localtime(ticket.due_at)
        phrase = due_phrase(ticket.due_at, now)
        if not ticket.callback_due_at:
            # Which deadline due_at is (recovery.workflow.columns.DUE_SOURCES).
            owed = words["reply"] if ticket.due_at == ticket.reply_due_at else words["follow_up"]
            phrase = f"{phrase} · {owed}"
        return format_html(
            '<span class="due{}"><time datetime="{}" data-countdown data-overdue="{}">{}</time>'
            '<span class="due__rel">{}</span>{}</span>',
            state,
            local.isoformat(),
            words["overdue"],
            dateformat.format(local, "D j N, H:i"),
            phrase,
            _reminder_badge(ticket, words),
        )
    if ticket.awaiting_customer_since:
        return format_html('<span class="due due--paused">{}</span>', words["waiting"])
    if ticket.breached_at:
        return format_html('<span class="due due--overdue">{}</span>', words["breached"])
    return format_html('<span class="muted">{}</span>', words["called"])


def _reminder_badge(ticket, words):
    """The in-app reminder: the callback is still owed and the sweep has reminded the agents."""
    if not ticket.reminders_sent or not ticket.callback_due_at:
        return ""
    if promise_broken(breached_at=ticket.breached_at, second_attempt_at=ticket.second_attempt_at):
        return ""
    return format_html(' <span class="badge badge--reminder">{}</span>', words["reminded"])


def _unread_badge(ticket, words):
    """The unread marker: words, not only a dot, so a screen reader says it with the link."""
    return format_html(
        ' <span class="badge badge--unread" id="unread-{}" title="{}">{}</span>',
        ticket.pk,
        words["unread_title"],
        words["unread"],
    )


def _second_attempt_badge(ticket, words):
    """The follow-up survey said the recovery failed: this is the ticket's second try."""
    if not ticket.second_attempt_at:
        return ""
    return format_html(
        ' <span class="badge badge--second-attempt">{}</span>', words["second_attempt"]
    )


def _assignee_cell(ticket, words):
    if ticket.assignee:
        return person_name(ticket.assignee)
    return format_html(
        '<button class="button button--small button--secondary" type="submit" form="claim-form" '
        'name="tickets" value="{}" tabindex="-1" data-claim>{}<span class="visually-hidden"> {}</span>'
        "</button>",
        ticket.pk,
        words["claim"],
        ticket.reference,
    )
