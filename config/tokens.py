"""API tokens for staff: made, listed and revoked on their owner's page; checked by the API.

A token is shown once, when it is made; the database keeps its digest
(``config.ApiToken``, django-rest-knox), so neither a database copy nor the
admin reveals one. Each has a name, a lifetime of at most a year, and dies
when revoked or expired. Tokens are accepted only in the ``Authorization``
header (never in a URL), and no log line carries that header.
"""

from datetime import timedelta
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST
from knox.auth import TokenAuthentication

from config.models import ApiToken
from shared.roles import is_agent

LIFETIMES = [(30, _("30 days")), (90, _("90 days")), (365, _("1 year"))]
# How stale last_used_at may be: one write a minute per token, not one a request.
TOUCH_EVERY = timedelta(minutes=1)


class ApiTokenAuthentication(TokenAuthentication):
    """knox's check (digest, expiry; an expired token is deleted), noting when it was last used.

    knox also reads every other token of the caller on each request to delete
    their expired ones: one query more per call, for a tidying that the
    owner's page does (``api_tokens_of``). Only this token's expiry is checked.
    """

    def _cleanup_token(self, auth_token: ApiToken) -> bool:
        if auth_token.expiry is not None and auth_token.expiry < timezone.now():
            auth_token.delete()
            return True
        return False

    def validate_user(self, auth_token: ApiToken) -> tuple[Any, ApiToken]:
        user, token = super().validate_user(auth_token)
        now = timezone.now()
        if token.last_used_at is None or now - token.last_used_at > TOUCH_EVERY:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        return user, token


class TokenForm(forms.Form):
    name = forms.CharField(
        label=_("What it is for"),
        max_length=100,
        help_text=_("For example: the shop's order system."),
    )
    lifetime = forms.TypedChoiceField(
        label=_("Valid for"), choices=LIFETIMES, coerce=int, initial=90
    )


def api_token_create(*, user: Any, name: str, days: int) -> tuple[ApiToken, str]:
    """Make a token for ``user``; returns the row and the token, which is never stored."""
    token, secret = ApiToken.objects.create(user=user, expiry=timedelta(days=days), name=name)
    return token, secret


def api_tokens_of(user: Any) -> list[ApiToken]:
    """The live tokens of ``user``, newest first (expired ones are dropped on sight)."""
    ApiToken.objects.filter(user=user, expiry__lte=timezone.now()).delete()
    return list(ApiToken.objects.filter(user=user))


@login_required
@require_http_methods(["GET", "POST"])
def token_list(request: HttpRequest) -> HttpResponse:
    if not is_agent(request.user):
        return render(request, "403.html", status=403)
    form = TokenForm(request.POST or None)
    made = None
    if request.method == "POST" and form.is_valid():
        made = api_token_create(
            user=request.user, name=form.cleaned_data["name"], days=form.cleaned_data["lifetime"]
        )
        form = TokenForm()
    context = {"tokens": api_tokens_of(request.user), "form": form, "made": made}
    response = render(request, "config/tokens.html", context)
    # The new token is on this page once: never cached, never kept by the browser.
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def token_revoke(request: HttpRequest, key: str) -> HttpResponse:
    token = get_object_or_404(ApiToken, user=request.user, token_key=key)
    token.delete()
    messages.success(request, _("The token “%(name)s” is revoked.") % {"name": token.name})
    return redirect("tokens:list")
