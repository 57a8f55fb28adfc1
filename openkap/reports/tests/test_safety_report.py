from typing import Any

import pytest

from openkap.reports.selectors import ReportFilters, SafetyGroup, safety_report
from openkap.reports.tests.factories import at, event, plan, session

pytestmark = pytest.mark.django_db


def _rates(groups: list[SafetyGroup]) -> dict[tuple[str, str, str], tuple[int, int, float]]:
    return {
        (g.route, g.protocol, t.term): (g.sessions, t.sessions_with_event, t.rate)
        for g in groups
        for t in g.terms
    }


def test_it_counts_sessions_with_a_dose_started_and_each_term_once_per_session(
    clinic, make_patient, staff
):
    user = staff["prescriber"]
    im = plan(make_patient(clinic), user)
    session(im, user, at("2026-02-01"), "nausea", "nausea", "headache")  # nausea twice: one session
    session(im, user, at("2026-02-08"), "nausea")
    session(im, user, at("2026-02-15"))
    session(im, user, at("2026-02-22"))
    session(im, user, None, "dizziness")  # stopped at the gate: no dose, not counted
    event(im.patient, user, "vomiting", None)  # reported between sessions: not per session

    rates = _rates(safety_report(ReportFilters()))

    assert rates[("im", "kap-im", "nausea")] == (4, 2, 0.5)
    assert rates[("im", "kap-im", "headache")] == (4, 1, 0.25)
    assert ("im", "kap-im", "dizziness") not in rates
    assert ("im", "kap-im", "vomiting") not in rates


def test_it_groups_by_route_and_protocol(clinic, make_patient, staff):
    user = staff["prescriber"]
    im = plan(make_patient(clinic), user)
    sublingual = plan(make_patient(clinic), user, route="sublingual",
                      protocol="kap-sublingual-in-office")  # fmt: skip
    session(im, user, at("2026-02-01"), "elevated_blood_pressure")
    session(sublingual, user, at("2026-02-01"))
    session(sublingual, user, at("2026-02-02"), "elevated_blood_pressure")

    groups = {(g.route, g.protocol): g for g in safety_report(ReportFilters())}

    assert groups[("im", "kap-im")].sessions == 1
    assert groups[("sublingual", "kap-sublingual-in-office")].sessions == 2
    assert groups[("sublingual", "kap-sublingual-in-office")].terms[0].rate == 0.5


def test_it_filters_by_clinic_dates_route_and_indication(clinic, other_clinic, make_patient, staff):
    user = staff["prescriber"]
    here = plan(make_patient(clinic), user, indication="F41.1")
    there = plan(make_patient(other_clinic), user)
    session(here, user, at("2026-02-01"), "nausea")
    session(here, user, at("2026-03-01"))
    session(there, user, at("2026-02-01"), "nausea")

    def sessions(**filters: Any) -> int:
        return sum(g.sessions for g in safety_report(ReportFilters(**filters)))

    assert sessions() == 3
    assert sessions(clinic_ids=(clinic.pk,)) == 2
    assert sessions(date_from=at("2026-02-15").date()) == 1
    assert sessions(date_to=at("2026-02-01").date()) == 2
    assert sessions(indication="F41") == 2
    assert sessions(route="sublingual") == 0
    assert sessions(protocol="kap-im") == 3


def test_a_group_without_any_event_still_counts_its_sessions(clinic, make_patient, staff):
    user = staff["prescriber"]
    im = plan(make_patient(clinic), user)
    iv = plan(make_patient(clinic), user, route="iv", protocol="iv-racemic-ketamine")
    session(im, user, at("2026-02-01"), "nausea", "headache")
    session(iv, user, at("2026-02-01"))
    session(iv, user, at("2026-02-04"))

    groups = {(g.route, g.protocol): g for g in safety_report(ReportFilters())}

    assert groups[("im", "kap-im")].sessions == 1
    assert groups[("iv", "iv-racemic-ketamine")].sessions == 2
    assert {t.term: t.sessions_with_event for t in groups[("iv", "iv-racemic-ketamine")].terms} == {
        "headache": 0,
        "nausea": 0,
    }
