"""Integration pages: the patient's integration section, the note form, the note with its addenda;
and, apart from the chart, the psychotherapy notes of their author ("My psychotherapy notes").

Psychotherapy notes are opened by authorship or an explicit share, never by role: anyone else gets
the same 404 as for a note that does not exist."""

from __future__ import annotations

import uuid

from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from openkap.accounts.decorators import NotFoundForUser, request_user, staff_required
from openkap.accounts.models import User
from openkap.accounts.permissions import Permission, user_can
from openkap.audit.models import Action, Category
from openkap.audit.services import audit_record
from openkap.integration import selectors, services
from openkap.integration.forms import (
    AddendumForm,
    NoteEditForm,
    NoteForm,
    PsychotherapyEditForm,
    PsychotherapyNoteForm,
    ShareForm,
    SignForm,
)
from openkap.integration.models import IntegrationNote, NoteStatus, PsychotherapyNote
from openkap.patients.models import Patient
from openkap.patients.selectors import patient_get_for_user


def _patient(request: HttpRequest, public_id: uuid.UUID, permission: Permission) -> Patient:
    try:
        return patient_get_for_user(
            user=request_user(request), public_id=public_id, permission=permission
        )
    except Patient.DoesNotExist:
        raise NotFoundForUser(object_type="patient", object_id=str(public_id)) from None


def _note(request: HttpRequest, note_id: uuid.UUID) -> IntegrationNote:
    try:
        return selectors.integration_note_get_for_user(
            user=request_user(request), public_id=note_id
        )
    except IntegrationNote.DoesNotExist:
        raise NotFoundForUser(object_type="integration_note", object_id=str(note_id)) from None


def _private_note(request: HttpRequest, note_id: uuid.UUID) -> PsychotherapyNote:
    try:
        return selectors.psychotherapy_note_get_for_user(
            user=request_user(request), public_id=note_id
        )
    except PsychotherapyNote.DoesNotExist:
        raise NotFoundForUser(object_type="psychotherapy_note", object_id=str(note_id)) from None


def _as_author(request: HttpRequest, note: PsychotherapyNote) -> None:
    # A colleague the note is shared with reads it; the author alone changes or shares it.
    if note.author_id != request_user(request).pk:
        raise PermissionDenied


