"""Forms of the hubs slice: parse input; porch.aid.hubs decides what is allowed."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class StockItemForm(forms.Form):
    name = forms.CharField(label=_("Item"), max_length=80)
    unit = forms.CharField(
        label=_("Unit"), max_length=20, required=False, help_text=_("For example: bag, can, pack.")
    )
    low_threshold = forms.IntegerField(
        label=_("Low-stock threshold"),
        min_value=0,
        max_value=100_000,
        initial=0,
        help_text=_("At or under this many, the item goes on the hub's list of needs."),
    )


class ThresholdForm(forms.Form):
    item = forms.CharField(max_length=12, widget=forms.HiddenInput)
    low_threshold = forms.IntegerField(
        label=_("Low-stock threshold"), min_value=0, max_value=100_000
    )


class DonationForm(forms.Form):
    item = forms.ChoiceField(label=_("Item"))
    quantity = forms.IntegerField(label=_("Quantity received"), min_value=1, max_value=100_000)

    def __init__(self, *args, items=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["item"].choices = [(i.code, f"{i.name} ({i.unit})") for i in items]


class ReserveForm(forms.Form):
    run = forms.ChoiceField(label=_("Run"))
    item = forms.ChoiceField(label=_("Item"))
    quantity = forms.IntegerField(label=_("Quantity to set aside"), min_value=1, max_value=100_000)

    def __init__(self, *args, items=(), runs=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["item"].choices = [(i.code, f"{i.name} ({i.unit})") for i in items]
        self.fields["run"].choices = [
            (r.code, f"{r.code} · {r.day:%Y-%m-%d} · {r.zone_names}") for r in runs
        ]


class MealsForm(forms.Form):
    day = forms.DateField(
        label=_("Day"), initial=timezone.localdate, widget=forms.DateInput(attrs={"type": "date"})
    )
    meals = forms.IntegerField(label=_("Free meals handed out"), min_value=0, max_value=100_000)


class PublicForm(forms.Form):
    is_public = forms.BooleanField(
        label=_("Show this hub's needs on a public page"), required=False
    )
