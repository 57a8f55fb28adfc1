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
