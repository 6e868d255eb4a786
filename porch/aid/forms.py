"""Parse input into domain values; the actions decide what is allowed."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from porch.aid.models import HOUSEHOLD_LANGUAGES, Diet, HomeTimes, Need, Stop, Urgency


class ZoneChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name


def _zones():
    from porch.coalition.models import Zone

    return Zone.objects.order_by("name")


class RequestForm(forms.Form):
    callback_number = forms.CharField(label=_("Callback number"), max_length=32)
    zone = ZoneChoiceField(queryset=None, required=False, label=_("Zone"), to_field_name="code")
    cross_streets = forms.CharField(
        label=_("Nearest cross streets"),
        max_length=200,
        required=False,
        help_text=_("For example: Cedar Ave & 12th St. Not the address: that comes at callback."),
    )
    household_size = forms.IntegerField(
        label=_("People in the household"), min_value=1, max_value=30
    )
    needs = forms.MultipleChoiceField(
        label=_("Needs"), choices=Need.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    diet = forms.ChoiceField(label=_("Diet"), choices=Diet.choices, initial=Diet.ANY)
    language = forms.ChoiceField(label=_("Language"), choices=HOUSEHOLD_LANGUAGES, initial="en")
    home_times = forms.ChoiceField(
        label=_("When someone is home"), choices=HomeTimes.choices, initial=HomeTimes.ANY
    )
    urgency = forms.ChoiceField(
        label=_("Urgency"), choices=Urgency.choices, initial=Urgency.ROUTINE
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["zone"].queryset = _zones()


class IntermediaryForm(forms.Form):
    partner = forms.CharField(
        label=_("School, church or group"),
        max_length=80,
        help_text=_("The partner's name only: never the families'."),
    )
    zone = ZoneChoiceField(queryset=None, label=_("Zone"), to_field_name="code")
    bags = forms.IntegerField(label=_("Bags"), min_value=1, max_value=500)
    needs = forms.MultipleChoiceField(
        label=_("Needs"), choices=Need.choices, required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["zone"].queryset = _zones()


class ConfirmForm(forms.Form):
    address = forms.CharField(
        label=_("Exact address"),
        max_length=200,
        help_text=_("Number and street, for example: 1201 Cedar Ave S."),
    )
    lat = forms.FloatField(
        label=_("Latitude (map pick)"), required=False, min_value=-90, max_value=90
    )
    lon = forms.FloatField(
        label=_("Longitude (map pick)"), required=False, min_value=-180, max_value=180
    )

    def clean(self):
        data = super().clean()
        if (data.get("lat") is None) != (data.get("lon") is None):
            raise forms.ValidationError(_("A map pick needs both latitude and longitude."))
        return data


class CloseForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Why close it"),
        choices=[
            ("duplicate", _("Duplicate")),
            ("outside_area", _("Outside our area")),
            ("referred", _("Referred to another group")),
        ],
    )


class HubForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=80)
    zone = ZoneChoiceField(queryset=None, label=_("Zone"), to_field_name="code")
    lat = forms.FloatField(label=_("Latitude"), min_value=-90, max_value=90)
    lon = forms.FloatField(label=_("Longitude"), min_value=-180, max_value=180)
    opening_hours = forms.CharField(label=_("Opening hours"), max_length=200, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["zone"].queryset = _zones()


class PlanForm(forms.Form):
    day = forms.DateField(label=_("Day"), widget=forms.DateInput(attrs={"type": "date"}))
    hub = forms.ModelChoiceField(queryset=None, label=_("Hub"), to_field_name="code")
    # Vetted drivers free that day are planned by name (porch.aid.planning);
    # these are extra cars claimed later by whoever is free.
    drivers = forms.IntegerField(
        label=_("Unnamed cars"),
        help_text=_(
            "Drivers who said when they are free are planned by name; add cars for others."
        ),
        min_value=0,
        max_value=200,
        initial=0,
    )
    capacity = forms.IntegerField(label=_("Bags per car"), min_value=1, max_value=100, initial=10)
    start_hour = forms.IntegerField(label=_("From (hour)"), min_value=0, max_value=23, initial=9)
    end_hour = forms.IntegerField(label=_("Until (hour)"), min_value=1, max_value=24, initial=20)

    def __init__(self, *args, hubs, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["hub"].queryset = hubs
        self.fields["day"].initial = timezone.localdate()


class DayForm(forms.Form):
    day = forms.DateField(label=_("Day"))


class DeliverForm(forms.Form):
    household_code = forms.CharField(label=_("Household code"), max_length=12)


class FailForm(forms.Form):
    reason = forms.ChoiceField(label=_("What happened"), choices=Stop.Reason.choices)
