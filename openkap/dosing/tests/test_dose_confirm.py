"""The prescriber confirms the dose; the calculation is kept with it; a change needs its reason."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from openkap.accounts.models import User
from openkap.dosing import chart_services as chart
from openkap.dosing.models import DosingSession
from openkap.inventory.models import Lot

pytestmark = pytest.mark.django_db


def confirm(session: DosingSession, actor: User, lot: Lot, **dose: float | str) -> DosingSession:
    rationale = str(dose.pop("rationale", ""))
    return chart.dosing_dose_confirm(
        actor=actor,
        session=session,
        dose=chart.DoseInput(**dose),  # type: ignore[arg-type]
        lot=lot,
        change_rationale=rationale,
        expected_version=session.version,
    )


def test_it_keeps_the_rule_source_inputs_and_result(
    ready_session: DosingSession, prescriber: User, ketamine_lot: Lot
) -> None:
    session = confirm(
        ready_session, prescriber, ketamine_lot, dose_mg_per_kg=0.5, weight_kg=70, infusion_min=40
    )
    # 0.5 mg/kg x 70 kg = 35 mg.
    assert session.dose_mg == Decimal("35")
    assert "0.5 mg/kg x 70 kg" in session.dose_calculation["rule"]
    assert "Sanacora" in session.dose_calculation["source"]
    assert session.dose_calculation["inputs"]["weight_kg"] == 70
    assert session.dose_confirmed_by == prescriber
    assert session.lot == ketamine_lot


def test_it_refuses_a_nurse(ready_session: DosingSession, nurse: User, ketamine_lot: Lot) -> None:
    with pytest.raises(PermissionDenied):
        confirm(ready_session, nurse, ketamine_lot, dose_mg_per_kg=0.5, weight_kg=70)


def test_it_refuses_a_dose_outside_the_range_naming_the_field(
    ready_session: DosingSession, prescriber: User, ketamine_lot: Lot
) -> None:
    with pytest.raises(ValidationError) as refused:
        confirm(ready_session, prescriber, ketamine_lot, dose_mg_per_kg=2.0, weight_kg=70)
    assert "dose_mg_per_kg" in refused.value.message_dict
    ready_session.refresh_from_db()
    assert ready_session.dose_mg is None


def test_an_override_reason_passes_the_range_and_is_kept(
    ready_session: DosingSession, prescriber: User, ketamine_lot: Lot
) -> None:
    session = confirm(
        ready_session,
        prescriber,
        ketamine_lot,
        dose_mg_per_kg=0.8,
        weight_kg=70,
        override_reason="Partial response at 0.75 mg/kg",
    )
    assert any("OVERRIDE" in w for w in session.dose_calculation["warnings"])


def test_it_needs_a_weight_for_a_mg_per_kg_dose(
    ready_session: DosingSession, prescriber: User, ketamine_lot: Lot
) -> None:
    with pytest.raises(ValidationError) as refused:
        confirm(ready_session, prescriber, ketamine_lot, dose_mg_per_kg=0.5)
    assert "weight_kg" in refused.value.message_dict


def test_it_refuses_a_stale_version(
    ready_session: DosingSession, prescriber: User, ketamine_lot: Lot
) -> None:
    with pytest.raises(chart.ChartConflict):
        chart.dosing_dose_confirm(
            actor=prescriber,
            session=ready_session,
            dose=chart.DoseInput(dose_mg_per_kg=0.5, weight_kg=70),
            lot=ketamine_lot,
            change_rationale="",
            expected_version=ready_session.version + 1,
        )


def test_it_refuses_an_expired_lot(
    ready_session: DosingSession, prescriber: User, ketamine_lot: Lot
) -> None:
    Lot.objects.filter(pk=ketamine_lot.pk).update(expires_on="2020-01-01")
    ketamine_lot.refresh_from_db()
    with pytest.raises(ValidationError) as refused:
        confirm(ready_session, prescriber, ketamine_lot, dose_mg_per_kg=0.5, weight_kg=70)
    assert "expired" in refused.value.message_dict["lot"][0]
