"""Portal pages. Public: sign-in, invitation links, education, the pre-screen. Patients: their home.
Staff: the invitation they create from the chart, and the clinic's pre-screen leads."""

from __future__ import annotations

import time
import uuid
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.contrib.auth import authenticate, logout
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from openkap.accounts.decorators import (
    NotFoundForUser,
    active_clinic,
    clinic_permission_required,
    request_user,
    staff_required,
)
from openkap.accounts.models import User
from openkap.accounts.permissions import Permission
from openkap.accounts.sessions import (
    EXPIRED_USER,
    session_probe,
    session_reauth,
    session_seconds_left,
)
from openkap.audit.models import Action, Category
from openkap.audit.services import audit_record
from openkap.consent.selectors import consent_status
from openkap.knowledge.selectors import clinic_rule_pack
from openkap.patients.models import Patient
from openkap.patients.selectors import patient_get_for_user
from openkap.plans import selectors as plans_selectors
from openkap.plans import services as plans_services
from openkap.portal.decorators import patient_required, portal_account
from openkap.portal.education import BY_SLUG, TOPICS
from openkap.portal.forms import (
    InvitationAcceptForm,
    LeadStatusForm,
    PortalLoginForm,
    PortalReauthForm,
    PrescreenForm,
    answer_rows,
)
from openkap.portal.models import Lead, LeadStatus, PortalAccount
from openkap.portal.prescreen import engine_input, evaluate_answers
from openkap.portal.selectors import lead_get_for_user, leads_for_clinic
from openkap.portal.services import (
    LeadStatusConflict,
    lead_create,
    lead_status_set,
    portal_account_activate,
    portal_invitation_by_id,
    portal_invitation_create,
    portal_invitation_email,
    portal_invitation_find,
    portal_sign_in,
)

INVITATION_SESSION_KEY = "openkap_portal_invitation"
PRESCREEN_SESSION_KEY = "openkap_prescreen_result"


