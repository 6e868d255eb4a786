"""Parse input into domain values. No workflow here: that is actions.py."""

from django import forms
from django.utils.translation import gettext_lazy as _

from porch.messaging import catalogue
from porch.messaging.models import LANGUAGE_CHOICES, Medium, NotificationPreference, Subscriber


class ZoneChoiceField(forms.ModelMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def label_from_instance(self, obj):
        return obj.name


class _SubscriberFields(forms.Form):
    medium = forms.ChoiceField(label=_("How"), choices=Medium.choices, initial=Medium.SMS)
    address = forms.CharField(
        label=_("Mobile number or e-mail address"),
        max_length=254,
        help_text=_("A number with its country code, such as +1 612 555 0123."),
    )
    zones = ZoneChoiceField(label=_("Zones"), queryset=None, to_field_name="code")
    language = forms.ChoiceField(label=_("Language of the messages"), choices=LANGUAGE_CHOICES)

    def __init__(self, *args, zones, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["zones"].queryset = zones


class SubscribeForm(_SubscriberFields):
    organisation = forms.ModelChoiceField(
        label=_("Organisation (optional)"),
        queryset=None,
        to_field_name="code",
        required=False,
        empty_label=_("The whole coalition"),
    )

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations


class OrganiserSubscriberForm(_SubscriberFields):
    consent_noted = forms.ChoiceField(
        label=_("How did the person agree?"),
        choices=Subscriber.Consent.choices,
        help_text=_("They will still get a text asking them to reply YES."),
    )


class BroadcastForm(forms.Form):
    zones = ZoneChoiceField(label=_("Zones"), queryset=None, to_field_name="code")
    template = forms.ChoiceField(
        label=_("Message"),
        choices=[(key, catalogue.KEY_LABELS[key]) for key in catalogue.BROADCAST_KEYS],
    )
    advice = forms.ChoiceField(label=_("What to do"), choices=list(catalogue.ADVICE_LABELS.items()))

    def __init__(self, *args, zones, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["zones"].queryset = zones


class TemplateForm(forms.Form):
    text = forms.CharField(
        label=_("Text"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Placeholders: {zone}, {time}, {advice} and {hotline}. Nothing else."),
    )


class NotificationForm(forms.Form):
    medium = forms.ChoiceField(
        label=_("Tell me about new assignments by"),
        choices=NotificationPreference.Medium.choices,
        widget=forms.RadioSelect,
        help_text=_("Notifications never say what the assignment is: open Porch to see it."),
    )
