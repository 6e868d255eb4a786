"""Aid pages: access → form → action → redirect or render. POST only for writes.

Addresses appear on three endpoints only — the run page, the run-sheet PDF
and the stop confirmation forms — and each asks access.address_visible (R31)
through get_addressed_run_for_user / get_stop_on_addressed_run.
"""

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from porch.aid import access, actions, plan_views
from porch.aid.forms import (
    CloseForm,
    ConfirmForm,
    DayForm,
    DeliverForm,
    FailForm,
    HubForm,
    IntermediaryForm,
    PlanForm,
    RequestForm,
)
from porch.aid.hubs import hubs_kept_by
from porch.aid.models import AidRequest, DeliveryRun
from porch.core.forms import add_errors
from porch.core.pdf import pdf_response, render_pdf

GET_POST = ["GET", "POST"]


def _form_page(request, form, *, title, submit, status=200, **context):
    context.update(form=form, title=title, submit=submit)
    return render(request, "aid/form.html", context, status=status)


def _problem(request, error: ValidationError, back: str):
    return render(request, "aid/problem.html", {"errors": error.messages, "back": back}, status=400)


# ---- Overview ------------------------------------------------------------------------


@require_GET
@login_required
def index(request):
    user = request.user
    intake = access.intake_organisations(user)
    drivers = access.driver_organisations(user)
    # A hub keeper's way in from the home page's "Food and deliveries" link.
    keeps_hubs = hubs_kept_by(user).exists()
    if not intake.exists() and not drivers.exists() and not keeps_hubs:
        raise Http404
    requests = access.requests_visible_to(user).filter(status__in=AidRequest.OPEN)
    context = {
        "intake_orgs": list(intake),
        "planner_orgs": list(access.planner_organisations(user)),
        "requests": list(requests.order_by("status", "pk")[:200]),
        "open_runs": list(access.open_runs_for(user)[:100]),
        "my_runs": list(access.my_runs(user)),
        "driver_orgs": list(drivers),
        "keeps_hubs": keeps_hubs,
    }
    return render(request, "aid/index.html", context)


# ---- Requests ----------------------------------------------------------------------------


@require_http_methods(GET_POST)
@login_required
def request_create(request, code):
    org = access.get_intake_organisation_for_user(request.user, code)
    form = RequestForm(request.POST or None)
    title, submit = _("New request"), _("Save the request")
    if request.method == "POST":
        if not form.is_valid():
            return _form_page(request, form, title=title, submit=submit, status=400)
        data = form.cleaned_data
        try:
            created = actions.do_create_request(
                org,
                callback_number=data["callback_number"],
                zone=data["zone"],
                cross_streets=data["cross_streets"],
                household_size=data["household_size"],
                needs=data["needs"],
                diet=data["diet"],
                language=data["language"],
                home_times=data["home_times"],
                urgency=data["urgency"],
                actor=request.user,
            )
        except ValidationError as error:
            add_errors(form, error)
            return _form_page(request, form, title=title, submit=submit, status=400)
        messages.success(request, _("Request saved. Tell the household its code."))
        return redirect("aid:request", code=created.code)
    return _form_page(request, form, title=title, submit=submit, organisation=org)


@require_http_methods(GET_POST)
@login_required
def intermediary_create(request, code):
    org = access.get_intake_organisation_for_user(request.user, code)
    form = IntermediaryForm(request.POST or None)
    title, submit = _("Bags for a partner"), _("Save the request")
    if request.method == "POST":
        if not form.is_valid():
            return _form_page(request, form, title=title, submit=submit, status=400)
        data = form.cleaned_data
        try:
            created = actions.do_create_intermediary_request(
                org,
                partner=data["partner"],
                zone=data["zone"],
                bags=data["bags"],
                needs=data["needs"],
                actor=request.user,
            )
        except ValidationError as error:
            add_errors(form, error)
            return _form_page(request, form, title=title, submit=submit, status=400)
        return redirect("aid:request", code=created.code)
    return _form_page(request, form, title=title, submit=submit, organisation=org)


@require_GET
@login_required
@never_cache
def request_detail(request, code):
    found = access.get_request_for_user(request.user, code)
    shows_number = access.shows_callback_number(request.user, found)
    context = {
        "aid_request": found,
        "callback_number": found.callback_number if shows_number else None,
        "cross_streets": found.cross_streets if shows_number else None,
        "duplicates": actions.duplicates_of(found),
        "can_call": shows_number,
        "can_close": found.status
        in (
            AidRequest.Status.NEEDS_CALLBACK,
            AidRequest.Status.NO_ANSWER,
            AidRequest.Status.CONFIRMED,
        ),
        "close_form": CloseForm(),
        "reason": actions.UNASSIGNED_REASONS.get(found.unassigned_reason),
    }
    return render(request, "aid/request.html", context)


