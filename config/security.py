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
from pathlib import Path

from csp.constants import NONCE, NONE, SELF


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
PERMISSIONS_POLICY = {
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
