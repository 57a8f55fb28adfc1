"""The clinic's list of relapses awaiting a maintenance decision reads the whole clinic in a fixed
number of queries (not two per patient), and still finds exactly the patients who relapsed."""

from __future__ import annotations

import pytest

from openkap.outcomes.selectors import relapses_pending
from openkap.outcomes.tests.conftest import add_scores

pytestmark = pytest.mark.django_db


def test_it_finds_the_relapsed_patients_in_three_queries(
    clinic, make_patient, nurse, django_assert_num_queries
):
    relapsed = [make_patient(clinic) for _ in range(4)]
    holding = [make_patient(clinic) for _ in range(3)]
    for patient in relapsed:
        add_scores(patient, nurse, "phq9", [20, 8, 15, 16])
    for patient in holding:
        add_scores(patient, nurse, "phq9", [20, 8, 9, 7])
    with django_assert_num_queries(3):
        found = relapses_pending(clinic.pk)
    assert sorted(p.pk for p, _ in found) == sorted(p.pk for p in relapsed)
    assert all(series.instrument.id == "phq9" for _, series in found)


def test_a_decided_relapse_leaves_the_list(clinic, make_patient, nurse, prescriber):
    from openkap.outcomes.services import maintenance_decision_record

    patient = make_patient(clinic)
    scores = add_scores(patient, nurse, "phq9", [20, 8, 15, 16])
    maintenance_decision_record(
        actor=prescriber,
        patient=patient,
        relapse_response=scores[-1],
        decision="continue",
        reason="Relapse after response: monthly maintenance agreed.",
    )
    assert relapses_pending(clinic.pk) == []
