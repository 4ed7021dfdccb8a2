"""Who is asking: the client's IP address, behind a known number of proxies."""

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str | None:
    proxies = settings.AMENDS["TRUSTED_PROXY_COUNT"]
    if proxies:
        forwarded = [
            p.strip() for p in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if p.strip()
        ]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR") or None
