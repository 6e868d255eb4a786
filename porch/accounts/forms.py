"""Parse input into domain values; no workflow."""

from django import forms
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from porch.accounts.models import User

PASSWORD_HELP = _(
    "At least 12 characters. A passphrase of four or five ordinary words is easy to "
    "remember and hard to guess."
)
OPTIONAL_HELP = _("Optional. Porch works without it; leave it empty if you prefer.")


class PasswordPairMixin:
    """Two password boxes that must match and pass the password rules (R24)."""

    password_field = "password"
    confirm_field = "password_again"

    def clean(self):
        cleaned = super().clean()  # type: ignore[misc]
        password = cleaned.get(self.password_field)
        again = cleaned.get(self.confirm_field)
        if password and again and password != again:
            self.add_error(self.confirm_field, _("The two passwords are not the same."))  # type: ignore[attr-defined]
        elif password:
            try:
                validate_password(password, getattr(self, "user", None) or User())
            except ValidationError as error:
                self.add_error(self.password_field, error)  # type: ignore[attr-defined]
        return cleaned


class SignUpForm(PasswordPairMixin, forms.Form):
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=PASSWORD_HELP,
    )
    password_again = forms.CharField(
        label=_("Password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    language = forms.ChoiceField(label=_("Preferred language"), choices=settings.LANGUAGES)
    organisation = forms.ModelChoiceField(
        label=_("Organisation you want to help"),
        queryset=None,
        required=False,
        to_field_name="code",
        empty_label=_("None for now"),
        help_text=_("Only organisations that chose to be listed appear here."),
    )
    legal_name = forms.CharField(
        label=_("Legal name"), max_length=120, required=False, help_text=OPTIONAL_HELP
    )
    phone = forms.CharField(
        label=_("Phone"), max_length=32, required=False, help_text=OPTIONAL_HELP
    )
    email = forms.EmailField(
        label=_("E-mail"), max_length=254, required=False, help_text=OPTIONAL_HELP
    )

    def __init__(self, *args, organisations=None, **kwargs):
        super().__init__(*args, **kwargs)
        if organisations is None:
            del self.fields["organisation"]
        else:
            self.fields["organisation"].queryset = organisations  # type: ignore[attr-defined]


class LoginForm(forms.Form):
    handle = forms.CharField(
        label=_("Handle"),
        max_length=40,
        widget=forms.TextInput(attrs={"autocomplete": "username", "autocapitalize": "none"}),
    )
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        max_length=4096,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    next = forms.CharField(required=False, widget=forms.HiddenInput)


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code"),
        max_length=32,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "text", "autocapitalize": "none"}
        ),
    )
    next = forms.CharField(required=False, widget=forms.HiddenInput)


class VouchForm(forms.Form):
    handle = forms.CharField(
        label=_("Their handle"),
        max_length=40,
        widget=forms.TextInput(attrs={"autocapitalize": "none", "autocomplete": "off"}),
    )
    vouch_code = forms.CharField(
        label=_("The vouch code they told you"),
        max_length=16,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )


class PasswordChangeForm(PasswordPairMixin, forms.Form):
    old_password = forms.CharField(
        label=_("Current password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    password = forms.CharField(
        label=_("New password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=PASSWORD_HELP,
    )
    password_again = forms.CharField(
        label=_("New password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, user=None, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)


class LanguageForm(forms.Form):
    language = forms.ChoiceField(label=_("Preferred language"), choices=settings.LANGUAGES)


class ContactForm(forms.Form):
    legal_name = forms.CharField(
        label=_("Legal name"), max_length=120, required=False, help_text=OPTIONAL_HELP
    )
    phone = forms.CharField(
        label=_("Phone"), max_length=32, required=False, help_text=OPTIONAL_HELP
    )
    email = forms.EmailField(
        label=_("E-mail"), max_length=254, required=False, help_text=OPTIONAL_HELP
    )


class LeaveForm(forms.Form):
    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        max_length=4096,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    confirm = forms.BooleanField(
        label=_(
            "I understand: my contact details, two-factor sign-in, roles and vouches are "
            "erased now, and this cannot be undone."
        ),
        error_messages={"required": _("Tick the box to confirm that you want to leave.")},
    )


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label=_("What is this token for?"),
        max_length=60,
        help_text=_("A short name, for example the tool that will use it."),
    )


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", _("Approve")), ("reject", _("Reject"))])
