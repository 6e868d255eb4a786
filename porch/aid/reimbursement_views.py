"""Reimbursement pages (porch/aid/reimbursements.py): a driver claims an
amount for a run with a receipt photo; a coordinator looks at the receipt and
approves or refuses once. No names, no memos. Work without JavaScript.

The receipt is read in memory with a cap (porch/aid/uploads.py), re-encoded
without metadata and sealed by the action; it is never written to disk in
plaintext and is served back only to coordinators and its submitter, with
`no-store`.
"""

from decimal import Decimal

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from porch.aid import access, reimbursements
from porch.aid.models import Reimbursement
from porch.aid.uploads import CappedMemoryUploadHandler, read_capped
from porch.core.forms import add_errors
from porch.core.middleware import accepts_uploads


class ReimbursementForm(forms.Form):
    run_code = forms.CharField(label=gettext_lazy("Run code"), max_length=12)
    amount = forms.DecimalField(
        label=gettext_lazy("Amount in dollars"),
        min_value=Decimal("0.01"),
        max_value=Decimal("1000"),
        decimal_places=2,
    )
    receipt = forms.FileField(
        label=gettext_lazy("Photo of the receipt"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png"}),
    )


class DecideForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", "approve"), ("refuse", "refuse")])


def dollars(cents: int) -> str:
    return f"{cents // 100}.{cents % 100:02d}"


def _page(request, org, form, *, status=200):
    is_planner = access.is_planner(request.user, org)
    totals = reimbursements.counts(org) if is_planner else {}
    context = {
        "organisation": org,
        "form": form,
        "is_planner": is_planner,
        "counts": [
            {
                "status": value,
                "label": label,
                "count": totals.get(value, {}).get("count", 0),
                "total": dollars(totals.get(value, {}).get("cents", 0)),
            }
            for value, label in Reimbursement.Status.choices
        ],
        "items": [
            {"item": item, "amount": dollars(item.amount_cents)}
            for item in reimbursements.visible_in(request.user, org).order_by("-pk")[:200]
        ],
        "limit_mb": reimbursements.upload_limit() / (1024 * 1024),
    }
    return render(request, "aid/reimbursements.html", context, status=status)


@accepts_uploads
@csrf_exempt
@never_cache
def reimbursement_list(request, code):
    """GET: the page. POST: a claim with its photo, read in memory only."""
    handler = CappedMemoryUploadHandler(request, limit=reimbursements.upload_limit())
    request.upload_handlers = [handler]
    return _reimbursement_list(request, code, handler)


@csrf_protect
@require_http_methods(["GET", "POST"])
@login_required
def _reimbursement_list(request, code, handler):
    org = reimbursements.get_organisation_for_user(request.user, code)
    if request.method == "GET":
        return _page(request, org, ReimbursementForm())
    form = ReimbursementForm(request.POST, request.FILES)
    if handler.too_large:
        form.is_valid()
        form.add_error(
            "receipt",
            _("The photo is larger than %(mb)s MB.")
            % {"mb": f"{reimbursements.upload_limit() / (1024 * 1024):.1f}"},
        )
        return _page(request, org, form, status=400)
    if not form.is_valid():
        return _page(request, org, form, status=400)
    data = form.cleaned_data
    photo = read_capped(data["receipt"], reimbursements.upload_limit()) or b""
    try:
        reimbursements.do_submit_reimbursement(
            org,
            run_code=data["run_code"],
            amount_cents=int(data["amount"] * 100),
            receipt=photo,
            actor=request.user,
        )
    except ValidationError as error:
        add_errors(form, _fields(error))
        return _page(request, org, form, status=400)
    messages.success(request, _("Sent. A coordinator will look at it."))
    return redirect("aid:reimbursements", code=org.code)


def _fields(error: ValidationError) -> ValidationError:
    """The action names amount_cents; the form calls it amount."""
    if hasattr(error, "error_dict") and "amount_cents" in error.error_dict:
        error.error_dict["amount"] = error.error_dict.pop("amount_cents")
    return error


@require_POST
@login_required
def reimbursement_decide(request, code):
    item = reimbursements.get_reimbursement_for_user(request.user, code)
    if not access.is_planner(request.user, item.organisation):
        raise Http404
    back = reverse("aid:reimbursements", kwargs={"code": item.organisation.code})
    form = DecideForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(_("Choose to approve or to refuse."))
        reimbursements.do_decide_reimbursement(
            item, form.cleaned_data["decision"] == "approve", actor=request.user
        )
    except ValidationError as error:
        context = {"errors": error.messages, "back": back}
        return render(request, "aid/problem.html", context, status=400)
    return redirect(back)


@require_GET
@login_required
def reimbursement_receipt(request, code):
    item = reimbursements.get_reimbursement_for_user(request.user, code)
    photo = reimbursements.receipt_bytes(Reimbursement.objects.get(pk=item.pk))
    if not photo:
        raise Http404  # shredded
    response = HttpResponse(photo, content_type="image/jpeg")
    response["Cache-Control"] = "no-store"
    response["Content-Disposition"] = f'inline; filename="receipt-{item.code}.jpg"'
    response["X-Content-Type-Options"] = "nosniff"
    return response
