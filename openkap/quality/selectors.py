"""Reads of the quality self-audit, scoped to one clinic: its licences and drills, and the plain facts
the checklist is decided from (openkap.clinical.quality.audit).

The shares (screening before the first dose, integration after dosing, questionnaires completed,
consent signed) are counted by the database, one aggregate query each, never by a Python loop over
patients or sessions.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.db.models import (
    Count,
    DateTimeField,
    Exists,
    ExpressionWrapper,
    F,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)
from django.template import TemplateDoesNotExist
from django.template.loader import get_template
from django.utils import timezone

from openkap.accounts.decorators import NotFoundForUser
from openkap.accounts.models import Clinic, Membership, User
from openkap.clinical import protocols
from openkap.clinical import quality as core
from openkap.consent.models import ConsentKind, SignedConsent
from openkap.consent.selectors import consent_current_documents
from openkap.dosing.models import DosingSession, SessionStatus
from openkap.integration.models import IntegrationNote, NoteStatus
from openkap.inventory.models import DeaRegistration, EntryKind, LedgerEntry
from openkap.knowledge.selectors import clinic_rule_pack
from openkap.outcomes.models import QuestionnaireAssignment
from openkap.patients.models import Patient
from openkap.plans.models import (
    Appointment,
    AppointmentKind,
    AppointmentStatus,
    PlanStatus,
    TreatmentPlan,
)
from openkap.portal.education import TOPICS
from openkap.quality.models import EmergencyDrill, RemsCertification, StaffCredential
from openkap.screening.models import Route, Screening, ScreeningStatus, Setting

ESKETAMINE = Route.INTRANASAL_ESKETAMINE


def clinic_today(clinic: Clinic) -> date:
    return datetime.now(ZoneInfo(clinic.timezone)).date()


# --- Licences, drills, certification --------------------------------------------------------------


def credentials_of(clinic: Clinic, *, include_retired: bool = False) -> QuerySet[StaffCredential]:
    rows = StaffCredential.objects.filter(clinic=clinic).select_related("holder")
    return rows if include_retired else rows.filter(retired_at__isnull=True)


def credential_get(*, clinic: Clinic, credential_id: int) -> StaffCredential:
    """A licence of the clinic (404 for another clinic's: its existence is not revealed)."""
    credential = credentials_of(clinic, include_retired=True).filter(pk=credential_id).first()
    if credential is None:
        raise NotFoundForUser(object_type="staff_credential", object_id=str(credential_id))
    return credential


def drills_of(clinic: Clinic) -> QuerySet[EmergencyDrill]:
    return (
        EmergencyDrill.objects.filter(clinic=clinic, retired_at__isnull=True)
        .select_related("recorded_by")
        .prefetch_related("participants")
    )


def drill_get(*, clinic: Clinic, drill_id: int) -> EmergencyDrill:
    drill = drills_of(clinic).filter(pk=drill_id).first()
    if drill is None:
        raise NotFoundForUser(object_type="emergency_drill", object_id=str(drill_id))
    return drill


def rems_certification_of(clinic: Clinic) -> RemsCertification | None:
    return RemsCertification.objects.filter(clinic=clinic).first()


def clinic_staff(clinic: Clinic) -> QuerySet[User]:
    """Active staff members of the clinic (the people a licence or a drill may name)."""
    return (
        User.objects.filter(memberships__clinic=clinic, is_active=True, kind=User.Kind.STAFF)
        .distinct()
        .order_by("last_name", "first_name", "username")
    )


def staff_members(clinic: Clinic) -> tuple[core.StaffMember, ...]:
    """The clinic's active staff with their roles and current (not retired) credentials."""
    roles: dict[int, set[str]] = defaultdict(set)
    users: dict[int, User] = {}
    for membership in Membership.objects.filter(
        clinic=clinic, user__is_active=True, user__kind=User.Kind.STAFF
    ).select_related("user"):
        roles[membership.user_id].add(membership.role)
        users[membership.user_id] = membership.user
    held: dict[int, list[core.Credential]] = defaultdict(list)
    for credential in credentials_of(clinic).filter(holder_id__in=list(users)):
        held[credential.holder_id].append(
            core.Credential(
                kind=credential.kind,
                expires_on=credential.expires_on,
                label=f"{credential.get_kind_display()} {credential.number}",
            )
        )
    return tuple(
        core.StaffMember(
            id=user_id,
            name=user.display_name(),
            roles=frozenset(roles[user_id]),
            credentials=tuple(held[user_id]),
        )
        for user_id, user in users.items()
    )


# --- The shares, counted by the database ----------------------------------------------------------


def _started_patients(clinic: Clinic) -> QuerySet[Patient]:
    """Patients who started treatment: a plan active or completed, or a dosing session."""
    return Patient.objects.filter(clinic=clinic).filter(
        Exists(
            TreatmentPlan.objects.filter(
                patient=OuterRef("pk"), status__in=[PlanStatus.ACTIVE, PlanStatus.COMPLETED]
            )
        )
        | Exists(DosingSession.objects.filter(patient=OuterRef("pk")))
    )


def screened_before_first_dose(clinic: Clinic) -> core.Share:
    """Of the patients who started treatment, those with a signed screening before their first
    dose (or, not yet dosed, a signed screening at all)."""
    first_dose = (
        DosingSession.objects.filter(patient=OuterRef("pk"), dose_started_at__isnull=False)
        .order_by("dose_started_at")
        .values("dose_started_at")[:1]
    )
    first_signed = (
        Screening.objects.filter(patient=OuterRef("pk"), status=ScreeningStatus.SIGNED)
        .order_by("signed_at")
        .values("signed_at")[:1]
    )
    counts = (
        _started_patients(clinic)
        .annotate(first_dose=Subquery(first_dose), first_signed=Subquery(first_signed))
        .aggregate(
            total=Count("pk"),
            screened=Count(
                "pk",
                filter=Q(first_signed__isnull=False)
                & (Q(first_dose__isnull=True) | Q(first_signed__lte=F("first_dose"))),
            ),
        )
    )
    return core.Share(numerator=counts["screened"], denominator=counts["total"])


def _integration_window_days(protocol_id: str, default: int) -> int | None:
    """Days after a dose within which its integration session is due; None when the protocol asks
    for none (e.g. esketamine under the label)."""
    try:
        integration = protocols.protocol(protocol_id).schedule.integration
    except (KeyError, protocols.ProtocolError):
        return default
    if integration.cadence == "none":
        return None
    return integration.within_days or default


def integration_followed(clinic: Clinic, *, now: datetime | None = None) -> core.Share:
    """Of the signed dosing sessions whose protocol asks for integration and whose window has
    closed (or that were already followed), those followed by an integration session in the window:
    an integration appointment of the patient done, or with a signed note, or a signed note that
    names the session."""
    now = now or timezone.now()
    default = core.checklist().integration_default_within_days
    signed = DosingSession.objects.filter(patient__clinic=clinic, status=SessionStatus.SIGNED)
    numerator = denominator = 0
    for protocol_id in signed.values_list("protocol_id", flat=True).distinct().order_by():
        within = _integration_window_days(protocol_id, default)
        if within is None:
            continue
        window = timedelta(days=within)
        window_end = ExpressionWrapper(
            OuterRef("appointment__starts_at") + window, output_field=DateTimeField()
        )
        followed = Exists(
            Appointment.objects.filter(
                patient=OuterRef("patient"),
                kind=AppointmentKind.INTEGRATION,
                starts_at__gte=OuterRef("appointment__starts_at"),
                starts_at__lte=window_end,
            ).filter(
                Q(status=AppointmentStatus.DONE) | Q(integration_note__status=NoteStatus.SIGNED)
            )
        ) | Exists(
            IntegrationNote.objects.filter(dosing_session=OuterRef("pk"), status=NoteStatus.SIGNED)
        )
        counts = (
            signed.filter(protocol_id=protocol_id)
            .annotate(followed=followed)
            .filter(Q(followed=True) | Q(appointment__starts_at__lt=now - window))
            .aggregate(total=Count("pk"), done=Count("pk", filter=Q(followed=True)))
        )
        numerator += counts["done"]
        denominator += counts["total"]
    return core.Share(numerator=numerator, denominator=denominator)


def questionnaires_completed(clinic: Clinic, *, now: datetime | None = None) -> core.Share:
    """Of the outcome questionnaires due by now (not withdrawn), those answered."""
    counts = QuestionnaireAssignment.objects.filter(
        patient__clinic=clinic, withdrawn_at__isnull=True, due_at__lte=now or timezone.now()
    ).aggregate(total=Count("pk"), done=Count("pk", filter=Q(response__isnull=False)))
    return core.Share(numerator=counts["done"], denominator=counts["total"])


def treatment_consent_signed(clinic: Clinic) -> core.Share:
    """Of the patients who started treatment, those with a signed, not withdrawn, consent to
    ketamine treatment."""
    counts = _started_patients(clinic).aggregate(
        total=Count("pk"),
        signed=Count(
            "pk",
            filter=Q(
                Exists(
                    SignedConsent.objects.filter(
                        patient=OuterRef("pk"),
                        kind=ConsentKind.KETAMINE_TREATMENT,
                        withdrawal__isnull=True,
                    )
                )
            ),
        ),
    )
    return core.Share(numerator=counts["signed"], denominator=counts["total"])


def education_pages() -> core.Share:
    present = 0
    for topic in TOPICS:
        try:
            get_template(f"portal/learn/{topic.slug}.html")
        except TemplateDoesNotExist:
            continue
        present += 1
    return core.Share(numerator=present, denominator=len(TOPICS))


# --- All the facts --------------------------------------------------------------------------------


def _protocols_in_use(clinic: Clinic) -> tuple[tuple[str, str], ...]:
    used = (
        TreatmentPlan.objects.filter(
            patient__clinic=clinic, status__in=[PlanStatus.ACTIVE, PlanStatus.COMPLETED]
        )
        .values_list("protocol_id", flat=True)
        .distinct()
        .order_by()
    )
    found = []
    # A clinic with no plan yet has the bundled protocols in force.
    for protocol_id in sorted(set(used)) or protocols.protocol_ids():
        try:
            protocol = protocols.protocol(protocol_id)
        except (KeyError, protocols.ProtocolError):
            found.append((protocol_id, "not found in the knowledge"))
            continue
        found.append((protocol.name, protocol.version))
    return tuple(found)


def audit_facts(clinic: Clinic, *, today: date | None = None) -> core.Facts:
    today = today or clinic_today(clinic)
    drills = drills_of(clinic)
    scenario_last = {
        row["scenario"]: row["last"]
        for row in drills.order_by().values("scenario").annotate(last=Max("held_on"))
    }
    plans = TreatmentPlan.objects.filter(patient__clinic=clinic)
    offers_esketamine = (
        plans.filter(route=ESKETAMINE).exists()
        or DosingSession.objects.filter(patient__clinic=clinic, plan__route=ESKETAMINE).exists()
    )
    rems = rems_certification_of(clinic)
    dea = DeaRegistration.objects.filter(clinic=clinic).first()
    last_count = LedgerEntry.objects.filter(clinic=clinic, kind=EntryKind.COUNT).aggregate(
        last=Max("occurred_at")
    )["last"]
    return core.Facts(
        today=today,
        staff=staff_members(clinic),
        last_drill_on=drills.aggregate(last=Max("held_on"))["last"],
        scenario_last_drilled=scenario_last,
        rule_pack_version=clinic_rule_pack(clinic=clinic).version,
        protocols=_protocols_in_use(clinic),
        screened_before_first_dose=screened_before_first_dose(clinic),
        integration_followed=integration_followed(clinic),
        questionnaires_completed=questionnaires_completed(clinic),
        consent_kinds_published=frozenset(consent_current_documents(clinic)),
        treatment_consent_signed=treatment_consent_signed(clinic),
        education_pages=education_pages(),
        offers_esketamine=offers_esketamine,
        offers_at_home=plans.filter(setting=Setting.AT_HOME).exists(),
        rems_certified=bool(rems and rems.certified),
        rems_number=rems.number if rems else "",
        dea_number=dea.number if dea else "",
        dea_expires_on=dea.expires_on if dea else None,
        last_inventory_on=(
            timezone.localtime(last_count, ZoneInfo(clinic.timezone)).date() if last_count else None
        ),
    )


def quality_audit(clinic: Clinic, *, today: date | None = None) -> core.Audit:
    return core.audit(audit_facts(clinic, today=today))
