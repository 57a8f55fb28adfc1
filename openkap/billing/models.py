"""The clinic's price list (items with dated prices, packages), its payers and what they usually
cover (clinic data: never facts the software asserts), each patient's payer, and the cost estimates
the clinic gave a patient (snapshots with the prices they used).

Later charges should reference a PriceItem, the Price in force and the item's codes, so a charge
says what it was billed as and at what price."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from openkap.clinical.costs import SERVICE_LABELS
from openkap.patients.models import Patient
from openkap.screening.models import Route, Setting


class Service(models.TextChoices):
    EVALUATION = "evaluation", SERVICE_LABELS["evaluation"]
    PREPARATION = "preparation", SERVICE_LABELS["preparation"]
    DOSING = "dosing", SERVICE_LABELS["dosing"]
    INTEGRATION = "integration", SERVICE_LABELS["integration"]
    PSYCHOTHERAPY = "psychotherapy", SERVICE_LABELS["psychotherapy"]
    REASSESSMENT = "reassessment", SERVICE_LABELS["reassessment"]


class PriceItem(models.Model):
    """Something the clinic charges for: one session of a service (for dosing: by route and
    setting), or a package of package_sessions sessions at a package price. Its price is never
    edited: each change is a new Price with a later effective date."""

    clinic = models.ForeignKey("accounts.Clinic", on_delete=models.PROTECT, related_name="+")
    name = models.CharField(max_length=200)
    service = models.CharField(max_length=16, choices=Service.choices)
    route = models.CharField(max_length=24, choices=Route.choices, blank=True)
    setting = models.CharField(max_length=12, choices=Setting.choices, blank=True)
    package_sessions = models.PositiveSmallIntegerField(
        "sessions in the package", null=True, blank=True
    )
    # HCPCS/CPT code numbers from openkap/clinical/knowledge/billing/codes.toml.
    codes = models.JSONField(default=list, blank=True)
    description = models.TextField("what is included", blank=True)
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["clinic", "name"], name="price_item_unique_name"),
            models.CheckConstraint(
                condition=Q(service="dosing") | Q(route=""), name="price_item_route_only_dosing"
            ),
            models.CheckConstraint(
                condition=Q(package_sessions__isnull=True) | Q(package_sessions__gte=2),
                name="price_item_package_of_two_or_more",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Price(models.Model):
    """The item's price from effective_from until the next price's date. Append-only."""

    item = models.ForeignKey(PriceItem, on_delete=models.PROTECT, related_name="prices")
    amount = models.DecimalField(max_digits=10, decimal_places=2)
    currency = models.CharField(max_length=3, default="USD")
    effective_from = models.DateField()
    note = models.CharField("reason for the change", max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["item", "effective_from"], name="price_one_per_date"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="price_not_negative"),
        ]
        indexes = [models.Index(fields=["item", "effective_from"])]

    def __str__(self) -> str:
        return f"{self.item} {self.amount} from {self.effective_from}"


class PayerKind(models.TextChoices):
    SELF_PAY = "self_pay", "Self-pay"
    COMMERCIAL = "commercial", "Commercial insurance"
    MEDICARE = "medicare", "Medicare"
    MEDICAID = "medicaid", "Medicaid"
    OTHER = "other", "Other"


class EsketamineBilling(models.TextChoices):
    BUNDLED = "bundled", "Bundled G codes (G2082 / G2083 by dose)"
    SPLIT_S0013 = "split_s0013", "Drug S0013 per mg + visit and observation codes"
    SPLIT_J0013 = "split_j0013", "Drug J0013 per mg + visit and observation codes"


class Payer(models.Model):
    """Who pays: an insurer (or self-pay), as the clinic knows it. match_names lists the names
    patients register with (one per line), to suggest this payer for them."""

    clinic = models.ForeignKey("accounts.Clinic", on_delete=models.PROTECT, related_name="+")
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=12, choices=PayerKind.choices)
    match_names = models.TextField("names patients register with (one per line)", blank=True)
    information_source = models.TextField(
        "where the clinic got this coverage information",
        help_text="E.g. the payer's provider manual, a benefits call on a date, past claims.",
    )
    notes = models.TextField(blank=True)
    # How the clinic bills esketamine sessions to this payer (its own knowledge of the payer).
    esketamine_billing = models.CharField(
        "esketamine billing",
        max_length=12,
        choices=EsketamineBilling.choices,
        default=EsketamineBilling.BUNDLED,
    )
    active = models.BooleanField(default=True)
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["clinic", "name"], name="payer_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name


class CoverageMethod(models.TextChoices):
    NOT_COVERED = "not_covered", "Usually not covered"
    COPAY = "copay", "Covered with a copay per session"
    COINSURANCE = "coinsurance", "Covered with coinsurance (patient pays a share)"
    COVERED = "covered", "Usually covered in full"


class CoverageRule(models.Model):
    """What a payer usually covers for a service (for dosing, optionally per route), as the clinic
    recorded it. A default (route blank) applies to every route without a rule of its own."""

    payer = models.ForeignKey(Payer, on_delete=models.PROTECT, related_name="coverage")
    service = models.CharField(max_length=16, choices=Service.choices)
    route = models.CharField(max_length=24, choices=Route.choices, blank=True)
    method = models.CharField(max_length=12, choices=CoverageMethod.choices)
    copay = models.DecimalField(
        "copay per session", null=True, blank=True, max_digits=10, decimal_places=2
    )
    coinsurance_percent = models.DecimalField(
        "patient's share (%)", max_digits=5, decimal_places=2, null=True, blank=True
    )
    note = models.TextField(blank=True, help_text="E.g. the manufacturer's savings programme.")
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["payer", "service", "route"], name="coverage_one_per_service_route"
            ),
            models.CheckConstraint(
                condition=~Q(method="copay") | Q(copay__isnull=False, copay__gte=0),
                name="coverage_copay_has_amount",
            ),
            models.CheckConstraint(
                condition=~Q(method="coinsurance")
                | Q(coinsurance_percent__gte=0, coinsurance_percent__lte=100),
                name="coverage_coinsurance_has_share",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.payer}: {self.service} {self.route or 'any route'} {self.method}"


class PatientPayer(models.Model):
    """Which clinic payer the patient's registered insurance is (set by front desk or billing)."""

    patient = models.OneToOneField(Patient, on_delete=models.PROTECT, related_name="billing_payer")
    payer = models.ForeignKey(Payer, on_delete=models.PROTECT, related_name="+")
    registered_as = models.CharField(max_length=200, blank=True)
    set_at = models.DateTimeField(auto_now=True)
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    def __str__(self) -> str:
        return f"patient {self.patient_id}: {self.payer}"


