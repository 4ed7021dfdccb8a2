"""Who must show a second factor, and whether this session has.

The session says it: django-otp's ``OTPMiddleware`` reads the verified
device from it (``request.user.is_verified()``), and ``OWED`` marks a session
whose password was right but whose code has not been given yet. Both are read
from the session already loaded, so a page costs no query for them.
"""

from django.conf import settings
from django.http import HttpRequest

from shared.roles import UserLike, is_manager

# Set at sign-in for a user with a confirmed device; cleared once a code is right.
OWED = "amends_2fa_owed"
# The recovery codes just made, shown once on the next page and then forgotten.
NEW_CODES = "amends_2fa_new_codes"


def two_factor_required(user: UserLike) -> bool:
    """True when this user may not reach staff pages without a verified device.

    Managers (superusers count as managers) and anyone who may use the admin:
    the accounts that can change settings, limits and people's access.
    """
    if not settings.AMENDS_MANAGER_2FA or user is None or not user.is_authenticated:
        return False
    return bool(user.is_staff) or is_manager(user)


def is_verified(request: HttpRequest) -> bool:
    """True when this session's user gave a code (django-otp's OTPMiddleware says so)."""
    check = getattr(request.user, "is_verified", None)
    return bool(check and check())


def two_factor_satisfied(request: HttpRequest) -> bool:
    """True when the session owes no code and the role's rule is met."""
    if request.session.get(OWED) and not is_verified(request):
        return False
    return not two_factor_required(request.user) or is_verified(request)
