"""Preparing the form fills every field the chart knows; the expected values are the fixture's
(conftest.py docstring), worked out by hand."""

from __future__ import annotations

from datetime import date

import pytest

from openkap.accounts.models import User
from openkap.dosing.models import DosingSession
from openkap.patients.models import Patient
from openkap.rems.services import rems_form_prepare
from openkap.rems.tests.conftest import chart, clinic_time, make_session
from openkap.screening.models import Medication

pytestmark = pytest.mark.django_db


def test_it_fills_patient_setting_session_and_vitals(
    dosed: DosingSession, nurse: User, patient: Patient, today: date
) -> None:
    Medication.objects.create(patient=patient, name="Alprazolam 0.5 mg", created_by=nurse)
    values = rems_form_prepare(actor=nurse, session=dosed).values()
    assert values["patient_first_name"] == patient.legal_given_name
    assert values["patient_last_name"] == patient.legal_family_name
    assert values["patient_birthdate"] == patient.date_of_birth.isoformat()
    assert values["first_treatment"] is True
    assert values["patient_enrolled"] is True
    assert values["med_benzodiazepines"] is True
    assert values["med_maois"] is False
    assert values["hcp_first_name"] == "Nora"
    assert values["hcp_last_name"] == "Nightingale"
    assert (values["setting_name"], values["setting_city"], values["setting_zip"]) == (
        "North",
        "Springfield",
        "62701",
    )
    assert values["setting_state"] == "IL"
    assert values["treatment_date"] == today.isoformat()
    assert values["dose_mg"] == 56
    assert values["lot_number"] == "ESK-LOT-1"
    # 09:00 to 11:05.
    assert values["total_minutes"] == 125
    # The set at 08:50 (not the gate's 128/82), the one at 09:38 (38 min, nearer 40 than 09:55),
    # and the last before discharge at 10:58.
    assert (values["bp_before_systolic"], values["bp_before_diastolic"]) == (130, 84)
    assert (values["bp_40_systolic"], values["bp_40_diastolic"]) == (152, 94)
    assert (values["bp_end_systolic"], values["bp_end_diastolic"]) == (126, 80)
    assert values["vitals_ok_before"] is True
    assert values["vitals_ok_end"] is True
    # MOAA/S 5 all along; a dissociation rating of 2.
    assert values["ae_sedation"] is False
    assert values["ae_dissociation"] is True
    assert values["ae_respiratory_depression"] is False
    # Typed by a person: nothing filled.
    for typed in ("hcp_phone", "hcp_email", "ready_to_leave_minutes"):
        assert typed not in values


def test_a_later_session_is_not_the_first_treatment(
    dosed: DosingSession, nurse: User, clinic, today: date
) -> None:
    later = make_session(
        dosed.plan, nurse, started=clinic_time(clinic, today, 14, 0), dose_number=2
    )
    values = rems_form_prepare(actor=nurse, session=later).values()
    assert values["first_treatment"] is False
    # Not discharged yet: no total time, no BP before completion; the reason is noted.
    assert "total_minutes" not in values
    assert "bp_end_systolic" not in values


def test_it_takes_the_gates_reading_when_no_set_was_charted_before_the_dose(
    plan, nurse: User, clinic, today: date
) -> None:
    session = make_session(plan, nurse, started=clinic_time(clinic, today, 9, 0))
    chart(session, nurse, "vitals", clinic_time(clinic, today, 9, 41), systolic=150, diastolic=92)
    form = rems_form_prepare(actor=nurse, session=session)
    values = form.values()
    assert (values["bp_before_systolic"], values["bp_before_diastolic"]) == (128, 82)
    assert (values["bp_40_systolic"], values["bp_40_diastolic"]) == (150, 92)
    assert "total_minutes" in form.chart_notes


def test_an_unknown_medication_leaves_the_no_answers_blank(
    dosed: DosingSession, nurse: User, patient: Patient
) -> None:
    Medication.objects.create(patient=patient, name="Zzyzxamine", created_by=nurse)
    form = rems_form_prepare(actor=nurse, session=dosed)
    assert "med_benzodiazepines" not in form.values()
    assert "not in the rule pack" in form.chart_notes["med_benzodiazepines"]


def test_a_side_effect_and_a_lethargic_rating_answer_yes(
    dosed: DosingSession, nurse: User, clinic, today: date
) -> None:
    chart(dosed, nurse, "sedation", clinic_time(clinic, today, 9, 45), score=4)
    chart(
        dosed,
        nurse,
        "side_effect",
        clinic_time(clinic, today, 9, 46),
        term="respiratory_depression",
    )
    values = rems_form_prepare(actor=nurse, session=dosed).values()
    assert values["ae_sedation"] is True
    assert values["ae_respiratory_depression"] is True
