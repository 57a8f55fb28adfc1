"""Intake and screening pages. Every page that shows patient data writes a read row to the audit
trail; every change goes through openkap.screening.services."""

from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from openkap.accounts.decorators import (
    NotFoundForUser,
    active_clinic,
    clinic_permission_required,
    request_user,
    staff_required,
)
from openkap.accounts.permissions import Permission, user_can
from openkap.audit.models import Action, Category
from openkap.audit.services import audit_record
from openkap.patients.models import Patient
from openkap.patients.selectors import patient_get_for_user
from openkap.screening import codes, engine, selectors, services
from openkap.screening.forms import (
    AddendumForm,
    AllergyForm,
    EvaluateForm,
    ItemForm,
    MeasurementForm,
    MedicationForm,
    ProblemForm,
    QuestionnaireForm,
    ReproductiveStatusForm,
    SignForm,
    SubstanceUseForm,
)
from openkap.screening.models import (
    Allergy,
    Medication,
    Problem,
    Screening,
    ScreeningStatus,
)

CODE_SEARCH_LIMIT = 15


def _patient(request: HttpRequest, public_id: uuid.UUID, permission: Permission) -> Patient:
    try:
        return patient_get_for_user(
            user=request_user(request), public_id=public_id, permission=permission
        )
    except Patient.DoesNotExist:
        raise NotFoundForUser(object_type="patient", object_id=str(public_id)) from None


def _audit_read(request: HttpRequest, patient: Patient, view: str) -> None:
    audit_record(
        action=Action.READ,
        category=Category.SCREENING,
        actor=request_user(request),
        patient=patient,
        object_type="patient",
        object_id=patient.pk,
        detail={"view": view},
    )


def _add_errors(form: forms.Form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for name, errors in error.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error)


def _to_intake(patient: Patient, anchor: str) -> HttpResponse:
    return redirect(
        f"{reverse('screening:intake', kwargs={'public_id': patient.public_id})}#{anchor}"
    )


# --- The intake page ---------------------------------------------------------------------------


def _intake_page(
    request: HttpRequest, patient: Patient, *, status: int = 200, **extra: Any
) -> HttpResponse:
    user = request_user(request)
    _audit_read(request, patient, "intake")
    intake = selectors.intake_for(patient)
    reproductive = intake.reproductive
    reproductive_initial = {
        "version": reproductive.version if reproductive else 0,
        "pregnancy": reproductive.pregnancy if reproductive else "",
        "breastfeeding": reproductive.breastfeeding if reproductive else False,
    }
    context: dict[str, Any] = {
        "patient": patient,
        "intake": intake,
        "can_edit": user_can(user, Permission.INTAKE_EDIT, patient.clinic_id),
        "can_edit_chart": user_can(user, Permission.PATIENT_EDIT, patient.clinic_id),
        "instruments": [
            (instrument_id, engine.instrument(instrument_id).name)
            for instrument_id in engine.intake_instrument_ids()
        ],
        "screening": selectors.screening_latest(patient),
        "problem_form": ProblemForm(),
        "medication_form": MedicationForm(),
        "allergy_form": AllergyForm(),
        "measurement_form": MeasurementForm(),
        "substance_form": SubstanceUseForm(),
        "reproductive_form": ReproductiveStatusForm(initial=reproductive_initial),
    }
    context.update(extra)
    return render(request, "screening/intake.html", context, status=status)


