"""The browser-side policies every response carries: Content-Security-Policy and Permissions-Policy.

Amends serves everything from its own origin (static/, no CDN), so a page may
load scripts, styles, images and fonts from ``'self'`` only; nothing inline
runs unless the page gave it this response's nonce (``request.csp_nonce``),
and no page may be framed, post a form elsewhere or change its base URL. An
injected ``<script>`` in a customer's text would therefore not run even if
escaping ever failed. The API's documentation pages (drf-spectacular's
Swagger UI and Redoc) relax ``style-src`` for themselves only (config/api.py).
"""

import base64
import hashlib
import re
from datetime import timedelta
from pathlib import Path

import environ
from csp.constants import NONCE, NONE, SELF

# What config/settings.py takes from here.
__all__ = [
    "AMENDS_MANAGER_2FA",
    "AUTHENTICATION_BACKENDS",
    "AXES_CLIENT_IP_CALLABLE",
    "AXES_COOLOFF_TIME",
    "AXES_FAILURE_LIMIT",
    "AXES_LOCKOUT_PARAMETERS",
    "AXES_LOCKOUT_TEMPLATE",
    "AXES_RESET_ON_SUCCESS",
    "AXES_VERBOSE",
    "CONTENT_SECURITY_POLICY",
    "KNOX_TOKEN_MODEL",
    "MIGRATION_MODULES",
    "OTP_ADMIN_HIDE_SENSITIVE_DATA",
    "OTP_STATIC_THROTTLE_FACTOR",
    "OTP_TOTP_ISSUER",
    "OTP_TOTP_THROTTLE_FACTOR",
    "PASSWORD_RESET_LIMITS",
    "PERMISSIONS_POLICY",
    "REST_KNOX",
    "SECURITY_APPS",
    "SECURITY_MIDDLEWARE",
]

_env = environ.Env()
# settings.py reads .env after importing this module; read it here too (it never overwrites).
environ.Env.read_env(Path(__file__).resolve().parents[1] / ".env", overwrite=False)

# The apps and middleware of this module's features, in INSTALLED_APPS after
# django.contrib.auth and in MIDDLEWARE after AuthenticationMiddleware.
SECURITY_APPS = [
    "axes",  # sign-in throttling
    "django_otp",  # two-factor sign-in (config/two_factor)
    "django_otp.plugins.otp_totp",  # the authenticator app
    "django_otp.plugins.otp_static",  # one-time recovery codes
]
SECURITY_MIDDLEWARE = [
    "django_otp.middleware.OTPMiddleware",  # request.user.is_verified(), from the session
    "config.two_factor.middleware.TwoFactorMiddleware",  # a code owed reaches nothing else
    "axes.middleware.AxesMiddleware",  # last: answers a locked-out sign-in
]


def _error_page_style_hash() -> str:
    """The hash source of the 500 page's one ``<style>``.

    That page is rendered without a request (no nonce, no static files: they
    may be what failed), so its inline style is allowed by its digest alone.
    """
    page = (Path(__file__).resolve().parents[1] / "templates" / "500.html").read_text()
    style = re.search(r"<style>(.*?)</style>", page, re.DOTALL)
    digest = hashlib.sha256(style.group(1).encode() if style else b"").digest()
    return f"'sha256-{base64.b64encode(digest).decode()}'"


CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, NONCE, _error_page_style_hash()],
        # data: for the small SVG icons the stylesheet inlines.
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# No page needs a sensor, a camera or a payment sheet: deny them to every frame.
PERMISSIONS_POLICY: dict[str, list[str]] = {
    feature: []
    for feature in (
        "accelerometer",
        "camera",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "payment",
        "usb",
    )
}


# Sign-in throttling (django-axes): five wrong passwords lock that username,
# from anywhere, and that address, for any username, for 15 minutes; on the
# staff login, the admin's, and any other form that authenticates. The address
# is ours to say (shared.client_ip): X-Forwarded-For counts only through the
# configured number of proxies, so a forged header cannot make a new address.
# django-axes first: it refuses a locked-out sign-in before a password is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_CLIENT_IP_CALLABLE = "shared.client_ip.client_ip"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False


# Two-factor sign-in (config/two_factor, django-otp). Anyone on staff may set
# up an authenticator app; a user who did is asked for its code after the
# password, everywhere (the staff sign-in, the admin's). With this on,
# managers and admin users must set it up before any staff page opens: off by
# default so the demo's sign-ins stay one step.
AMENDS_MANAGER_2FA = _env.bool("AMENDS_MANAGER_2FA", default=False)
OTP_TOTP_ISSUER = "Amends"
# Each wrong code in a row doubles the wait before the next try: 1, 2, 4, 8... seconds.
OTP_TOTP_THROTTLE_FACTOR = 1
OTP_STATIC_THROTTLE_FACTOR = 1
# The admin's device pages never show a secret or a recovery code.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

# The password reset form (config/password_reset.py): requests per client
# address and per email address in a window, before a 429.
PASSWORD_RESET_LIMITS = {
    "PER_IP": _env.int("AMENDS_PASSWORD_RESET_PER_IP", default=10),
    "PER_EMAIL": _env.int("AMENDS_PASSWORD_RESET_PER_EMAIL", default=3),
    "WINDOW": _env.int("AMENDS_PASSWORD_RESET_WINDOW", default=3600),
}


# API tokens (django-rest-knox, config/tokens.py): a digest in the database, a
# lifetime chosen when made (at most a year), sent only as "Authorization: Token …".
KNOX_TOKEN_MODEL = "config.ApiToken"  # noqa: S105 (a model name)
# knox's own migrations create its AuthToken table even when the model is swapped
# for ours; without them Django makes no table for a swapped model.
MIGRATION_MODULES = {"knox": None}
REST_KNOX = {
    "TOKEN_TTL": timedelta(days=90),
    "AUTH_HEADER_PREFIX": "Token",
    # Recognisable in a leaked paste or a secret scanner's rules.
    "TOKEN_PREFIX": "amd_",
    "AUTO_REFRESH": False,
}
