"""Rapid response pages: access → form → action → redirect or render.

Templates receive reports, dispatches and alerts, never the reporter's
contact: the report detail shows only whether a contact is on file (R5).
The free text is shown to the desk only.
"""

from types import SimpleNamespace

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from porch.coalition.models import Coalition, Zone
from porch.core.forms import add_errors
from porch.response import access, actions, debrief
from porch.response.forms import (
    AnswerForm,
    CallForm,
    DebriefWindowForm,
    MergeForm,
    OutcomeForm,
    PublishForm,
    ReportForm,
    SettingsForm,
    TriageForm,
)
from porch.response.models import Alert, Dispatch, Report

GET_POST = ["GET", "POST"]


def _problem(request, error: ValidationError, back: str):
    return render(
        request, "response/problem.html", {"errors": error.messages, "back": back}, status=400
    )


def _shown(report, *, desk: bool) -> SimpleNamespace:
    """What a template may read of a report: never the reporter's contact
    (R5), and the free text only for the desk."""
    return SimpleNamespace(
        code=report.code,
        status=report.get_status_display(),
        triage_reason=report.triage_reason,
        size=report.get_size_display(),
        activity=report.get_activity_display(),
        zone=report.zone.name if report.zone else "",
        intersection=report.intersection,
        uniform=report.get_uniform_display(),
        equipment=report.get_equipment_display(),
        seen_at=report.seen_at,
        details=report.details if desk else "",
    )


def home_panel(request) -> dict | None:
    user = request.user
    if not user.is_authenticated:
        return None
    desk = access.desk_organisations(user).exists()
    waiting = Dispatch.objects.filter(verifier=user, state__in=("asked", "accepted")).count()
    if not desk and not waiting and not access.is_verifier(user):
        return None
    new = access.reports_for(user).filter(status=Report.Status.NEW).count() if desk else 0
    return {"template": "response/_home_panel.html", "desk": desk, "new": new, "waiting": waiting}


@require_GET
@login_required
def index(request):
    user = request.user
    desks = list(access.desk_organisations(user).order_by("name"))
    mine = list(
        Dispatch.objects.filter(verifier=user, state__in=("asked", "accepted"))
        .select_related("report__zone")
        .order_by("asked_at")
    )
    members = list(access.member_organisations(user).order_by("name"))
    if not desks and not mine and not members:
        raise Http404
    reports = list(access.reports_for(user).open().select_related("zone").order_by("-created_at"))
    heading = actions.heading_counts(reports)
    for report in reports:
        report.heading = heading.get(report.pk, 0)
    can_set = (
        access.counting_memberships().filter(user=user, role__in=access.SETTINGS_ROLES).exists()
    )
    context = {
        "desks": desks,
        "reports": reports,
        "mine": mine,
        "members": members,
        "can_set": can_set,
    }
    return render(request, "response/index.html", context)


