"""The tracking page's public addresses, under the customer's URL names.

Mounted by ``config.urls`` in the ``complaints`` namespace, beside
``complaints.urls``, so ``complaints:track`` names it as it always has,
though the page reads the recovery and lives here.
"""

from django.urls import path

from recovery.views import tracking

urlpatterns = [
    path("track/<str:token>/", tracking.complaint_track, name="track"),
    path(
        "track/<str:token>/attachments/<int:pk>/",
        tracking.complaint_track_attachment,
        name="track_attachment",
    ),
]
