"""The patient's questionnaires in the portal: the list of those open now, one instrument per page
(phone-friendly), and the page after sending, which shows crisis resources at once when an answer
indicates suicide risk."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from openkap.audit.models import Action, Category
from openkap.audit.services import audit_record
from openkap.clinical import instruments
from openkap.outcomes import selectors as outcomes_selectors
from openkap.outcomes import services as outcomes_services
from openkap.outcomes.forms import QuestionnaireForm
from openkap.outcomes.models import QuestionnaireAssignment
from openkap.portal.decorators import patient_required, portal_account


def _assignment(request: HttpRequest, assignment_id: int) -> QuestionnaireAssignment:
    account = portal_account(request)
    found = (
        QuestionnaireAssignment.objects.select_related("response")
        .filter(pk=assignment_id, patient=account.patient)
        .first()
    )
    if found is None:
        raise Http404("No such questionnaire.")
    return found


@patient_required
@require_GET
@transaction.atomic
def questionnaires_view(request: HttpRequest) -> HttpResponse:
    account = portal_account(request)
    open_now = outcomes_selectors.assignments_open_for_patient(account.patient)
    audit_record(
        action=Action.READ,
        category=Category.OUTCOMES,
        actor=account.user,
        patient=account.patient,
        object_type="patient",
        object_id=account.patient.pk,
        detail={"view": "portal questionnaires", "count": len(open_now)},
    )
    # One entry per instrument: answering it answers every one of its kind open now.
    first = {a.instrument_id: a for a in reversed(open_now)}
    rows = [
        (a, instruments.instrument(a.instrument_id))
        for a in open_now
        if first[a.instrument_id] is a
    ]
    return render(request, "portal/questionnaires.html", {"rows": rows})


@patient_required
@require_http_methods(["GET", "POST"])
def questionnaire_view(request: HttpRequest, assignment_id: int) -> HttpResponse:
    account = portal_account(request)
    assignment = _assignment(request, assignment_id)
    if assignment.response_id is not None:
        return redirect("portal:questionnaire_done", assignment_id=assignment.pk)
    inst = instruments.instrument(assignment.instrument_id)
    form = QuestionnaireForm(inst, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            outcomes_services.response_submit(
                actor=account.user,
                patient=account.patient,
                instrument_id=inst.id,
                answers=form.answers(),
                assignment=assignment,
                alert_link=request.build_absolute_uri(reverse("outcomes:alerts")),
            )
        except ValidationError as error:
            form.add_error(None, "; ".join(error.messages))
        except outcomes_services.AlreadyCompleted:
            return redirect("portal:questionnaire_done", assignment_id=assignment.pk)
        else:
            return redirect("portal:questionnaire_done", assignment_id=assignment.pk)
    return render(
        request,
        "portal/questionnaire.html",
        {"assignment": assignment, "instrument": inst, "form": form},
        status=400 if form.errors else 200,
    )


@patient_required
@require_GET
@transaction.atomic
def questionnaire_done_view(request: HttpRequest, assignment_id: int) -> HttpResponse:
    account = portal_account(request)
    assignment = _assignment(request, assignment_id)
    if assignment.response is None:
        return redirect("portal:questionnaire", assignment_id=assignment.pk)
    audit_record(
        action=Action.READ,
        category=Category.OUTCOMES,
        actor=account.user,
        patient=account.patient,
        object_type="questionnaire_response",
        object_id=assignment.response.pk,
        detail={"view": "portal questionnaire done"},
    )
    return render(
        request,
        "portal/questionnaire_done.html",
        {
            "assignment": assignment,
            "instrument": instruments.instrument(assignment.instrument_id),
            "risk": assignment.response.suicide_risk,
            "remaining": len(outcomes_selectors.assignments_open_for_patient(account.patient)),
        },
    )
