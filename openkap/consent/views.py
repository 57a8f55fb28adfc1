"""Consent pages: clinic administrators publish versions; patients read and sign in the portal or on a
clinic tablet handed over by a staff member; staff see where a patient stands and record withdrawals."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from openkap.accounts.decorators import (
    NotFoundForUser,
    active_clinic,
    clinic_permission_required,
    request_user,
    staff_required,
)
from openkap.accounts.permissions import Permission, user_can
from openkap.audit.context import current_request_context
from openkap.consent.forms import PublishForm, SignForm, TabletStartForm, WithdrawForm
from openkap.consent.models import ConsentDocument, ConsentKind, SignedConsent
from openkap.consent.selectors import consent_current_documents, consent_history, consent_status
from openkap.consent.services import (
    consent_document_publish,
    consent_read_audit,
    consent_sign,
    consent_withdraw,
    default_texts,
)
from openkap.patients.models import Patient
from openkap.patients.selectors import patient_get_for_user
from openkap.portal.decorators import patient_required, portal_account

TABLET_SESSION_KEY = "openkap_consent_tablet"


def _kind_or_404(kind: str) -> ConsentKind:
    if kind not in ConsentKind.values:
        raise Http404("No such consent.")
    return ConsentKind(kind)


def _client_ip() -> str | None:
    context = current_request_context()
    return context.client_address if context else None


def _add_errors(form: SignForm | PublishForm | WithdrawForm, error: ValidationError) -> None:
    if not hasattr(error, "error_dict"):
        for message in error.messages:
            form.add_error(None, message)
        return
    for field, field_messages in error.message_dict.items():
        for message in field_messages:
            form.add_error(field if field in form.fields else None, message)


# --- Clinic administrators: publishing ------------------------------------------------------------


@clinic_permission_required(Permission.CONSENT_PUBLISH)
@require_GET
def documents_view(request: HttpRequest) -> HttpResponse:
    clinic = active_clinic(request)
    versions: dict[str, list[ConsentDocument]] = {kind: [] for kind in ConsentKind.values}
    for document in ConsentDocument.objects.filter(clinic=clinic).order_by("kind", "-version"):
        versions[document.kind].append(document)
    rows = [(kind, versions[kind.value]) for kind in ConsentKind]
    return render(request, "consent/documents.html", {"rows": rows, "clinic": clinic})


@clinic_permission_required(Permission.CONSENT_PUBLISH)
@require_http_methods(["GET", "POST"])
def publish_view(request: HttpRequest, kind: str) -> HttpResponse:
    consent_kind = _kind_or_404(kind)
    clinic = active_clinic(request)
    current = consent_current_documents(clinic).get(consent_kind.value)
    if current is not None:
        initial = {"title": current.title, "body": current.body, "basis": current.basis}
    else:
        text = default_texts()[consent_kind.value]
        initial = {"title": text.title, "body": text.body, "basis": text.basis}
    form = PublishForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            document = consent_document_publish(
                actor=request_user(request),
                clinic=clinic,
                kind=consent_kind.value,
                title=form.cleaned_data["title"],
                body=form.cleaned_data["body"],
                basis=form.cleaned_data["basis"],
                change_summary=form.cleaned_data["change_summary"],
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(
                request,
                f"Published version {document.version}. Patients who signed an earlier version "
                "now need to re-consent.",
            )
            return redirect("consent:documents")
    return render(
        request,
        "consent/publish.html",
        {"form": form, "kind": consent_kind, "current": current},
        status=400 if form.errors else 200,
    )


# --- Patients in the portal -----------------------------------------------------------------------


@patient_required
@require_GET
@transaction.atomic
def mine_view(request: HttpRequest) -> HttpResponse:
    account = portal_account(request)
    patient = account.patient
    history = consent_history(patient)
    intact = all(signed.text_is_intact() for signed in history)
    consent_read_audit(actor=account.user, patient=patient, view="portal consents", intact=intact)
    status = [s for s in consent_status(patient).values() if s.offered]
    return render(request, "consent/mine.html", {"status": status, "history": history})


def _sign(
    request: HttpRequest, *, patient: Patient, kind: ConsentKind, method: str
) -> tuple[SignedConsent | None, SignForm, ConsentDocument]:
    """Shared by the portal and the tablet: show the current version, or sign it."""
    document = consent_current_documents(patient.clinic).get(kind.value)
    if document is None:
        raise Http404("This clinic has no such consent document.")
    form = SignForm(
        request.POST if request.method == "POST" else None, initial={"document": document.pk}
    )
    if request.method == "POST" and form.is_valid():
        chosen = ConsentDocument.objects.filter(
            pk=form.cleaned_data["document"], clinic=patient.clinic, kind=kind.value
        ).first()
        try:
            signed = consent_sign(
                actor=request_user(request),
                patient=patient,
                document=chosen or document,
                typed_name=form.cleaned_data["typed_name"],
                understood=form.cleaned_data["understood"],
                method=method,
                ip_address=_client_ip(),
            )
        except ValidationError as error:
            _add_errors(form, error)
            if chosen is not None and chosen.pk != document.pk:
                # Show the new version, with nothing ticked or typed: it has to be read first.
                form = SignForm({"document": document.pk})
                form.is_valid()
                form.add_error(
                    None,
                    "A newer version of this document was published while you were reading. "
                    "Please read this version; nothing was signed.",
                )
        else:
            return signed, form, document
    return None, form, document


@patient_required
@require_http_methods(["GET", "POST"])
def sign_view(request: HttpRequest, kind: str) -> HttpResponse:
    consent_kind = _kind_or_404(kind)
    account = portal_account(request)
    patient = account.patient
    signed, form, document = _sign(
        request, patient=patient, kind=consent_kind, method=SignedConsent.Method.PORTAL
    )
    if signed is not None:
        messages.success(
            request,
            f"Signed: {signed.title} (version {signed.version}). A copy is kept below, "
            "exactly as you signed it.",
        )
        return redirect("consent:mine")
    with transaction.atomic():
        consent_read_audit(actor=account.user, patient=patient, view=f"sign {consent_kind.value}")
    status = consent_status(patient)[consent_kind.value]
    return render(
        request,
        "consent/sign.html",
        {"form": form, "document": document, "status": status, "portal": True},
        status=400 if form.errors else 200,
    )


@patient_required
@require_POST
def withdraw_view(request: HttpRequest, kind: str) -> HttpResponse:
    consent_kind = _kind_or_404(kind)
    account = portal_account(request)
    signed = consent_status(account.patient)[consent_kind.value].signed
    if signed is None or hasattr(signed, "withdrawal"):
        messages.error(request, "There is no signed consent of this kind to withdraw.")
        return redirect("consent:mine")
    consent_withdraw(actor=account.user, signed=signed, reason=request.POST.get("reason", ""))
    messages.success(
        request,
        f"You withdrew your consent: {consent_kind.label}. The clinic has been told, and will not "
        "treat you under it. You can sign again at any time.",
    )
    return redirect("consent:mine")


# --- Staff: a patient's consents, the clinic tablet, withdrawals ------------------------------------


def _patient_or_404(request: HttpRequest, public_id: uuid.UUID, permission: Permission) -> Patient:
    try:
        return patient_get_for_user(
            user=request_user(request), public_id=public_id, permission=permission
        )
    except Patient.DoesNotExist:
        raise NotFoundForUser(object_type="patient", object_id=str(public_id)) from None


@staff_required
@require_GET
@transaction.atomic
def patient_consents_view(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    user = request_user(request)
    patient = _patient_or_404(request, public_id, Permission.PATIENT_VIEW)
    history = consent_history(patient)
    intact = all(signed.text_is_intact() for signed in history)
    consent_read_audit(actor=user, patient=patient, view="staff consents", intact=intact)
    status = list(consent_status(patient).values())
    return render(
        request,
        "consent/patient.html",
        {
            "patient": patient,
            "status": status,
            "history": history,
            "can_edit": user_can(user, Permission.PATIENT_EDIT, patient.clinic_id),
            "tablet_form": TabletStartForm(),
        },
    )


@staff_required
@require_POST
def staff_withdraw_view(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    patient = _patient_or_404(request, public_id, Permission.PATIENT_EDIT)
    form = WithdrawForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Nothing was recorded: choose which consent was withdrawn.")
        return redirect("consent:patient", public_id=patient.public_id)
    signed = consent_status(patient)[form.cleaned_data["kind"]].signed
    if signed is None or hasattr(signed, "withdrawal"):
        messages.error(request, "There is no signed consent of this kind to withdraw.")
        return redirect("consent:patient", public_id=patient.public_id)
    try:
        consent_withdraw(
            actor=request_user(request), signed=signed, reason=form.cleaned_data["reason"]
        )
    except ValidationError as error:
        messages.error(request, f"Nothing was recorded. {' '.join(error.messages)}")
    else:
        messages.success(request, "The withdrawal is recorded.")
    return redirect("consent:patient", public_id=patient.public_id)


@staff_required
@require_POST
def tablet_start_view(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """A staff member hands this device to the patient to read and sign one document."""
    patient = _patient_or_404(request, public_id, Permission.PATIENT_EDIT)
    form = TabletStartForm(request.POST)
    if not form.is_valid() or form.cleaned_data["kind"] not in consent_current_documents(
        patient.clinic
    ):
        messages.error(request, "Choose a consent document this clinic has published.")
        return redirect("consent:patient", public_id=patient.public_id)
    request.session[TABLET_SESSION_KEY] = {
        "patient": patient.pk,
        "kind": form.cleaned_data["kind"],
        "staff": request_user(request).pk,
    }
    return redirect("consent:tablet")


@staff_required
@require_http_methods(["GET", "POST"])
def tablet_view(request: HttpRequest) -> HttpResponse:
    """The patient reads and signs on the clinic's device; the staff member is the witness.

    The patient is not in the URL: the session of the staff member who started it names them."""
    user = request_user(request)
    started = request.session.get(TABLET_SESSION_KEY)
    if not started or started.get("staff") != user.pk:
        return redirect("web:home")
    try:
        patient = Patient.objects.select_related("clinic").get(
            pk=started["patient"], clinic_id__in=user.clinic_ids()
        )
    except Patient.DoesNotExist:
        del request.session[TABLET_SESSION_KEY]
        return redirect("web:home")
    if not user_can(user, Permission.PATIENT_EDIT, patient.clinic_id):
        del request.session[TABLET_SESSION_KEY]
        return redirect("web:home")
    kind = ConsentKind(started["kind"])
    signed, form, document = _sign(
        request, patient=patient, kind=kind, method=SignedConsent.Method.TABLET
    )
    if signed is not None:
        del request.session[TABLET_SESSION_KEY]
        return render(request, "consent/tablet_signed.html", {"signed": signed, "patient": patient})
    with transaction.atomic():
        consent_read_audit(actor=user, patient=patient, view=f"tablet {kind.value}")
    return render(
        request,
        "consent/tablet.html",
        {"form": form, "document": document, "patient": patient, "portal": False},
        status=400 if form.errors else 200,
    )


@staff_required
@require_POST
def tablet_cancel_view(request: HttpRequest) -> HttpResponse:
    started = request.session.pop(TABLET_SESSION_KEY, None)
    if started:
        patient = Patient.objects.filter(pk=started.get("patient")).first()
        if patient is not None:
            return redirect("consent:patient", public_id=patient.public_id)
    return redirect("web:home")
