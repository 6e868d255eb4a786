"""Coalition pages: access → form → action → redirect or render.

Reads go through access.py (404 for missing and forbidden alike), writes
through actions.py, POST only. Bad input re-renders the form with HTTP 400.
"""

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from porch.accounts import actions as accounts_actions
from porch.accounts.roles import Role
from porch.accounts.stepup import require_step_up
from porch.coalition import access, actions, geo
from porch.coalition.forms import (
    CoalitionForm,
    GrantRoleForm,
    InvitationForm,
    OrganisationForm,
    ReferralForm,
    RegionForm,
    TeamForm,
    ZoneForm,
)
from porch.core.forms import add_errors

GET_POST = ["GET", "POST"]


def _form_page(request, form, *, title, submit, status=200, **context):
    context.update(form=form, title=title, submit=submit)
    return render(request, "coalition/form.html", context, status=status)


# ---- Overview and organisations --------------------------------------------------


@require_GET
@login_required
def index(request):
    access.require_active(request.user)
    is_admin = access.is_coalition_admin(request.user)
    context = {
        "mine": access.organisations_for(request.user),
        "all_organisations": access.organisations_with_member_counts() if is_admin else None,
        "is_coalition_admin": is_admin,
        "handles_referrals": access.referral_organisations(request.user).exists(),
    }
    return render(request, "coalition/index.html", context)


def _with_role_labels(invitations):
    labels = dict(Role.choices)
    rows = list(invitations)
    for invitation in rows:
        invitation.role_label = labels.get(invitation.role, invitation.role)
    return rows


@require_GET
@login_required
def organisation(request, code):
    org = access.get_organisation_for_user(request.user, code)
    manager = access.is_manager(request.user, org)
    context = {
        "organisation": org,
        "is_manager": manager,
        "teams": access.teams_for(org),
        "memberships": access.memberships_of(org) if manager else None,
        "invitations": _with_role_labels(access.open_invitations(org)) if manager else None,
    }
    return render(request, "coalition/organisation.html", context)


@require_http_methods(GET_POST)
@login_required
def organisation_edit(request, code):
    org = access.get_managed_organisation(request.user, code)
    initial = {"name": org.name, "description": org.description, "is_public": org.is_public}
    form = OrganisationForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            actions.do_update_organisation(org, **form.cleaned_data, actor=request.user)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("The organisation was saved."))
            return redirect("coalition:organisation", code=org.code)
    status = 400 if request.method == "POST" else 200
    title = _("Edit the organisation")
    return _form_page(
        request, form, title=title, submit=_("Save"), status=status, back=org, organisation=org
    )


# ---- Invitations -------------------------------------------------------------------


@require_http_methods(GET_POST)
@login_required
def invitation_create(request, code):
    org = access.get_managed_organisation(request.user, code)
    form = InvitationForm(
        request.POST or None,
        teams=org.teams.all(),
        roles=actions.grantable_roles(request.user, org),
    )
    if request.method == "POST" and form.is_valid():
        try:
            _invitation, token = accounts_actions.do_create_invitation(
                org,
                role=form.cleaned_data["role"],
                team=form.cleaned_data["team"],
                actor=request.user,
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            # Shown once, in this response only; the token is stored as a hash.
            link = request.build_absolute_uri(f"/join/{token}/")
            return render(
                request, "coalition/invitation_created.html", {"organisation": org, "link": link}
            )
    status = 400 if request.method == "POST" else 200
    return _form_page(
        request,
        form,
        title=_("Invite a member"),
        submit=_("Create the invitation link"),
        status=status,
        back=org,
        organisation=org,
    )


@require_POST
@login_required
def invitation_revoke(request, code):
    invitation = access.get_invitation_for_manager(request.user, code)
    try:
        accounts_actions.do_revoke_invitation(invitation, actor=request.user)
    except ValidationError as error:
        context = {"errors": error.messages, "back": invitation.organisation}
        return render(request, "coalition/problem.html", context, status=400)
    messages.success(request, _("The invitation was revoked. Its link no longer works."))
    return redirect("coalition:organisation", code=invitation.organisation.code)


# ---- Teams -------------------------------------------------------------------------


@require_http_methods(GET_POST)
@login_required
def team_create(request, code):
    org = access.get_managed_organisation(request.user, code)
    form = TeamForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            team = actions.do_create_team(org, **form.cleaned_data, actor=request.user)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("The team was created."))
            return redirect("coalition:team", code=team.code)
    status = 400 if request.method == "POST" else 200
    return _form_page(
        request,
        form,
        title=_("New team"),
        submit=_("Create the team"),
        status=status,
        back=org,
        organisation=org,
    )


