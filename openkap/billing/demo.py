"""Demo costs for `openkap demo`: each demo clinic's price list (single sessions by route and
setting, packages, evaluation, preparation, integration, psychotherapy, reassessment, one upcoming
price change), its payers with what they usually cover, and a saved estimate for each portal
patient with a plan, and charges from the demo's completed work with some payments (one reversed),
financing and sliding-scale notes. All synthetic clinic data: the payer terms are invented for the demo and say
so; they are not any real insurer's terms. Loaded once per clinic (skipped when it has prices)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from openkap.accounts.models import Clinic, Role, User
from openkap.billing import charge_services, selectors, services
from openkap.billing.models import (
    BillingNoteKind,
    ClinicBilling,
    EsketamineBilling,
    Payer,
    PayerKind,
    PaymentMethod,
    Price,
    PriceItem,
)
from openkap.dosing.models import DosingSession, SessionStatus
from openkap.patients.models import Patient
from openkap.plans.models import Appointment, AppointmentStatus, PlanStatus, TreatmentPlan
from openkap.portal.models import PortalAccount
from openkap.screening.models import Screening

DEMO_SOURCE = (
    "DEMO DATA (synthetic): invented for the demo clinic, not this insurer's real terms. A real "
    "clinic records here where it got its information (provider manual, benefits call, past claims)."
)
ESKETAMINE_SAVINGS = (
    "With the manufacturer's savings programme (commercial insurance only, patient enrols): the "
    "seeds quote about $10 per treatment; confirm for each patient."
)
GENERIC_NOT_COVERED = "Generic (racemic) ketamine for depression is off-label: usually not covered."

# name, service, route, setting, package sessions, codes, price (Brookline; Riverside +5%)
ITEMS: list[tuple[str, str, str, str, int | None, list[str], str]] = [
    ("Initial evaluation (prescriber)", "evaluation", "", "", None, ["90792"], "350.00"),
    ("Preparation session", "preparation", "", "", None, ["90837"], "200.00"),
    (
        "IV ketamine infusion",
        "dosing",
        "iv",
        "in_office",
        None,
        ["96365", "96366", "J3490"],
        "475.00",
    ),
    (
        "IV ketamine infusions, package of 6",
        "dosing",
        "iv",
        "in_office",
        6,
        ["96365", "96366", "J3490"],
        "2550.00",
    ),
    ("IM ketamine session (KAP)", "dosing", "im", "in_office", None, ["96372", "J3490"], "400.00"),
    ("IM ketamine sessions, package of 6", "dosing", "im", "in_office", 6, ["96372"], "2160.00"),
    (
        "Sublingual ketamine session in office (KAP)",
        "dosing",
        "sublingual",
        "in_office",
        None,
        ["99213", "0820T"],
        "375.00",
    ),
    ("Oral ketamine session in office", "dosing", "oral", "in_office", None, ["99213"], "325.00"),
    (
        "At-home sublingual ketamine session (telehealth)",
        "dosing",
        "sublingual",
        "at_home",
        None,
        ["99213"],
        "250.00",
    ),
    (
        "At-home sublingual sessions, package of 6",
        "dosing",
        "sublingual",
        "at_home",
        6,
        ["99213"],
        "1254.00",
    ),
    (
        "Esketamine treatment session (REMS-monitored)",
        "dosing",
        "intranasal_esketamine",
        "in_office",
        None,
        ["G2082", "G2083"],
        "885.00",
    ),
    ("Integration session", "integration", "", "in_office", None, ["90837"], "175.00"),
    ("Integration session (virtual)", "integration", "", "at_home", None, ["90837"], "150.00"),
    ("Psychotherapy session", "psychotherapy", "", "", None, ["90834"], "160.00"),
    ("Reassessment visit", "reassessment", "", "", None, ["99214"], "150.00"),
]
# The upcoming change shown on the price list: (item name, new Brookline price, days from today).
UPCOMING = ("IV ketamine infusion", "495.00", 60)

# name, kind, registration names, coverage [(service, route, method, copay, coinsurance %, note)]
Coverage = tuple[str, str, str, str | None, str | None, str]
PAYERS: list[tuple[str, str, list[str], list[Coverage]]] = [
    ("Self-pay", PayerKind.SELF_PAY, [], []),
    *(
        (
            f"{name} (demo terms)",
            PayerKind.COMMERCIAL,
            [name],
            [
                ("evaluation", "", "coinsurance", None, coinsurance, ""),
                ("preparation", "", "copay", copay, None, ""),
                ("integration", "", "copay", copay, None, "When billed as psychotherapy."),
                ("psychotherapy", "", "copay", copay, None, ""),
                ("reassessment", "", "copay", copay, None, ""),
                ("dosing", "", "not_covered", None, None, GENERIC_NOT_COVERED),
                (
                    "dosing",
                    "intranasal_esketamine",
                    "copay",
                    "10.00",
                    None,
                    ESKETAMINE_SAVINGS + " Prior authorisation usually required.",
                ),
            ],
        )
        for name, copay, coinsurance in [
            ("BlueCross BlueShield", "30.00", "20"),
            ("Aetna", "40.00", "20"),
            ("UnitedHealthcare", "35.00", "30"),
            ("Cigna", "25.00", "20"),
        ]
    ),
    (
        "Medicare (demo terms)",
        PayerKind.MEDICARE,
        ["Medicare"],
        [
            ("evaluation", "", "coinsurance", None, "20", ""),
            ("preparation", "", "coinsurance", None, "20", ""),
            ("integration", "", "coinsurance", None, "20", ""),
            ("psychotherapy", "", "coinsurance", None, "20", ""),
            ("reassessment", "", "coinsurance", None, "20", ""),
            ("dosing", "", "not_covered", None, None, GENERIC_NOT_COVERED),
            (
                "dosing",
                "intranasal_esketamine",
                "coinsurance",
                None,
                "20",
                "Billed as G2082/G2083. Manufacturer savings programmes do not apply to "
                "government insurance.",
            ),
        ],
    ),
]


def _manager(clinic: Clinic) -> User | None:
    return (
        User.objects.filter(
            memberships__clinic=clinic,
            memberships__role__in=[Role.BILLING, Role.CLINIC_ADMIN],
            is_demo_account=True,
        )
        .order_by("memberships__role", "username")
        .first()
    )


def _front_desk(clinic: Clinic) -> User | None:
    return (
        User.objects.filter(
            memberships__clinic=clinic,
            memberships__role__in=[Role.FRONT_DESK, Role.BILLING],
            is_demo_account=True,
        )
        .order_by("username")
        .first()
    )


def _scaled(amount: str, factor: Decimal) -> Decimal:
    return (Decimal(amount) * factor).quantize(Decimal("1"))  # whole dollars


@transaction.atomic
def load(*, clinic: Clinic, factor: Decimal = Decimal(1)) -> bool:
    if PriceItem.objects.filter(clinic=clinic).exists():
        return False
    manager = _manager(clinic)
    if manager is None:
        return False
    today = timezone.localdate()
    items = {}
    for name, service, route, setting, package, codes, price in ITEMS:
        items[name] = services.price_item_create(
            actor=manager,
            clinic=clinic,
            name=name,
            service=service,
            route=route,
            setting=setting,
            package_sessions=package,
            codes=codes,
            amount=_scaled(price, factor),
            effective_from=today,
        )
    name, price, days = UPCOMING
    services.price_add(
        actor=manager,
        item=items[name],
        amount=_scaled(price, factor),
        effective_from=today + timedelta(days=days),
        note="Annual price review (demo).",
    )
    for payer_name, kind, match_names, coverage in PAYERS:
        payer = services.payer_create(
            actor=manager,
            clinic=clinic,
            name=payer_name,
            kind=kind,
            information_source=(
                "Clinic policy: self-pay patients pay the list price."
                if not coverage
                else DEMO_SOURCE
            ),
            match_names="\n".join(match_names),
        )
        for service, route, method, copay, coinsurance, note in coverage:
            services.coverage_set(
                actor=manager,
                payer=payer,
                service=service,
                route=route,
                method=method,
                copay=Decimal(copay) if copay else None,
                coinsurance_percent=Decimal(coinsurance) if coinsurance else None,
                note=note,
            )
    _save_portal_estimates(clinic)
    _load_charges(clinic, items_from=today)
    return True


# Which demo payers bill esketamine split (drug per mg + visit codes); the others keep G2082/G2083.
SPLIT_ESKETAMINE = ("Aetna (demo terms)", "Cigna (demo terms)")


def _load_charges(clinic: Clinic, *, items_from: date) -> None:
    """Charges from the demo's signed sessions, done appointments and evaluations, and some
    payments. The demo's past work predates today's price list, so (demo only) the list's first
    prices are dated back to the earliest date of service; a real clinic's prices are never
    backdated (openkap.billing.services refuses it)."""
    Payer.objects.filter(clinic=clinic, name__in=SPLIT_ESKETAMINE).update(
        esketamine_billing=EsketamineBilling.SPLIT_S0013
    )
    ClinicBilling.objects.get_or_create(clinic=clinic, defaults={"tax_id": "00-0000000 (demo)"})
    starts = [
        timezone.localdate(moment)
        for moment in [
            *DosingSession.objects.filter(
                patient__clinic=clinic, status=SessionStatus.SIGNED
            ).values_list("appointment__starts_at", flat=True),
            *Appointment.objects.filter(
                patient__clinic=clinic, status=AppointmentStatus.DONE
            ).values_list("starts_at", flat=True),
            *Screening.objects.filter(patient__clinic=clinic, signed_at__isnull=False).values_list(
                "signed_at", flat=True
            ),
        ]
        if moment is not None
    ]
    if starts and min(starts) < items_from:
        Price.objects.filter(item__clinic=clinic, effective_from=items_from).update(
            effective_from=min(starts)
        )
    desk = _front_desk(clinic)
    if desk is None:
        return
    worked = (
        Patient.objects.filter(clinic=clinic, dosing_sessions__status=SessionStatus.SIGNED)
        .distinct()
        .order_by("mrn")
    )
    for turn, patient in enumerate(worked):
        result = charge_services.charges_generate(actor=desk, patient=patient)
        if not result.created:
            continue
        first = min(charge.date_of_service for charge in result.created)
        total = sum((charge.amount for charge in result.created), Decimal("0.00"))
        if turn % 3 == 0:  # paid about half, by HSA/FSA card and by card
            charge_services.payment_record(
                actor=desk,
                patient=patient,
                amount=(total / 4).quantize(Decimal("0.01")),
                method=PaymentMethod.HSA_FSA,
                received_on=first,
                reference="HSA card, receipt 1001 (demo)",
            )
            charge_services.payment_record(
                actor=desk,
                patient=patient,
                amount=(total / 4).quantize(Decimal("0.01")),
                method=PaymentMethod.CARD,
                received_on=timezone.localdate(),
                reference="Card ending 4242 (demo)",
            )
        elif turn % 3 == 1:  # a payment entered twice by mistake, reversed
            twice = charge_services.payment_record(
                actor=desk,
                patient=patient,
                amount=Decimal("100.00"),
                method=PaymentMethod.CARD,
                received_on=first,
            )
            charge_services.payment_record(
                actor=desk,
                patient=patient,
                amount=Decimal("100.00"),
                method=PaymentMethod.CARD,
                received_on=first,
            )
            charge_services.payment_reverse(actor=desk, entry=twice, reason="Entered twice (demo).")
            charge_services.billing_note_add(
                actor=desk,
                patient=patient,
                kind=BillingNoteKind.FINANCING,
                text="Financing through a medical credit provider, 12 monthly payments (demo).",
            )
        else:
            charge_services.billing_note_add(
                actor=desk,
                patient=patient,
                kind=BillingNoteKind.SLIDING_SCALE,
                text="Sliding scale agreed: 30% off the list price from the next session (demo).",
            )


def patient_with_charges(organisation_name: str) -> Patient | None:
    """A patient with charges and payments (for `openkap superbill --mrn`)."""
    return (
        Patient.objects.filter(
            clinic__organisation__name=organisation_name,
            charges__isnull=False,
            payments__isnull=False,
        )
        .distinct()
        .order_by("mrn")
        .first()
    )


def _save_portal_estimates(clinic: Clinic) -> None:
    """The estimate given to each portal patient with a plan, so "My costs" shows one."""
    desk = _front_desk(clinic)
    if desk is None:
        return
    for account in PortalAccount.objects.filter(patient__clinic=clinic).select_related("patient"):
        try:
            services.estimate_save(actor=desk, patient=account.patient)
        except ValidationError:  # no plan (or nothing priced): the portal simply shows none
            continue


def load_for_demo(*, organisation_name: str) -> bool:
    made = False
    clinics = Clinic.objects.filter(organisation__name=organisation_name).order_by("pk")
    for turn, clinic in enumerate(clinics):
        made = load(clinic=clinic, factor=Decimal(1) + Decimal("0.05") * turn) or made
    return made


def patient_with_plan(organisation_name: str) -> Patient | None:
    """A patient whose current plan has an estimate (for `openkap estimate --mrn`): a portal
    patient if one has a plan, else the first with an open plan."""
    plans = TreatmentPlan.objects.filter(
        patient__clinic__organisation__name=organisation_name,
        status__in=[PlanStatus.ACTIVE, PlanStatus.DRAFT],
    ).select_related("patient", "patient__clinic")
    candidates = sorted(
        plans,
        key=lambda p: (
            not PortalAccount.objects.filter(patient=p.patient).exists(),
            p.patient.mrn,
        ),
    )
    for plan in candidates:
        try:
            selectors.plan_estimate(plan.patient)
        except selectors.EstimateUnavailable:
            continue
        return plan.patient
    return None