def _safe_next(request: HttpRequest, candidate: str | None) -> str:
    if (
        candidate
        and candidate.startswith("/portal/")
        and url_has_allowed_host_and_scheme(
            candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
    ):
        return candidate
    return reverse("portal:home")


# --- Signing in and out -------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def login_view(request: HttpRequest) -> HttpResponse:
    form = PortalLoginForm(request.POST if request.method == "POST" else None)
    next_url = request.POST.get("next") or request.GET.get("next")
    if request.method == "POST" and form.is_valid():
        user = authenticate(
            request, username=form.cleaned_data["username"], password=form.cleaned_data["password"]
        )
        # A staff account is refused here exactly like a wrong password: the portal is for patients.
        if (
            isinstance(user, User)
            and user.kind == User.Kind.PATIENT
            and PortalAccount.objects.filter(user=user).exists()
        ):
            request.session.cycle_key()
            portal_sign_in(request=request, user=user)
            return redirect(_safe_next(request, next_url))
        form.add_error(None, "That username and password do not match a patient portal account.")
    return render(
        request,
        "portal/login.html",
        {
            "form": form,
            "next": next_url or "",
            "expired": request.GET.get("expired") == "1",
            "topics": TOPICS,
        },
        status=400 if form.errors else 200,
    )


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    user = request.user
    if isinstance(user, User) and user.is_authenticated:
        audit_record(action=Action.LOGOUT, category=Category.ACCOUNT, actor=user)
    logout(request)
    return redirect("portal:login")


def _is_patient(request: HttpRequest) -> bool:
    user = request.user
    return isinstance(user, User) and user.is_authenticated and user.kind == User.Kind.PATIENT


@session_probe
@require_GET
def session_status_view(request: HttpRequest) -> JsonResponse:
    """How long the patient's session has left; polled by the page without counting as activity."""
    if not _is_patient(request):
        return JsonResponse({"signed_in": False, "seconds_left": 0}, status=401)
    return JsonResponse(
        {"signed_in": True, "seconds_left": session_seconds_left(request.session, now=time.time())}
    )


@patient_required
@require_POST
def heartbeat_view(request: HttpRequest) -> JsonResponse:
    return JsonResponse(
        {"signed_in": True, "seconds_left": session_seconds_left(request.session, now=time.time())}
    )


@session_reauth
@require_POST
def reauth_view(request: HttpRequest) -> JsonResponse:
    """Sign the same patient back in from the inactivity dialog, keeping what was typed on the page."""
    expected_id = request.user.pk if _is_patient(request) else request.session.get(EXPIRED_USER)
    form = PortalReauthForm(request.POST)
    if expected_id is None:
        return JsonResponse({"error": "Reload the page and sign in."}, status=400)
    expected = User.objects.filter(
        pk=expected_id, is_active=True, kind=User.Kind.PATIENT, portal_account__isnull=False
    ).first()
    if expected is None or not form.is_valid():
        return JsonResponse({"error": "Enter your password."}, status=400)
    user = authenticate(request, username=expected.username, password=form.cleaned_data["password"])
    if user is None or user.pk != expected.pk:
        return JsonResponse({"error": "That password is not right."}, status=403)
    portal_sign_in(request=request, user=expected)
    return JsonResponse({"signed_in": True, "csrf_token": get_token(request)})


# --- The patient's home ---------------------------------------------------------------------------


@patient_required
@require_GET
@transaction.atomic
def home_view(request: HttpRequest) -> HttpResponse:
    account = portal_account(request)
    patient = account.patient
    status = consent_status(patient)
    for category in (Category.DEMOGRAPHICS, Category.CONSENT):
        audit_record(
            action=Action.READ,
            category=category,
            actor=account.user,
            patient=patient,
            object_type="patient",
            object_id=patient.pk,
            detail={"view": "portal home"},
        )
    offered = [s for s in status.values() if s.offered]
    return render(
        request,
        "portal/home.html",
        {
            "patient": patient,
            "consents": offered,
            "reconsent": [s for s in offered if s.state == "outdated"],
            "topics": TOPICS,
        },
    )


# --- The patient's appointments and calendar feed ---------------------------------------------------


@patient_required
@require_http_methods(["GET", "POST"])
@transaction.atomic
def appointments_view(request: HttpRequest) -> HttpResponse:
    """The patient's upcoming appointments (time, kind, place: no clinical detail) and their private
    calendar feed link, which they make, remake or revoke here. A new link is shown once."""
    account = portal_account(request)
    patient = account.patient
    link = ""
    if request.method == "POST":
        if request.POST.get("action") == "revoke":
            feed = plans_selectors.patient_feed(patient)
            if feed is not None:
                plans_services.feed_revoke(actor=account.user, feed=feed)
                messages.success(request, "Your calendar link is revoked: it no longer works.")
        else:
            _feed, token = plans_services.feed_issue_by_patient(actor=account.user, patient=patient)
            link = request.build_absolute_uri(reverse("plans:ical", kwargs={"token": token}))
    appointments = plans_selectors.upcoming_for_patient(patient)
    audit_record(
        action=Action.READ,
        category=Category.PLANS,
        actor=account.user,
        patient=patient,
        object_type="patient",
        object_id=patient.pk,
        detail={"view": "portal appointments", "count": len(appointments)},
    )
    clinic = patient.clinic
    with timezone.override(ZoneInfo(clinic.timezone)):
        return render(
            request,
            "portal/appointments.html",
            {
                "clinic": clinic,
                "rows": [
                    (appointment, plans_selectors.appointment_place(appointment, clinic))
                    for appointment in appointments
                ],
                "feed": plans_selectors.patient_feed(patient),
                "feed_link": link,
            },
        )


# --- Invitations ----------------------------------------------------------------------------------


def _staff_patient(request: HttpRequest, public_id: uuid.UUID, permission: Permission) -> Patient:
    try:
        return patient_get_for_user(
            user=request_user(request), public_id=public_id, permission=permission
        )
    except Patient.DoesNotExist:
        raise NotFoundForUser(object_type="patient", object_id=str(public_id)) from None


@staff_required
@require_POST
def invitation_create_view(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """Front desk (PATIENT_EDIT) makes a one-time link; it is shown here once, and e-mailed."""
    patient = _staff_patient(request, public_id, Permission.PATIENT_EDIT)
    new = portal_invitation_create(actor=request_user(request), patient=patient)
    link = request.build_absolute_uri(reverse("portal:welcome", kwargs={"token": new.token}))
    expires = timezone.localtime(new.invitation.expires_at)
    emailed = portal_invitation_email(
        patient=patient, link=link, expires_text=expires.strftime("%Y-%m-%d %H:%M %Z")
    )
    has_account = PortalAccount.objects.filter(patient=patient).exists()
    return render(
        request,
        "portal/invitation_created.html",
        {
            "patient": patient,
            "link": link,
            "expires": expires,
            "emailed": emailed,
            "has_account": has_account,
        },
    )


@require_GET
def welcome_view(request: HttpRequest, token: str) -> HttpResponse:
    """The link from the invitation: remember it in the session and drop the token from the URL."""
    invitation = portal_invitation_find(token)
    if invitation is None:
        return render(request, "portal/invitation_invalid.html", status=404)
    request.session[INVITATION_SESSION_KEY] = invitation.pk
    return redirect("portal:accept")


@require_http_methods(["GET", "POST"])
def accept_view(request: HttpRequest) -> HttpResponse:
    invitation_id = request.session.get(INVITATION_SESSION_KEY)
    invitation = portal_invitation_by_id(invitation_id) if invitation_id else None
    if invitation is None:
        return render(request, "portal/invitation_invalid.html", status=404)
    account = (
        PortalAccount.objects.select_related("user").filter(patient=invitation.patient).first()
    )
    suggested = account.user.username if account else (invitation.patient.email or "")
    form = InvitationAcceptForm(
        request.POST if request.method == "POST" else None, initial={"username": suggested}
    )
    if account is not None:
        # An existing account keeps its username: the invitation only sets a new password.
        form.fields["username"].disabled = True
    if request.method == "POST" and form.is_valid():
        try:
            portal_account_activate(
                invitation_id=invitation.pk,
                username=form.cleaned_data["username"],
                password=form.cleaned_data["password"],
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            del request.session[INVITATION_SESSION_KEY]
            messages.success(request, "Your password is set. Sign in with it now.")
            return redirect("portal:login")
    return render(
        request,
        "portal/accept.html",
        {"form": form, "clinic": invitation.patient.clinic, "has_account": account is not None},
        status=400 if form.errors else 200,
    )


def _add_errors(form: Any, error: ValidationError) -> None:
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, field_messages in error.message_dict.items():
        for message in field_messages:
            form.add_error(field if field in form.fields else None, message)


# --- Education ------------------------------------------------------------------------------------


@require_GET
def learn_index_view(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/learn_index.html", {"topics": TOPICS})


@require_GET
def learn_topic_view(request: HttpRequest, topic: str) -> HttpResponse:
    found = BY_SLUG.get(topic)
    if found is None:
        raise Http404("No such topic.")
    index = TOPICS.index(found)
    return render(
        request,
        f"portal/learn/{found.slug}.html",
        {
            "topic": found,
            "topics": TOPICS,
            "previous": TOPICS[index - 1] if index > 0 else None,
            "next": TOPICS[index + 1] if index + 1 < len(TOPICS) else None,
        },
    )


# --- Pre-screen -----------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def prescreen_view(request: HttpRequest) -> HttpResponse:
    form = PrescreenForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        answers = form.answers()
        inputs = engine_input(answers)
        result = evaluate_answers(inputs, pack=clinic_rule_pack(clinic=form.cleaned_data["clinic"]))
        urgent = answers.get("suicidal_thoughts") == "yes"
        lead_create(
            clinic=form.cleaned_data["clinic"],
            contact=form.contact(),
            answers=answers,
            engine_input=inputs,
            decision=result.decision,
            findings=result.findings,
            rule_pack=result.rule_pack,
            urgent=urgent,
        )
        # Only what the next page needs; the answers stay with the lead, not in the session.
        request.session[PRESCREEN_SESSION_KEY] = {
            "decision": result.decision,
            "crisis": answers.get("suicidal_thoughts") in {"yes", "prefer_not"},
            "psychotic": bool(
                {"psychosis", "schizophrenia", "psychotic_depression"}
                & set(answers.get("conditions", ()))
            ),
            "ride_home": answers.get("ride_home"),
            "clinic": form.cleaned_data["clinic"].name,
        }
        return redirect("portal:prescreen_result")
    crisis = request.method == "POST" and request.POST.get("suicidal_thoughts") in {
        "yes",
        "prefer_not",
    }
    return render(
        request,
        "portal/prescreen.html",
        {"form": form, "crisis": crisis},
        status=400 if form.errors else 200,
    )


@require_GET
def prescreen_result_view(request: HttpRequest) -> HttpResponse:
    result = request.session.get(PRESCREEN_SESSION_KEY)
    if not result:
        return redirect("portal:prescreen")
    return render(request, "portal/prescreen_result.html", {"result": result, "topics": TOPICS})


# --- Leads (staff) --------------------------------------------------------------------------------


@clinic_permission_required(Permission.LEAD_MANAGE)
@require_GET
@transaction.atomic
def leads_view(request: HttpRequest) -> HttpResponse:
    clinic = active_clinic(request)
    show = request.GET.get("show", "open")
    leads = leads_for_clinic(clinic=clinic, open_only=show != "all")
    audit_record(
        action=Action.READ,
        category=Category.LEADS,
        actor=request_user(request),
        clinic=clinic,
        detail={"results": len(leads), "view": "lead list"},
    )
    return render(request, "portal/leads.html", {"leads": leads, "show": show, "clinic": clinic})


@staff_required
@require_http_methods(["GET", "POST"])
def lead_view(request: HttpRequest, lead_id: uuid.UUID) -> HttpResponse:
    user = request_user(request)
    try:
        lead = lead_get_for_user(user=user, public_id=lead_id)
    except Lead.DoesNotExist:
        raise NotFoundForUser(object_type="lead", object_id=str(lead_id)) from None
    form = LeadStatusForm(
        request.POST if request.method == "POST" else None,
        initial={"status": lead.status, "expected": lead.status},
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                lead_status_set(
                    actor=user,
                    lead=lead,
                    expected=form.cleaned_data["expected"],
                    status=form.cleaned_data["status"],
                )
            except LeadStatusConflict as conflict:
                form = LeadStatusForm({"status": conflict.current, "expected": conflict.current})
                form.is_valid()
                form.add_error(
                    None,
                    "Someone else changed this lead's status to "
                    f"“{LeadStatus(conflict.current).label}” while you had it open. "
                    "Nothing was saved; choose again.",
                )
                lead = Lead.objects.select_related("clinic").get(pk=lead.pk)
                status = 409
            else:
                messages.success(request, "Status saved.")
                return redirect("portal:lead", lead_id=lead.public_id)
        else:
            status = 400
    with transaction.atomic():
        audit_record(
            action=Action.READ,
            category=Category.LEADS,
            actor=user,
            clinic=lead.clinic,
            object_type="lead",
            object_id=lead.pk,
            detail={"view": "lead"},
        )
    return render(
        request,
        "portal/lead.html",
        {"lead": lead, "form": form, "answers": answer_rows(lead.answers)},
        status=status,
    )
