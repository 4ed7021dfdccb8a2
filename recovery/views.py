"""The agents' pages: the queue and the ticket."""

from django.http import Http404
from django.shortcuts import render

from complaints.selectors import customer_complaints
from config.roles import agent_required
from recovery.selectors import ticket_for_agent, ticket_queue


@agent_required
def queue(request):
    return render(request, "recovery/queue.html", {"tickets": ticket_queue()})


@agent_required
def ticket_detail(request, reference):
    ticket = ticket_for_agent(reference)
    if ticket is None:
        raise Http404
    complaint = ticket.complaint
    return render(
        request,
        "recovery/ticket.html",
        {
            "ticket": ticket,
            "complaint": complaint,
            "events": ticket.events.all(),
            "earlier": customer_complaints(complaint.customer, exclude=complaint),
        },
    )
