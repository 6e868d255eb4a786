"""Volunteer pages: access → form → action → redirect or render.

Reads go through access.py (404 for missing and forbidden alike), writes
through actions.py, POST only. Bad input re-renders with HTTP 400 and a
translated message; refusals that are not about the input (another
organisation, someone else's sign-up) are 404.
"""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from porch.accounts.roles import TrustLevel
from porch.coalition import access as coalition_access
from porch.core.forms import add_errors
from porch.core.pdf import pdf_response, render_pdf
from porch.volunteers import access, actions, protocol
from porch.volunteers import promotion as promotion_rules
from porch.volunteers.calendar import render_feed
from porch.volunteers.forms import (
    AttendeeForm,
    AvailabilityExceptionForm,
    CheckInForm,
    DayForm,
    PromotionRulesForm,
    SessionForm,
    SiteForm,
    SlotForm,
    SwapForm,
    WalkingGroupForm,
    WeeklyAvailabilityForm,
)
from porch.volunteers.models import Site

GET_POST = ["GET", "POST"]


def _form_page(request, form, *, title, submit, status=200, **context):
    context.update(form=form, title=title, submit=submit)
    return render(request, "volunteers/form.html", context, status=status)


def _problem(request, error: ValidationError, back=None):
    context = {"errors": error.messages, "back": back}
    return render(request, "volunteers/problem.html", context, status=400)


# ---- The volunteer's page ------------------------------------------------------------


@require_GET
@login_required
def index(request):
    access.require_active(request.user)
    user = request.user
    context = {
        "signups": access.my_signups(user),
        "swaps_waiting": access.swaps_waiting_for(user),
        "swaps_offered": access.swaps_offered_by(user),
        "sites": access.sites_visible_to(user).select_related("organisation", "parent"),
        "coordinated": access.coordinated_organisations(user),
        "certifications": access.my_certifications(user),
        "organisations": access.member_organisations(user),
        "is_coalition_admin": access.is_coalition_admin(user),
    }
    first = context["organisations"].select_related("coalition").first()
    if first is not None:
        context["promotion"] = promotion_rules.check_member(user, first.coalition)
    return render(request, "volunteers/index.html", context)


# ---- Sites ------------------------------------------------------------------------------


def _site_form(request, organisation, *, editing=False, initial=None):
    return SiteForm(
        request.POST or None,
        initial=initial,
        schools=Site.objects.live().filter(organisation=organisation, kind=Site.Kind.SCHOOL),
        zones=coalition_access.zones_for(request.user),
        teams=organisation.teams.all(),
        editing=editing,
    )


@require_http_methods(GET_POST)
@login_required
def site_create(request, code):
    organisation = access.get_coordinated_organisation(request.user, code)
    form = _site_form(request, organisation)
    if request.method == "POST" and form.is_valid():
        try:
            site = actions.do_create_site(organisation, **form.cleaned_data, actor=request.user)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("The site was created."))
            return redirect(site)
    status = 400 if request.method == "POST" else 200
    return _form_page(
        request,
        form,
        title=_("New site"),
        submit=_("Create the site"),
        status=status,
        organisation=organisation,
    )


@require_GET
@login_required
def site(request, code):
    site = access.get_site_for_user(request.user, code)
    coordinator = access.is_coordinator(request.user, site.organisation)
    slots = list(access.slots_of(site))
    context = {
        "site": site,
        "is_coordinator": coordinator,
        "slots": slots,
        "stops": Site.objects.live().filter(parent=site),
        "coverage": access.coverage(Site.objects.filter(pk=site.pk)) if coordinator else None,
    }
    return render(request, "volunteers/site.html", context)


@require_http_methods(GET_POST)
@login_required
def site_edit(request, code):
    site = access.get_managed_site(request.user, code)
    initial = {
        "name": site.name,
        "zone": site.zone.code if site.zone else None,
        "team": site.team.code if site.team else None,
        "meeting_point": site.meeting_point,
        "kit": site.kit,
    }
    form = _site_form(request, site.organisation, editing=True, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            actions.do_update_site(site, **form.cleaned_data, actor=request.user)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("The site was saved."))
            return redirect(site)
    status = 400 if request.method == "POST" else 200
    return _form_page(
        request,
        form,
        title=_("Edit the site"),
        submit=_("Save"),
        status=status,
        back=site,
        organisation=site.organisation,
    )


