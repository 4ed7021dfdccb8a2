from django.urls import path

from notifications import inbox_views

app_name = "inbox"

urlpatterns = [
    path("", inbox_views.inbox_list, name="list"),
    path("<int:pk>/", inbox_views.inbox_email, name="email"),
    path("<int:pk>/attach/", inbox_views.inbox_attach, name="attach"),
    path("<int:pk>/complaint/", inbox_views.inbox_complaint, name="complaint"),
    path("<int:pk>/spam/", inbox_views.inbox_dismiss, name="dismiss"),
]
