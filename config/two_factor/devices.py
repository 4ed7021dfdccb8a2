"""The staff's second factors: one authenticator app (TOTP) and a set of recovery codes.

django-otp keeps the devices and throttles wrong codes on each of them
(1, 2, 4, 8... seconds after each failure in a row, ``OTP_*_THROTTLE_FACTOR``),
so guessing six digits is hopeless however fast the guesser. A code is checked
on the device its shape names: six digits on the app, anything else on the
recovery codes, so a wrong app code never throttles the way back in.
"""

import base64
import io
import re
from dataclasses import dataclass
from datetime import datetime

import qrcode
import qrcode.image.svg
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone
from django_otp import user_has_device
from django_otp.models import Device
from django_otp.plugins.otp_static.models import (
    StaticDevice,
    StaticToken,
)
from django_otp.plugins.otp_totp.models import TOTPDevice

RECOVERY_CODE_COUNT = 10
APP_DEVICE_NAME = "Authenticator app"
CODES_DEVICE_NAME = "Recovery codes"
_APP_CODE = re.compile(r"\d{6}")


@dataclass(frozen=True)
class CodeCheck:
    """What a code proved: the device that took it, or (if it was not even tried) until when to wait.

    ``wait_until`` is set only when every device was throttled by earlier wrong
    codes, so the code was not looked at: the user is told to wait, not that it
    was wrong.
    """

    device: Device | None
    wait_until: datetime | None = None

    @property
    def recovery(self) -> bool:
        return isinstance(self.device, StaticDevice)


def has_device(user: AbstractBaseUser) -> bool:
    """True when the user has a confirmed app or recovery codes left to sign in with."""
    return bool(user_has_device(user, confirmed=True))


def app_device(user: AbstractBaseUser) -> TOTPDevice | None:
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).first()


def recovery_codes_left(user: AbstractBaseUser) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def app_device_pending(*, user: AbstractBaseUser) -> TOTPDevice:
    """The app device being set up: the same secret on every visit until it is confirmed.

    Reusing it means reloading the page does not invalidate what the user has
    just scanned; a fresh secret is made only once the last one was confirmed.
    """
    device = TOTPDevice.objects.devices_for_user(user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=APP_DEVICE_NAME, confirmed=False)
    return device


def app_device_confirm(*, user: AbstractBaseUser, device_id: int, code: str) -> CodeCheck:
    """Confirm the app being set up with a code from it; on success it replaces any older app.

    Locked for update, so two tabs sending the same code confirm once.
    """
    with transaction.atomic():
        device = (
            TOTPDevice.objects.select_for_update()
            .filter(user=user, pk=device_id, confirmed=False)
            .first()
        )
        if device is None:
            return CodeCheck(device=None)
        allowed, why = device.verify_is_allowed()
        if not allowed:
            return CodeCheck(device=None, wait_until=(why or {}).get("locked_until"))
        if not device.verify_token(_digits(code)):
            return CodeCheck(device=None)
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    return CodeCheck(device=device)


def recovery_codes_make(*, user: AbstractBaseUser) -> list[str]:
    """Make a new set of one-time recovery codes; the old set stops working.

    The codes are returned to be shown once; django-otp deletes each as it is used.
    """
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    with transaction.atomic():
        StaticDevice.objects.filter(user=user).delete()
        device = StaticDevice.objects.create(user=user, name=CODES_DEVICE_NAME, confirmed=True)
        StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def code_check(*, user: AbstractBaseUser, code: str) -> CodeCheck:
    """Check a sign-in code: six digits against the app, anything else as a recovery code.

    A recovery code is used up by the check that accepts it (django-otp deletes
    it), under a row lock, so two requests cannot both spend it.
    """
    code = _normalised(code)
    model = TOTPDevice if _APP_CODE.fullmatch(code) else StaticDevice
    with transaction.atomic():
        devices = list(
            model.objects.devices_for_user(user, confirmed=True).select_for_update().order_by("pk")
        )
        wait_until, tried = None, False
        for device in devices:
            allowed, why = device.verify_is_allowed()
            if not allowed:
                wait_until = _later(wait_until, (why or {}).get("locked_until"))
                continue
            tried = True
            if device.verify_token(code):
                return CodeCheck(device=device)
    return CodeCheck(device=None, wait_until=None if tried else wait_until)


def two_factor_remove(*, user: AbstractBaseUser) -> None:
    """Delete the user's app and recovery codes: the next sign-in asks for the password only."""
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        StaticDevice.objects.filter(user=user).delete()


def app_secret(device: TOTPDevice) -> str:
    """The secret as an app asks for it by hand: base32, in groups of four."""
    secret = base64.b32encode(device.bin_key).decode()
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def app_qr_data_url(device: TOTPDevice) -> str:
    """The provisioning QR code as an SVG ``data:`` URL: an image, so no inline markup or style."""
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathFillImage)
    buffer = io.BytesIO()
    image.save(buffer)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode()


def _later(one: datetime | None, other: datetime | None) -> datetime | None:
    return max(one, other) if one and other else one or other


def _digits(code: str) -> str:
    return re.sub(r"\s", "", code)


def _normalised(code: str) -> str:
    # Recovery codes are lower-case base32; people type them in capitals or with spaces.
    return re.sub(r"[\s-]", "", code).lower()


def seconds_until(moment: datetime | None) -> int:
    if moment is None:
        return 0
    return max(1, int((moment - timezone.now()).total_seconds() + 0.999))