@require_POST
@login_required
def site_archive(request, code):
    site = access.get_managed_site(request.user, code)
    actions.do_archive_site(site, actor=request.user)
    messages.success(request, _("The site was archived. Its future shifts were cancelled."))
    return redirect("volunteers:coverage", code=site.organisation.code)


@require_POST
@login_required
def site_notify(request, code):
    site = access.get_managed_site(request.user, code)
    told = actions.do_notify_site_team(site, actor=request.user)
    if told:
        messages.success(request, _("The team was told that shifts need people."))
    else:
        messages.info(request, _("Nobody was told: there is no gap, or no one to tell."))
    return redirect("volunteers:coverage", code=site.organisation.code)


# ---- Slots ------------------------------------------------------------------------------


@require_http_methods(GET_POST)
@login_required
def slot_create(request, code):
    site = access.get_managed_site(request.user, code)
    form = SlotForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            slot = actions.do_create_slot(site, **form.cleaned_data, actor=request.user)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("The slot was created."))
            return redirect(slot)
    status = 400 if request.method == "POST" else 200
    return _form_page(
        request,
        form,
        title=_("New slot"),
        submit=_("Create the slot"),
        status=status,
        back=site,
        organisation=site.organisation,
    )


@require_GET
@login_required
def slot(request, code):
    slot = access.get_slot_for_user(request.user, code)
    coordinator = access.is_coordinator(request.user, slot.site.organisation)
    shifts = {s.date: s for s in slot.shifts.filter(date__gte=timezone.localdate())}
    mine = set(
        access.my_signups(request.user)
        .filter(shift__slot=slot)
        .values_list("shift__date", flat=True)
    )
    days = []
    dates = access.upcoming_dates(slot)
    free = access.available_members(slot, dates) if coordinator else {}
    for day in dates:
        shift = shifts.get(day)
        roster = access.roster(shift) if coordinator else None
        taken = {s.volunteer.handle for s in roster} if roster is not None else set()
        days.append(
            {
                "day": day,
                "filled": shift.filled if shift else 0,
                "mine": day in mine,
                "roster": roster,
                # Free that day by their availability, not signed up yet.
                "available": [h for h in free.get(day, []) if h not in taken],
            }
        )
    groups = list(access.walking_groups_of(slot))
    needed = max(slot.min_staff, sum(group.adults_needed for group in groups))
    context = {
        "slot": slot,
        "site": slot.site,
        "days": days,
        "needed": needed,
        "walking_groups": groups,
        "is_coordinator": coordinator,
    }
    return render(request, "volunteers/slot.html", context)


@require_http_methods(GET_POST)
@login_required
def walking_group_create(request, code):
    slot = access.get_managed_slot(request.user, code)
    form = WalkingGroupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.do_add_walking_group(slot, **form.cleaned_data, actor=request.user)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("The walking group was added."))
            return redirect(slot)
    status = 400 if request.method == "POST" else 200
    return _form_page(
        request,
        form,
        title=_("New walking group"),
        submit=_("Add the group"),
        status=status,
        back=slot,
        organisation=slot.site.organisation,
    )


@require_POST
@login_required
def walking_group_remove(request, code):
    group = access.get_managed_walking_group(request.user, code)
    actions.do_remove_walking_group(group, actor=request.user)
    messages.success(request, _("The walking group was removed."))
    return redirect(group.slot)


@require_GET
@login_required
def site_card(request, code, language):
    site = access.get_site_for_user(request.user, code)
    if language not in protocol.LANGUAGES:
        raise Http404
    context = {
        "site": site,
        "coalition": site.organisation.coalition,
        "steps": protocol.steps(site.kind, language),
        "printed_on": timezone.localdate(),
    }
    with translation.override(language):
        context["kit"] = site.kit_labels()
    pdf = render_pdf("print/volunteers/protocol_card.html", context, language=language)
    return pdf_response(pdf, f"protocol-card-{site.code}-{language}.pdf")


