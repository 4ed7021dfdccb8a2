"""The door between a password and the staff pages.

Two rules, both read from the session (no query on an ordinary page):

* A session whose user has a second factor but has not given its code yet
  reaches nothing but the code page, sign-out and the language switch: not the
  queue, the admin, the API or even the public pages. Refusing by default
  means a page added later cannot forget to check.
* With ``AMENDS_MANAGER_2FA`` on, a manager (or admin user) who is not verified
  is sent from any staff page (agent/, manager/, admin/, the API by session) to
  the two-factor page: to enrol, or to give a code.
"""

from collections.abc import Callable
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from config.two_factor.rules import OWED, is_verified, two_factor_required

STAFF_PREFIXES = ("/agent/", "/manager/", "/admin/", "/api/")
# What a session that owes its code may still open.
OPEN_WHILE_OWED = ("two_factor:verify", "logout", "set_language")


class TwoFactorMiddleware:
    """After django-otp's OTPMiddleware, which tells whether the session is verified."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        refusal = self._refusal(request)
        return refusal if refusal is not None else self.get_response(request)

    def _refusal(self, request: HttpRequest) -> HttpResponseBase | None:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        path = request.path_info
        if request.session.get(OWED) and not is_verified(request):
            if path.startswith("/static/") or path in {reverse(name) for name in OPEN_WHILE_OWED}:
                return None
            return _send_to(request, "two_factor:verify")
        if (
            path.startswith(STAFF_PREFIXES)
            and two_factor_required(user)
            and not is_verified(request)
        ):
            return _send_to(request, "two_factor:setup")
        return None


def _send_to(request: HttpRequest, name: str) -> HttpResponse:
    if request.path_info.startswith("/api/"):
        message = _("Two-factor sign-in is required: give your code on the sign-in pages first.")
        return JsonResponse(
            {"error": {"code": "two_factor_required", "message": message, "fields": {}}},
            status=403,
        )
    target = reverse(name)
    if request.method == "GET":
        target += "?" + urlencode({"next": request.get_full_path()})
    return redirect(target)