@require_GET
@login_required
def team(request, code):
    team = access.get_team_for_user(request.user, code)
    manager = access.is_manager(request.user, team.organisation)
    members = access.team_memberships(team)
    context = {
        "team": team,
        "organisation": team.organisation,
        "is_manager": manager,
        "memberships": members if manager else None,
        "member_count": members.values("user").distinct().count(),
    }
    return render(request, "coalition/team.html", context)


@require_http_methods(GET_POST)
@login_required
def team_edit(request, code):
    team = access.get_managed_team(request.user, code)
    form = TeamForm(
        request.POST or None, initial={"name": team.name, "description": team.description}
    )
    if request.method == "POST" and form.is_valid():
        try:
            actions.do_update_team(team, **form.cleaned_data, actor=request.user)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("The team was saved."))
            return redirect("coalition:team", code=team.code)
    status = 400 if request.method == "POST" else 200
    return _form_page(
        request,
        form,
        title=_("Rename the team"),
        submit=_("Save"),
        status=status,
        back=team,
        organisation=team.organisation,
    )


@require_POST
@login_required
def team_delete(request, code):
    team = access.get_managed_team(request.user, code)
    org_code = team.organisation.code
    actions.do_delete_team(team, actor=request.user)
    messages.success(request, _("The team was deleted. Its members stay in the organisation."))
    return redirect("coalition:organisation", code=org_code)


# ---- Roles (step-up, R28; second admin, R34) -------------------------------------------


@require_http_methods(GET_POST)
@login_required
@require_step_up
def role_grant(request, code):
    org = access.get_managed_organisation(request.user, code)
    form = GrantRoleForm(
        request.POST or None,
        members=access.members_of(org).exclude(pk=request.user.pk),
        teams=org.teams.all(),
        roles=actions.grantable_roles(request.user, org),
    )
    if request.method == "POST" and form.is_valid():
        try:
            membership = actions.do_grant_role(
                org,
                form.cleaned_data["member"],
                role=form.cleaned_data["role"],
                team=form.cleaned_data["team"],
                actor=request.user,
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            if membership.status == membership.Status.AWAITING_APPROVAL:
                messages.success(request, _("The role now waits for a second admin to approve."))
            else:
                messages.success(request, _("The role was granted."))
            return redirect("coalition:organisation", code=org.code)
    status = 400 if request.method == "POST" else 200
    return _form_page(
        request,
        form,
        title=_("Grant a role"),
        submit=_("Grant the role"),
        status=status,
        back=org,
        organisation=org,
    )


@require_http_methods(GET_POST)
@login_required
@require_step_up
def role_revoke(request, code):
    membership = access.get_membership_for_manager(request.user, code)
    context = {"membership": membership, "organisation": membership.organisation}
    if request.method == "POST":
        try:
            actions.do_revoke_role(membership, actor=request.user)
        except ValidationError as error:
            context["errors"] = error.messages
            return render(request, "coalition/role_revoke.html", context, status=400)
        messages.success(request, _("The role was revoked and the member's sessions ended."))
        return redirect("coalition:organisation", code=membership.organisation.code)
    return render(request, "coalition/role_revoke.html", context)


# ---- Zones, regions, coalition settings -----------------------------------------------------


@require_GET
@login_required
def zones(request):
    access.require_active(request.user)
    zone_list = list(access.zones_for(request.user))
    context = {
        "zones": zone_list,
        "map": geo.draw(zone_list),
        "is_coalition_admin": access.is_coalition_admin(request.user),
    }
    return render(request, "coalition/zones.html", context)


def _zone_form(request, zone=None):
    initial = {}
    if zone is not None:
        initial = {"name": zone.name, "region": zone.region, "outline": json.dumps(zone.outline)}
    return ZoneForm(request.POST or None, initial=initial, regions=access.regions())


@require_http_methods(GET_POST)
@login_required
def zone_create(request):
    access.get_coalition_for_admin(request.user)
    form = _zone_form(request)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            actions.do_create_zone(
                data["region"], name=data["name"], outline=data["outline"], actor=request.user
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("The zone was created."))
            return redirect("coalition:zones")
    status = 400 if request.method == "POST" else 200
    return _form_page(
        request, form, title=_("New zone"), submit=_("Create the zone"), status=status
    )


@require_http_methods(GET_POST)
@login_required
def zone_edit(request, code):
    zone = access.get_zone_for_admin(request.user, code)
    form = _zone_form(request, zone)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            actions.do_update_zone(zone, **data, actor=request.user)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("The zone was saved."))
            return redirect("coalition:zones")
    status = 400 if request.method == "POST" else 200
    return _form_page(
        request,
        form,
        title=_("Edit the zone"),
        submit=_("Save"),
        status=status,
        map=geo.draw([zone]),
    )