@require_POST
@login_required
def slot_archive(request, code):
    slot = access.get_managed_slot(request.user, code)
    actions.do_archive_slot(slot, actor=request.user)
    messages.success(request, _("The slot was stopped. Its future sign-ups were cancelled."))
    return redirect(slot.site)


@require_POST
@login_required
def slot_signup(request, code):
    slot = access.get_slot_for_user(request.user, code)
    form = DayForm(request.POST)
    if not form.is_valid():
        return _problem(request, ValidationError(_("Choose a day for the shift.")), back=slot)
    try:
        signup = actions.do_sign_up(
            slot, form.cleaned_data["day"], volunteer=request.user, actor=request.user
        )
    except ValidationError as error:
        return _problem(request, error, back=slot)
    except PermissionDenied:
        raise Http404 from None
    messages.success(request, _("You are signed up. Thank you."))
    return redirect(signup)


# ---- Sign-ups ---------------------------------------------------------------------------


@require_GET
@login_required
def signup(request, code):
    signup = access.get_signup_for_user(request.user, code)
    site = signup.shift.slot.site
    context = {
        "signup": signup,
        "shift": signup.shift,
        "slot": signup.shift.slot,
        "site": site,
        "checkin_form": CheckInForm(site_kit=site.kit),
        "swap_form": SwapForm(),
    }
    return render(request, "volunteers/signup.html", context)


@require_POST
@login_required
def signup_cancel(request, code):
    signup = access.get_signup_for_user(request.user, code)
    try:
        actions.do_cancel_signup(signup, actor=request.user)
    except ValidationError as error:
        return _problem(request, error, back=signup)
    messages.success(request, _("Your sign-up was cancelled."))
    return redirect("volunteers:index")


@require_POST
@login_required
def signup_check_in(request, code):
    signup = access.get_signup_for_user(request.user, code)
    form = CheckInForm(request.POST, site_kit=signup.shift.slot.site.kit)
    if not form.is_valid():
        return _problem(request, ValidationError(_("Choose kit items from the list.")), back=signup)
    try:
        actions.do_check_in(signup, kit=form.cleaned_data["kit"], actor=request.user)
    except ValidationError as error:
        return _problem(request, error, back=signup)
    messages.success(request, _("You are checked in. Stay safe."))
    return redirect(signup)


@require_POST
@login_required
def signup_check_out(request, code):
    signup = access.get_signup_for_user(request.user, code)
    try:
        actions.do_check_out(signup, actor=request.user)
    except ValidationError as error:
        return _problem(request, error, back=signup)
    messages.success(request, _("You are checked out. Thank you."))
    return redirect(signup)


@require_POST
@login_required
def signup_swap(request, code):
    signup = access.get_signup_for_user(request.user, code)
    form = SwapForm(request.POST)
    if not form.is_valid():
        return _problem(
            request, ValidationError(_("Enter the handle of a colleague.")), back=signup
        )
    organisation = signup.shift.slot.site.organisation
    colleague = access.find_colleague(organisation, form.cleaned_data["handle"])
    if colleague is None:
        error = ValidationError(_("That person is not an active member of this organisation."))
        return _problem(request, error, back=signup)
    try:
        swap = actions.do_offer_swap(signup, to_volunteer=colleague, actor=request.user)
    except ValidationError as error:
        return _problem(request, error, back=signup)
    messages.success(request, _("Your swap was offered. It happens when they accept."))
    return redirect(swap)


# ---- Swaps ------------------------------------------------------------------------------


@require_GET
@login_required
def swap(request, code):
    swap = access.get_swap_for_user(request.user, code)
    context = {
        "swap": swap,
        "shift": swap.signup.shift,
        "site": swap.signup.shift.slot.site,
        "is_offerer": swap.signup.volunteer_id == request.user.pk,
    }
    return render(request, "volunteers/swap.html", context)


def _swap_step(request, code, step, done_message):
    swap = access.get_swap_for_user(request.user, code)
    try:
        result = step(swap, actor=request.user)
    except PermissionDenied:
        raise Http404 from None
    except ValidationError as error:
        return _problem(request, error, back=swap)
    messages.success(request, done_message)
    return redirect(result if hasattr(result, "get_absolute_url") else swap)


