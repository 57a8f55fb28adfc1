from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, register


@register(Tags.security, deploy=True)
def demo_mode_is_off(app_configs: Any, **kwargs: Any) -> list[CheckMessage]:
    # Demo mode prints one-time codes for demo accounts: fine on a laptop, never on a real deployment.
    if settings.OPENKAP_DEMO_MODE:
        return [Error("OPENKAP_DEMO_MODE must be off in production.", id="openkap.E001")]
    return []
