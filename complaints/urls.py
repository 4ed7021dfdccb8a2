"""The customer's intake pages. The tracking page (``track``, ``track_attachment``)
shares this namespace but reads the recovery: ``recovery.tracking_urls``, joined
to these in ``config.urls``."""

from django.urls import path

from complaints import views

app_name = "complaints"
urlpatterns = [
    path("", views.complaint_new, name="new"),
    path("complaint/submitted/", views.complaint_submitted, name="submitted"),
]
