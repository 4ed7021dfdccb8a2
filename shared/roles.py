"""The two staff roles. Managers can do everything agents can, and more."""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.models import AbstractUser, AnonymousUser, User
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponseBase

View = Callable[..., HttpResponseBase]
# Whom a role is asked about: a signed-in user, the anonymous visitor, or nobody.
UserLike = AbstractUser | AnonymousUser | None
# Who takes a step on a ticket: a signed-in user of the project's model (the one
# the actor columns point to), the anonymous visitor, or nobody (the sweep).
Actor = User | AnonymousUser | None

AGENTS = "agents"
MANAGERS = "managers"


def _in_group(user: UserLike, name: str) -> bool:
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    # Cached on the user object: a page asks several times.
    cache = getattr(user, "_amends_groups", None)
    if cache is None:
        cache = set(user.groups.values_list("name", flat=True))
        user._amends_groups = cache  # type: ignore[attr-defined]  # a per-request cache
    return name in cache


def is_manager(user: UserLike) -> bool:
    return _in_group(user, MANAGERS)


def is_agent(user: UserLike) -> bool:
    return _in_group(user, AGENTS) or is_manager(user)


def _role_required(check: Callable[[UserLike], bool]) -> Callable[[View], View]:
    def decorator(view: View) -> View:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not check(request.user):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


agent_required = _role_required(is_agent)
manager_required = _role_required(is_manager)
