"""Parse input into domain values. No workflow here: that is actions.py."""

import phonenumbers
from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext_lazy as _

from porch.campaigns.models import SERVED_LANGUAGES, Listing, Pledge
from porch.core.languages import LANGUAGES
from porch.messaging import catalogue

DATE_INPUT = {"type": "date"}
WEEK_CHOICES = [
    ("4", _("4 weeks")),
    ("12", _("12 weeks")),
    ("26", _("26 weeks")),
    ("52", _("52 weeks")),
]


class DashboardForm(forms.Form):
    weeks = forms.TypedChoiceField(
        label=_("Weeks shown"), choices=WEEK_CHOICES, coerce=int, required=False, empty_value=12
    )


class ListingForm(forms.Form):
    is_public = forms.BooleanField(
        label=_("Show this listing on the public site"),
        required=False,
        help_text=_(
            "Public lists attract hostile attention. Publish only what you would put on a "
            "poster in your window. Never list a place where people shelter."
        ),
    )
    kind = forms.ChoiceField(label=_("What kind of organisation is this?"), choices=Listing.Kind)
    services = forms.CharField(
        label=_("What you offer"), max_length=1000, required=False, widget=forms.Textarea
    )
    hours = forms.CharField(label=_("Opening hours"), max_length=300, required=False)
    languages = forms.MultipleChoiceField(
        label=_("Languages you speak"),
        choices=SERVED_LANGUAGES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    needs = forms.CharField(
        label=_("What you need now (donations, volunteers)"),
        max_length=1000,
        required=False,
        widget=forms.Textarea,
    )
    how_to_reach = forms.CharField(
        label=_("How the public can reach you"),
        max_length=300,
        required=False,
        help_text=_("A public phone number, website or opening address. Never a home address."),
    )


class CampaignForm(forms.Form):
    organisation = forms.ChoiceField(label=_("Organised by"))
    title = forms.CharField(label=_("Title"), max_length=120)
    slogan = forms.CharField(
        label=_("Slogan"),
        max_length=200,
        required=False,
        help_text=_("For example: no work, no school, no shopping."),
    )
    description = forms.CharField(
        label=_("What the campaign asks"), max_length=2000, required=False, widget=forms.Textarea
    )
    starts_on = forms.DateField(
        label=_("First day"), widget=forms.DateInput(attrs={"type": "date"})
    )
    ends_on = forms.DateField(label=_("Last day"), widget=forms.DateInput(attrs=DATE_INPUT))

    WHOLE_COALITION = "coalition"

    def __init__(self, *args, organisers, whole_coalition: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisers = {org.code: org for org in organisers}
        choices = [(code, org.name) for code, org in self.organisers.items()]
        if whole_coalition:
            choices.insert(0, (self.WHOLE_COALITION, _("The whole coalition")))
        self.fields["organisation"].choices = choices

    def clean_organisation(self):
        code = self.cleaned_data["organisation"]
        return None if code == self.WHOLE_COALITION else self.organisers[code]


class CampaignEditForm(CampaignForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, organisers=[], whole_coalition=False, **kwargs)
        del self.fields["organisation"]


def normalise_contact(kind: str, value: str) -> str:
    """A phone number in E.164 form, or a lower-cased e-mail address; ValidationError if neither."""
    value = (value or "").strip()
    if kind == Pledge.ContactKind.SMS:
        try:
            number = phonenumbers.parse(value, getattr(settings, "PORCH_PHONE_REGION", "US"))
        except phonenumbers.NumberParseException:
            number = None
        if number is None or not phonenumbers.is_valid_number(number):
            raise ValidationError(_("Enter a phone number we can text, such as 612 555 0123."))
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    if kind == Pledge.ContactKind.EMAIL:
        try:
            validate_email(value)
        except ValidationError:
            raise ValidationError(_("Enter an e-mail address, such as name@example.org.")) from None
        return value.lower()
    return ""


class PledgeForm(forms.Form):
    kind = forms.ChoiceField(choices=Pledge.Kind, widget=forms.HiddenInput)
    zone = forms.ChoiceField(label=_("Your neighbourhood (optional)"), required=False)
    contact_kind = forms.ChoiceField(
        label=_("Send me updates about this campaign (optional)"),
        choices=Pledge.ContactKind,
        required=False,
    )
    contact = forms.CharField(
        label=_("Phone number or e-mail address for updates"),
        max_length=254,
        required=False,
        help_text=_(
            "Kept encrypted and erased when the campaign ends. Leave it empty to stay anonymous."
        ),
    )
    # A field people never see (hidden by CSS): robots fill it in, people do not.
    website = forms.CharField(label=_("Leave this empty"), required=False, max_length=200)

    def __init__(self, *args, zones, **kwargs):
        super().__init__(*args, **kwargs)
        self.zones = {zone.code: zone for zone in zones}
        self.fields["zone"].choices = [("", _("Prefer not to say"))] + [
            (code, zone.name) for code, zone in self.zones.items()
        ]
        self.fields["website"].widget.attrs.update(autocomplete="off", tabindex="-1")

    def clean_zone(self):
        code = self.cleaned_data.get("zone")
        return self.zones.get(code) if code else None

    def clean_website(self):
        if self.cleaned_data.get("website"):
            raise ValidationError(_("Leave this field empty."))
        return ""

    def clean(self):
        data = super().clean()
        kind = data.get("contact_kind") or ""
        contact = data.get("contact") or ""
        if kind and not contact.strip():
            self.add_error("contact", _("Give a phone number or an e-mail address for updates."))
        elif contact.strip() and not kind:
            self.add_error("contact_kind", _("Choose how we should send updates."))
        elif kind:
            try:
                data["contact"] = normalise_contact(kind, contact)
            except ValidationError as error:
                self.add_error("contact", error)
        else:
            data["contact"] = ""
        return data


def pledge_language(code: str | None) -> str:
    """The page's language as one Porch sends in ("es-mx" → "es"), else English."""
    known = dict(LANGUAGES)
    code = (code or "").lower()
    if code in known:
        return code
    base = code.split("-")[0]
    return base if base in known else "en"


def language_codes() -> list[str]:
    return [code for code, _name in LANGUAGES]


class UpdateForm(forms.Form):
    """An update to pledgers: chosen from the catalogue, never written (R5)."""

    template = forms.ChoiceField(
        label=_("Which update"),
        choices=list(catalogue.UPDATE_LABELS.items()),
        widget=forms.RadioSelect,
        help_text=_(
            "Updates say only the campaign's title, its first day and the hotline, in the "
            "language each person pledged in. They cannot be written freely, so that no "
            "message can name anyone."
        ),
    )
