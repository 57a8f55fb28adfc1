from __future__ import annotations

import pytest
from django.urls import reverse

from openkap.accounts.models import Role
from openkap.patients.models import Patient

pytestmark = pytest.mark.django_db


def test_it_refuses_an_edit_that_does_not_say_which_version_it_started_from(
    clinic, make_staff, client_for, patient
):
    # Someone else already saved a change: the patient is at version 2.
    Patient.objects.filter(pk=patient.pk).update(version=2, phone="(617) 555-0111")
    client = client_for(make_staff("fd", clinic, Role.FRONT_DESK))
    response = client.post(
        reverse("patients:edit", kwargs={"public_id": patient.public_id}),
        {
            "legal_given_name": "Robin",
            "legal_family_name": patient.legal_family_name,
            "date_of_birth": "1985-04-12",
            "sex": "female",
            "country": "US",
            "phone": "(617) 555-0199",
        },
    )
    assert response.status_code == 400
    assert b"out of date" in response.content
    patient.refresh_from_db()
    assert patient.phone == "(617) 555-0111"
    assert patient.version == 2
