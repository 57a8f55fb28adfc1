"""Two people saving the pregnancy status at once: the second is refused, not silently lost."""

from __future__ import annotations

import pytest
from django.urls import reverse

from openkap.screening.models import ReproductiveStatus

pytestmark = pytest.mark.django_db


def test_it_refuses_a_pregnancy_status_saved_from_an_old_version(
    client_for, prescriber, nurse, patient
):
    url = reverse("screening:pregnancy_set", kwargs={"public_id": patient.public_id})
    # Both opened the page when nothing was recorded (version 0).
    first = client_for(nurse).post(url, {"version": 0, "pregnancy": "pregnant"})
    second = client_for(prescriber).post(url, {"version": 0, "pregnancy": "not_pregnant"})

    assert first.status_code == 302
    assert second.status_code == 409
    assert "Someone else saved the pregnancy status" in second.content.decode()
    status = ReproductiveStatus.objects.get()
    assert (status.pregnancy, status.version) == ("pregnant", 1)