@require_POST
@login_required
def request_no_answer(request, code):
    found = access.get_request_for_user(request.user, code)
    back = reverse("aid:request", kwargs={"code": found.code})
    if not access.can_take_calls(request.user, found.organisation):
        raise Http404
    try:
        actions.do_record_no_answer(found, actor=request.user)
    except ValidationError as error:
        return _problem(request, error, back)
    return redirect(back)


@require_http_methods(GET_POST)
@login_required
def request_confirm(request, code):
    found = access.get_request_for_user(request.user, code)
    if not access.shows_callback_number(request.user, found):
        raise Http404
    form = ConfirmForm(request.POST or None)
    title, submit = _("Confirm at callback"), _("Confirm the address")
    context = {"aid_request": found}
    if request.method == "POST":
        if not form.is_valid():
            return _form_page(request, form, title=title, submit=submit, status=400, **context)
        data = form.cleaned_data
        try:
            actions.do_confirm_request(
                found, address=data["address"], lat=data["lat"], lon=data["lon"], actor=request.user
            )
        except ValidationError as error:
            add_errors(form, error)
            return _form_page(request, form, title=title, submit=submit, status=400, **context)
        messages.success(request, _("Confirmed. The address is sealed until delivery."))
        return redirect("aid:request", code=found.code)
    return _form_page(request, form, title=title, submit=submit, **context)


@require_POST
@login_required
def request_close(request, code):
    found = access.get_request_for_user(request.user, code)
    back = reverse("aid:request", kwargs={"code": found.code})
    form = CloseForm(request.POST)
    if not form.is_valid():
        return _problem(request, ValidationError(_("Choose why the request is closed.")), back)
    try:
        actions.do_close_request(found, form.cleaned_data["status"], actor=request.user)
    except ValidationError as error:
        return _problem(request, error, back)
    return redirect(back)


# ---- Hubs and planning (coordinators) -----------------------------------------------------


