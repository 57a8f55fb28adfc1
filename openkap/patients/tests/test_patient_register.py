from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from openkap.accounts.models import Role
from openkap.audit.models import Action, AuditEvent, Category
from openkap.patients.models import Patient
from openkap.patients.services import patient_register

pytestmark = pytest.mark.django_db


def _form(**overrides: str) -> dict[str, str]:
    data = {
        "legal_given_name": "Avery",
        "legal_family_name": "Quill",
        "date_of_birth": "1979-06-30",
        "sex": "female",
        "phone": "(555) 010-2345",
        "email": "avery.quill@example.com",
        "country": "US",
    }
    data.update(overrides)
    return data


def test_it_registers_a_patient_and_opens_the_chart(clinic, staff, client_for):
    desk = staff[Role.FRONT_DESK]
    response = client_for(desk).post(reverse("patients:register"), _form())
    patient = Patient.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "patients:chart", kwargs={"public_id": patient.public_id}
    )
    assert patient.clinic == clinic
    assert patient.mrn == "NO-000001"
    assert (patient.legal_family_name, patient.date_of_birth) == ("Quill", date(1979, 6, 30))
    assert patient.created_by == desk
    rows = AuditEvent.objects.filter(action=Action.CREATE, patient=patient)
    assert rows.count() == 1
    assert rows.get().category == Category.DEMOGRAPHICS
    assert rows.get().user == desk


def test_it_numbers_medical_records_per_clinic(clinic, other_clinic, staff, make_staff, client_for):
    client = client_for(staff[Role.NURSE])
    client.post(reverse("patients:register"), _form(legal_family_name="First"))
    south_desk = make_staff("south-desk", other_clinic, Role.FRONT_DESK)
    south = patient_register(
        actor=south_desk,
        clinic=other_clinic,
        data={
            "legal_given_name": "Sam",
            "legal_family_name": "Southerly",
            "date_of_birth": date(1990, 1, 2),
            "sex": "male",
        },
    )
    client.post(reverse("patients:register"), _form(legal_family_name="Second"))
    north = Patient.objects.filter(clinic=clinic).order_by("created_at", "pk")
    assert [p.mrn for p in north] == ["NO-000001", "NO-000002"]
    assert south.mrn == "SO-000001"


def test_it_continues_after_the_highest_number_in_the_clinic(clinic, staff, client_for):
    Patient.objects.create(
        clinic=clinic,
        mrn="NO-000041",
        legal_given_name="Old",
        legal_family_name="Record",
        date_of_birth=date(1960, 5, 5),
        sex="male",
    )
    client_for(staff[Role.PRESCRIBER]).post(reverse("patients:register"), _form())
    assert Patient.objects.get(legal_family_name="Quill").mrn == "NO-000042"


def _in_days(days: int) -> str:
    return (timezone.localdate() + timedelta(days=days)).isoformat()


def _years_ago(years: int) -> str:
    return date(timezone.localdate().year - years, 1, 1).isoformat()


@pytest.mark.parametrize(
    ("field", "value", "label"),
    [
        ("legal_family_name", "", "Legal last name"),
        ("date_of_birth", lambda: _in_days(2), "Date of birth"),
        ("date_of_birth", lambda: _years_ago(121), "Date of birth"),
        ("date_of_birth", "1850-01-01", "Date of birth"),
        ("phone", "call after five", "Phone"),
        ("phone", "12-34", "Phone"),
        ("email", "avery-at-example.com", "Email"),
        ("country", "USA", "Country"),
    ],
)
def test_it_rejects_bad_input_and_names_the_field(staff, client_for, field, value, label):
    if callable(value):
        value = value()
    response = client_for(staff[Role.FRONT_DESK]).post(
        reverse("patients:register"), _form(**{field: value})
    )
    assert response.status_code == 400
    assert list(response.context["form"].errors) == [field]
    assert f"{label}:" in response.content.decode()
    assert not Patient.objects.exists()
    assert not AuditEvent.objects.exists()


def test_it_keeps_what_was_typed_when_input_is_rejected(staff, client_for):
    response = client_for(staff[Role.FRONT_DESK]).post(
        reverse("patients:register"), _form(email="nope", legal_given_name="Marisol")
    )
    assert response.status_code == 400
    assert 'value="Marisol"' in response.content.decode()


@pytest.mark.parametrize("role", [Role.THERAPIST, Role.BILLING, Role.CLINIC_ADMIN])
def test_it_refuses_a_role_without_register_permission(staff, client_for, role):
    client = client_for(staff[role])
    assert client.get(reverse("patients:register")).status_code == 403
    response = client.post(reverse("patients:register"), _form())
    assert response.status_code == 403
    assert not Patient.objects.exists()
    assert not AuditEvent.objects.filter(action=Action.CREATE).exists()


@pytest.mark.parametrize("role", [Role.PRESCRIBER, Role.NURSE, Role.FRONT_DESK])
def test_it_lets_registering_roles_register(staff, client_for, role):
    response = client_for(staff[role]).post(reverse("patients:register"), _form())
    assert response.status_code == 302
    assert Patient.objects.count() == 1


def test_the_service_refuses_a_clinic_where_the_actor_may_not_register(
    clinic, other_clinic, make_staff
):
    south_desk = make_staff("south-desk", other_clinic, Role.FRONT_DESK)
    with pytest.raises(PermissionDenied):
        patient_register(
            actor=south_desk,
            clinic=clinic,
            data={
                "legal_given_name": "Sam",
                "legal_family_name": "Elsewhere",
                "date_of_birth": date(1990, 1, 2),
                "sex": "male",
            },
        )
    assert not Patient.objects.exists()
    assert not AuditEvent.objects.exists()
