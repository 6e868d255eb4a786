from django import forms
from django.utils.translation import gettext_lazy as _

from porch.coalition.models import Organisation, Zone
from porch.messaging import catalogue
from porch.response.models import Activity, Equipment, Outcome, Report, Size, Uniform

LANGUAGE_CHOICES = [("en", "English"), ("es", "Español"), ("so", "Soomaali"), ("hmn", "Hmoob")]


class ReportForm(forms.Form):
    """SALUTE: what was seen. Deliberately no field for anyone's identity or status."""

    size = forms.ChoiceField(label=_("Size: how many agents"), choices=Size.choices)
    activity = forms.ChoiceField(label=_("Activity: what they are doing"), choices=Activity.choices)
    zone = forms.ModelChoiceField(
        label=_("Location: zone"),
        queryset=Zone.objects.order_by("name"),
        to_field_name="code",
        required=False,
    )
    intersection = forms.CharField(
        label=_("Location: nearest intersection"), max_length=120, required=False
    )
    uniform = forms.ChoiceField(label=_("Uniform"), choices=Uniform.choices)
    seen_at = forms.DateTimeField(label=_("Time seen"), required=False)
    equipment = forms.ChoiceField(label=_("Equipment"), choices=Equipment.choices)
    details = forms.CharField(
        label=_("What was seen (no names, no guesses about anyone's status)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        required=False,
    )


class CallForm(ReportForm):
    language = forms.ChoiceField(label=_("Caller's language"), choices=LANGUAGE_CHOICES)
    contact = forms.CharField(
        label=_("Callback number (deleted after triage)"), max_length=40, required=False
    )


class TriageForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Triage"),
        choices=[
            (Report.Status.DO_NOT_SHARE, _("Do not share")),
            (Report.Status.UNCONFIRMED, _("Share with verifiers as unconfirmed")),
            (Report.Status.REPORT_NOW, _("Report now")),
        ],
    )
    reason = forms.CharField(label=_("Reason"), max_length=200)


class MergeForm(forms.Form):
    into = forms.CharField(max_length=12)


class AnswerForm(forms.Form):
    accept = forms.TypedChoiceField(
        choices=[("1", _("Accept")), ("0", _("Decline"))], coerce=lambda v: v == "1"
    )


class OutcomeForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=Outcome.choices)


class PublishForm(forms.Form):
    advice = forms.ChoiceField(
        label=_("What to do"),
        choices=list(catalogue.ADVICE_LABELS.items()),
        initial="know_rights",
    )


class DebriefWindowForm(forms.Form):
    days = forms.TypedChoiceField(
        label=_("Period"),
        choices=[
            ("7", _("Last 7 days")),
            ("28", _("Last 28 days")),
            ("90", _("Last 90 days")),
        ],
        coerce=int,
        initial="28",
        required=False,
    )


class SettingsForm(forms.Form):
    answer_minutes = forms.IntegerField(
        label=_("Minutes a verifier has to answer before the next one is asked"),
        min_value=1,
        max_value=60,
    )
    sms_organisation = forms.ModelChoiceField(
        label=_("Organisation that receives text-message reports when no hotline desk is staffed"),
        queryset=Organisation.objects.none(),
        to_field_name="code",
        required=False,
    )

    def __init__(self, *args, coalition, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sms_organisation"].queryset = Organisation.objects.filter(
            coalition=coalition, erased_on__isnull=True
        ).order_by("name")
