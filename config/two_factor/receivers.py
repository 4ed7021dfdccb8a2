"""At sign-in, mark the session of a user with a second factor as owing its code."""

from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpRequest

from config.two_factor.devices import has_device
from config.two_factor.rules import OWED


@receiver(user_logged_in, dispatch_uid="amends_two_factor_owed")
def mark_code_owed(
    sender: Any, request: HttpRequest | None, user: AbstractBaseUser, **kwargs: Any
) -> None:
    """Whatever form took the password (the staff sign-in, the admin's), the code is still owed.

    Read once here, so no page pays a query to learn whether its user has a
    device: the session carries the answer until the code is given.
    """
    if request is None or not hasattr(request, "session"):
        return
    if getattr(user, "otp_device", None) is None and has_device(user):
        request.session[OWED] = True
    else:
        request.session.pop(OWED, None)
