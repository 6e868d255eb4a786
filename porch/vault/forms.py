from django import forms
from django.utils.translation import gettext_lazy as _

CONFIRM_WORD = "ERASE"


class PanicForm(forms.Form):
    scope = forms.ChoiceField(label=_("What to erase"))
    confirm = forms.CharField(
        label=_("Type ERASE to confirm"),
        max_length=10,
        help_text=_("This cannot be undone. A second admin must approve it."),
    )

    def __init__(self, *args, organisations, instance: bool, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(f"org:{o.code}", o.name) for o in organisations]
        if instance:
            choices.append(("instance", _("Everything on this Porch (all organisations)")))
        self.fields["scope"].choices = choices
        self.organisations = {o.code: o for o in organisations}

    def clean_confirm(self):
        if self.cleaned_data["confirm"].strip().upper() != CONFIRM_WORD:
            raise forms.ValidationError(_("Type ERASE to confirm."))
        return CONFIRM_WORD


class DecideForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", "approve"), ("reject", "reject")])
