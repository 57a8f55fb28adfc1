"""TOTP second factor (RFC 6238) through django-otp: enrolment, verification, and the demo code."""

from __future__ import annotations

import time

import segno
from django.conf import settings
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from openkap.accounts.models import User

DEVICE_NAME = "Authenticator app"


def confirmed_device(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def pending_device(user: User) -> TOTPDevice:
    """The unconfirmed device being enrolled, created on first use."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)
    return device


def device_verify(device: TOTPDevice, token: str) -> bool:
    # django-otp throttles repeated failures on the device itself (growing delays).
    allowed, _ = device.verify_is_allowed()
    return bool(allowed and device.verify_token(token.strip().replace(" ", "")))


def qr_code_svg(device: TOTPDevice) -> str:
    return str(segno.make(device.config_url, error="m").svg_inline(scale=4, border=2))


def current_code(device: TOTPDevice) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    return f"{totp.token():0{device.digits}d}"


def demo_code_for(user: User) -> str | None:
    """The current code of a demo account, only in demo mode; never anything in production."""
    if not (settings.OPENKAP_DEMO_MODE and user.is_demo_account):
        return None
    device = confirmed_device(user)
    return current_code(device) if device else None
