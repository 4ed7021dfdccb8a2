"""The ticket page: the next step first, the ledger, the complaint and the timeline.

``ticket_page`` renders it for the GET and for every step that failed (with
the failed form, its errors and the message): the agent then sees the ticket
as it is now, not as it was when they loaded it.
"""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from complaints.selectors import customer_complaints
from recovery.choices import PENDING_COMPENSATION_STATUSES, CompensationStatus, Status
from recovery.merges import joined_emails, joined_events, merge_panel, merges_into
from recovery.message_files import events_files
from recovery.selectors import (
    approval_allowances,
    compensations_approvable_by,
    ticket_for_agent,
    ticket_next_step,
)
from recovery.steps import STEPS
from recovery.views.canned import canned_chosen, canned_picker
from recovery.views.drafts import draft_pop
from recovery.workflow.reading import ticket_read_mark
from shared.roles import agent_required

# Where a further gesture may be proposed (the first one is the next step).
_PROPOSE_AGAIN_STATUSES = (Status.COMPENSATED, Status.FOLLOW_UP)


def ticket_page(request, reference, *, bound=None, status=200, draft=None, canned=None):
    """The page for ``reference``, with ``bound`` ({prefix: form}) in place of fresh forms.

    ``draft`` is what the agent typed into a step refused as stale
    (``recovery.views.drafts``): it fills its form again and is shown to copy.
    ``canned`` is (prefix, reply id): the canned reply chosen without
    JavaScript, filled into that form (``recovery.views.canned``).
    """
    ticket = ticket_for_agent(reference)
    if ticket is None:
        raise Http404
    if ticket.merged_into_reference:
        # A merged complaint's reference leads to the one it joined, which shows its history.
        messages.info(
            request,
            _(
                "%(merged)s is merged into %(into)s: its timeline, messages, files and emails "
                "are shown here, marked with its reference."
            )
            % {"merged": ticket.reference, "into": ticket.merged_into_reference},
        )
        return redirect("agent:ticket", reference=ticket.merged_into_reference)
    # The assignee sees the customer's messages here: off the queue's unread marker.
    ticket_read_mark(ticket=ticket, reader=request.user)
    context = ticket_page_context(
        ticket=ticket, user=request.user, bound=bound or {}, draft=draft, canned=canned
    )
    return render(request, "recovery/ticket.html", context, status=status)


@agent_required
@require_safe
def ticket_detail(request, reference):
    return ticket_page(
        request,
        reference,
        draft=draft_pop(request, reference=reference),
        canned=canned_chosen(request),
    )


def ticket_page_context(*, ticket, user, bound, draft=None, canned=None):
    complaint = ticket.complaint
    # The canned replies each customer-facing form offers, filled in: one query.
    canned_offers, canned_initial = canned_picker(ticket=ticket, agent=user, chosen=canned)

    def form(step, page, prefix):
        if prefix in bound:
            return bound[prefix]
        initial = page.initial(ticket) if page.initial else None
        if draft and draft["prefix"] == prefix:
            initial = {**(initial or {}), **{f["name"]: f["value"] for f in draft["typed"]}}
        if prefix in canned_initial:
            initial = {**(initial or {}), **canned_initial[prefix]}
        return step.page_form(page)(prefix=prefix, initial=initial)

    # Every step's forms, by their prefix; a ledger line's are on its line.
    pages = [(step, page) for step in STEPS for page in step.pages]

    next_step = ticket_next_step(ticket)
    featured = next_step and next_step["compensation"]
    ledger = list(ticket.compensations.all())
    approvable = compensations_approvable_by(
        compensations=[c for c in ledger if c.status == CompensationStatus.PROPOSED], user=user
    )
    lines = [
        {
            "compensation": c,
            "pending": c.status in PENDING_COMPENSATION_STATUSES,
            "featured": featured is not None and c.pk == featured.pk,
            "approvable": c.pk in approvable,
            **{
                page.prefix: form(step, page, f"{page.prefix}-{c.pk}")
                for step, page in pages
                if step.on_line
            },
        }
        for c in ledger
    ]
    due = next_step and next_step["due"]
    # With those of the tickets merged into this one, each marked with its reference.
    merges = merges_into(ticket)
    events = joined_events(ticket, merges)
    emails = joined_emails(ticket, merges)
    by_event = {}
    for email in emails:
        by_event.setdefault(email.event_id, []).append(email)
    for event in events:
        event.emails = by_event.get(event.pk, [])
    # The files each message came with, from the complaint's (prefetched) attachments.
    events_files(events, complaint.attachments.all())
    customer_email = complaint.customer.email
    earlier = customer_complaints(complaint.customer, exclude=complaint)
    return {
        "ticket": ticket,
        "complaint": complaint,
        "events": events,
        # An email to the customer that did not arrive: the agent should call.
        "email_trouble": [e for e in emails if e.in_trouble and e.recipient == customer_email],
        "earlier": earlier,
        **merge_panel(ticket=ticket, merges=merges, complaints=earlier),
        "next_step": next_step,
        "next_line": next((line for line in lines if line["featured"]), None),
        "overdue": bool(due and due < timezone.now()),
        "lines": lines,
        "can_propose_again": ticket.status in _PROPOSE_AGAIN_STATUSES,
        # What this agent may approve alone, shown by the compensation form.
        "allowances": approval_allowances(user=user, ledger=ledger),
        "assigned_to_me": ticket.assignee_id == user.pk,
        "draft": draft,
        "canned": canned_offers,
        "forms": {
            page.prefix: form(step, page, page.prefix) for step, page in pages if not step.on_line
        },
    }
