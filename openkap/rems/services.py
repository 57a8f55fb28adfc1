"""Writes of the REMS Patient Monitoring Form: prepare it from the session chart, edit it, sign it
off, record its submission. Each checks permission, changes data and writes the audit row in one
transaction. The audit detail names fields, never their values."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone

from openkap.accounts.models import User
from openkap.accounts.permissions import Permission, require_permission
from openkap.accounts.services import user_reauthenticate
from openkap.audit.models import Action, Category
from openkap.audit.services import audit_record
from openkap.clinical.rems import (
    rems_due_date,
    rems_form_spec,
    rems_missing,
    rems_parse,
    rems_warnings,
)
from openkap.dosing.models import DosingSession
from openkap.rems.models import RemsFormStatus, RemsMonitoringForm, SubmissionMethod
from openkap.rems.selectors import RemsNotApplicable, rems_chart_values, treatment_date_of

CONFIRMATION_MAX = 100


class RemsFormConflict(Exception):
    """Someone else changed the form after this page was loaded."""

    def __init__(self) -> None:
        super().__init__(
            "The REMS form was changed by someone else while you were looking at it. Nothing was "
            "saved: look at it as it is now and try again."
        )


def _audit(actor: User, form: RemsMonitoringForm, action: Action, detail: dict[str, Any]) -> None:
    audit_record(
        action=action,
        category=Category.REMS,
        actor=actor,
        patient=form.patient,
        object_type="rems_form",
        object_id=form.pk,
        detail=detail,
    )


def _locked(form: RemsMonitoringForm, expected_version: int) -> RemsMonitoringForm:
    current = RemsMonitoringForm.objects.select_for_update().get(pk=form.pk)
    if current.version != expected_version:
        raise RemsFormConflict
    return current


@transaction.atomic
def rems_form_prepare(*, actor: User, session: DosingSession) -> RemsMonitoringForm:
    """Fill (or fill again) a session's form with what the chart says now, keeping everything a
    person typed or corrected. A form already signed off is not refilled."""
    require_permission(actor, Permission.REMS_EDIT, session.patient.clinic_id)
    session = (
        DosingSession.objects.select_for_update(of=("self",))
        .select_related("patient__clinic", "plan", "lot", "discharged_by", "gate_recorded_by")
        .get(pk=session.pk)
    )
    try:
        chart = rems_chart_values(session)
    except RemsNotApplicable as error:
        raise ValidationError({"__all__": str(error)}) from None
    treated = treatment_date_of(session)
    fields: dict[str, Any] = {
        "chart_values": chart.values,
        "chart_notes": chart.notes,
        "spec_version": rems_form_spec().version,
        "treatment_date": treated,
        "due_on": rems_due_date(treated),
        "prepared_at": timezone.now(),
        "prepared_by": actor,
    }
    form = RemsMonitoringForm.objects.select_for_update().filter(session=session).first()
    if form is None:
        form = RemsMonitoringForm.objects.create(session=session, patient=session.patient, **fields)
        action = Action.CREATE
    else:
        if not form.is_draft:
            raise ValidationError(
                {"__all__": "This form is signed off: it is not filled from the chart again."}
            )
        RemsMonitoringForm.objects.filter(pk=form.pk).update(version=F("version") + 1, **fields)
        form = RemsMonitoringForm.objects.get(pk=form.pk)
        action = Action.UPDATE
    _audit(
        actor,
        form,
        action,
        {
            "step": "prepare",
            "session": session.pk,
            "filled": sorted(chart.values),
            "kept_entered": sorted(form.entered_values),
            "spec_version": form.spec_version,
        },
    )
    return form


@transaction.atomic
def rems_form_update(
    *,
    actor: User,
    form: RemsMonitoringForm,
    expected_version: int,
    answers: Mapping[str, str],
) -> RemsMonitoringForm:
    """Save what a person typed (field id -> text as typed). A value equal to the chart's follows
    the chart; a different one is kept as typed (a correction) even when the chart is read again.
    Every bad value is named; nothing is saved unless all are good."""
    require_permission(actor, Permission.REMS_EDIT, form.patient.clinic_id)
    form = _locked(form, expected_version)
    if not form.is_draft:
        raise ValidationError({"__all__": "This form is signed off: it cannot be changed."})
    spec = rems_form_spec()
    errors: dict[str, str] = {}
    parsed: dict[str, object] = {}
    for field_id, text in answers.items():
        try:
            spec.field(field_id)
        except KeyError:
            errors["__all__"] = f"Unknown field {field_id!r}."
            continue
        try:
            parsed[field_id] = rems_parse(field_id, text)
        except ValueError as error:
            errors[field_id] = str(error)
    if errors:
        raise ValidationError(errors)
    entered = dict(form.entered_values)
    for field_id, value in parsed.items():
        chart = form.chart_values.get(field_id)
        if value == chart or (value is None and chart in ("", None)):  # follow the chart
            entered.pop(field_id, None)
        else:
            entered[field_id] = value
    changed = sorted(
        k
        for k in set(entered) | set(form.entered_values)
        if entered.get(k) != form.entered_values.get(k)
    )
    RemsMonitoringForm.objects.filter(pk=form.pk).update(
        entered_values=entered, version=F("version") + 1
    )
    form = RemsMonitoringForm.objects.get(pk=form.pk)
    _audit(
        actor,
        form,
        Action.UPDATE,
        {
            "step": "edit",
            "fields": changed,
            "corrections": sorted(k for k in entered if k in form.chart_values),
        },
    )
    return form


def rems_form_sign_off(
    *,
    request: HttpRequest,
    actor: User,
    form: RemsMonitoringForm,
    expected_version: int,
    password: str,
) -> RemsMonitoringForm:
    """Sign the form off (with the password): refused naming every required field still missing.
    A total time under the minimum is not refused (the form records what happened) but kept as a
    warning with the signed values. The password is checked before the transaction, so a wrong one
    counts towards the lockout and its refusal stays in the audit trail."""
    require_permission(actor, Permission.REMS_EDIT, form.patient.clinic_id)
    password_ok = user_reauthenticate(request=request, user=actor, password=password)
    if not password_ok:
        _audit(
            actor, form, Action.ACCESS_DENIED, {"step": "sign_off", "reason": "password refused"}
        )
    with transaction.atomic():
        return _sign_off(
            actor=actor, form=form, expected_version=expected_version, password_ok=password_ok
        )


def _sign_off(
    *, actor: User, form: RemsMonitoringForm, expected_version: int, password_ok: bool
) -> RemsMonitoringForm:
    form = _locked(form, expected_version)
    if not form.is_draft:
        raise ValidationError({"__all__": "This form is already signed off."})
    values = form.values()
    spec = rems_form_spec()
    errors: dict[str, list[str]] = {}
    missing = rems_missing(values)
    if missing:
        errors["__all__"] = [
            "Sign-off refused: required field(s) missing: "
            + "; ".join(spec.field(field_id).label for field_id in missing)
            + "."
        ]
        for field_id in missing:
            errors[field_id] = ["Required before sign-off."]
    if not password_ok:
        errors["password"] = ["The password is not correct."]
    if errors:
        raise ValidationError(errors)
    warnings = list(rems_warnings(values))
    RemsMonitoringForm.objects.filter(pk=form.pk).update(
        status=RemsFormStatus.SIGNED_OFF,
        signed_values=values,
        signed_warnings=warnings,
        signed_off_at=timezone.now(),
        signed_off_by=actor,
        version=F("version") + 1,
    )
    form = RemsMonitoringForm.objects.get(pk=form.pk)
    _audit(
        actor,
        form,
        Action.UPDATE,
        {"step": "sign_off", "warnings": len(warnings), "spec_version": form.spec_version},
    )
    return form


@transaction.atomic
def rems_form_record_submission(
    *,
    actor: User,
    form: RemsMonitoringForm,
    expected_version: int,
    submitted_on: date | None,
    method: str,
    confirmation_reference: str,
) -> RemsMonitoringForm:
    """Record that the signed-off form was sent to the REMS: the date, online or by fax, and the
    confirmation (required online; a fax may have none). A late submission is recorded as late."""
    require_permission(actor, Permission.REMS_EDIT, form.patient.clinic_id)
    form = _locked(form, expected_version)
    if form.is_draft:
        raise ValidationError({"__all__": "Sign the form off before recording its submission."})
    if form.is_submitted:
        raise ValidationError({"__all__": "The submission of this form is already recorded."})
    errors: dict[str, str] = {}
    reference = confirmation_reference.strip()
    today = timezone.localdate(timezone=ZoneInfo(form.patient.clinic.timezone))
    if submitted_on is None:
        errors["submitted_on"] = "Enter the date the form was submitted."
    elif submitted_on < form.treatment_date:
        errors["submitted_on"] = "The form cannot be submitted before the treatment date."
    elif submitted_on > today:
        errors["submitted_on"] = "The submission date cannot be in the future."
    if method not in rems_form_spec().methods or method not in SubmissionMethod.values:
        errors["method"] = "Choose online or fax."
    elif method == SubmissionMethod.ONLINE and not reference:
        errors["confirmation_reference"] = "Enter the confirmation the REMS portal gave."
    if len(reference) > CONFIRMATION_MAX:
        errors["confirmation_reference"] = f"At most {CONFIRMATION_MAX} characters."
    if errors:
        raise ValidationError(errors)
    assert submitted_on is not None
    RemsMonitoringForm.objects.filter(pk=form.pk).update(
        status=RemsFormStatus.SUBMITTED,
        submitted_on=submitted_on,
        submission_method=method,
        confirmation_reference=reference,
        submission_recorded_at=timezone.now(),
        submission_recorded_by=actor,
        version=F("version") + 1,
    )
    form = RemsMonitoringForm.objects.get(pk=form.pk)
    _audit(
        actor,
        form,
        Action.UPDATE,
        {"step": "submission", "method": method, "late": submitted_on > form.due_on},
    )
    return form
