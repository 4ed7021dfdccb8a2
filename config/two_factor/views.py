"""The staff's two-factor pages: set up the app, give a code at sign-in, see new recovery codes once."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login

from config.two_factor import devices
from config.two_factor.forms import CodeForm, ConfirmAppForm
from config.two_factor.rules import NEW_CODES, OWED, is_verified, two_factor_required
from shared.roles import is_agent


def _user(request: HttpRequest) -> User:
    """The signed-in user (the views are behind login_required)."""
    if isinstance(request.user, AnonymousUser):
        raise PermissionDenied
    return request.user


def _next(request: HttpRequest) -> str:
    """Where to go after the code: the page asked for, if it is ours, else the queue."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    safe = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return target if safe else reverse(settings.LOGIN_REDIRECT_URL)


def _with_next(name: str, request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next")
    return reverse(name) + ("?" + urlencode({"next": target}) if target else "")


def _verified(request: HttpRequest, device: devices.Device) -> None:
    """This session gave its code: remember the device and take a new session key."""
    otp_login(request, device)
    request.session.pop(OWED, None)
    request.session.cycle_key()


def _wrong_code(form: CodeForm, check: devices.CodeCheck) -> int:
    """Put the refusal on the form: 429 when earlier wrong codes throttle the device, else 200."""
    if check.wait_until is not None:
        wait = devices.seconds_until(check.wait_until)
        form.add_error(
            "code",
            ngettext(
                "Too many wrong codes in a row. Wait %(seconds)d second, then try again.",
                "Too many wrong codes in a row. Wait %(seconds)d seconds, then try again.",
                wait,
            )
            % {"seconds": wait},
        )
        return 429
    form.add_error("code", _("That code is not right. Check that your phone's clock is on time."))
    return 200


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    """The second step of signing in: a code from the app, or a recovery code (each works once)."""
    user = _user(request)
    if not devices.has_device(user):
        request.session.pop(OWED, None)
        return redirect(_with_next("two_factor:setup", request))
    if is_verified(request) and not request.session.get(OWED):
        return redirect(_next(request))
    form = CodeForm(
        request.POST or None,
        help_text=_(
            "The six digits your authenticator app shows now, or one of your recovery codes."
        ),
    )
    status = 200
    if request.method == "POST" and form.is_valid():
        check = devices.code_check(user=user, code=form.cleaned_data["code"])
        if check.device is not None:
            _verified(request, check.device)
            if check.recovery:
                left = devices.recovery_codes_left(user)
                messages.warning(
                    request,
                    ngettext(
                        "You signed in with a recovery code; it will not work again. %(left)d code is left: you can make new ones on your two-factor page.",
                        "You signed in with a recovery code; it will not work again. %(left)d codes are left: you can make new ones on your two-factor page.",
                        left,
                    )
                    % {"left": left},
                )
            return redirect(_next(request))
        status = _wrong_code(form, check)
    return render(
        request,
        "accounts/two_factor_verify.html",
        {
            "form": form,
            "next": request.POST.get("next") or request.GET.get("next", ""),
            # No staff menu: until the code is given, none of its pages would open.
            "is_agent": False,
            "is_manager": False,
        },
        status=status,
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def setup(request: HttpRequest) -> HttpResponse:
    """A staff member's own two-factor page: set up the app, or manage what is set up."""
    user = _user(request)
    if not is_agent(user):
        raise PermissionDenied
    app = devices.app_device(user)
    if devices.has_device(user) and not is_verified(request):
        # Set up in another browser since this session began: prove it here first.
        return redirect(_with_next("two_factor:verify", request))
    action = request.POST.get("action")
    if app is not None and action == "codes":
        request.session[NEW_CODES] = devices.recovery_codes_make(user=user)
        return redirect(_with_next("two_factor:codes", request))
    if app is not None and action == "remove" and not two_factor_required(user):
        devices.two_factor_remove(user=user)
        messages.success(
            request, _("Two-factor sign-in is off: you sign in with your password only.")
        )
        return redirect("two_factor:setup")
    if app is not None and action != "confirm" and request.GET.get("replace") != "1":
        return render(
            request,
            "accounts/two_factor_status.html",
            {
                "app": app,
                "codes_left": devices.recovery_codes_left(user),
                "may_remove": not two_factor_required(user),
            },
        )
    return _enrol(request)


def _enrol(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    pending = devices.app_device_pending(user=user)
    form = ConfirmAppForm(
        request.POST if request.POST.get("action") == "confirm" else None,
        initial={"device": pending.pk},
        numeric=True,
        help_text=_("The six digits the app shows for Amends."),
    )
    status = 200
    if form.is_bound and form.is_valid():
        check = devices.app_device_confirm(
            user=user, device_id=form.cleaned_data["device"], code=form.cleaned_data["code"]
        )
        if check.device is not None:
            _verified(request, check.device)
            request.session[NEW_CODES] = devices.recovery_codes_make(user=user)
            return redirect(_with_next("two_factor:codes", request))
        status = _wrong_code(form, check)
    return render(
        request,
        "accounts/two_factor_setup.html",
        {
            "form": form,
            "qr": devices.app_qr_data_url(pending),
            "secret": devices.app_secret(pending),
            "required": two_factor_required(user),
            "replacing": devices.app_device(user) is not None,
            "next": request.POST.get("next") or request.GET.get("next", ""),
        },
        status=status,
    )


@never_cache
@login_required
def codes(request: HttpRequest) -> HttpResponse:
    """The recovery codes just made, shown this once: the session forgets them as the page is drawn."""
    new_codes = request.session.pop(NEW_CODES, None)
    if not new_codes:
        return redirect("two_factor:setup")
    return render(
        request, "accounts/two_factor_codes.html", {"codes": new_codes, "next": _next(request)}
    )
