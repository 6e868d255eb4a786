"""Coordinators import a request sheet (porch/aid/importing.py), without JS:
upload → column mapping → dry run (bad rows with reasons) → import.
Each step posts the sheet's text back; nothing is kept between steps. The
upload is read in memory only (porch/aid/uploads.py)."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_http_methods

from porch.aid import access, importing
from porch.aid.uploads import CappedMemoryUploadHandler, read_capped


class UploadForm(forms.Form):
    sheet = forms.FileField(
        label=gettext_lazy("Request sheet (CSV)"),
        help_text=gettext_lazy(
            "Export it from Airtable or Google Sheets as CSV, with a header row."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )


class MappingForm(forms.Form):
    sheet_text = forms.CharField(widget=forms.HiddenInput, max_length=importing.MAX_BYTES)

    def __init__(self, *args, headers, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", _("Not in the sheet"))] + [(h, h) for h in headers]
        for code, label in importing.FIELDS:
            self.fields[f"map_{code}"] = forms.ChoiceField(
                label=label, choices=choices, required=False
            )

    def mapping(self) -> dict[str, str]:
        return {code: self.cleaned_data.get(f"map_{code}") or "" for code, _l in importing.FIELDS}


def _render(request, org, step, status=200, **context):
    context.update(organisation=org, step=step)
    return render(request, "aid/import.html", context, status=status)


@csrf_exempt
@never_cache
def import_requests(request, code):
    handler = CappedMemoryUploadHandler(request, limit=importing.MAX_BYTES)
    request.upload_handlers = [handler]
    return _import_requests(request, code, handler)


@csrf_protect
@require_http_methods(["GET", "POST"])
@login_required
def _import_requests(request, code, handler):
    org = access.get_planner_organisation_for_user(request.user, code)
    if request.method == "GET":
        return _render(request, org, "upload", form=UploadForm())
    step = request.POST.get("step", "upload")
    if step == "upload":
        form = UploadForm(request.POST, request.FILES)
        if handler.too_large:
            form.is_valid()
            form.add_error("sheet", importing.too_large_message())
            return _render(request, org, "upload", status=400, form=form)
        if not form.is_valid():
            return _render(request, org, "upload", status=400, form=form)
        data = read_capped(form.cleaned_data["sheet"], importing.MAX_BYTES)
        try:
            if data is None:
                raise ValidationError(importing.too_large_message())
            text = importing.decode(data)
            sheet = importing.read_sheet(text)
        except ValidationError as error:
            form.add_error("sheet", error)
            return _render(request, org, "upload", status=400, form=form)
        initial = {f"map_{k}": v for k, v in importing.guess_mapping(sheet.headers).items()}
        initial["sheet_text"] = text
        mapping = MappingForm(headers=sheet.headers, initial=initial)
        return _render(request, org, "map", form=mapping, rows=len(sheet.rows))

    # Mapping, dry run and import all carry the sheet's text back.
    try:
        sheet = importing.read_sheet(request.POST.get("sheet_text", ""))
    except ValidationError as error:
        return _render(request, org, "upload", status=400, form=UploadForm(), errors=error.messages)
    form = MappingForm(request.POST, headers=sheet.headers)
    if not form.is_valid():
        return _render(request, org, "map", status=400, form=form, rows=len(sheet.rows))
    try:
        if step == "import":
            report = importing.do_import(org, sheet, form.mapping(), actor=request.user)
            text = ngettext(
                "%(count)d request imported.", "%(count)d requests imported.", report.imported
            ) % {"count": report.imported}
            if report.skipped:
                text += " " + ngettext(
                    "%(count)d row was already imported and was skipped.",
                    "%(count)d rows were already imported and were skipped.",
                    report.skipped,
                ) % {"count": report.skipped}
            messages.success(request, text)
            return redirect("aid:index")
        report = importing.dry_run(org, sheet, form.mapping())
    except ValidationError as error:
        form.add_error(None, error)
        report = None
        try:
            report = importing.dry_run(org, sheet, form.mapping())
        except ValidationError:
            pass
        return _render(
            request, org, "map", status=400, form=form, rows=len(sheet.rows), report=report
        )
    return _render(request, org, "map", form=form, rows=len(sheet.rows), report=report)