@require_POST
@login_required
def swap_accept(request, code):
    return _swap_step(request, code, actions.do_accept_swap, _("The shift is yours. Thank you."))


@require_POST
@login_required
def swap_decline(request, code):
    return _swap_step(request, code, actions.do_decline_swap, _("You declined the swap."))


@require_POST
@login_required
def swap_withdraw(request, code):
    return _swap_step(request, code, actions.do_withdraw_swap, _("You withdrew the offer."))


# ---- Coverage and counts ---------------------------------------------------------------------


def _coverage_grid(entries) -> list[dict]:
    """The coverage table, formatted here once: it has hundreds of cells, and
    a template tag per cell costs more than the two queries behind it."""
    flags = {
        "uncovered": (_("Uncovered"), "status error"),
        "understaffed": (_("Understaffed"), "status"),
        "covered": ("", ""),
    }
    sites = []
    for entry in entries:
        lines = []
        for slot, cells in entry.grid():
            row = []
            for cell in cells:
                if cell is None:
                    row.append(("muted", "–", "", ""))
                else:
                    label, css = flags[cell.level]
                    row.append((cell.level, f"{cell.filled}/{cell.needed}", label, css))
            when = f"{slot.start_time:%H:%M}–{slot.end_time:%H:%M}"
            lines.append({"code": slot.code, "when": when, "cells": row})
        sites.append({"site": entry.site, "lines": lines, "has_gaps": bool(entry.gaps)})
    return sites


@require_GET
@login_required
def coverage(request, code):
    organisation = access.get_coordinated_organisation(request.user, code)
    sites = Site.objects.live().filter(organisation=organisation)
    entries = access.coverage(sites)
    today = timezone.localdate()
    days = [today + datetime.timedelta(days=n) for n in range(access.COVERAGE_DAYS)]
    context = {
        "organisation": organisation,
        "entries": entries,
        "grid": _coverage_grid(entries),
        "day_labels": [date_format(day, "D j M") for day in days],
        "labels": {"uncovered": _("Uncovered"), "understaffed": _("Understaffed")},
        "gap_count": sum(len(entry.gaps) for entry in entries),
        "sites_without_slots": sites.exclude(slots__archived=False).order_by("name"),
    }
    return render(request, "volunteers/coverage.html", context)


@require_GET
@login_required
def counts(request):
    if not access.is_coalition_admin(request.user):
        raise Http404
    return render(request, "volunteers/counts.html", {"rows": access.counts_by_organisation()})


# ---- Engagement ----------------------------------------------------------------------


@require_GET
@login_required
def engagement(request, code):
    organisation = access.get_coordinated_organisation(request.user, code)
    active, inactive = access.engagement_of(organisation)
    context = {"organisation": organisation, "active": active, "inactive": inactive}
    return render(request, "volunteers/engagement.html", context)


@require_POST
@login_required
def engagement_send(request, code):
    organisation = access.get_coordinated_organisation(request.user, code)
    try:
        sent = actions.do_send_engagement(
            organisation, request.POST.get("kind", ""), actor=request.user
        )
    except ValidationError as error:
        return _problem(request, error)
    messages.success(
        request,
        ngettext(
            "A message is on its way to %(count)d person.",
            "A message is on its way to %(count)d people.",
            sent,
        )
        % {"count": sent},
    )
    return redirect("volunteers:engagement", code=organisation.code)


# ---- Training ---------------------------------------------------------------------


@require_GET
@login_required
def sessions(request, code):
    organisation = access.member_organisations(request.user).filter(code=code).first()
    if organisation is None:
        raise Http404
    context = {
        "organisation": organisation,
        "sessions": access.sessions_for(organisation),
        "is_coordinator": access.is_coordinator(request.user, organisation),
    }
    return render(request, "volunteers/sessions.html", context)


