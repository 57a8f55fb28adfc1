"""The share of patients who started treatment with a signed screening before their first dose,
counted by the database."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from openkap.quality.selectors import screened_before_first_dose
from openkap.quality.tests.factories import days_ago, plan, screening, session

pytestmark = pytest.mark.django_db


def test_it_counts_only_screenings_signed_before_the_first_dose(clinic, make_patient, prescriber):
    signed_first = plan(make_patient(clinic), prescriber, signed_at=days_ago(20))
    session(signed_first, prescriber, days_ago(10))
    dosed_first = plan(make_patient(clinic), prescriber, signed_at=days_ago(5))
    session(dosed_first, prescriber, days_ago(10))
    # Active, not yet dosed, screening signed: counts.
    plan(make_patient(clinic), prescriber, signed_at=days_ago(3))
    # A draft plan and no session: has not started treatment, not counted at all.
    plan(make_patient(clinic), prescriber, signed_at=None, status="draft")
    # Dosed with only a draft screening.
    unsigned = plan(make_patient(clinic), prescriber, signed_at=None)
    session(unsigned, prescriber, days_ago(1))

    share = screened_before_first_dose(clinic)

    assert (share.numerator, share.denominator) == (2, 4)


def test_a_later_second_screening_does_not_hide_a_late_first_one(clinic, make_patient, prescriber):
    treatment = plan(make_patient(clinic), prescriber, signed_at=days_ago(1))
    session(treatment, prescriber, days_ago(8))
    screening(treatment.patient, prescriber, days_ago(2))
    share = screened_before_first_dose(clinic)
    assert (share.numerator, share.denominator) == (0, 1)


def test_it_ignores_another_clinics_patients(clinic, other_clinic, make_patient, prescriber):
    plan(make_patient(other_clinic), prescriber, signed_at=days_ago(3))
    assert screened_before_first_dose(clinic).denominator == 0


def test_it_takes_one_query_however_many_patients(clinic, make_patient, prescriber):
    for _ in range(6):
        session(
            plan(make_patient(clinic), prescriber, signed_at=days_ago(9)), prescriber, days_ago(2)
        )
    with CaptureQueriesContext(connection) as queries:
        screened_before_first_dose(clinic)
    assert len(queries) == 1
