"""The plan page's per-stop form: move a draft stop to another run, or off the runs."""

from django import forms
from django.utils.translation import gettext_lazy as _


class MoveStopForm(forms.Form):
    # A draft run's code; empty: take the stop off the runs.
    run = forms.CharField(label=_("Move to"), max_length=12, required=False)
