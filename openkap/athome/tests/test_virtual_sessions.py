"""An at-home plan's sessions other than the dose are virtual (video), with a link the care team
sets; the patient sees it in the portal."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from openkap.athome import services
from openkap.athome.selectors import is_virtual

pytestmark = pytest.mark.django_db


def test_integration_and_preparation_are_virtual_and_the_dose_is_not(plan):
    kinds = {a.kind: is_virtual(a) for a in plan.appointments.all()}
    assert kinds == {"preparation": True, "dosing": False, "integration": True}


def test_the_link_must_be_https(plan, nurse):
    integration = plan.appointments.get(kind="integration")
    with pytest.raises(ValidationError):
        services.virtual_link_set(actor=nurse, appointment=integration, join_url="http://x.test/1")
    services.virtual_link_set(
        actor=nurse, appointment=integration, join_url="https://video.test/room-1"
    )


def test_a_dose_has_no_video_link(session, nurse):
    with pytest.raises(ValidationError):
        services.virtual_link_set(actor=nurse, appointment=session, join_url="https://video.test/1")


def test_the_patient_sees_the_link(plan, nurse, portal_client):
    integration = plan.appointments.get(kind="integration")
    services.virtual_link_set(
        actor=nurse, appointment=integration, join_url="https://video.test/room-7"
    )
    page = portal_client.get(reverse("athome:me")).content.decode()
    assert "https://video.test/room-7" in page
