from django import forms
from django.utils.translation import gettext_lazy as _


class CodeForm(forms.Form):
    """One code: six digits from the app or, at sign-in, a recovery code."""

    code = forms.CharField(
        label=_("Code"),
        max_length=32,
        strip=True,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autocapitalize": "off", "spellcheck": "false"}
        ),
    )

    def __init__(self, *args, help_text: str = "", numeric: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].help_text = help_text
        if numeric:
            self.fields["code"].widget.attrs["inputmode"] = "numeric"


class ConfirmAppForm(CodeForm):
    """The code that proves the app was set up with the secret shown."""

    device = forms.IntegerField(widget=forms.HiddenInput)
