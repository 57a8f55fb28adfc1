"""Forms of the ledger pages. They only parse input; the services decide and record."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone

from openkap.accounts.models import Clinic, User
from openkap.accounts.permissions import Permission, roles_with
from openkap.inventory.models import DosageForm, EntryKind, LedgerEntry, Lot, Product


def _lots(clinic: Clinic) -> QuerySet[Lot]:
    return (
        Lot.objects.filter(clinic=clinic)
        .select_related("product")
        .order_by("product__name", "expires_on", "lot_number")
    )


def witnesses_for(clinic: Clinic, actor: User) -> QuerySet[User]:
    """Who may witness a waste or a return: another active member of staff who records
    controlled substances in the clinic."""
    return (
        User.objects.filter(
            is_active=True,
            kind=User.Kind.STAFF,
            memberships__clinic=clinic,
            memberships__role__in=roles_with(Permission.CS_RECORD),
        )
        .exclude(pk=actor.pk)
        .distinct()
        .order_by("last_name", "first_name", "username")
    )


class LotChoiceField(forms.ModelChoiceField[Lot]):
    def label_from_instance(self, obj: Lot) -> str:
        return f"{obj.product.name} · lot {obj.lot_number} · expires {obj.expires_on}"


class WitnessChoiceField(forms.ModelChoiceField[User]):
    def label_from_instance(self, obj: User) -> str:
        return obj.display_name()


class ClinicForm(forms.Form):
    def __init__(self, *args: Any, clinic: Clinic, actor: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.clinic = clinic
        if "lot" in self.fields:
            self.fields["lot"].queryset = _lots(clinic)  # type: ignore[attr-defined]
        if "witness" in self.fields:
            self.fields["witness"].queryset = witnesses_for(clinic, actor)  # type: ignore[attr-defined]
        if "product" in self.fields:
            self.fields["product"].queryset = Product.objects.filter(  # type: ignore[attr-defined]
                clinic=clinic, active=True
            ).order_by("name")


class WitnessFields(ClinicForm):
    witness = WitnessChoiceField(
        label="Witness",
        queryset=User.objects.none(),
        help_text="Another nurse or prescriber, present now.",
    )
    witness_password = forms.CharField(
        label="Witness's password",
        widget=forms.PasswordInput(attrs={"autocomplete": "off"}),
        help_text="The witness types their own password.",
    )


class ReceiptForm(ClinicForm):
    kind = forms.ChoiceField(
        choices=[
            (EntryKind.RECEIPT.value, "Receipt from a supplier"),
            (EntryKind.TRANSFER_IN.value, "Transfer in from another registrant"),
        ]
    )
    product = forms.ModelChoiceField(queryset=Product.objects.none())
    lot_number = forms.CharField(max_length=40)
    expires_on = forms.DateField(label="Lot expiry", widget=forms.DateInput(attrs={"type": "date"}))
    containers = forms.DecimalField(
        label="Containers received", min_value=Decimal("0.001"), max_digits=10, decimal_places=3
    )
    invoice_number = forms.CharField(label="Invoice or order number", max_length=60)
    supplier_name = forms.CharField(label="Supplier (registrant) name", max_length=160)
    supplier_address = forms.CharField(label="Supplier address", max_length=255, required=False)
    supplier_dea = forms.CharField(label="Supplier DEA number", max_length=9, min_length=9)
    received_on = forms.DateField(
        label="Date actually received",
        widget=forms.DateInput(attrs={"type": "date"}),
        initial=timezone.localdate,
    )


class AdministrationForm(ClinicForm):
    lot = LotChoiceField(label="Lot", queryset=Lot.objects.none())
    amount_mg = forms.DecimalField(
        label="Amount given (mg)", min_value=Decimal("0.001"), max_digits=12, decimal_places=3
    )
    session_ref = forms.CharField(label="Dosing session reference", max_length=64)
    mrn = forms.CharField(label="Patient MRN", max_length=32, required=False)


class WasteForm(WitnessFields):
    lot = LotChoiceField(label="Lot", queryset=Lot.objects.none())
    amount_mg = forms.DecimalField(
        label="Amount wasted (mg)", min_value=Decimal("0.001"), max_digits=12, decimal_places=3
    )
    reason = forms.CharField(label="Manner and reason", max_length=500)
    session_ref = forms.CharField(label="Dosing session reference", max_length=64, required=False)
    field_order = ["lot", "amount_mg", "reason", "session_ref", "witness", "witness_password"]


class TransferOutForm(ClinicForm):
    lot = LotChoiceField(label="Lot", queryset=Lot.objects.none())
    amount_mg = forms.DecimalField(
        label="Amount transferred (mg)", min_value=Decimal("0.001"), max_digits=12, decimal_places=3
    )
    registrant_name = forms.CharField(label="Receiving registrant", max_length=160)
    registrant_dea = forms.CharField(label="Their DEA number", max_length=9, min_length=9)
    registrant_address = forms.CharField(label="Their address", max_length=255, required=False)
    invoice_number = forms.CharField(label="Invoice or transfer record number", max_length=60)
    transferred_on = forms.DateField(
        widget=forms.DateInput(attrs={"type": "date"}), initial=timezone.localdate
    )


class LossForm(ClinicForm):
    lot = LotChoiceField(label="Lot", queryset=Lot.objects.none())
    amount_mg = forms.DecimalField(
        label="Amount lost or stolen (mg)",
        min_value=Decimal("0.001"),
        max_digits=12,
        decimal_places=3,
    )
    discovered_on = forms.DateField(
        label="Date discovered", widget=forms.DateInput(attrs={"type": "date"})
    )
    reason = forms.CharField(label="What happened", max_length=1000, widget=forms.Textarea)


class CountForm(ClinicForm):
    lot = LotChoiceField(label="Lot", queryset=Lot.objects.none())
    counted_mg = forms.DecimalField(
        label="Amount counted (mg)", min_value=Decimal(0), max_digits=12, decimal_places=3
    )
    witness = WitnessChoiceField(label="Witness", queryset=User.objects.none(), required=False)
    witness_password = forms.CharField(
        label="Witness's password",
        required=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "off"}),
    )


class CorrectionForm(ClinicForm):
    entry = forms.IntegerField(label="Entry number to correct", min_value=1)
    amount_mg = forms.DecimalField(
        label="Change to the lot (mg, + or -)",
        help_text="e.g. +5 if 5 mg too much was recorded as given.",
        max_digits=12,
        decimal_places=3,
    )
    reason = forms.CharField(max_length=1000, widget=forms.Textarea)

    def clean_entry(self) -> LedgerEntry:
        number = self.cleaned_data["entry"]
        entry = LedgerEntry.objects.filter(clinic=self.clinic, pk=number).first()
        if entry is None:
            raise forms.ValidationError("There is no such entry in this clinic's ledger.")
        return entry


class ProductForm(forms.ModelForm[Product]):
    class Meta:
        model = Product
        fields = [
            "name",
            "substance",
            "dosage_form",
            "strength",
            "concentration_mg_per_ml",
            "container",
            "mg_per_container",
            "ndc",
            "ndc_verified",
        ]


class RegistrationForm(forms.Form):
    number = forms.CharField(label="DEA registration number", min_length=9, max_length=9)
    schedules = forms.CharField(max_length=40, initial="2, 2N, 3, 3N, 4, 5")
    expires_on = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))


class RangeForm(forms.Form):
    start = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("start") and data.get("end") and data["start"] > data["end"]:
            self.add_error("end", "The end date is before the start date.")
        return data


class InventoryForm(forms.Form):
    day = forms.DateField(label="As of", widget=forms.DateInput(attrs={"type": "date"}))
    at = forms.ChoiceField(
        label="Taken at",
        choices=[("open", "Opening of business"), ("close", "Close of business")],
    )
    purpose = forms.ChoiceField(
        choices=[("biennial", "Biennial inventory"), ("initial", "Initial inventory")]
    )


__all__ = ["DosageForm"]
