from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from porch.accounts.stepup import require_step_up
from porch.vault import access, actions
from porch.vault.forms import DecideForm, PanicForm


def _panic_form(request, data=None):
    if not access.can_see_panic(request.user):
        raise Http404
    return PanicForm(
        data,
        organisations=list(access.panic_organisations_for_user(request.user)),
        instance=access.is_coalition_admin(request.user),
    )


def _page(request, form, status=200):
    pending = access.pending_panics_for_user(request.user)
    context = {"form": form, "pending": pending, "me": request.user}
    return render(request, "vault/panic.html", context, status=status)


@login_required
@require_http_methods(["GET"])
def panic(request):
    return _page(request, _panic_form(request))


@login_required
@require_http_methods(["POST"])
@require_step_up
def panic_request(request):
    form = _panic_form(request, request.POST)
    if not form.is_valid():
        return _page(request, form, status=400)
    scope = form.cleaned_data["scope"]
    organisation = form.organisations.get(scope.removeprefix("org:"))
    actions.do_request_panic(scope, organisation=organisation, actor=request.user)
    messages.warning(request, _("Erasure requested. A second admin must now approve it."))
    return redirect("vault:panic")


@login_required
@require_http_methods(["POST"])
@require_step_up
def panic_decide(request, code):
    approval = access.get_panic_for_user(request.user, code)
    form = DecideForm(request.POST)
    if not form.is_valid():
        return _page(request, _panic_form(request), status=400)
    try:
        actions.do_decide_panic(
            approval, approve=form.cleaned_data["decision"] == "approve", actor=request.user
        )
    except PermissionDenied:
        raise
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("vault:panic")
    messages.warning(request, _("Done. The decision has been recorded."))
    return redirect("vault:panic")
