from email.utils import parseaddr
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from config.watchdog import clock_banner
from notifications.inbox import unmatched_count
from shared.roles import is_agent, is_manager


def roles(request: HttpRequest) -> dict[str, bool]:
    user = getattr(request, "user", None)
    return {"is_agent": is_agent(user), "is_manager": is_manager(user)}


def unmatched_mail(request: HttpRequest) -> dict[str, Any]:
    """The count on the agents' "Unmatched mail" tab, counted only if a page shows it.

    Here rather than in the queue's view: recovery may not read notifications' tables.
    """
    user = getattr(request, "user", None)
    return {
        "unmatched_mail_count": SimpleLazyObject(lambda: unmatched_count() if is_agent(user) else 0)
    }


def privacy_notice(request: HttpRequest) -> dict[str, Any]:
    """What the public form's privacy notice promises, read from the settings it describes."""
    closed_days = settings.AMENDS["RETENTION_CLOSED_DAYS"]
    return {
        "privacy_notice": {
            # 1095 days reads "3 years"; a number of days that is not whole years, as days.
            "closed_years": closed_days // 365 if closed_days % 365 == 0 else None,
            "closed_days": closed_days,
            "ip_days": settings.AMENDS["RETENTION_IP_DAYS"],
            "contact": parseaddr(settings.DEFAULT_FROM_EMAIL)[1],
        }
    }


def stopped_clock(request: HttpRequest) -> dict[str, Any]:
    """For managers: since when the deadline clock has stopped, as a watchdog last saw it.

    Read from the cache (config/watchdog.py), so no page spends a query on it.
    """
    user = getattr(request, "user", None)
    return {
        "clock_stopped_since": SimpleLazyObject(
            lambda: clock_banner() if is_manager(user) else None
        )
    }
