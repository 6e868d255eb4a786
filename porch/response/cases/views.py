"""Legal pages: access → form → action → redirect or render.

Anyone active in an organisation can send a "person detained" handoff; only
that organisation's legal partner reads handoffs, incident records and
follow-up cases (404 for everyone else). Media originals are sealed as they
stream in (porch.response.cases.uploads) and leave only as downloads with
no-store.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from porch.accounts.roles import ROLE_INFO, Role
from porch.core.forms import add_errors
from porch.core.middleware import accepts_uploads
from porch.response import access as response_access
from porch.response.cases import access, actions, uploads
from porch.response.cases.forms import (
    CloseForm,
    EntryForm,
    EscalationForm,
    HandoffForm,
    NeedForm,
)
from porch.response.cases.models import FollowUpCase, LegalHandoff

GET_POST = ["GET", "POST"]


def _handoff_url(code: str) -> str:
    return reverse("response:cases:handoff", args=[code])


def _case_url(code: str) -> str:
    return reverse("response:cases:case", args=[code])


def _problem(request, error: ValidationError, back: str):
    context = {"errors": error.messages, "back": back}
    return render(request, "response/problem.html", context, status=400)


def home_panel(request) -> dict | None:
    """For legal partners only: how many handoffs wait to be accepted. The
    legal role needs a trust level most people lack: below it, no query."""
    user = request.user
    if getattr(user, "trust_level", 0) < ROLE_INFO[Role.LEGAL].min_trust:
        return None
    orgs = access.legal_orgs(user)
    if not orgs:
        return None
    new = access.handoffs_visible_to(request.user).filter(status=LegalHandoff.Status.NEW).count()
    return {"template": "response/cases/_home_panel.html", "new": new}


@require_http_methods(GET_POST)
@login_required
def detained(request, code):
    organisation = response_access.get_member_organisation(request.user, code)
    form = HandoffForm(request.POST or None, coalition=organisation.coalition)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            actions.do_create_handoff(
                organisation,
                zone=data["zone"],
                time_bucket=data["time_bucket"],
                what_happened=data["what_happened"],
                contact_route=data["contact_route"],
                actor=request.user,
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("Thank you. The legal partner has it now."))
            return redirect("response:index")
    status = 400 if request.method == "POST" else 200
    context = {"form": form, "organisation": organisation}
    return render(request, "response/cases/detained.html", context, status=status)


@require_http_methods(GET_POST)
@login_required
def escalate(request, code):
    """A volunteer on a court-hearing or check-in shift: the person they
    accompany was detained there (W4 escalation)."""
    from porch.volunteers.access import get_signup_for_user

    signup = get_signup_for_user(request.user, code)
    form = EscalationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.do_escalate_detention(
                signup,
                what_happened=form.cleaned_data["what_happened"],
                contact_route=form.cleaned_data["contact_route"],
                actor=request.user,
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("Thank you. The legal partner has it now."))
            return redirect("response:index")
    status = 400 if request.method == "POST" else 200
    context = {"form": form, "site": signup.shift.slot.site, "shift": signup.shift}
    return render(request, "response/cases/escalate.html", context, status=status)


@require_GET
@login_required
def queue(request):
    if not access.legal_orgs(request.user):
        raise Http404
    handoffs = list(
        access.handoffs_visible_to(request.user)
        .exclude(status=LegalHandoff.Status.PURGED)
        .select_related("zone", "organisation", "case")
        .order_by("-created_at")[:200]
    )
    cases = list(
        access.cases_visible_to(request.user)
        .exclude(status=FollowUpCase.Status.PURGED)
        .select_related("zone")[:200]
    )
    context = {"handoffs": handoffs, "cases": cases}
    return render(request, "response/cases/queue.html", context)


@require_GET
@login_required
def handoff_detail(request, code):
    handoff = access.get_handoff_for_user(request.user, code)
    case = FollowUpCase.objects.filter(handoff=handoff).first()
    context = {
        "handoff": handoff,
        "entries": list(handoff.entries.select_related("subject")),
        "media": list(handoff.media.all()),
        "case": case,
        "entry_form": EntryForm(),
        "max_mb": uploads.max_bytes() // (1024 * 1024),
    }
    return render(request, "response/cases/handoff.html", context)


def _act(request, back: str, call):
    try:
        call()
    except ValidationError as error:
        return _problem(request, error, back)
    return redirect(back)


@require_POST
@login_required
def handoff_accept(request, code):
    handoff = access.get_handoff_for_user(request.user, code)
    back = _handoff_url(handoff.code)
    return _act(request, back, lambda: actions.do_accept_handoff(handoff, actor=request.user))


@require_POST
@login_required
def handoff_entry(request, code):
    handoff = access.get_handoff_for_user(request.user, code)
    data = EntryForm(request.POST).data
    back = _handoff_url(handoff.code)
    return _act(
        request,
        back,
        lambda: actions.do_add_entry(
            handoff,
            kind=data.get("kind", ""),
            at=data.get("at", ""),
            text=data.get("text", ""),
            actor=request.user,
        ),
    )


@accepts_uploads
@csrf_exempt
@require_POST
@login_required
def handoff_media(request, code):
    """Swap the upload handlers before anything reads the body, then check
    CSRF (csrf_protect reads request.POST, parsed by our handler)."""
    handoff = access.get_handoff_for_user(request.user, code)
    if handoff.subject is None:
        error = ValidationError(_("This handoff's personal data has been purged."))
        return _problem(request, error, _handoff_url(handoff.code))
    handler = uploads.SealingUploadHandler(request, subject=handoff.subject)
    request.upload_handlers = [handler]
    return _store_media(request, handoff, handler)


@csrf_protect
def _store_media(request, handoff, handler):
    back = _handoff_url(handoff.code)
    upload = request.FILES.get(uploads.FIELD)
    if handler.too_large:
        mb = uploads.max_bytes() // (1024 * 1024)
        error = ValidationError(_("The file is larger than %(mb)s MB.") % {"mb": mb})
        return _problem(request, error, back)
    return _act(request, back, lambda: actions.do_add_media(handoff, upload, actor=request.user))


def _download(body, *, name: str, content_type: str):
    response = (
        StreamingHttpResponse(body, content_type=content_type)
        if not isinstance(body, bytes)
        else HttpResponse(body, content_type=content_type)
    )
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_GET
@login_required
def media_original(request, code):
    media = access.get_media_for_user(request.user, code)
    try:
        body = actions.media_original(media)
    except ValidationError as error:
        return _problem(request, error, _handoff_url(media.handoff.code))
    extension = {"jpeg": "jpg"}.get(media.format, media.format or "bin")
    return _download(
        body, name=f"{media.code}.{extension}", content_type="application/octet-stream"
    )


@require_GET
@login_required
def media_copy(request, code):
    media = access.get_media_for_user(request.user, code)
    copy = media.shared_copy
    if not copy:
        raise Http404
    return _download(copy, name=f"{media.code}-shareable.jpg", content_type="image/jpeg")


@require_POST
@login_required
def handoff_case(request, code):
    handoff = access.get_handoff_for_user(request.user, code)
    try:
        case = actions.do_open_case(handoff, actor=request.user)
    except ValidationError as error:
        return _problem(request, error, _handoff_url(handoff.code))
    return redirect("response:cases:case", case.code)


@require_GET
@login_required
def case_detail(request, code):
    case = access.get_case_for_user(request.user, code)
    items = list(case.items.select_related("owner", "subject"))
    context = {
        "case": case,
        "items": items,
        "need_form": NeedForm(),
        "close_form": CloseForm(),
    }
    return render(request, "response/cases/case.html", context)


@require_POST
@login_required
def case_need(request, code):
    case = access.get_case_for_user(request.user, code)
    form = NeedForm(request.POST)
    back = _case_url(case.code)
    if not form.is_valid():
        errors = [e for field_errors in form.errors.values() for e in field_errors]
        return _problem(request, ValidationError(errors), back)
    data = form.cleaned_data
    return _act(
        request,
        back,
        lambda: actions.do_add_need(
            case,
            need=data["need"],
            owner_handle=data["owner"],
            due_on=data["due_on"],
            details=data["details"],
            callback_number=data["callback_number"],
            household_size=data["household_size"],
            actor=request.user,
        ),
    )


@require_GET
@login_required
def tasks(request):
    """A need's owner: their open needs (kind, due date, details), nothing
    else of the case or the handoff."""
    items = list(
        access.needs_owned_by(request.user).select_related("case", "subject").order_by("due_on")
    )
    return render(request, "response/cases/tasks.html", {"items": items})


@require_POST
@login_required
def need_done(request, code):
    item = access.get_need_for_user(request.user, code)
    legal = item.case.organisation_id in access.legal_orgs(request.user)
    back = _case_url(item.case.code) if legal else reverse("response:cases:tasks")
    return _act(request, back, lambda: actions.do_mark_need_done(item, actor=request.user))


@require_POST
@login_required
def case_close(request, code):
    case = access.get_case_for_user(request.user, code)
    form = CloseForm(request.POST)
    hold = form.is_valid() and form.cleaned_data["legal_hold"]
    back = _case_url(case.code)
    try:
        actions.do_close_case(case, legal_hold=hold, actor=request.user)
    except ValidationError as error:
        return _problem(request, error, back)
    if hold:
        messages.success(
            request,
            _(
                "The case is closed under a legal hold. Its personal data will be purged "
                "when the hold ends."
            ),
        )
    else:
        messages.success(request, _("The case is closed. Its personal data has been purged."))
    return redirect(back)


@require_POST
@login_required
def case_release(request, code):
    case = access.get_case_for_user(request.user, code)
    back = _case_url(case.code)
    return _act(request, back, lambda: actions.do_release_hold(case, actor=request.user))
