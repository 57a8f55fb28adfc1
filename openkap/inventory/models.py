"""The controlled-substance ledger (DEA Schedule III: ketamine, esketamine).

Entries are append-only: never updated or deleted (the services refuse it; on PostgreSQL a trigger
refuses it at the database). A lot's balance is the sum of its entries' signed amounts, computed by
the database; no balance is ever stored or typed in. Corrections are new entries that name the
entry they correct and give a reason.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models


class DeaRegistration(models.Model):
    """The clinic's DEA registration (one per registered location)."""

    clinic = models.OneToOneField(
        "accounts.Clinic", on_delete=models.PROTECT, related_name="dea_registration"
    )
    number = models.CharField("DEA registration number", max_length=9)
    schedules = models.CharField(
        max_length=40, help_text="The schedules the registration covers, e.g. 2, 2N, 3, 3N, 4, 5."
    )
    expires_on = models.DateField("expires on")
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return self.number


class DosageForm(models.TextChoices):
    INJECTION = "injection", "Injection (vial)"
    NASAL = "nasal", "Nasal spray device"
    SUBLINGUAL = "sublingual", "Sublingual (compounded)"
    ORAL = "oral", "Oral (compounded)"


class Product(models.Model):
    """A finished form the clinic stocks: substance, strength and container (1304.22(c))."""

    clinic = models.ForeignKey("accounts.Clinic", on_delete=models.PROTECT, related_name="+")
    name = models.CharField(max_length=120)
    substance = models.CharField(max_length=60, default="ketamine")
    dosage_form = models.CharField(max_length=16, choices=DosageForm.choices)
    strength = models.CharField(max_length=40, help_text="As labelled, e.g. 50 mg/mL or 28 mg.")
    concentration_mg_per_ml = models.DecimalField(
        max_digits=8, decimal_places=3, null=True, blank=True
    )
    container = models.CharField(max_length=60, help_text="e.g. 10 mL vial, 1 device.")
    mg_per_container = models.DecimalField(max_digits=10, decimal_places=3)
    ndc = models.CharField("NDC", max_length=14, blank=True)
    ndc_verified = models.BooleanField("NDC verified", default=False)
    active = models.BooleanField(default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["clinic", "name"], name="inventory_product_unique_name")
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.strength}, {self.container})"


class Lot(models.Model):
    """One manufacturer's lot of a product at a clinic. Its row is locked to serialise appends."""

    clinic = models.ForeignKey("accounts.Clinic", on_delete=models.PROTECT, related_name="+")
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="lots")
    lot_number = models.CharField(max_length=40)
    expires_on = models.DateField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["clinic", "product", "lot_number"], name="inventory_lot_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.product.name} lot {self.lot_number}"


class EntryKind(models.TextChoices):
    RECEIPT = "receipt", "Receipt"
    ADMINISTRATION = "administration", "Administration"
    WASTE = "waste", "Waste"
    TRANSFER_OUT = "transfer_out", "Transfer out"
    TRANSFER_IN = "transfer_in", "Transfer in"
    LOSS = "loss", "Loss or theft"
    COUNT = "count", "Physical count"
    CORRECTION = "correction", "Correction"
    # At-home programme (openkap/athome): doses handed over or shipped to a patient, and leftovers
    # the patient gives back (recorded in, then destroyed by a witnessed waste entry).
    DISPENSED_HOME = "dispensed_home", "Dispensed for home use"
    RETURNED = "returned", "Returned by a patient"


# Kinds that take stock out of a lot: refused if they would make its balance negative.
OUTGOING = frozenset(
    {
        EntryKind.ADMINISTRATION,
        EntryKind.WASTE,
        EntryKind.TRANSFER_OUT,
        EntryKind.LOSS,
        EntryKind.DISPENSED_HOME,
    }
)


class LedgerEntry(models.Model):
    """One append-only line of the ledger. `amount_mg` is signed: + into the lot, - out of it."""

    sequence = models.BigAutoField(primary_key=True)
    clinic = models.ForeignKey("accounts.Clinic", on_delete=models.PROTECT, related_name="+")
    lot = models.ForeignKey(Lot, on_delete=models.PROTECT, related_name="entries")
    kind = models.CharField(max_length=16, choices=EntryKind.choices)
    occurred_at = models.DateTimeField(help_text="When it actually happened (date received, ...).")
    recorded_at = models.DateTimeField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    amount_mg = models.DecimalField(max_digits=12, decimal_places=3, default=Decimal(0))
    containers = models.DecimalField(max_digits=10, decimal_places=3, null=True, blank=True)
    # Receipt / transfer: the other registrant.
    invoice_number = models.CharField(max_length=60, blank=True)
    counterparty_name = models.CharField(max_length=160, blank=True)
    counterparty_address = models.CharField(max_length=255, blank=True)
    counterparty_dea = models.CharField(max_length=9, blank=True)
    # Administration: the dosing session (its app calls ledger_administer) and the patient.
    session_ref = models.CharField(max_length=64, blank=True)
    patient = models.ForeignKey(
        "patients.Patient", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Waste, count: the second person, who re-authenticated when witnessing.
    witness = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    witnessed_at = models.DateTimeField(null=True, blank=True)
    reason = models.TextField(blank=True, help_text="Waste manner, loss circumstances, correction.")
    # Loss / theft.
    discovered_on = models.DateField(null=True, blank=True)
    notice_due_on = models.DateField(null=True, blank=True)
    form_106_due_on = models.DateField(null=True, blank=True)
    # Count: what was counted and the derived balance at that moment.
    counted_mg = models.DecimalField(max_digits=12, decimal_places=3, null=True, blank=True)
    expected_mg = models.DecimalField(max_digits=12, decimal_places=3, null=True, blank=True)
    # Correction: the entry it corrects.
    corrects = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="corrections"
    )

    class Meta:
        indexes = [
            models.Index(fields=["clinic", "occurred_at"]),
            models.Index(fields=["lot", "occurred_at"]),
        ]

    def __str__(self) -> str:
        return f"#{self.sequence} {self.kind} {self.amount_mg} mg"

    @property
    def discrepancy_mg(self) -> Decimal | None:
        if self.kind != EntryKind.COUNT or self.counted_mg is None or self.expected_mg is None:
            return None
        return self.counted_mg - self.expected_mg


class RefusedDraw(models.Model):
    """An attempt to take more from a lot than its balance: refused, and kept for reconciliation."""

    clinic = models.ForeignKey("accounts.Clinic", on_delete=models.PROTECT, related_name="+")
    lot = models.ForeignKey(Lot, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=16, choices=EntryKind.choices)
    amount_mg = models.DecimalField(max_digits=12, decimal_places=3)
    balance_mg = models.DecimalField(max_digits=12, decimal_places=3)
    attempted_at = models.DateTimeField()
    attempted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    def __str__(self) -> str:
        return f"refused {self.kind} of {self.amount_mg} mg (balance {self.balance_mg} mg)"