class SavedEstimate(models.Model):
    """An estimate the clinic gave the patient: the lines, totals, explanations and the prices and
    coverage it used, as they were. Never edited; a new estimate is a new row."""

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="cost_estimates")
    plan = models.ForeignKey("plans.TreatmentPlan", on_delete=models.PROTECT, related_name="+")
    payer = models.ForeignKey(
        Payer, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    payer_name = models.CharField(max_length=200)
    priced_on = models.DateField("prices in force on")
    total = models.DecimalField(max_digits=10, decimal_places=2)
    patient_total = models.DecimalField(max_digits=10, decimal_places=2)
    currency = models.CharField(max_length=3, default="USD")
    # The whole estimate: lines (with item and price ids, codes, coverage explanation), choices,
    # assumptions. Money as strings with two decimals.
    snapshot = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        indexes = [models.Index(fields=["patient", "created_at"])]

    def __str__(self) -> str:
        return f"estimate {self.pk} for patient {self.patient_id}"


class CodeDescriptor(models.Model):
    """A clinic's own descriptor for a code (e.g. from its CPT licence). OpenKAP ships no CPT
    descriptors; without a row here a CPT code is shown by its number only."""

    clinic = models.ForeignKey("accounts.Clinic", on_delete=models.PROTECT, related_name="+")
    code = models.CharField(max_length=10)
    descriptor = models.TextField()
    loaded_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["clinic", "code"], name="descriptor_one_per_code"),
        ]

    def __str__(self) -> str:
        return self.code


# --- Charges, payments, balances (issue 7 item 3) --------------------------------------------------


