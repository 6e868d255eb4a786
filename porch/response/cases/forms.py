"""Parse the legal pages' input into domain values; the actions validate the rest.

No field for anyone's identity, status, A-number, country of birth,
children's names or family plans (THREAT_MODEL guardrails).
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from porch.coalition.models import Zone
from porch.response.cases.models import IncidentEntry, Need, TimeBucket


class HandoffForm(forms.Form):
    zone = forms.ModelChoiceField(
        label=_("Where: zone"),
        queryset=Zone.objects.none(),
        to_field_name="code",
        required=False,
        empty_label=_("Not sure"),
    )
    time_bucket = forms.ChoiceField(label=_("When"), choices=TimeBucket.choices)
    what_happened = forms.CharField(
        label=_("What happened"),
        help_text=_("What was seen, not who. No names, no guesses about anyone's status."),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
    )
    contact_route = forms.CharField(
        label=_("How the legal partner can reach the family"),
        help_text=_("A phone number or a trusted go-between. Only the legal partner sees it."),
        max_length=200,
    )

    def __init__(self, *args, coalition=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["zone"].queryset = Zone.objects.filter(region__coalition=coalition).order_by(
            "name"
        )


class EntryForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=IncidentEntry.Kind.choices)
    at = forms.CharField(
        label=_("When (as the observer put it)"),
        help_text=_("For example: about 9:40."),
        max_length=40,
        required=False,
    )
    text = forms.CharField(
        label=_("What was seen"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )


class NeedForm(forms.Form):
    need = forms.ChoiceField(label=_("Need"), choices=Need.choices)
    owner = forms.CharField(
        label=_("Owner (a member's handle)"), max_length=40, help_text=_("Who takes care of it.")
    )
    due_on = forms.DateField(label=_("Due"), widget=forms.DateInput(attrs={"type": "date"}))
    details = forms.CharField(
        label=_("Details"),
        help_text=_(
            "Only what the owner needs. Never children's names, anyone's status or family plans."
        ),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=500,
        required=False,
    )
    callback_number = forms.CharField(
        label=_("For food: the family's number for the delivery callback"),
        max_length=40,
        required=False,
    )
    household_size = forms.IntegerField(
        label=_("For food: people in the household"), min_value=1, max_value=20, initial=1
    )


class CloseForm(forms.Form):
    legal_hold = forms.BooleanField(
        label=_("Keep the record under a legal hold (at most 30 days, then it is purged)"),
        required=False,
    )


class EscalationForm(forms.Form):
    """From an accompaniment shift: zone and time come from the shift."""

    what_happened = forms.CharField(
        label=_("What happened"),
        help_text=_("What was seen, not who. No names, no guesses about anyone's status."),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
    )
    contact_route = forms.CharField(
        label=_("How the legal partner can reach the family"),
        help_text=_("A phone number or a trusted go-between. Only the legal partner sees it."),
        max_length=200,
    )
