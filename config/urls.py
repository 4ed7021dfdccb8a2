from django.contrib import admin
from django.urls import include, path

from complaints import urls as complaints_urls
from config import password_reset
from notifications.views import language_switch
from recovery import tracking_urls

urlpatterns = [
    # The customer's pages, one namespace: intake (complaints) and the
    # tracking page, which reads the recovery and so lives in recovery.
    path(
        "",
        include(
            ([*complaints_urls.urlpatterns, *tracking_urls.urlpatterns], complaints_urls.app_name)
        ),
    ),
    path("survey/", include("recovery.survey_urls")),
    path("agent/outbox/", include("notifications.urls")),
    # Before "agent/": the customer's page and their personal data (managers).
    path("agent/customers/", include("privacy.urls")),
    path("agent/inbox/", include("notifications.inbox_urls")),
    path("agent/tokens/", include("config.token_urls")),  # a staff member's own API tokens
    path("agent/", include("recovery.urls")),
    path("manager/", include("review.urls")),
    path("api/", include("config.api")),
    # Before Django's own: the reset form queues its email and is throttled; two-factor sign-in.
    path(
        "accounts/password_reset/",
        password_reset.PasswordResetView.as_view(),
        name="password_reset",
    ),
    path("accounts/two-factor/", include("config.two_factor.urls")),
    path("accounts/", include("django.contrib.auth.urls")),
    # Before Django's own: switching language also sets a staff member's email language.
    path("i18n/setlang/", language_switch, name="set_language"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    # The provider's tracking and inbound webhooks: anymail.urls, with a
    # malformed payload answered 400 instead of 500 (notifications/webhooks.py).
    path("anymail/", include("notifications.webhooks")),
]