@staff_required
@require_http_methods(["GET"])
@transaction.atomic
def intake_view(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    patient = _patient(request, public_id, Permission.SCREENING_VIEW)
    return _intake_page(request, patient)


@clinic_permission_required(Permission.INTAKE_EDIT)
@require_POST
def code_search_view(request: HttpRequest) -> HttpResponse:
    # The search text travels in the POST body; it is a code or words, not patient data.
    query = str(request.POST.get("query", ""))[:100]
    results = codes.code_search(query, CODE_SEARCH_LIMIT) if query.strip() else []
    return render(
        request, "screening/_code_results.html", {"results": results, "query": query.strip()}
    )


@staff_required
@require_POST
@transaction.atomic
def problem_add_view(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    patient = _patient(request, public_id, Permission.INTAKE_EDIT)
    if request.POST.get("search"):
        # The Search button (or Enter in the search box): show the results, add nothing yet.
        query = str(request.POST.get("query", ""))[:100].strip()
        fields = ("query", "onset", "status")
        return _intake_page(
            request,
            patient,
            problem_form=ProblemForm(initial={name: request.POST.get(name) for name in fields}),
            code_results=codes.code_search(query, CODE_SEARCH_LIMIT) if query else [],
            code_query=query,
            open_problem_form=True,
        )
    form = ProblemForm(request.POST)
    if form.is_valid():
        try:
            problem = services.problem_add(
                actor=request_user(request),
                patient=patient,
                code=form.cleaned_data["code"],
                onset=form.cleaned_data["onset"],
                status=form.cleaned_data["status"],
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, f"Problem added: {problem.code} {problem.description}.")
            return _to_intake(patient, "problems")
    return _intake_page(request, patient, status=400, problem_form=form)


@staff_required
@require_POST
@transaction.atomic
def problem_change_view(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """Mark a problem resolved or active again, or remove one entered in error."""
    patient = _patient(request, public_id, Permission.INTAKE_EDIT)
    form = ItemForm(request.POST)
    change = request.POST.get("change", "")
    if not form.is_valid() or change not in ("resolved", "active", "remove"):
        messages.error(request, "Nothing was changed: choose a problem and what to do with it.")
        return _to_intake(patient, "problems")
    problem = get_object_or_404(Problem, patient=patient, pk=form.cleaned_data["item"])
    user = request_user(request)
    if change == "remove":
        services.problem_remove(actor=user, problem=problem)
        messages.success(request, f"Problem removed: {problem.code}.")
    else:
        services.problem_status_set(actor=user, problem=problem, status=change)
        messages.success(request, f"Problem {problem.code} marked {change}.")
    return _to_intake(patient, "problems")


@staff_required
@require_POST
@transaction.atomic
def medication_add_view(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    patient = _patient(request, public_id, Permission.INTAKE_EDIT)
    form = MedicationForm(request.POST)
    if form.is_valid():
        try:
            medication = services.medication_add(
                actor=request_user(request), patient=patient, **form.cleaned_data
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, f"Medication added: {medication}.")
            return _to_intake(patient, "medications")
    return _intake_page(request, patient, status=400, medication_form=form)


@staff_required
@require_POST
@transaction.atomic
def medication_remove_view(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    patient = _patient(request, public_id, Permission.INTAKE_EDIT)
    form = ItemForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Nothing was removed: choose a medication.")
        return _to_intake(patient, "medications")
    medication = get_object_or_404(Medication, patient=patient, pk=form.cleaned_data["item"])
    services.medication_remove(actor=request_user(request), medication=medication)
    messages.success(request, f"Medication removed: {medication.name}.")
    return _to_intake(patient, "medications")


@staff_required
@require_POST
@transaction.atomic
def allergy_add_view(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    patient = _patient(request, public_id, Permission.INTAKE_EDIT)
    form = AllergyForm(request.POST)
    if form.is_valid():
        try:
            allergy = services.allergy_add(
                actor=request_user(request), patient=patient, **form.cleaned_data
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, f"Allergy added: {allergy.substance}.")
            return _to_intake(patient, "allergies")
    return _intake_page(request, patient, status=400, allergy_form=form)


@staff_required
@require_POST
@transaction.atomic
def allergy_remove_view(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    patient = _patient(request, public_id, Permission.INTAKE_EDIT)
    form = ItemForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Nothing was removed: choose an allergy.")
        return _to_intake(patient, "allergies")
    allergy = get_object_or_404(Allergy, patient=patient, pk=form.cleaned_data["item"])
    services.allergy_remove(actor=request_user(request), allergy=allergy)
    messages.success(request, f"Allergy removed: {allergy.substance}.")
    return _to_intake(patient, "allergies")


@staff_required
@require_POST
@transaction.atomic
def measurement_add_view(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    patient = _patient(request, public_id, Permission.INTAKE_EDIT)
    form = MeasurementForm(request.POST)
    if form.is_valid():
        try:
            services.measurement_add(
                actor=request_user(request), patient=patient, **form.measurement_data()
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, "Measurements saved.")
            return _to_intake(patient, "measurements")
    return _intake_page(request, patient, status=400, measurement_form=form)


@staff_required
@require_POST
@transaction.atomic
def substance_set_view(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    patient = _patient(request, public_id, Permission.INTAKE_EDIT)
    form = SubstanceUseForm(request.POST)
    if form.is_valid():
        try:
            use = services.substance_use_set(
                actor=request_user(request), patient=patient, **form.cleaned_data
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, f"Substance use saved: {use.get_substance_display()}.")
            return _to_intake(patient, "substances")
    return _intake_page(request, patient, status=400, substance_form=form)


@staff_required
@require_POST
@transaction.atomic
def pregnancy_set_view(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    patient = _patient(request, public_id, Permission.INTAKE_EDIT)
    form = ReproductiveStatusForm(request.POST)
    status = 400
    if form.is_valid():
        try:
            services.reproductive_status_set(
                actor=request_user(request),
                patient=patient,
                expected_version=form.cleaned_data["version"],
                pregnancy=form.cleaned_data["pregnancy"],
                breastfeeding=form.cleaned_data["breastfeeding"],
            )
        except ValidationError as error:
            _add_errors(form, error)
        except services.ReproductiveStatusConflict as conflict:
            form.add_error(None, str(conflict))
            # Saving again from here means "I have seen their change".
            data = request.POST.copy()
            data["version"] = str(conflict.current.version)
            form.data = data
            status = 409
        else:
            messages.success(request, "Pregnancy status saved.")
            return _to_intake(patient, "pregnancy")
    return _intake_page(request, patient, status=status, reproductive_form=form)


def _instrument_or_404(instrument_id: str) -> Any:
    if instrument_id not in engine.intake_instrument_ids():
        raise Http404("No such questionnaire.")
    return engine.instrument(instrument_id)


@staff_required
@require_http_methods(["GET", "POST"])
@transaction.atomic
def questionnaire_view(
    request: HttpRequest, public_id: uuid.UUID, instrument_id: str
) -> HttpResponse:
    patient = _patient(request, public_id, Permission.INTAKE_EDIT)
    instrument = _instrument_or_404(instrument_id)
    form = QuestionnaireForm(request.POST or None, instrument=instrument)
    if request.method == "POST" and form.is_valid():
        try:
            response = services.questionnaire_record(
                actor=request_user(request),
                patient=patient,
                instrument_id=instrument_id,
                answers=form.answers(),
            )
        except engine.AnswersRefused as error:
            if error.item is not None and 1 <= error.item <= len(instrument.items):
                form.add_error(form.field_name_for(error.item), str(error))
            form.add_error(None, f"The answers were not saved: {error}")
        else:
            total = f": {response.total}" if response.total is not None else ""
            severity = f" ({response.severity})" if response.severity else ""
            messages.success(request, f"{response.instrument_name} saved{total}{severity}.")
            if response.suicide_risk:
                messages.warning(
                    request,
                    "Suicide risk flagged by this questionnaire: assess the patient now, "
                    "following the clinic's suicide-risk protocol.",
                )
            return _to_intake(patient, "questionnaires")
    _audit_read(request, patient, f"questionnaire {instrument_id}")
    return render(
        request,
        "screening/questionnaire.html",
        {"patient": patient, "instrument": instrument, "form": form},
        status=400 if form.errors else 200,
    )


# --- The screening decision --------------------------------------------------------------------


def _decision_page(
    request: HttpRequest,
    patient: Patient,
    *,
    status: int = 200,
    evaluate_form: EvaluateForm | None = None,
    sign_form: SignForm | None = None,
    addendum_form: AddendumForm | None = None,
    problem: str = "",
) -> HttpResponse:
    user = request_user(request)
    _audit_read(request, patient, "screening")
    draft = selectors.screening_draft(patient)
    signed = list(selectors.screenings_signed(patient))
    current_input: dict[str, Any] | None = None
    incomplete = ""
    try:
        current_input = engine.build_input(
            patient=patient,
            route=draft.route if draft else "",
            setting=draft.setting if draft else "",
            today=timezone.localdate(),
        )
    except engine.IntakeIncomplete as missing:
        incomplete = missing.message
    changes = services.evaluation_changes(draft, current_input) if draft and current_input else []
    if evaluate_form is None:
        # A re-evaluation starts from the route and setting of the draft, or of the decision in force.
        basis = draft or (signed[0] if signed else None)
        evaluate_form = EvaluateForm(
            initial={
                "version": draft.version if draft else None,
                "route": basis.route if basis else "",
                "setting": basis.setting if basis else "",
            }
        )
    if sign_form is None and draft is not None:
        sign_form = SignForm(
            initial={
                "version": draft.version,
                "final_decision": draft.engine_decision
                if draft.engine_decision in services.SIGNABLE_DECISIONS
                else None,
            }
        )
    context = {
        "patient": patient,
        "draft": draft,
        "signed": signed,
        "in_force": signed[0] if signed else None,
        "changes": [engine.INPUT_LABELS.get(name, name) for name in changes],
        "incomplete": incomplete,
        "problem": problem,
        "evaluate_form": evaluate_form,
        "sign_form": sign_form,
        "addendum_form": addendum_form,
        "addendum_for": (
            addendum_form.data.get("screening") if addendum_form is not None else None
        ),
        "hard_stop": draft is not None and services.has_absolute_finding(draft),
        "suicide_alerts": selectors.suicide_alerts(patient),
        "can_evaluate": user_can(user, Permission.SCREENING_EVALUATE, patient.clinic_id),
        "can_sign": user_can(user, Permission.SCREENING_SIGN, patient.clinic_id),
        "can_edit": user_can(user, Permission.INTAKE_EDIT, patient.clinic_id),
    }
    return render(request, "screening/decision.html", context, status=status)


@staff_required
@require_http_methods(["GET"])
@transaction.atomic
def decision_view(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    patient = _patient(request, public_id, Permission.SCREENING_VIEW)
    return _decision_page(request, patient)


@staff_required
@require_POST
@transaction.atomic
def evaluate_view(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    patient = _patient(request, public_id, Permission.SCREENING_EVALUATE)
    form = EvaluateForm(request.POST)
    if not form.is_valid():
        return _decision_page(request, patient, status=400, evaluate_form=form)
    try:
        draft = services.screening_evaluate(
            actor=request_user(request),
            patient=patient,
            expected_version=form.cleaned_data["version"],
            route=form.cleaned_data["route"],
            setting=form.cleaned_data["setting"],
        )
    except (engine.IntakeIncomplete, engine.EngineRefused) as error:
        form.add_error(None, f"Not evaluated. {error.message}")
        return _decision_page(request, patient, status=400, evaluate_form=form)
    except services.ScreeningConflict as conflict:
        return _decision_page(request, patient, status=409, problem=str(conflict))
    messages.success(
        request,
        f"Evaluated with rule pack {draft.rule_pack}: {draft.get_engine_decision_display()}. "
        "Read every finding before you decide.",
    )
    return redirect("screening:decision", public_id=patient.public_id)


@staff_required
@require_POST
@transaction.atomic
def sign_view(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    patient = _patient(request, public_id, Permission.SCREENING_SIGN)
    draft = selectors.screening_draft(patient)
    form = SignForm(request.POST)
    if draft is None:
        return _decision_page(
            request,
            patient,
            status=409,
            problem="There is no draft screening to sign: it may have been signed meanwhile.",
        )
    if not form.is_valid():
        return _decision_page(request, patient, status=400, sign_form=form)
    try:
        services.screening_sign(
            actor=request_user(request),
            screening=draft,
            expected_version=form.cleaned_data["version"],
            final_decision=form.cleaned_data["final_decision"],
            reason=form.cleaned_data["reason"],
            password=form.cleaned_data["password"],
            request=request,
        )
    except ValidationError as error:
        _add_errors(form, error)
        return _decision_page(request, patient, status=400, sign_form=form)
    except engine.IntakeIncomplete as error:
        form.add_error(None, f"Not signed. {error.message}")
        return _decision_page(request, patient, status=400, sign_form=form)
    except (
        services.ScreeningConflict,
        services.ScreeningSigned,
        services.EvaluationOutdated,
    ) as problem:
        return _decision_page(request, patient, status=409, problem=str(problem))
    messages.success(request, "Screening signed.")
    return redirect("screening:decision", public_id=patient.public_id)


@staff_required
@require_POST
@transaction.atomic
def addendum_add_view(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    patient = _patient(request, public_id, Permission.SCREENING_SIGN)
    form = AddendumForm(request.POST)
    if not form.is_valid():
        return _decision_page(request, patient, status=400, addendum_form=form)
    screening = get_object_or_404(Screening, pk=form.cleaned_data["screening"], patient=patient)
    if screening.status != ScreeningStatus.SIGNED:
        return _decision_page(
            request,
            patient,
            status=409,
            problem="Addenda are for signed screenings; a draft changes by evaluating again.",
        )
    try:
        services.screening_addendum_add(
            actor=request_user(request),
            screening=screening,
            text=form.cleaned_data["text"],
            reason=form.cleaned_data["reason"],
            password=form.cleaned_data["password"],
            request=request,
        )
    except ValidationError as error:
        _add_errors(form, error)
        return _decision_page(request, patient, status=400, addendum_form=form)
    messages.success(request, "Addendum signed and added.")
    return redirect("screening:decision", public_id=patient.public_id)


# --- The prescriber's queue --------------------------------------------------------------------


@clinic_permission_required(Permission.SCREENING_EVALUATE)
@require_http_methods(["GET"])
@transaction.atomic
def queue_view(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    clinic = active_clinic(request)
    drafts = list(selectors.drafts_awaiting(user=user, clinic=clinic))
    audit_record(
        action=Action.READ,
        category=Category.SCREENING,
        actor=user,
        clinic=clinic,
        detail={"view": "drafts awaiting a prescriber", "results": len(drafts)},
    )
    return render(request, "screening/queue.html", {"drafts": drafts, "clinic": clinic})
