"""The IV infusion planner: a prescriber gets rates per step (mg/min, and mL/h when the solution's
concentration is known), the total and the predicted curve; bad input names the field; it is for IV
only; a nurse reads the page but does not plan; opened for a patient's session the read is audited,
and on its own it involves no patient."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from openkap.accounts.models import User
from openkap.audit.models import Action, AuditEvent
from openkap.clinical.pk import pk_model_get, pk_models_for_route
from openkap.dosing.models import DosingSession
from openkap.pharmacology.prediction import PlannerRefusal, plan_infusion

pytestmark = pytest.mark.django_db

GOOD = {
    "model": "domino-1984",
    "weight_kg": "70",
    "target_ng_per_ml": "150",
    "duration_min": "40",
    "step_min": "5",
}


def plan(client: Client, **changes: Any) -> Any:
    return client.post(reverse("pharmacology:planner"), {**GOOD, **changes})


def session_url(session: DosingSession) -> str:
    return reverse("pharmacology:planner_session", kwargs={"public_id": session.patient.public_id})


def test_a_prescriber_gets_the_rates_per_step_and_the_total(
    prescriber: User, client_for: Callable[[User], Client]
) -> None:
    response = plan(client_for(prescriber), concentration_mg_per_ml="1")
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count('<tr data-step="') == 8  # 40 min in 5-min steps
    assert "mL/h at 1 mg/mL" in html
    assert "A proposal only" in html
    assert 'id="pk-series"' in html
    assert "Estimate" in html and "Domino" in html


def test_the_rates_hold_the_target_at_the_end_of_each_step(
    prescriber: User, client_for: Callable[[User], Client]
) -> None:
    response = plan(client_for(prescriber), loading_bolus="on")
    context = response.context
    steps = context["plan"]["steps"]
    # StanPump-style: falling rates as the peripheral compartments fill, never negative.
    rates = [step["rate_mg_per_min"] for step in steps]
    assert all(rate >= 0 for rate in rates)
    assert rates[0] > rates[-1]
    assert context["plan"]["loading_bolus_mg"] > 0
    assert context["plan"]["prediction"]["summary"]["cmax_ng_per_ml"] == pytest.approx(150, abs=3)


def test_without_a_concentration_the_rates_are_in_mg_per_min_only(
    prescriber: User, client_for: Callable[[User], Client]
) -> None:
    html = plan(client_for(prescriber)).content.decode()
    assert "rates in mg/min only" in html
    assert "mL/h at" not in html


@pytest.mark.parametrize(
    ("field", "value", "label"),
    [
        ("weight_kg", "0", "Weight (kg):"),
        ("weight_kg", "", "Weight (kg):"),
        ("target_ng_per_ml", "-10", "Target plasma concentration (ng/mL):"),
        ("target_ng_per_ml", "90000", "Target plasma concentration (ng/mL):"),
        ("duration_min", "0", "Duration (min):"),
        ("step_min", "60", "Step length (min):"),
        ("concentration_mg_per_ml", "0", "Solution concentration (mg/mL):"),
        ("model", "no-such-model", "Model:"),
    ],
)
def test_bad_input_names_the_field(
    prescriber: User,
    client_for: Callable[[User], Client],
    field: str,
    value: str,
    label: str,
) -> None:
    response = plan(client_for(prescriber), **{field: value})
    assert response.status_code == 400
    assert label in response.content.decode()
    assert response.context["plan"] is None


def test_it_offers_only_the_models_that_predict_iv(
    prescriber: User, client_for: Callable[[User], Client]
) -> None:
    response = client_for(prescriber).get(reverse("pharmacology:planner"))
    offered = [value for value, _ in response.context["form"].fields["model"].choices]
    assert offered == [model.id for model in pk_models_for_route("iv")]
    assert offered[0] == "domino-1984"  # the preferred IV model is proposed first


def test_a_model_that_does_not_predict_iv_is_refused_naming_the_model() -> None:
    sublingual_only = replace(pk_model_get("simons-2022"), routes=("sublingual",))
    with pytest.raises(PlannerRefusal) as refused:
        plan_infusion(
            model=sublingual_only,
            weight_kg=70,
            target_ng_per_ml=150,
            duration_min=40,
            step_min=5,
            loading_bolus=False,
            concentration_mg_per_ml=None,
            threshold_ng_per_ml=100,
        )
    assert refused.value.field == "model"


def test_a_nurse_reads_the_planner_but_cannot_plan(
    nurse: User, client_for: Callable[[User], Client]
) -> None:
    client = client_for(nurse)
    page = client.get(reverse("pharmacology:planner"))
    assert page.status_code == 200
    assert "Planning an infusion is the prescriber's" in page.content.decode()
    assert plan(client).status_code == 403


def test_the_planner_on_its_own_involves_no_patient(
    prescriber: User, client_for: Callable[[User], Client]
) -> None:
    plan(client_for(prescriber))
    assert not AuditEvent.objects.filter(patient__isnull=False, detail__view="pk_planner").exists()


def test_opened_for_a_session_it_is_filled_in_and_the_read_is_audited(
    confirmed_session: DosingSession, prescriber: User, client_for: Callable[[User], Client]
) -> None:
    client = client_for(prescriber)
    response = client.get(
        session_url(confirmed_session), {"appointment": confirmed_session.appointment_id}
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert form.initial["weight_kg"] == 80.0  # the confirmed dose's weight
    assert form.initial["duration_min"] == 40.0
    assert AuditEvent.objects.filter(
        action=Action.READ, patient=confirmed_session.patient, detail__view="pk_planner"
    ).exists()
    posted = client.post(
        session_url(confirmed_session), {**GOOD, "appointment": confirmed_session.appointment_id}
    )
    assert posted.status_code == 200
    assert posted.context["plan"] is not None


def test_it_refuses_a_session_that_is_not_iv(
    confirmed_session: DosingSession, prescriber: User, client_for: Callable[[User], Client]
) -> None:
    plan_row = confirmed_session.plan
    plan_row.route = "intranasal_esketamine"
    plan_row.save(update_fields=["route"])
    client = client_for(prescriber)
    response = client.post(
        session_url(confirmed_session), {**GOOD, "appointment": confirmed_session.appointment_id}
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "for IV infusions only" in html
    assert response.context["plan"] is None
