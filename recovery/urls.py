from django.urls import path

from complaints import agent_views
from recovery.views import canned, merge, queue, ticket
from recovery.views.steps import step_urls

app_name = "agent"

urlpatterns = [
    path("", queue.queue, name="queue"),
    path("queue/assign/", queue.queue_assign, name="queue_assign"),
    path("tickets/<str:reference>/", ticket.ticket_detail, name="ticket"),
    # Every step on a ticket is a POST to its own address under the ticket's
    # (``recovery.steps.STEPS``).
    *step_urls(),
    # Merging a duplicate is not a step of the table (two tickets, a confirmation, an
    # undo): a resource of its own, outside the ticket's step addresses.
    path("merges/<str:reference>/", merge.ticket_merge_view, name="ticket_merge"),
    path("merges/<str:reference>/<int:pk>/undo/", merge.ticket_unmerge_view, name="ticket_unmerge"),
    path("canned/", canned.canned_list, name="canned_list"),
    path("canned/new/", canned.canned_edit, name="canned_new"),
    path("canned/<int:pk>/", canned.canned_edit, name="canned_edit"),
    path("complaints/new/", agent_views.phone_complaint_new, name="phone_intake"),
    path("customers/lookup/", agent_views.customer_lookup, name="customer_lookup"),
    path("attachments/<int:pk>/", agent_views.attachment_download, name="attachment"),
]
