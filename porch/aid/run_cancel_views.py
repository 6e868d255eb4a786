"""Coordinators cancel a run or take it back to draft (porch/aid/run_cancel.py).
POST only; anyone who cannot see the run gets 404."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from porch.aid import access, run_cancel


def _released_message(request, text, released):
    if released:
        text += " " + ngettext(
            "%(count)s reservation went back on the shelf.",
            "%(count)s reservations went back on the shelf.",
            released,
        ) % {"count": released}
    messages.success(request, text)


def _coordinated_run(request, code):
    run = access.get_run_for_user(request.user, code)
    if not access.is_planner(request.user, run.organisation):
        raise Http404
    return run


def _refused(request, error, back):
    context = {"errors": error.messages, "back": back}
    return render(request, "aid/problem.html", context, status=400)


@require_POST
@login_required
def run_cancel_view(request, code):
    run = _coordinated_run(request, code)
    back = reverse("aid:run", kwargs={"code": run.code})
    try:
        _run, released = run_cancel.do_cancel_run(run, actor=request.user)
    except ValidationError as error:
        return _refused(request, error, back)
    _released_message(
        request, _("The run is cancelled; its stops are back in the queue."), released
    )
    return redirect(back)


@require_POST
@login_required
def run_unpublish_view(request, code):
    run = _coordinated_run(request, code)
    back = reverse("aid:run", kwargs={"code": run.code})
    try:
        _run, released = run_cancel.do_unpublish_run(run, actor=request.user)
    except ValidationError as error:
        return _refused(request, error, back)
    _released_message(request, _("The run is a draft again."), released)
    return redirect(back)