class ClinicBilling(models.Model):
    """The clinic's billing identifiers printed on superbills (optional)."""

    clinic = models.OneToOneField("accounts.Clinic", on_delete=models.PROTECT, related_name="+")
    npi = models.CharField("NPI (type 2, the clinic)", max_length=10, blank=True)
    tax_id = models.CharField("Tax ID (EIN)", max_length=20, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"billing identifiers of clinic {self.clinic_id}"


class ChargeSource(models.TextChoices):
    DOSING_SESSION = "dosing_session", "Signed dosing session"
    APPOINTMENT = "appointment", "Appointment done"
    EVALUATION = "evaluation", "Signed evaluation (screening)"


class Charge(models.Model):
    """What the clinic charged for one completed piece of work, at the price in force on the date of
    service. Never edited; one per source (generating again charges nothing twice)."""

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="charges")
    date_of_service = models.DateField()
    source = models.CharField(max_length=16, choices=ChargeSource.choices)
    appointment = models.OneToOneField(
        "plans.Appointment", null=True, blank=True, on_delete=models.PROTECT, related_name="charge"
    )
    session = models.OneToOneField(
        "dosing.DosingSession",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="charge",
    )
    screening = models.OneToOneField(
        "screening.Screening",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="charge",
    )
    item = models.ForeignKey(PriceItem, on_delete=models.PROTECT, related_name="+")
    price = models.ForeignKey(Price, on_delete=models.PROTECT, related_name="+")
    description = models.CharField(max_length=200)
    quantity = models.PositiveSmallIntegerField(default=1)
    unit_price = models.DecimalField(max_digits=10, decimal_places=2)
    amount = models.DecimalField(max_digits=10, decimal_places=2)
    currency = models.CharField(max_length=3, default="USD")
    # [{"code", "units", "why"}]: HCPCS/CPT numbers (codes.toml), and the rule versions used.
    codes = models.JSONField(default=list)
    rules_version = models.CharField(max_length=40)
    diagnosis_code = models.CharField("diagnosis (ICD-10-CM)", max_length=10)
    payer = models.ForeignKey(
        Payer, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    payer_name = models.CharField(max_length=200)
    provider = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="charge_not_negative"),
            models.CheckConstraint(
                condition=(
                    Q(source="dosing_session", session__isnull=False)
                    | Q(source="appointment", appointment__isnull=False, session__isnull=True)
                    | Q(source="evaluation", screening__isnull=False, appointment__isnull=True)
                ),
                name="charge_names_its_source",
            ),
        ]
        indexes = [models.Index(fields=["patient", "date_of_service"])]

    def __str__(self) -> str:
        return f"charge {self.pk} {self.date_of_service} {self.amount}"


class PaymentMethod(models.TextChoices):
    CARD = "card", "Card"
    CASH = "cash", "Cash"
    CHECK = "check", "Check"
    HSA_FSA = "hsa_fsa", "HSA/FSA card"
    FINANCING = "financing", "Financing"
    INSURANCE = "insurance", "Insurance"


class EntryKind(models.TextChoices):
    PAYMENT = "payment", "Payment"
    ADJUSTMENT = "adjustment", "Insurance adjustment"
    REVERSAL = "reversal", "Reversal"


class PaymentEntry(models.Model):
    """A payment, an insurance adjustment, or the reversal of one (with its reason). Never edited:
    a mistake is corrected by a reversing entry. amount is what it takes off the balance (a
    reversal's is negative)."""

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="payments")
    kind = models.CharField(max_length=10, choices=EntryKind.choices)
    received_on = models.DateField()
    amount = models.DecimalField(max_digits=10, decimal_places=2)
    currency = models.CharField(max_length=3, default="USD")
    method = models.CharField(max_length=10, choices=PaymentMethod.choices)
    reference = models.CharField(max_length=100, blank=True)
    reverses = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="reversed_by"
    )
    reason = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(kind="reversal", reverses__isnull=False, amount__lt=0) & ~Q(reason="")
                    | ~Q(kind="reversal") & Q(reverses__isnull=True, amount__gt=0)
                ),
                name="payment_entry_sign_and_reversal",
            ),
        ]
        indexes = [models.Index(fields=["patient", "received_on"])]

    def __str__(self) -> str:
        return f"{self.kind} {self.pk} {self.amount}"


class BillingNoteKind(models.TextChoices):
    FINANCING = "financing", "Financing"
    SLIDING_SCALE = "sliding_scale", "Sliding scale"
    OTHER = "other", "Other"


class BillingNote(models.Model):
    """A note on the patient's billing page (financing plan, sliding-scale agreement). Append-only."""

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="billing_notes")
    kind = models.CharField(max_length=14, choices=BillingNoteKind.choices)
    text = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    def __str__(self) -> str:
        return f"{self.kind} note {self.pk}"
