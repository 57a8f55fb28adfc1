from __future__ import annotations

from django import forms

from openkap.consent.models import ConsentKind


class SignForm(forms.Form):
    # The version the page showed: signing is refused if a newer one was published meanwhile.
    document = forms.IntegerField(widget=forms.HiddenInput)
    understood = forms.BooleanField(
        label="I have read and understood this document, and I had the chance to ask questions.",
        required=False,
    )
    typed_name = forms.CharField(
        label="Type your full legal name to sign",
        max_length=300,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
        help_text="First and last name, as on your ID (your middle name is optional).",
    )


class PublishForm(forms.Form):
    title = forms.CharField(max_length=200)
    body = forms.CharField(
        label="Text",
        widget=forms.Textarea(attrs={"rows": 24}),
        strip=False,
        help_text='Plain text. A line starting with "## " is a heading, "- " a list item; '
        "a blank line starts a new paragraph.",
    )
    basis = forms.CharField(
        label="Basis (sources)",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="What the text rests on: label sections, guidance, clinic policy.",
    )
    change_summary = forms.CharField(
        label="What changed",
        max_length=300,
        required=False,
        help_text="Shown to patients who must re-consent. Needed from version 2 on.",
    )


class WithdrawForm(forms.Form):
    kind = forms.ChoiceField(choices=ConsentKind.choices, widget=forms.HiddenInput)
    reason = forms.CharField(label="How the patient withdrew", max_length=500, required=False)


class TabletStartForm(forms.Form):
    kind = forms.ChoiceField(choices=ConsentKind.choices)
