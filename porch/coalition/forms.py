"""Parse input into domain values. No workflow here: that is actions.py."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from porch.accounts.roles import Role
from porch.coalition.geo import parse_outline
from porch.coalition.models import Referral


def _role_choices(roles) -> list[tuple[str, str]]:
    return [(str(role), Role(role).label) for role in roles]


class HandleChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.handle


class OrganisationForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    description = forms.CharField(
        label=_("Description"), max_length=2000, required=False, widget=forms.Textarea
    )
    is_public = forms.BooleanField(
        label=_("List this organisation publicly"),
        required=False,
        help_text=_("Organisations are private unless you choose this."),
    )


class TeamForm(forms.Form):
    name = forms.CharField(label=_("Team name"), max_length=80)
    description = forms.CharField(label=_("Description"), max_length=300, required=False)


class InvitationForm(forms.Form):
    role = forms.ChoiceField(
        label=_("Role"),
        help_text=_(
            "The role counts once the person's trust level reaches it; roles that see "
            "addresses or administer also wait for a second admin."
        ),
    )
    team = forms.ModelChoiceField(
        label=_("Team (optional)"), queryset=None, to_field_name="code", required=False
    )

    def __init__(self, *args, teams, roles, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = _role_choices(roles)
        self.fields["team"].queryset = teams


class GrantRoleForm(forms.Form):
    member = HandleChoiceField(label=_("Member"), queryset=None, to_field_name="handle")
    role = forms.ChoiceField(label=_("Role"))
    team = forms.ModelChoiceField(
        label=_("Team (optional)"), queryset=None, to_field_name="code", required=False
    )

    def __init__(self, *args, members, teams, roles, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = members
        self.fields["role"].choices = _role_choices(roles)
        self.fields["team"].queryset = teams


class CoalitionForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    hotline = forms.CharField(label=_("Hotline number"), max_length=32, required=False)
    vouches_required = forms.IntegerField(
        label=_("Vouches required"),
        min_value=1,
        max_value=5,
        help_text=_("How many active members must vouch for a new member (1 to 5)."),
    )


class RegionForm(forms.Form):
    name = forms.CharField(label=_("Region name"), max_length=80)


class ZoneForm(forms.Form):
    name = forms.CharField(label=_("Zone name"), max_length=80)
    region = forms.ModelChoiceField(label=_("Region"), queryset=None, to_field_name="code")
    outline = forms.CharField(
        label=_("Outline (GeoJSON)"),
        widget=forms.Textarea(attrs={"rows": 8, "spellcheck": "false"}),
        help_text=_(
            "Paste a GeoJSON Polygon or MultiPolygon. Points are [longitude, latitude] "
            "and every ring ends where it starts."
        ),
    )

    def __init__(self, *args, regions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = regions

    def clean_outline(self) -> dict:
        return parse_outline(self.cleaned_data["outline"])


class ReferralForm(forms.Form):
    from_organisation = forms.ModelChoiceField(label=_("From"), queryset=None, to_field_name="code")
    to_organisation = forms.ModelChoiceField(label=_("To"), queryset=None, to_field_name="code")
    kind = forms.ChoiceField(label=_("Kind"), choices=Referral.Kind.choices)
    summary = forms.CharField(
        label=_("What they need to know"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Only what they need to know: no names, addresses or phone numbers."),
    )

    def __init__(self, *args, senders, destinations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["from_organisation"].queryset = senders
        self.fields["to_organisation"].queryset = destinations

    def clean(self):
        data = super().clean()
        sender, receiver = data.get("from_organisation"), data.get("to_organisation")
        if sender is not None and receiver is not None and sender.pk == receiver.pk:
            raise ValidationError(_("Choose another organisation than your own."))
        return data
