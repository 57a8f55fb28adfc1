from __future__ import annotations

import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django_otp.plugins.otp_totp.models import TOTPDevice

from openkap.accounts.models import Role

pytestmark = pytest.mark.django_db


def _code(username: str) -> str:
    out = StringIO()
    call_command("demo", "--code", username, stdout=out)
    return out.getvalue().strip()


def test_it_prints_a_demo_accounts_current_code_in_demo_mode(settings):
    settings.OPENKAP_DEMO_MODE = True
    call_command("demo", stdout=StringIO())
    code = _code("nurse.okafor")
    assert re.fullmatch(r"\d{6}", code)
    device = TOTPDevice.objects.get(user__username="nurse.okafor")
    assert device.verify_token(code)


def test_it_refuses_outside_demo_mode(settings):
    settings.OPENKAP_DEMO_MODE = True
    call_command("demo", stdout=StringIO())
    settings.OPENKAP_DEMO_MODE = False
    out = StringIO()
    with pytest.raises(CommandError, match="demo mode"):
        call_command("demo", "--code", "nurse.okafor", stdout=out)
    assert out.getvalue() == ""


def test_it_refuses_an_account_that_is_not_a_demo_account(settings, clinic, make_staff):
    settings.OPENKAP_DEMO_MODE = True
    make_staff("real.nurse", clinic, Role.NURSE)
    with pytest.raises(CommandError, match="not a demo account"):
        _code("real.nurse")
    with pytest.raises(CommandError, match="not a demo account"):
        _code("nobody.here")
