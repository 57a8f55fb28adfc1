from __future__ import annotations

from django import forms


class NoteForm(forms.Form):
    themes = forms.CharField(
        label="Themes",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="What came up in the experience and in the session.",
    )
    goals = forms.CharField(
        label="Goals",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="What the patient wants to carry into daily life.",
    )
    follow_up = forms.CharField(
        label="Follow-up",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Actions, referrals and what to pick up next time (or “none”).",
    )


class NoteEditForm(NoteForm):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class SignForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    password = forms.CharField(
        label="Your password (to sign)",
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class AddendumForm(forms.Form):
    reason = forms.CharField(label="Reason for the addendum", max_length=500)
    text = forms.CharField(label="Addendum", widget=forms.Textarea(attrs={"rows": 3}))
    password = forms.CharField(
        label="Your password (to sign the addendum)",
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class PsychotherapyNoteForm(forms.Form):
    text = forms.CharField(
        label="Psychotherapy note",
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="Private: kept apart from the chart, readable by you alone unless you share it.",
    )


class PsychotherapyEditForm(PsychotherapyNoteForm):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class ShareForm(forms.Form):
    colleague = forms.TypedChoiceField(label="Colleague", coerce=int)

    def __init__(self, *args: object, choices: list[tuple[int, str]], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["colleague"].choices = [("", "Choose a colleague"), *choices]  # type: ignore[attr-defined]