@require_http_methods(GET_POST)
@login_required
def region_create(request):
    coalition = access.get_coalition_for_admin(request.user)
    form = RegionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.do_create_region(coalition, **form.cleaned_data, actor=request.user)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("The region was created."))
            return redirect("coalition:zones")
    status = 400 if request.method == "POST" else 200
    title = _("New region")
    return _form_page(request, form, title=title, submit=_("Create the region"), status=status)


@require_http_methods(GET_POST)
@login_required
def region_edit(request, code):
    region = access.get_region_for_admin(request.user, code)
    form = RegionForm(request.POST or None, initial={"name": region.name})
    if request.method == "POST" and form.is_valid():
        try:
            actions.do_update_region(region, **form.cleaned_data, actor=request.user)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("The region was saved."))
            return redirect("coalition:zones")
    status = 400 if request.method == "POST" else 200
    return _form_page(request, form, title=_("Rename the region"), submit=_("Save"), status=status)


@require_http_methods(GET_POST)
@login_required
def coalition_settings(request):
    coalition = access.get_coalition_for_admin(request.user)
    initial = {
        "name": coalition.name,
        "hotline": coalition.hotline,
        "vouches_required": coalition.vouches_required,
    }
    form = CoalitionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            actions.do_update_coalition(coalition, **form.cleaned_data, actor=request.user)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("The coalition settings were saved."))
            return redirect("coalition:index")
    status = 400 if request.method == "POST" else 200
    title = _("Coalition settings")
    return _form_page(request, form, title=title, submit=_("Save"), status=status)


# ---- Referrals (R33) -----------------------------------------------------------------------


@require_GET
@login_required
def referrals(request):
    senders = access.referral_organisations(request.user)
    if not senders.exists():
        raise Http404
    visible = access.referrals_visible_to(request.user)
    org_ids = set(senders.values_list("pk", flat=True))
    context = {
        "received": [r for r in visible if r.to_organisation_id in org_ids],
        "sent": [r for r in visible if r.from_organisation_id in org_ids],
    }
    return render(request, "coalition/referrals.html", context)


@require_http_methods(GET_POST)
@login_required
def referral_create(request):
    senders = access.referral_organisations(request.user)
    if not senders.exists():
        raise Http404
    destinations = access.referral_destinations()
    form = ReferralForm(request.POST or None, senders=senders, destinations=destinations)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            referral = actions.do_send_referral(
                data["from_organisation"],
                to_organisation=data["to_organisation"],
                kind=data["kind"],
                summary=data["summary"],
                actor=request.user,
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("The referral was sent."))
            return redirect("coalition:referral", code=referral.code)
    status = 400 if request.method == "POST" else 200
    title = _("Send a referral")
    return _form_page(request, form, title=title, submit=_("Send the referral"), status=status)


def _referral_page(request, referral, *, errors=(), status=200):
    org_ids = set(access.referral_organisations(request.user).values_list("pk", flat=True))
    context = {
        "referral": referral,
        "can_answer": referral.to_organisation_id in org_ids,
        "can_withdraw": referral.from_organisation_id in org_ids,
        "errors": errors,
    }
    return render(request, "coalition/referral.html", context, status=status)


@require_GET
@login_required
def referral(request, code):
    return _referral_page(request, access.get_referral_for_user(request.user, code))


def _decide(request, referral, action, done_message):
    try:
        action(referral, actor=request.user)
    except ValidationError as error:
        return _referral_page(request, referral, errors=error.messages, status=400)
    messages.success(request, done_message)
    return redirect("coalition:referral", code=referral.code)


@require_POST
@login_required
def referral_accept(request, code):
    referral = access.get_received_referral_for_user(request.user, code)
    return _decide(request, referral, actions.do_accept_referral, _("The referral was accepted."))


@require_POST
@login_required
def referral_decline(request, code):
    referral = access.get_received_referral_for_user(request.user, code)
    return _decide(request, referral, actions.do_decline_referral, _("The referral was declined."))


@require_POST
@login_required
def referral_withdraw(request, code):
    referral = access.get_sent_referral_for_user(request.user, code)
    message = _("The referral was withdrawn.")
    return _decide(request, referral, actions.do_withdraw_referral, message)