def _errors_into(form: Form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for name, messages in error.message_dict.items():
            form.add_error(name if name in form.fields else None, messages)
    else:
        form.add_error(None, error.messages)


def _read(
    request: HttpRequest,
    patient: Patient | None,
    object_type: str,
    object_id: int | str,
    view: str,
    category: Category = Category.INTEGRATION,
) -> None:
    audit_record(
        action=Action.READ,
        category=category,
        actor=request_user(request),
        patient=patient,
        object_type=object_type,
        object_id=object_id,
        detail={"view": view},
    )


def _can(request: HttpRequest, permission: Permission, patient: Patient) -> bool:
    return user_can(request_user(request), permission, patient.clinic_id)


# --- The integration section and its chart notes ---------------------------------------------


@staff_required
@require_GET
def patient_view(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    patient = _patient(request, public_id, Permission.INTEGRATION_VIEW)
    _read(request, patient, "patient", patient.pk, "integration")
    return render(
        request,
        "integration/patient.html",
        {
            "patient": patient,
            "appointments": list(selectors.integration_appointments_of(patient)),
            "can_write": _can(request, Permission.INTEGRATION_WRITE, patient),
            "can_write_private": _can(request, Permission.PSYCHOTHERAPY_NOTE_WRITE, patient),
        },
    )


def _no_appointment(request: HttpRequest, patient: Patient) -> HttpResponse:
    return render(
        request,
        "integration/none.html",
        {
            "patient": patient,
            "message": "appointment: choose one of this patient's integration sessions.",
        },
        status=400,
    )


@staff_required
@require_http_methods(["GET", "POST"])
def note_new_view(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    patient = _patient(request, public_id, Permission.INTEGRATION_WRITE)
    source = request.POST if request.method == "POST" else request.GET
    try:
        appointment_id = int(str(source.get("appointment", "")))
    except ValueError:
        return _no_appointment(request, patient)
    appointment = selectors.integration_appointment_of(patient, appointment_id)
    if appointment is None:
        return _no_appointment(request, patient)
    existing = IntegrationNote.objects.filter(appointment=appointment).first()
    if existing is not None:
        return redirect("integration:note", note_id=existing.public_id)
    form = NoteForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                note = services.integration_note_create(
                    actor=request_user(request), appointment=appointment, **form.cleaned_data
                )
            except ValidationError as error:
                _errors_into(form, error)
            else:
                return redirect("integration:note", note_id=note.public_id)
        status = 400
    _read(request, patient, "patient", patient.pk, "integration note form")
    return render(
        request,
        "integration/note_form.html",
        {
            "patient": patient,
            "appointment": appointment,
            "session": services.integrated_session(appointment),
            "form": form,
        },
        status=status,
    )


def _note_page(
    request: HttpRequest,
    note: IntegrationNote,
    *,
    sign_form: SignForm | None = None,
    addendum_form: AddendumForm | None = None,
    conflict: str = "",
    status: int = 200,
) -> HttpResponse:
    can_write = _can(request, Permission.INTEGRATION_WRITE, note.patient)
    _read(request, note.patient, "integration_note", note.pk, "integration note")
    signed = note.status == NoteStatus.SIGNED
    return render(
        request,
        "integration/note.html",
        {
            "note": note,
            "patient": note.patient,
            "addenda": list(note.addenda.select_related("written_by")),
            "can_write": can_write,
            "sign_form": (sign_form or SignForm(initial={"version": note.version}))
            if can_write and not signed
            else None,
            "addendum_form": (addendum_form or AddendumForm()) if can_write and signed else None,
            "conflict": conflict,
        },
        status=status,
    )


@staff_required
@require_GET
def note_view(request: HttpRequest, note_id: uuid.UUID) -> HttpResponse:
    return _note_page(request, _note(request, note_id))


@staff_required
@require_http_methods(["GET", "POST"])
def note_edit_view(request: HttpRequest, note_id: uuid.UUID) -> HttpResponse:
    note = _note(request, note_id)
    if not _can(request, Permission.INTEGRATION_WRITE, note.patient):
        raise PermissionDenied
    if note.status == NoteStatus.SIGNED:
        return _note_page(request, note, conflict=str(services.NoteSigned()), status=409)
    initial = {name: getattr(note, name) for name in services.NOTE_FIELDS}
    form = NoteEditForm(
        request.POST if request.method == "POST" else None,
        initial={**initial, "version": note.version},
    )
    status = 200
    conflict = ""
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.integration_note_update(
                    actor=request_user(request),
                    note=note,
                    expected_version=data["version"],
                    themes=data["themes"],
                    goals=data["goals"],
                    follow_up=data["follow_up"],
                )
            except ValidationError as error:
                _errors_into(form, error)
            except (services.NoteConflict, services.NoteSigned) as error:
                conflict = str(error)
                note.refresh_from_db()
                status = 409
            else:
                return redirect("integration:note", note_id=note.public_id)
    _read(request, note.patient, "integration_note", note.pk, "integration note edit")
    return render(
        request,
        "integration/note_form.html",
        {
            "patient": note.patient,
            "appointment": note.appointment,
            "session": note.dosing_session,
            "note": note,
            "form": form,
            "conflict": conflict,
        },
        status=status,
    )


@staff_required
@require_POST
def note_sign_view(request: HttpRequest, note_id: uuid.UUID) -> HttpResponse:
    note = _note(request, note_id)
    if not _can(request, Permission.INTEGRATION_WRITE, note.patient):
        raise PermissionDenied
    form = SignForm(request.POST)
    if form.is_valid():
        try:
            services.integration_note_sign(
                actor=request_user(request),
                note=note,
                expected_version=form.cleaned_data["version"],
                password=form.cleaned_data["password"],
                request=request,
            )
        except ValidationError as error:
            _errors_into(form, error)
        except (services.NoteConflict, services.NoteSigned) as error:
            note.refresh_from_db()
            return _note_page(request, note, conflict=str(error), status=409)
        else:
            return redirect("integration:note", note_id=note.public_id)
    return _note_page(request, note, sign_form=form, status=400)


@staff_required
@require_POST
def note_addendum_view(request: HttpRequest, note_id: uuid.UUID) -> HttpResponse:
    note = _note(request, note_id)
    if not _can(request, Permission.INTEGRATION_WRITE, note.patient):
        raise PermissionDenied
    form = AddendumForm(request.POST)
    if form.is_valid():
        try:
            services.integration_addendum_add(
                actor=request_user(request),
                note=note,
                text=form.cleaned_data["text"],
                reason=form.cleaned_data["reason"],
                password=form.cleaned_data["password"],
                request=request,
            )
        except ValidationError as error:
            _errors_into(form, error)
        else:
            return redirect("integration:note", note_id=note.public_id)
    return _note_page(request, note, addendum_form=form, status=400)


# --- Psychotherapy notes (apart from the chart) ----------------------------------------------


@staff_required
@require_GET
def psychotherapy_list_view(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    notes = list(selectors.psychotherapy_notes_for_user(user))
    _read(
        request,
        None,
        "psychotherapy_note_list",
        "",
        "my psychotherapy notes",
        Category.PSYCHOTHERAPY_NOTES,
    )
    return render(request, "integration/psychotherapy_list.html", {"notes": notes})


@staff_required
@require_http_methods(["GET", "POST"])
def psychotherapy_new_view(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    patient = _patient(request, public_id, Permission.PSYCHOTHERAPY_NOTE_WRITE)
    form = PsychotherapyNoteForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                note = services.psychotherapy_note_write(
                    actor=request_user(request), patient=patient, text=form.cleaned_data["text"]
                )
            except ValidationError as error:
                _errors_into(form, error)
            else:
                return redirect("integration:psychotherapy_note", note_id=note.public_id)
    return render(
        request,
        "integration/psychotherapy_form.html",
        {"patient": patient, "form": form},
        status=status,
    )


def _private_page(
    request: HttpRequest,
    note: PsychotherapyNote,
    *,
    form: PsychotherapyEditForm | None = None,
    share_form: ShareForm | None = None,
    conflict: str = "",
    status: int = 200,
) -> HttpResponse:
    user = request_user(request)
    is_author = note.author_id == user.pk
    _read(
        request,
        note.patient,
        "psychotherapy_note",
        note.pk,
        "psychotherapy note",
        Category.PSYCHOTHERAPY_NOTES,
    )
    context: dict[str, object] = {
        "note": note,
        "patient": note.patient,
        "is_author": is_author,
        "conflict": conflict,
    }
    if is_author:
        context["form"] = form or PsychotherapyEditForm(
            initial={"text": note.text, "version": note.version}
        )
        context["share_form"] = share_form or _share_form(note)
        context["shares"] = list(
            note.shares.filter(ended_at__isnull=True).select_related("colleague")
        )
    return render(request, "integration/psychotherapy_note.html", context, status=status)


def _share_form(note: PsychotherapyNote, data: object = None) -> ShareForm:
    choices = [(user.pk, user.display_name()) for user in services.share_candidates(note)]
    return ShareForm(data, choices=choices)


@staff_required
@require_http_methods(["GET", "POST"])
def psychotherapy_note_view(request: HttpRequest, note_id: uuid.UUID) -> HttpResponse:
    note = _private_note(request, note_id)
    if request.method == "GET":
        return _private_page(request, note)
    _as_author(request, note)
    form = PsychotherapyEditForm(request.POST)
    if form.is_valid():
        try:
            services.psychotherapy_note_update(
                actor=request_user(request),
                note=note,
                expected_version=form.cleaned_data["version"],
                text=form.cleaned_data["text"],
            )
        except ValidationError as error:
            _errors_into(form, error)
        except services.NoteConflict as error:
            note.refresh_from_db()
            return _private_page(request, note, form=form, conflict=str(error), status=409)
        else:
            return redirect("integration:psychotherapy_note", note_id=note.public_id)
    return _private_page(request, note, form=form, status=400)


def _colleague(note: PsychotherapyNote, colleague_id: object) -> User | None:
    return next((u for u in services.share_candidates(note) if u.pk == colleague_id), None)


@staff_required
@require_POST
def psychotherapy_share_view(request: HttpRequest, note_id: uuid.UUID) -> HttpResponse:
    note = _private_note(request, note_id)
    _as_author(request, note)
    form = _share_form(note, request.POST)
    if form.is_valid():
        colleague = _colleague(note, form.cleaned_data["colleague"])
        if colleague is not None:
            services.psychotherapy_note_share(
                actor=request_user(request), note=note, colleague=colleague
            )
            return redirect("integration:psychotherapy_note", note_id=note.public_id)
        form.add_error("colleague", "Choose a colleague of this patient's clinic.")
    return _private_page(request, note, share_form=form, status=400)


@staff_required
@require_POST
def psychotherapy_unshare_view(request: HttpRequest, note_id: uuid.UUID) -> HttpResponse:
    note = _private_note(request, note_id)
    _as_author(request, note)
    form = _share_form(note, request.POST)
    if form.is_valid():
        colleague = _colleague(note, form.cleaned_data["colleague"])
        if colleague is not None:
            services.psychotherapy_note_unshare(
                actor=request_user(request), note=note, colleague=colleague
            )
            return redirect("integration:psychotherapy_note", note_id=note.public_id)
    form.add_error("colleague", "Choose a colleague the note is shared with.")
    return _private_page(request, note, share_form=form, status=400)