def _take(request, organisation, form_class, *, source, title):
    form = form_class(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            report = actions.do_take_report(
                organisation,
                zone=data["zone"],
                intersection=data["intersection"],
                size=data["size"],
                activity=data["activity"],
                uniform=data["uniform"],
                equipment=data["equipment"],
                seen_at=data["seen_at"],
                details=data["details"],
                language=data.get("language") or request.LANGUAGE_CODE[:3].rstrip("-"),
                contact=data.get("contact", ""),
                source=source,
                actor=request.user,
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            if source == Report.Source.CALL:
                return redirect("response:report", report.code)
            messages.success(request, _("Thank you. Your report reached the dispatch desk."))
            return redirect("response:index")
    status = 400 if request.method == "POST" else 200
    context = {"form": form, "organisation": organisation, "title": title}
    return render(request, "response/report_form.html", context, status=status)


@require_http_methods(GET_POST)
@login_required
def report_create(request, code):
    organisation = access.get_desk_organisation(request.user, code)
    return _take(
        request, organisation, CallForm, source=Report.Source.CALL, title=_("Take a report")
    )


@require_http_methods(GET_POST)
@login_required
def member_report(request, code):
    organisation = access.get_member_organisation(request.user, code)
    return _take(
        request, organisation, ReportForm, source=Report.Source.WEB, title=_("Report activity")
    )


@require_GET
@login_required
def report_detail(request, code):
    report = access.get_report_for_user(request.user, code)
    dispatches = list(report.dispatches.select_related("verifier").order_by("asked_at"))
    rows = [
        {
            "handle": d.verifier.handle,
            "state": d.get_state_display(),
            "outcome": d.get_outcome_display() if d.outcome else "",
        }
        for d in dispatches
    ]
    context = {
        "report": _shown(report, desk=True),
        "dispatches": rows,
        "heading": sum(1 for d in dispatches if d.state == Dispatch.State.ACCEPTED),
        "confirmations": len(report.confirmers()),
        "can_publish": report.can_publish(),
        "false_alarms": len(actions.false_alarm_verifiers(report)),
        "duplicates": list(actions.likely_duplicates(report).select_related("zone")),
        "alerts": list(report.alerts.order_by("published_at")),
        "has_contact": report.reporter_id is not None,
        "triage_form": TriageForm(initial={"status": report.status}),
        "publish_form": PublishForm(),
    }
    return render(request, "response/report.html", context)


def _act(request, report, call):
    try:
        call()
    except ValidationError as error:
        return _problem(request, error, report.get_absolute_url())
    return redirect("response:report", report.code)


@require_POST
@login_required
def report_triage(request, code):
    report = access.get_report_for_user(request.user, code)
    form = TriageForm(request.POST)
    data = form.data
    return _act(
        request,
        report,
        lambda: actions.do_triage_report(
            report, status=data.get("status", ""), reason=data.get("reason", ""), actor=request.user
        ),
    )


@require_POST
@login_required
def report_merge(request, code):
    report = access.get_report_for_user(request.user, code)
    form = MergeForm(request.POST)
    into = access.reports_for(request.user).filter(code=form.data.get("into", "")).first()
    if into is None:
        error = ValidationError(_("Choose a report of your organisation to merge into."))
        return _problem(request, error, report.get_absolute_url())
    return _act(request, report, lambda: actions.do_merge_report(report, into, actor=request.user))


@require_POST
@login_required
def report_dispatch(request, code):
    report = access.get_report_for_user(request.user, code)
    return _act(request, report, lambda: actions.do_dispatch_verifiers(report, actor=request.user))


@require_POST
@login_required
def report_publish(request, code):
    report = access.get_report_for_user(request.user, code)
    form = PublishForm(request.POST)
    advice = form.cleaned_data["advice"] if form.is_valid() else "know_rights"
    return _act(
        request,
        report,
        lambda: actions.do_publish_alert(report, actor=request.user, advice=advice),
    )


@require_POST
@login_required
def report_false_alarm(request, code):
    report = access.get_report_for_user(request.user, code)
    return _act(request, report, lambda: actions.do_clear_false_alarm(report, actor=request.user))


@require_POST
@login_required
def report_close(request, code):
    report = access.get_report_for_user(request.user, code)
    return _act(request, report, lambda: actions.do_close_report(report, actor=request.user))


@require_POST
@login_required
def alert_clear(request, code):
    alert = access.get_alert_for_user(request.user, code)
    back = alert.report.get_absolute_url() if alert.report else "/response/"
    try:
        actions.do_clear_alert(alert, actor=request.user)
    except ValidationError as error:
        return _problem(request, error, back)
    return redirect(back)


@require_POST
@login_required
def alert_correct(request, code):
    alert = access.get_alert_for_user(request.user, code)
    back = alert.report.get_absolute_url() if alert.report else "/response/"
    try:
        actions.do_correct_alert(alert, actor=request.user)
    except ValidationError as error:
        return _problem(request, error, back)
    return redirect(back)


@require_GET
@login_required
def dispatch_detail(request, code):
    dispatch = access.get_dispatch_for_verifier(request.user, code)
    context = {
        "dispatch": dispatch,
        "report": _shown(dispatch.report, desk=False),
        "outcome_form": OutcomeForm(),
    }
    return render(request, "response/dispatch.html", context)


@require_POST
@login_required
def dispatch_answer(request, code):
    dispatch = access.get_dispatch_for_verifier(request.user, code)
    form = AnswerForm(request.POST)
    back = f"/response/dispatch/{dispatch.code}/"
    if not form.is_valid():
        return _problem(request, ValidationError(_("Choose accept or decline.")), back)
    try:
        actions.do_answer_dispatch(dispatch, accept=form.cleaned_data["accept"], actor=request.user)
    except ValidationError as error:
        return _problem(request, error, back)
    return redirect("response:dispatch", dispatch.code)


@require_POST
@login_required
def dispatch_outcome(request, code):
    dispatch = access.get_dispatch_for_verifier(request.user, code)
    back = f"/response/dispatch/{dispatch.code}/"
    try:
        actions.do_report_outcome(
            dispatch, outcome=request.POST.get("outcome", ""), actor=request.user
        )
    except ValidationError as error:
        return _problem(request, error, back)
    return redirect("response:dispatch", dispatch.code)


@require_GET
def status_page(request, code):
    """Public: zone, time bucket and status. No pins, no photos, no script."""
    coalition = Coalition.objects.filter(code=code).first()
    if coalition is None:
        raise Http404
    zones = list(Zone.objects.filter(region__coalition=coalition).order_by("name"))
    rows = []
    for zone in zones:
        latest = actions.zone_status(zone)
        rows.append(
            {
                "zone": zone.name,
                "latest": latest,
                "active": bool(latest and latest.kind == Alert.Kind.ALERT),
            }
        )
    return render(request, "response/status.html", {"coalition": coalition, "rows": rows})


@require_GET
@login_required
def debrief_page(request, code):
    """Response times per incident and reports by zone, day and outcome
    (counts under 5 shown as "<5"). Reads only the Debrief rows, which
    outlive the raw reports."""
    organisation = access.get_desk_organisation(request.user, code)
    form = DebriefWindowForm(request.GET or None)
    days = debrief.window(form.cleaned_data.get("days") if form.is_valid() else None)
    scope = [organisation]
    incidents = debrief.incidents(scope, days=days)
    for row in incidents:
        for field in ("to_dispatch", "to_accept", "to_outcome"):
            row[field + "_shown"] = debrief.minutes_seconds(row[field])
    medians = {
        field: debrief.minutes_seconds(value)
        for field, value in debrief.medians(scope, days=days).items()
    }
    context = {
        "organisation": organisation,
        "form": DebriefWindowForm(initial={"days": str(days)}),
        "days": days,
        "incidents": incidents,
        "medians": medians,
        "columns": [label for _value, label in debrief.outcome_columns()],
        "counts": debrief.counts(scope, days=days),
        "small": debrief.SMALL,
    }
    return render(request, "response/debrief.html", context)


@require_http_methods(GET_POST)
@login_required
def settings_edit(request):
    coalition = access.settings_coalition(request.user)
    current = actions.settings_for(coalition)
    initial = {
        "answer_minutes": current.answer_minutes,
        "sms_organisation": current.sms_organisation.code if current.sms_organisation else None,
    }
    form = SettingsForm(request.POST or None, initial=initial, coalition=coalition)
    if request.method == "POST" and form.is_valid():
        try:
            actions.do_set_response_settings(
                coalition,
                answer_minutes=form.cleaned_data["answer_minutes"],
                sms_organisation=form.cleaned_data["sms_organisation"],
                actor=request.user,
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("The rapid-response settings were saved."))
            return redirect("response:settings")
    status = 400 if request.method == "POST" else 200
    context = {"form": form, "coalition": coalition, "default": actions.default_answer_minutes()}
    return render(request, "response/settings.html", context, status=status)
