"""Staff and roles for the clinic administrator of the clinic in use."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from openkap.accounts.decorators import active_clinic, clinic_permission_required, request_user
from openkap.accounts.models import Clinic, Role, User
from openkap.accounts.permissions import Permission
from openkap.accounts.services import (
    ClinicSettingsConflict,
    clinic_settings_update,
    staff_create,
    staff_deactivate,
    staff_roles_set,
)
from openkap.accounts.staff_forms import ClinicSettingsForm, StaffCreateForm, StaffRolesForm


def _member_or_404(clinic: Clinic, user_id: int) -> User:
    user = User.objects.filter(pk=user_id, memberships__clinic=clinic).distinct().first()
    if user is None:
        raise Http404
    return user


@clinic_permission_required(Permission.STAFF_MANAGE)
@require_http_methods(["GET"])
def staff_list_view(request: HttpRequest) -> HttpResponse:
    clinic = active_clinic(request)
    members = (
        User.objects.filter(memberships__clinic=clinic)
        .distinct()
        .order_by("last_name", "first_name")
    )
    rows = [
        (member, [Role(role).label for role in sorted(member.roles_in(clinic.pk))])
        for member in members.prefetch_related("memberships")
    ]
    return render(request, "accounts/staff_list.html", {"rows": rows, "clinic": clinic})


@clinic_permission_required(Permission.STAFF_MANAGE)
@require_http_methods(["GET", "POST"])
def staff_add_view(request: HttpRequest) -> HttpResponse:
    clinic = active_clinic(request)
    form = StaffCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            created = staff_create(
                actor=request_user(request),
                clinic=clinic,
                username=data["username"],
                password=data["password"],
                first_name=data["first_name"],
                last_name=data["last_name"],
                email=data["email"],
                credentials=data["credentials"],
                roles=data["roles"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request, f"{created.display_name()} can now sign in and set up two-step sign-in."
            )
            return redirect("staff:list")
    return render(
        request,
        "accounts/staff_add.html",
        {"form": form, "clinic": clinic},
        status=400 if form.errors else 200,
    )


@clinic_permission_required(Permission.STAFF_MANAGE)
@require_http_methods(["GET", "POST"])
def staff_roles_view(request: HttpRequest, user_id: int) -> HttpResponse:
    clinic = active_clinic(request)
    member = _member_or_404(clinic, user_id)
    form = StaffRolesForm(
        request.POST or None, initial={"roles": sorted(member.roles_in(clinic.pk))}
    )
    if request.method == "POST" and form.is_valid():
        try:
            staff_roles_set(
                actor=request_user(request),
                user=member,
                clinic=clinic,
                roles=form.cleaned_data["roles"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"Roles of {member.display_name()} saved.")
            return redirect("staff:list")
    return render(
        request,
        "accounts/staff_roles.html",
        {"form": form, "member": member, "clinic": clinic},
        status=400 if form.errors else 200,
    )


@clinic_permission_required(Permission.STAFF_MANAGE)
@require_POST
def staff_deactivate_view(request: HttpRequest, user_id: int) -> HttpResponse:
    clinic = active_clinic(request)
    member = _member_or_404(clinic, user_id)
    try:
        staff_deactivate(actor=request_user(request), user=member, clinic=clinic)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, f"{member.display_name()} is deactivated and signed out everywhere."
        )
    return redirect("staff:list")


@clinic_permission_required(Permission.STAFF_MANAGE)
@require_http_methods(["GET", "POST"])
def clinic_settings_view(request: HttpRequest) -> HttpResponse:
    clinic = Clinic.objects.get(pk=active_clinic(request).pk)
    form = ClinicSettingsForm(
        request.POST or None, instance=clinic, initial={"version": clinic.version}
    )
    if request.method == "POST" and form.is_valid():
        try:
            clinic_settings_update(
                actor=request_user(request),
                clinic=clinic,
                expected_version=form.cleaned_data["version"],
                data=form.cleaned_data,
            )
        except ClinicSettingsConflict:
            form.add_error(
                None,
                "Another administrator changed these settings while you were editing. "
                "Nothing was saved; reload the page to see their change.",
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Clinic settings saved.")
            return redirect("staff:clinic_settings")
    return render(
        request,
        "accounts/clinic_settings.html",
        {"form": form, "clinic": clinic},
        status=400 if form.errors else 200,
    )
