import pytest

from openkap.reports.selectors import OutcomeRow, ReportFilters, outcomes_report
from openkap.reports.tests.factories import at, plan, questionnaire

pytestmark = pytest.mark.django_db


def _by_instrument(filters: ReportFilters | None = None) -> dict[str, OutcomeRow]:
    return {row.instrument: row for row in outcomes_report(filters or ReportFilters())}


def test_it_counts_only_patients_with_two_administrations_and_a_baseline_above_zero(
    clinic, make_patient, staff
):
    nurse = staff["nurse"]
    twice, once, zero = (make_patient(clinic) for _ in range(3))
    questionnaire(twice, nurse, "phq9", 20, at("2026-02-01"))
    questionnaire(twice, nurse, "phq9", 8, at("2026-03-01"))
    questionnaire(once, nurse, "phq9", 25, at("2026-02-01"))
    questionnaire(zero, nurse, "phq9", 0, at("2026-02-01"))
    questionnaire(zero, nurse, "phq9", 3, at("2026-03-01"))

    row = _by_instrument()["phq9"]

    assert row.patients == 1
    assert row.baseline_mean == 20
    assert row.latest_mean == 8
    assert row.mean_percent_reduction == pytest.approx(60.0)


def test_it_takes_the_first_and_most_recent_by_time_not_by_entry_order(clinic, make_patient, staff):
    nurse = staff["nurse"]
    patient = make_patient(clinic)
    questionnaire(patient, nurse, "gad7", 6, at("2026-04-01"))  # latest, entered first
    questionnaire(patient, nurse, "gad7", 12, at("2026-03-01"))
    questionnaire(patient, nurse, "gad7", 18, at("2026-02-01"))  # baseline, entered last

    row = _by_instrument()["gad7"]

    assert (row.baseline_mean, row.latest_mean) == (18, 6)
    assert row.response_rate == 1.0  # 6 is at most half of 18


def test_it_counts_response_at_exactly_half_and_not_above(clinic, make_patient, staff):
    nurse = staff["nurse"]
    half, above = make_patient(clinic), make_patient(clinic)
    questionnaire(half, nurse, "phq9", 20, at("2026-02-01"))
    questionnaire(half, nurse, "phq9", 10, at("2026-03-01"))
    questionnaire(above, nurse, "phq9", 20, at("2026-02-01"))
    questionnaire(above, nurse, "phq9", 11, at("2026-03-01"))

    assert _by_instrument()["phq9"].response_rate == 0.5


@pytest.mark.parametrize(
    ("instrument", "remitted", "not_remitted"),
    [
        ("phq9", 4, 5),  # below 5
        ("gad7", 4, 5),  # below 5
        ("qids-sr16", 5, 6),  # 5 or less
        ("madrs", 10, 11),  # 10 or less
        ("pcl5", 32, 33),  # below 33
    ],
)
def test_it_applies_each_instruments_remission_threshold(
    instrument, remitted, not_remitted, clinic, make_patient, staff
):
    nurse = staff["nurse"]
    yes, no = make_patient(clinic), make_patient(clinic)
    for patient, latest in ((yes, remitted), (no, not_remitted)):
        questionnaire(patient, nurse, instrument, 2 * not_remitted, at("2026-02-01"))
        questionnaire(patient, nurse, instrument, latest, at("2026-03-01"))

    assert _by_instrument()[instrument].remission_rate == 0.5


def test_it_filters_by_clinic_dates_and_plan(clinic, other_clinic, make_patient, staff):
    nurse = staff["nurse"]
    here, there = make_patient(clinic), make_patient(other_clinic)
    for patient in (here, there):
        questionnaire(patient, nurse, "phq9", 20, at("2026-02-01"))
        questionnaire(patient, nurse, "phq9", 10, at("2026-03-01"))
        questionnaire(patient, nurse, "phq9", 2, at("2026-05-01"))
    plan(here, staff["prescriber"], route="sublingual", protocol="kap-sublingual-in-office",
         indication="F43.10")  # fmt: skip

    only_here = _by_instrument(ReportFilters(clinic_ids=(clinic.pk,)))["phq9"]
    until_march = _by_instrument(ReportFilters(date_to=at("2026-03-01").date()))["phq9"]
    ptsd = _by_instrument(ReportFilters(indication="F43"))["phq9"]

    assert only_here.patients == 1
    assert until_march.patients == 2 and until_march.latest_mean == 10
    assert ptsd.patients == 1
    assert _by_instrument(ReportFilters(route="iv")) == {}
