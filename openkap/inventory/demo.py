"""Demo controlled-substance ledgers for `openkap demo`: a DEA registration per clinic, products,
receipts of ketamine vials, esketamine devices and sublingual troches, administrations, witnessed
waste, a matching count and one with a discrepancy. All through the services (audited); synthetic
data only. Loaded once per clinic (skipped when the clinic's ledger has entries)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.contrib.sessions.backends.db import SessionStore
from django.http import HttpRequest
from django.test import RequestFactory
from django.utils import timezone

from openkap.accounts.models import Clinic, User
from openkap.demo.loading import password_checks_remembered
from openkap.inventory import services
from openkap.inventory.models import DosageForm, LedgerEntry, Lot, Product
from openkap.patients.models import Patient

# clinic: (DEA number (fictional, check digit valid), nurse, witness, administrator)
CLINICS = {
    "Harbor Mind Brookline": ("FB1234563", "nurse.okafor", "dr.chen", "admin.walsh"),
    "Harbor Mind Riverside": ("FR7654324", "nurse.mensah", "dr.park", "admin.walsh"),
}

# name, form, strength, mg/mL, container, mg per container, NDC (all unverified here)
PRODUCTS = [
    ("Ketamine HCl 50 mg/mL, 10 mL vial", DosageForm.INJECTION, "50 mg/mL", 50, "10 mL vial", 500),
    ("Ketamine HCl 100 mg/mL, 5 mL vial", DosageForm.INJECTION, "100 mg/mL", 100, "5 mL vial", 500),
    ("Ketamine HCl 10 mg/mL, 20 mL vial", DosageForm.INJECTION, "10 mg/mL", 10, "20 mL vial", 200),
    ("Esketamine 28 mg nasal device", DosageForm.NASAL, "28 mg", None, "1 device", 28),
    (
        "Ketamine 100 mg sublingual troche (compounded)",
        DosageForm.SUBLINGUAL,
        "100 mg",
        None,
        "1 troche",
        100,
    ),
]
ESKETAMINE_NDC = "50458-028-02"  # as commonly listed for the 28 mg device; not verified here


def _request(user: User) -> HttpRequest:
    request = RequestFactory().post("/inventory/demo/")
    request.user = user
    request.session = SessionStore()
    return request


def _products(clinic: Clinic, admin: User) -> dict[str, Product]:
    products = {}
    for name, form, strength, per_ml, container, per_container in PRODUCTS:
        existing = Product.objects.filter(clinic=clinic, name=name).first()
        products[name] = existing or services.product_add(
            actor=admin,
            clinic=clinic,
            name=name,
            substance="esketamine" if form == DosageForm.NASAL else "ketamine",
            dosage_form=form,
            strength=strength,
            concentration_mg_per_ml=Decimal(per_ml) if per_ml else None,
            container=container,
            mg_per_container=Decimal(per_container),
            ndc=ESKETAMINE_NDC if form == DosageForm.NASAL else "",
            ndc_verified=False,
        )
    return products


def load_clinic(*, clinic: Clinic, password: str) -> bool:
    dea, nurse_name, witness_name, admin_name = CLINICS[clinic.name]
    users = {u.username: u for u in User.objects.filter(username__in=CLINICS[clinic.name][1:])}
    if len(users) < 3 or LedgerEntry.objects.filter(clinic=clinic).exists():
        return False
    nurse, witness, admin = users[nurse_name], users[witness_name], users[admin_name]
    today = timezone.localdate()
    services.registration_set(
        actor=admin,
        clinic=clinic,
        number=dea,
        schedules="2, 2N, 3, 3N, 4, 5",
        expires_on=today + timedelta(days=400),
    )
    products = _products(clinic, admin)
    vial = products[PRODUCTS[0][0]]
    device = products[PRODUCTS[3][0]]
    received = today - timedelta(days=20)
    vials = services.ledger_receive(
        actor=nurse,
        clinic=clinic,
        product=vial,
        lot_number=f"{clinic.mrn_prefix}-KT2417",
        expires_on=today + timedelta(days=540),
        containers=Decimal(10),
        invoice_number=f"INV-{clinic.mrn_prefix}-0412",
        supplier_name="Demo Medical Supply (fictional)",
        supplier_address="100 Wholesale Way, Worcester, MA",
        supplier_dea="RD1111119",
        received_on=received,
    ).lot
    devices = services.ledger_receive(
        actor=nurse,
        clinic=clinic,
        product=device,
        lot_number=f"{clinic.mrn_prefix}-ES0931",
        expires_on=today + timedelta(days=300),
        containers=Decimal(24),
        invoice_number=f"INV-{clinic.mrn_prefix}-0413",
        supplier_name="Specialty Distribution (fictional)",
        supplier_dea="RS2222228",
        received_on=received,
    ).lot
    troche = products[PRODUCTS[4][0]]
    services.ledger_receive(
        actor=nurse,
        clinic=clinic,
        product=troche,
        lot_number=f"{clinic.mrn_prefix}-SL0522",
        expires_on=today + timedelta(days=180),
        containers=Decimal(30),
        invoice_number=f"INV-{clinic.mrn_prefix}-0414",
        supplier_name="Bay State Compounding Pharmacy (fictional)",
        supplier_address="42 Apothecary Row, Framingham, MA",
        supplier_dea="RB3333337",
        received_on=received,
    )
    patients = list(Patient.objects.filter(clinic=clinic).order_by("mrn")[:3])
    for number, patient in enumerate(patients, start=1):
        services.ledger_administer(
            actor=nurse,
            clinic=clinic,
            lot=vials,
            amount_mg=Decimal(35),
            wasted_mg=Decimal(5),
            witness=witness,
            witness_password=password,
            request=_request(nurse),
            session_ref=f"demo-iv-{clinic.mrn_prefix}-{number}",
            patient=patient,
        )
        services.ledger_administer(
            actor=nurse,
            clinic=clinic,
            lot=devices,
            amount_mg=Decimal(56),
            session_ref=f"demo-esk-{clinic.mrn_prefix}-{number}",
            patient=patient,
        )
    services.ledger_waste(
        actor=nurse,
        clinic=clinic,
        lot=vials,
        amount_mg=Decimal(20),
        reason="Drawn up, not given (dose changed); into a drug-disposal container",
        witness=witness,
        witness_password=password,
        request=_request(nurse),
    )
    # A count that matches the ledger, and one short by 2 mg (flagged for reconciliation).
    services.ledger_count(
        actor=nurse,
        clinic=clinic,
        lot=devices,
        counted_mg=services.lot_balance(devices),
        witness=witness,
        witness_password=password,
        request=_request(nurse),
    )
    services.ledger_count(
        actor=nurse,
        clinic=clinic,
        lot=vials,
        counted_mg=services.lot_balance(vials) - Decimal(2),
        witness=witness,
        witness_password=password,
        request=_request(nurse),
    )
    return True


def load_for_demo(*, organisation_name: str, password: str) -> bool:
    created = False
    for name in CLINICS:
        clinic = Clinic.objects.filter(organisation__name=organisation_name, name=name).first()
        if clinic is not None:
            with password_checks_remembered():
                created = load_clinic(clinic=clinic, password=password) or created
    return created


__all__ = ["Lot", "load_for_demo"]
