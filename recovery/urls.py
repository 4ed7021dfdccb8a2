from django.urls import path

from complaints import agent_views
from recovery.views import ledger, queue, steps, ticket

app_name = "agent"

# Every step on a ticket is a POST to its own address under the ticket's.
_ticket_steps = [
    ("callback/", steps.ticket_callback, "ticket_callback"),
    ("acknowledge/", steps.ticket_acknowledge, "ticket_acknowledge"),
    ("apologize/", steps.ticket_apologize, "ticket_apologize"),
    ("compensate/", ledger.ticket_compensate, "ticket_compensate"),
    (
        "compensations/<int:pk>/approve/",
        ledger.compensation_approve_view,
        "ticket_compensation_approve",
    ),
    (
        "compensations/<int:pk>/fulfil/",
        ledger.compensation_fulfil_view,
        "ticket_compensation_fulfil",
    ),
    (
        "compensations/<int:pk>/decline/",
        ledger.compensation_decline_view,
        "ticket_compensation_decline",
    ),
    ("follow-up/", steps.ticket_start_follow_up, "ticket_start_follow_up"),
    ("resolve/", steps.ticket_resolve, "ticket_resolve"),
    ("close/", steps.ticket_close_invalid, "ticket_close_invalid"),
    ("reopen/", steps.ticket_reopen, "ticket_reopen"),
    ("claim/", steps.ticket_claim, "ticket_claim"),
    ("assign/", steps.ticket_assign, "ticket_assign"),
    ("priority/", steps.ticket_priority, "ticket_priority"),
    ("unassign/", steps.ticket_unassign, "ticket_unassign"),
    ("note/", steps.ticket_note, "ticket_note"),
    ("message/", steps.ticket_message, "ticket_message"),
]

urlpatterns = [
    path("", queue.queue, name="queue"),
    path("queue/assign/", queue.queue_assign, name="queue_assign"),
    path("tickets/<str:reference>/", ticket.ticket_detail, name="ticket"),
    *(
        path(f"tickets/<str:reference>/{route}", view, name=name)
        for route, view, name in _ticket_steps
    ),
    path("complaints/new/", agent_views.phone_complaint_new, name="phone_intake"),
    path("customers/lookup/", agent_views.customer_lookup, name="customer_lookup"),
    path("attachments/<int:pk>/", agent_views.attachment_download, name="attachment"),
]
