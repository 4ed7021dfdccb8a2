from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("", include("complaints.urls")),
    path("agent/outbox/", include("notifications.urls")),
    path("agent/", include("recovery.urls")),
    path("accounts/", include("django.contrib.auth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]
