"""Parse input into domain values. No workflow here: that is actions.py."""

from django import forms
from django.utils.translation import gettext_lazy as _

from porch.accounts.roles import Role
from porch.volunteers.models import (
    MAX_GROUP_CHILDREN,
    WEEKDAY_LABELS,
    AgeBand,
    Course,
    Kit,
    Site,
    Slot,
)

WEEKDAY_CHOICES = [(str(i), label) for i, label in enumerate(WEEKDAY_LABELS)]


class CodeChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class SiteForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of site"), choices=Site.Kind.choices)
    name = forms.CharField(label=_("Name"), max_length=120)
    parent = CodeChoiceField(
        label=_("School (for a bus stop)"),
        queryset=Site.objects.none(),
        to_field_name="code",
        required=False,
    )
    zone = CodeChoiceField(label=_("Zone"), queryset=None, to_field_name="code", required=False)
    team = CodeChoiceField(
        label=_("Team told about gaps"), queryset=None, to_field_name="code", required=False
    )
    meeting_point = forms.CharField(
        label=_("Meeting point"),
        max_length=200,
        required=False,
        help_text=_("A public place such as a corner or a door. Never a home address."),
    )
    kit = forms.MultipleChoiceField(
        label=_("Kit to bring"),
        choices=Kit.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, schools, zones, teams, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = schools
        self.fields["zone"].queryset = zones
        self.fields["team"].queryset = teams
        if editing:
            del self.fields["kind"]
            del self.fields["parent"]


class SlotForm(forms.Form):
    purpose = forms.ChoiceField(label=_("Purpose"), choices=Slot.Purpose.choices)
    weekdays = forms.MultipleChoiceField(
        label=_("Weekdays"), choices=WEEKDAY_CHOICES, widget=forms.CheckboxSelectMultiple
    )
    start_time = forms.TimeField(
        label=_("Starts at"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    end_time = forms.TimeField(
        label=_("Ends at"),
        help_text=_("An end before the start means the shift ends the next morning."),
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )
    starts_on = forms.DateField(
        label=_("First day"), widget=forms.DateInput(attrs={"type": "date"})
    )
    ends_on = forms.DateField(label=_("Last day"), widget=forms.DateInput(attrs={"type": "date"}))
    min_staff = forms.IntegerField(label=_("Minimum people"), min_value=1, max_value=50, initial=2)
    max_staff = forms.IntegerField(label=_("Maximum people"), min_value=1, max_value=50, initial=4)
    required_role = forms.ChoiceField(
        label=_("Role needed"), choices=[("", _("Any member"))] + Role.choices, required=False
    )
    required_course = forms.ChoiceField(
        label=_("Training needed"),
        choices=[("", _("No training needed"))] + Course.choices,
        required=False,
    )


class DayForm(forms.Form):
    day = forms.DateField(label=_("Day"))


class CheckInForm(forms.Form):
    kit = forms.MultipleChoiceField(
        label=_("I have with me"),
        choices=Kit.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, site_kit, **kwargs):
        super().__init__(*args, **kwargs)
        labels = dict(Kit.choices)
        self.fields["kit"].choices = [(k, labels[k]) for k in site_kit if k in labels]


class HandleField(forms.CharField):
    def clean(self, value):
        return " ".join((super().clean(value) or "").split()).lower()


class SwapForm(forms.Form):
    handle = HandleField(label=_("Handle of the volunteer taking your place"), max_length=40)


class WalkingGroupForm(forms.Form):
    label = forms.CharField(
        label=_("Group label"),
        max_length=60,
        help_text=_(
            "A colour or a route, such as “Blue group, Maple Street”. Never a child's name."
        ),
    )
    age_band = forms.ChoiceField(label=_("Age band"), choices=AgeBand.choices)
    children = forms.IntegerField(
        label=_("Number of children"), min_value=1, max_value=MAX_GROUP_CHILDREN
    )


class SessionForm(forms.Form):
    course = forms.ChoiceField(label=_("Course"), choices=Course.choices)
    on_date = forms.DateField(label=_("Day"), widget=forms.DateInput(attrs={"type": "date"}))
    capacity = forms.IntegerField(label=_("Places"), min_value=1, max_value=500, initial=20)
    trainer = HandleField(
        label=_("Trainer's handle"),
        max_length=40,
        required=False,
        help_text=_("Leave empty to train it yourself."),
    )


class AttendeeForm(forms.Form):
    handle = HandleField(label=_("Handle of the person who took part"), max_length=40)


class WeeklyAvailabilityForm(forms.Form):
    """One text box per weekday: "07:00-09:00, 14:30-16:00", empty for none."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for number, label in enumerate(WEEKDAY_LABELS):
            self.fields[f"day_{number}"] = forms.CharField(
                label=label,
                max_length=200,
                required=False,
                help_text=_("Like 07:00-09:00, 14:30-16:00. Leave empty if you are not free."),
            )

    def clean(self):
        from porch.volunteers.actions import parse_windows

        data = super().clean()
        windows = {}
        for number in range(7):
            name = f"day_{number}"
            if name not in data:
                continue
            try:
                windows[number] = parse_windows(data[name])
            except forms.ValidationError as error:
                self.add_error(name, error)
        data["windows"] = windows
        return data


class AvailabilityExceptionForm(forms.Form):
    on_date = forms.DateField(label=_("Day"), widget=forms.DateInput(attrs={"type": "date"}))
    start_time = forms.TimeField(
        label=_("From"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}),
        help_text=_("Leave both times empty for the whole day."),
    )
    end_time = forms.TimeField(
        label=_("Until"), required=False, widget=forms.TimeInput(attrs={"type": "time"})
    )
    available = forms.TypedChoiceField(
        label=_("On that day I am"),
        choices=[("0", _("Away")), ("1", _("Available"))],
        coerce=lambda value: value == "1",
        initial="0",
    )


class PromotionRulesForm(forms.Form):
    responder_vouches = forms.IntegerField(
        label=_("Vouches needed to become a responder"), min_value=1, max_value=5
    )
    dispatcher_months = forms.IntegerField(
        label=_("Months active before becoming a dispatcher"), min_value=0, max_value=24
    )
    dispatcher_referrals = forms.IntegerField(
        label=_("Referrals from dispatchers or above needed to become a dispatcher"),
        min_value=0,
        max_value=5,
    )


class JoinForm(WeeklyAvailabilityForm):
    """The volunteer questions after sign-up (recruitment.do_join_as_volunteer).
    The weekly availability boxes come from WeeklyAvailabilityForm."""

    def __init__(self, *args, zones, organisations=None, **kwargs):
        from porch.volunteers.recruitment import (
            LANGUAGES,
            RECRUIT_ROLES,
            RISK_QUESTIONS,
        )

        super().__init__(*args, **kwargs)
        days = {name: self.fields.pop(name) for name in list(self.fields)}
        if organisations is not None:
            self.fields["organisation"] = forms.ModelChoiceField(
                label=_("Organisation you want to help"),
                queryset=organisations,
                to_field_name="code",
                required=False,
                empty_label=_("None for now"),
                help_text=_("Only organisations that chose to be listed appear here."),
            )
        self.fields["languages"] = forms.MultipleChoiceField(
            label=_("Languages you speak"),
            choices=LANGUAGES,
            widget=forms.CheckboxSelectMultiple,
            error_messages={"required": _("Choose at least one language from the list.")},
        )
        self.fields["zones"] = forms.ModelMultipleChoiceField(
            label=_("Zones where you can help"),
            queryset=zones,
            to_field_name="code",
            widget=forms.CheckboxSelectMultiple,
            error_messages={"required": _("Choose at least one zone.")},
        )
        self.fields["risk"] = forms.MultipleChoiceField(
            label=_("Private: your own safety"),
            choices=RISK_QUESTIONS,
            required=False,
            widget=forms.CheckboxSelectMultiple,
            help_text=_(
                "Tick what is true for you. Only you see these answers; coordinators "
                "never do. They only stop Porch from offering you roles that could "
                "put you at risk."
            ),
        )
        self.fields["roles"] = forms.MultipleChoiceField(
            label=_("Roles you would like"),
            choices=[(role, Role(role).label) for role in RECRUIT_ROLES],
            widget=forms.CheckboxSelectMultiple,
            help_text=_("Each role needs its training before a coordinator gives it to you."),
            error_messages={"required": _("Choose at least one of the roles offered.")},
        )
        self.fields.update(days)
        self.fields["zones"].label_from_instance = lambda zone: zone.name


class AssignRoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)


class ImportUploadForm(forms.Form):
    sheet = forms.FileField(
        label=_("Volunteer sheet (CSV)"),
        help_text=_("Save the sheet as CSV UTF-8. The first row names the columns."),
    )


class ImportMappingForm(forms.Form):
    """One choice per column of the sheet; the sheet's text rides along
    (nothing is kept on the server between steps)."""

    sheet_text = forms.CharField(widget=forms.HiddenInput, strip=False)
    confirm = forms.BooleanField(
        label=_("Import these volunteers now"),
        required=False,
        help_text=_("Leave unticked to check the sheet again without importing."),
    )

    def __init__(self, *args, headers, **kwargs):
        from porch.volunteers.importing import FIELDS, refused_reason

        super().__init__(*args, **kwargs)
        confirm = self.fields.pop("confirm")
        self.columns = []
        for index, header in enumerate(headers):
            if refused_reason(header):
                continue
            name = f"col_{index}"
            self.fields[name] = forms.ChoiceField(label=header, choices=FIELDS, required=False)
            self.columns.append(name)
        self.fields["confirm"] = confirm


class ClaimForm(forms.Form):
    """An imported person's first password (accounts' own password rules)."""

    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password_again = forms.CharField(
        label=_("Password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self):
        data = super().clean()
        if data.get("password") and data.get("password_again") != data.get("password"):
            self.add_error("password_again", _("The two passwords are not the same."))
        return data