@require_http_methods(GET_POST)
@login_required
def hub_create(request, code):
    org = access.get_planner_organisation_for_user(request.user, code)
    form = HubForm(request.POST or None)
    title, submit = _("New hub"), _("Save the hub")
    if request.method == "POST":
        if not form.is_valid():
            return _form_page(request, form, title=title, submit=submit, status=400)
        try:
            actions.do_create_hub(org, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_errors(form, error)
            return _form_page(request, form, title=title, submit=submit, status=400)
        return redirect("aid:plan", code=org.code)
    return _form_page(request, form, title=title, submit=submit, organisation=org)


def _plan_page(request, org, form, *, day, unassigned=None, status=200):
    runs = list(access.runs_of_day(org, day))
    queue = list(actions.plannable_requests(org).exclude(unassigned_reason=""))
    context = {
        "organisation": org,
        "form": form,
        "day": day,
        "runs": runs,
        "has_drafts": any(r.status == DeliveryRun.Status.DRAFT for r in runs),
        "waiting": actions.plannable_requests(org).count(),
        "unassigned": [(r, actions.UNASSIGNED_REASONS.get(r.unassigned_reason, "")) for r in queue],
        "hubs": list(access.hubs_for(org)),
    }
    context.update(plan_views.plan_context(org, day, runs))
    return render(request, "aid/plan.html", context, status=status)


@require_http_methods(GET_POST)
@login_required
def plan(request, code):
    org = access.get_planner_organisation_for_user(request.user, code)
    hubs = access.hubs_for(org)
    if request.method == "GET":
        day_form = DayForm(request.GET)
        day = day_form.cleaned_data["day"] if day_form.is_valid() else timezone.localdate()
        form = PlanForm(hubs=hubs, initial={"day": day})
        return _plan_page(request, org, form, day=day)
    form = PlanForm(request.POST, hubs=hubs)
    if not form.is_valid():
        return _plan_page(request, org, form, day=timezone.localdate(), status=400)
    data = form.cleaned_data
    try:
        actions.do_plan_day(org, actor=request.user, **data)
    except ValidationError as error:
        add_errors(form, error)
        return _plan_page(request, org, form, day=data["day"], status=400)
    return redirect(reverse("aid:plan", kwargs={"code": org.code}) + f"?day={data['day']}")


@require_POST
@login_required
def publish(request, code):
    org = access.get_planner_organisation_for_user(request.user, code)
    back = reverse("aid:plan", kwargs={"code": org.code})
    form = DayForm(request.POST)
    if not form.is_valid():
        return _problem(request, ValidationError(_("Choose the day to publish.")), back)
    day = form.cleaned_data["day"]
    try:
        count = actions.do_publish_runs(org, day, actor=request.user)
    except ValidationError as error:
        return _problem(request, error, back)
    text = ngettext(
        "%(count)s run is open to drivers.", "%(count)s runs are open to drivers.", count
    )
    messages.success(request, text % {"count": count})
    return redirect(f"{back}?day={day}")


# ---- Runs (drivers) ---------------------------------------------------------------------------


@require_GET
@login_required
@never_cache
def run_detail(request, code):
    run = access.get_run_for_user(request.user, code)
    addressed = access.address_visible(request.user, run)
    holds = run.driver_id == request.user.pk
    stops = (
        list(access.stops_of(run))
        if (holds or access.is_planner(request.user, run.organisation))
        else []
    )
    rows = []
    for stop in stops:
        rows.append(
            {
                "stop": stop,
                "address": stop.request.address if addressed else None,
                "callback_number": stop.request.callback_number if addressed else None,
                "cross_streets": stop.request.cross_streets if holds else None,
            }
        )
    context = {
        "run": run,
        "rows": rows,
        "holds": holds,
        "addressed": addressed,
        "window": access.address_window(run),
        "deliver_form": DeliverForm(),
        "fail_form": FailForm(),
        "is_driver": run.organisation in access.driver_organisations(request.user),
        "is_planner": access.is_planner(request.user, run.organisation),
    }
    return render(request, "aid/run.html", context)


def _run_action(request, code, action):
    run = access.get_run_for_user(request.user, code)
    back = reverse("aid:run", kwargs={"code": run.code})
    try:
        action(run, actor=request.user)
    except ValidationError as error:
        status = 409 if any(e.code == "duplicate" for e in error.error_list) else 400
        response = _problem(request, error, back)
        response.status_code = status
        return response
    return redirect(back)


@require_POST
@login_required
def run_claim(request, code):
    return _run_action(request, code, actions.do_claim_run)


@require_POST
@login_required
def run_dispatch(request, code):
    access.get_held_run_for_user(request.user, code)
    return _run_action(request, code, actions.do_dispatch_run)


@require_POST
@login_required
def run_complete(request, code):
    access.get_held_run_for_user(request.user, code)
    return _run_action(request, code, actions.do_complete_run)


@require_GET
@login_required
def run_sheet(request, code):
    """The full sheet: only while the address is visible (R31); never stored."""
    run = access.get_addressed_run_for_user(request.user, code)
    stops = []
    for stop in access.stops_of(run):
        # The QR holds the stop's confirmation URL: a random code, nothing else.
        url = request.build_absolute_uri(reverse("aid:stop", kwargs={"stop": stop.code}))
        stops.append(
            {
                "stop": stop,
                "address": stop.request.address,
                "callback_number": stop.request.callback_number,
                "confirm_url": url,
                "qr": segno.make(url, error="m").png_data_uri(scale=4, border=4),
            }
        )
    pdf = render_pdf("print/aid/run_sheet.html", {"run": run, "stops": stops, "full": True})
    return pdf_response(pdf, f"run-{run.code}.pdf")


@require_GET
@login_required
def run_corners(request, code):
    """The cross-streets-only sheet, printable once the run is claimed."""
    run = access.get_held_run_for_user(request.user, code)
    stops = [
        {"stop": stop, "cross_streets": stop.request.cross_streets} for stop in access.stops_of(run)
    ]
    pdf = render_pdf("print/aid/run_sheet.html", {"run": run, "stops": stops, "full": False})
    return pdf_response(pdf, f"run-{run.code}-corners.pdf")


@require_POST
@login_required
def stop_deliver(request, code, stop):
    found = access.get_stop_on_addressed_run(request.user, code, stop)
    back = reverse("aid:run", kwargs={"code": code})
    form = DeliverForm(request.POST)
    if not form.is_valid():
        return _problem(request, ValidationError(_("Enter the household's code.")), back)
    try:
        actions.do_deliver_stop(found, form.cleaned_data["household_code"], actor=request.user)
    except ValidationError as error:
        return _problem(request, error, back)
    messages.success(request, _("Delivered. Thank you."))
    return redirect(back)


@require_POST
@login_required
def stop_fail(request, code, stop):
    found = access.get_stop_on_addressed_run(request.user, code, stop)
    back = reverse("aid:run", kwargs={"code": code})
    form = FailForm(request.POST)
    if not form.is_valid():
        return _problem(
            request, ValidationError(_("Choose why the delivery did not happen.")), back
        )
    try:
        actions.do_fail_stop(found, form.cleaned_data["reason"], actor=request.user)
    except ValidationError as error:
        return _problem(request, error, back)
    return redirect(back)
