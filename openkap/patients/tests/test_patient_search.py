from __future__ import annotations

import string
from datetime import date

import pytest
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from openkap.accounts.models import Membership, Role
from openkap.audit.models import Action, AuditEvent, Category

pytestmark = pytest.mark.django_db


def _search(client: Client, query: str) -> set[str]:
    response = client.post(reverse("patients:list"), {"query": query})
    assert response.status_code == 200
    return {p.mrn for p in response.context["patients"]}


@pytest.fixture
def people(clinic, make_patient):
    return {
        "harriet": make_patient(
            clinic,
            legal_given_name="Harriet",
            legal_family_name="Blackwood",
            date_of_birth=date(1984, 3, 12),
        ),
        "petra": make_patient(
            clinic,
            legal_given_name="Petra",
            legal_family_name="Blackmore",
            date_of_birth=date(1990, 11, 5),
        ),
        "harold": make_patient(
            clinic,
            legal_given_name="Harold",
            legal_family_name="Whitfield",
            date_of_birth=date(1984, 3, 13),
        ),
    }


def test_it_finds_patients_by_a_name_fragment_in_any_case(staff, client_for, people):
    client = client_for(staff[Role.FRONT_DESK])
    assert _search(client, "BLACK") == {people["harriet"].mrn, people["petra"].mrn}
    assert _search(client, "whitf") == {people["harold"].mrn}
    assert _search(client, "zzyzx") == set()


def test_every_name_token_must_match(staff, client_for, people):
    client = client_for(staff[Role.FRONT_DESK])
    assert _search(client, "har black") == {people["harriet"].mrn}
    assert _search(client, "Blackwood, Harriet") == {people["harriet"].mrn}
    assert _search(client, "petra whitfield") == set()


@pytest.mark.parametrize("query", ["1984-03-12", "03/12/1984"])
def test_it_finds_patients_by_date_of_birth(staff, client_for, people, query):
    assert _search(client_for(staff[Role.NURSE]), query) == {people["harriet"].mrn}


def test_it_finds_a_patient_by_mrn_in_any_case(staff, client_for, people):
    client = client_for(staff[Role.THERAPIST])
    mrn = people["petra"].mrn
    assert _search(client, mrn.lower()) == {mrn}
    assert _search(client, mrn) == {mrn}


def test_it_audits_the_search_without_the_search_terms(clinic, staff, client_for, people):
    nurse = staff[Role.NURSE]
    _search(client_for(nurse), "Blackwood")
    row = AuditEvent.objects.get(action=Action.READ, category=Category.PATIENT_LIST)
    assert row.user == nurse
    assert row.clinic == clinic
    assert "Blackwood" not in str(row.detail)


def test_it_never_shows_a_patient_of_another_clinic(
    clinic, other_clinic, staff, client_for, make_patient, people
):
    stranger = make_patient(other_clinic, legal_family_name="Blackwood")
    client = client_for(staff[Role.PRESCRIBER])
    found = _search(client, "blackwood")
    assert people["harriet"].mrn in found
    assert stranger.mrn not in found
    assert _search(client, stranger.mrn) == set()
    assert stranger.mrn not in _search(client, "")


def test_a_user_with_roles_in_two_clinics_sees_both(
    clinic, other_clinic, make_staff, client_for, make_patient, people
):
    stranger = make_patient(other_clinic, legal_family_name="Blackwood")
    both = make_staff("roaming", clinic, Role.NURSE)
    Membership.objects.create(user=both, clinic=other_clinic, role=Role.THERAPIST)
    assert _search(client_for(both), "blackwood") == {people["harriet"].mrn, stranger.mrn}


def test_an_admin_role_in_the_other_clinic_does_not_open_its_patients(
    clinic, other_clinic, make_staff, client_for, make_patient, people
):
    stranger = make_patient(other_clinic, legal_family_name="Blackwood")
    user = make_staff("manager", clinic, Role.NURSE)
    Membership.objects.create(user=user, clinic=other_clinic, role=Role.CLINIC_ADMIN)
    assert stranger.mrn not in _search(client_for(user), "blackwood")


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    family=st.text(alphabet=string.ascii_letters, min_size=2, max_size=30),
    data=st.data(),
)
def test_any_part_of_a_family_name_finds_the_patient(
    clinic, other_clinic, staff, client_for, make_patient, family, data
):
    start = data.draw(st.integers(min_value=0, max_value=len(family) - 2), label="start")
    end = data.draw(st.integers(min_value=start + 2, max_value=len(family)), label="end")
    fragment = data.draw(
        st.sampled_from([family[start:end], family[start:end].upper(), family[start:end].lower()]),
        label="fragment",
    )
    patient = make_patient(clinic, legal_given_name="Q", legal_family_name=family)
    elsewhere = make_patient(other_clinic, legal_given_name="Q", legal_family_name=family)
    found = _search(client_for(staff[Role.FRONT_DESK]), fragment)
    assert patient.mrn in found
    assert elsewhere.mrn not in found
