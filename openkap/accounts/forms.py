from __future__ import annotations

from django import forms

from openkap.accounts.models import Clinic


class LoginForm(forms.Form):
    username = forms.CharField(
        max_length=150, widget=forms.TextInput(attrs={"autocomplete": "username"})
    )
    password = forms.CharField(
        max_length=4096,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class TokenForm(forms.Form):
    token = forms.CharField(
        label="6-digit code",
        min_length=6,
        max_length=8,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "pattern": "[0-9 ]*"}
        ),
    )

    def clean_token(self) -> str:
        token = self.cleaned_data["token"].replace(" ", "")
        if not token.isdigit():
            raise forms.ValidationError("The code is made of digits only.")
        return str(token)


class ReauthForm(TokenForm):
    password = forms.CharField(max_length=4096, strip=False, widget=forms.PasswordInput)


class ClinicSwitchForm(forms.Form):
    clinic = forms.ModelChoiceField(queryset=Clinic.objects.none())

    def __init__(self, *args: object, clinics: list[Clinic], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        field = self.fields["clinic"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Clinic.objects.filter(pk__in=[c.pk for c in clinics])