@require_http_methods(GET_POST)
@login_required
def session_create(request, code):
    organisation = access.get_coordinated_organisation(request.user, code)
    form = SessionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        handle = data.pop("trainer")
        trainer = access.find_colleague(organisation, handle) if handle else request.user
        try:
            session = actions.do_create_session(
                organisation, **data, trainer=trainer, actor=request.user
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("The session was created."))
            return redirect(session)
    status = 400 if request.method == "POST" else 200
    return _form_page(
        request,
        form,
        title=_("New training session"),
        submit=_("Create the session"),
        status=status,
        organisation=organisation,
    )


@require_GET
@login_required
def session(request, code):
    session = access.get_session_for_user(request.user, code)
    runs = access.can_run_session(request.user, session)
    attendances = list(access.attendances_of(session))
    context = {
        "session": session,
        "runs_it": runs,
        "is_trainer": session.trainer_id == request.user.pk,
        "attendances": attendances if runs else None,
        "taken": len(attendances),
        "registered": any(a.volunteer_id == request.user.pk for a in attendances),
        "attendee_form": AttendeeForm(),
    }
    return render(request, "volunteers/session.html", context)


@require_POST
@login_required
def session_register(request, code):
    session = access.get_session_for_user(request.user, code)
    try:
        actions.do_register_for_session(session, actor=request.user)
    except ValidationError as error:
        return _problem(request, error, back=session)
    messages.success(request, _("You have a place in this session."))
    return redirect(session)


@require_POST
@login_required
def session_attended(request, code):
    session = access.get_managed_session(request.user, code)
    form = AttendeeForm(request.POST)
    person = access.find_member(session.organisation, form.data.get("handle", ""))
    if not form.is_valid() or person is None:
        error = ValidationError(_("That person is not a member of this organisation."))
        return _problem(request, error, back=session)
    try:
        actions.do_mark_attended(session, person, actor=request.user)
    except ValidationError as error:
        return _problem(request, error, back=session)
    messages.success(request, _("Attendance was recorded and the certificate issued."))
    return redirect(session)


@require_POST
@login_required
def session_vouch(request, code):
    session = access.get_managed_session(request.user, code)
    try:
        given = actions.do_vouch_for_attendees(session, actor=request.user)
    except PermissionDenied:
        raise Http404 from None
    except ValidationError as error:
        return _problem(request, error, back=session)
    messages.success(
        request,
        _("You vouched for %(count)d attendees waiting for vouches.") % {"count": given},
    )
    return redirect(session)


@require_POST
@login_required
def session_attest(request, code):
    session = access.get_managed_session(request.user, code)
    try:
        made_active = actions.do_attest_attendees(session, actor=request.user)
    except PermissionDenied:
        raise Http404 from None
    except ValidationError as error:
        return _problem(request, error, back=session)
    messages.success(
        request,
        ngettext(
            "You attested for %(count)d attendee; they are active now.",
            "You attested for %(count)d attendees; they are active now.",
            made_active,
        )
        % {"count": made_active},
    )
    return redirect(session)


# ---- Availability -----------------------------------------------------------------------


def _time_text(windows) -> str:
    return ", ".join(f"{w.start_time:%H:%M}-{w.end_time:%H:%M}" for w in windows)


def _render_availability(request, *, status=200, weekly_form=None, exception_form=None):
    user = request.user
    if weekly_form is None:
        by_day: dict[int, list] = {}
        for window in access.my_weekly_availability(user):
            by_day.setdefault(window.weekday, []).append(window)
        weekly_form = WeeklyAvailabilityForm(
            initial={f"day_{d}": _time_text(ws) for d, ws in by_day.items()}
        )
    context = {
        "weekly_form": weekly_form,
        "exception_form": exception_form or AvailabilityExceptionForm(),
        "exceptions": access.my_availability_exceptions(user),
    }
    return render(request, "volunteers/availability.html", context, status=status)


@require_http_methods(GET_POST)
@login_required
def availability(request):
    access.require_active(request.user)
    if request.method != "POST":
        return _render_availability(request)
    form = WeeklyAvailabilityForm(request.POST)
    if form.is_valid():
        try:
            actions.do_set_weekly_availability(
                request.user, form.cleaned_data["windows"], actor=request.user
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("Your weekly availability is saved."))
            return redirect("volunteers:availability")
    return _render_availability(request, status=400, weekly_form=form)


