"""The password reset form, which tells nobody whether an address has an account.

Its answer was already the same for a known and an unknown address; here its
timing is too. The request looks nothing up: it validates the address's shape,
counts it against the limits and queues ``config.password_reset_email`` after
commit, so a known address costs the request no user query, no token and no
SMTP conversation more than an unknown one. The task finds the accounts (if
any) and sends the link.

Throttled per client address (``shared.client_ip``, so a forged
X-Forwarded-For is no new address) and per email address, with the form's own
rate-limit counters (``complaints.ratelimit``): a 429 page says to wait. The
per-email count is kept for unknown addresses too, so it tells nothing either.
"""

from urllib.parse import urlsplit

from celery import shared_task
from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import PasswordResetForm
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils import translation

from complaints.ratelimit import hit
from shared.client_ip import client_ip
from shared.tasks import enqueue_on_commit


def password_reset_send(*, email: str, language: str) -> None:
    """Email a reset link to each active account with a usable password at ``email``.

    Django's own form does the finding and the sending (its token, its
    templates); the links point at SITE_URL, since there is no request here.
    """
    form = PasswordResetForm(data={"email": email})
    if not form.is_valid():
        return
    site = urlsplit(settings.SITE_URL)
    with translation.override(language):
        form.save(domain_override=site.netloc, use_https=site.scheme == "https")


@shared_task(name="config.password_reset_email")
def password_reset_email(email: str, language: str) -> None:
    """Send the link the form promised, if an account uses ``email``: the one way to it."""
    password_reset_send(email=email, language=language)


class PasswordResetView(auth_views.PasswordResetView):
    def post(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        limits = settings.PASSWORD_RESET_LIMITS
        if not hit("reset_ip", client_ip(request), limit=limits["PER_IP"], window=limits["WINDOW"]):
            return _throttled(request)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form: PasswordResetForm) -> HttpResponse:
        limits = settings.PASSWORD_RESET_LIMITS
        email = form.cleaned_data["email"]
        if not hit("reset_email", email, limit=limits["PER_EMAIL"], window=limits["WINDOW"]):
            return _throttled(self.request)
        # On the email queue, like every send: slow SMTP never holds up the deadline sweep.
        enqueue_on_commit(password_reset_email, email, translation.get_language(), queue="email")
        return HttpResponseRedirect(self.get_success_url())


def _throttled(request: HttpRequest) -> HttpResponse:
    minutes = max(1, settings.PASSWORD_RESET_LIMITS["WINDOW"] // 60)
    return render(
        request, "registration/password_reset_throttled.html", {"minutes": minutes}, status=429
    )
