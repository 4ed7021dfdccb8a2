from django.urls import path

from complaints import agent_views
from recovery import views

app_name = "agent"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("tickets/<str:reference>/", views.ticket_detail, name="ticket"),
    path("complaints/new/", agent_views.phone_complaint_new, name="phone_intake"),
    path("customers/lookup/", agent_views.customer_lookup, name="customer_lookup"),
    path("attachments/<int:pk>/", agent_views.attachment_download, name="attachment"),
]