@require_POST
@login_required
def availability_exception_add(request):
    access.require_active(request.user)
    form = AvailabilityExceptionForm(request.POST)
    if form.is_valid():
        try:
            actions.do_add_availability_exception(
                request.user, **form.cleaned_data, actor=request.user
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("The exception is saved."))
            return redirect("volunteers:availability")
    return _render_availability(request, status=400, exception_form=form)


@require_POST
@login_required
def availability_exception_remove(request, code):
    exception = access.get_exception_for_user(request.user, code)
    actions.do_remove_availability_exception(exception, actor=request.user)
    messages.success(request, _("The exception is removed."))
    return redirect("volunteers:availability")


# ---- Calendar feed ------------------------------------------------------------------------


def _render_calendar(request, *, feed_url=None):
    context = {"has_feed": access.has_calendar_feed(request.user), "feed_url": feed_url}
    return render(request, "volunteers/calendar.html", context)


@require_GET
@login_required
def calendar(request):
    access.require_active(request.user)
    return _render_calendar(request)


@require_POST
@login_required
def calendar_issue(request):
    """Shows the new address once, in this response; only its hash is kept."""
    access.require_active(request.user)
    token = actions.do_issue_calendar_feed(request.user, actor=request.user)
    url = request.build_absolute_uri(reverse("volunteers:calendar-feed", args=[token]))
    response = _render_calendar(request, feed_url=url)
    response["Cache-Control"] = "no-store"
    return response


@require_POST
@login_required
def calendar_revoke(request):
    access.require_active(request.user)
    try:
        actions.do_revoke_calendar_feed(request.user, actor=request.user)
    except ValidationError as error:
        return _problem(request, error, back=None)
    messages.success(request, _("Your calendar feed is revoked. Its address no longer works."))
    return redirect("volunteers:calendar")


@require_GET
def calendar_feed(request, token):
    """Public by its secret: calendar apps fetch it without a session."""
    user = access.user_for_feed(token)
    body = render_feed(
        access.feed_signups(user),
        language=user.language or translation.get_language(),
        now=timezone.now(),
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, no-store"
    response["Referrer-Policy"] = "no-referrer"
    return response


# ---- Promotion -------------------------------------------------------------------------


@require_GET
@login_required
def promotion(request, code, member):
    organisation, member = access.get_member_for_promotion(request.user, code, member)
    context = {
        "organisation": organisation,
        "member": member,
        "check": promotion_rules.check_member(member, organisation.coalition),
    }
    return render(request, "volunteers/promotion.html", context)


@require_POST
@login_required
def promotion_promote(request, code, member):
    organisation, member = access.get_member_for_promotion(request.user, code, member)
    back = reverse("volunteers:promotion", args=[organisation.code, member.code])
    try:
        level = promotion_rules.do_promote_member(
            member, organisation.coalition, actor=request.user
        )
    except ValidationError as error:
        return _problem(request, error, back=back)
    messages.success(
        request,
        _("%(handle)s was promoted to %(level)s.")
        % {"handle": member.handle, "level": TrustLevel(level).label},
    )
    return redirect(back)


@require_http_methods(GET_POST)
@login_required
def promotion_rules_edit(request):
    if not access.is_coalition_admin(request.user):
        raise Http404
    organisation = access.member_organisations(request.user).select_related("coalition").first()
    if organisation is None:
        raise Http404
    coalition = organisation.coalition
    rules = promotion_rules.rules_for(coalition)
    initial = {
        "responder_vouches": rules.responder_vouches,
        "dispatcher_months": rules.dispatcher_months,
        "dispatcher_referrals": rules.dispatcher_referrals,
    }
    form = PromotionRulesForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            promotion_rules.do_set_promotion_rules(
                coalition, **form.cleaned_data, actor=request.user
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("The promotion rules were saved."))
            return redirect("volunteers:promotion-rules")
    status = 400 if request.method == "POST" else 200
    return _form_page(request, form, title=_("Promotion rules"), submit=_("Save"), status=status)
