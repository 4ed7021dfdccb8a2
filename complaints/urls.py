from django.urls import path

from complaints import views

app_name = "complaints"
urlpatterns = [
    path("", views.complaint_new, name="new"),
    path("complaint/submitted/", views.complaint_submitted, name="submitted"),
    path("track/<str:token>/", views.complaint_track, name="track"),
    path(
        "track/<str:token>/attachments/<int:pk>/",
        views.complaint_track_attachment,
        name="track_attachment",
    ),
]
