from __future__ import annotations

from django import forms


class ClinicRulesForm(forms.Form):
    text = forms.CharField(
        label="Local rules (TOML)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 14, "spellcheck": "false", "class": "code"}),
        help_text="New rules ([[rule]]) and stricter levels for pack rules ([[raise]]). "
        "A rule can never be made looser than the pack. Empty: the pack as it is.",
    )
    reason = forms.CharField(label="Reason for this change", max_length=500)
