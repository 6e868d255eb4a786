"""Every state change in the coalition app: atomic, validated, audited.

Role changes end the member's sessions (R27). Granting a role that sees
addresses or administers needs a second admin (R34): the membership waits in
AWAITING_APPROVAL until another admin approves through accounts.approvals.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from porch.accounts.actions import do_end_sessions
from porch.accounts.approvals import do_request_approval
from porch.accounts.models import Approval, User
from porch.accounts.roles import ADDRESS_ROLES, ADMIN_ROLES, MANAGER_ROLES, ROLE_INFO, Role
from porch.coalition import access, role_checks
from porch.coalition.models import (
    Coalition,
    Membership,
    Organisation,
    Referral,
    Region,
    Team,
    Zone,
)
from porch.core import audit

GRANT_ROLE = "coalition.grant_role"
SECOND_ADMIN_ROLES = ADDRESS_ROLES | ADMIN_ROLES


def _clean_name(value: str, *, max_length: int) -> str:
    name = " ".join((value or "").split())
    if not name:
        raise ValidationError({"name": [_("Give it a name.")]})
    if len(name) > max_length:
        raise ValidationError(
            {"name": [_("Keep the name to %(max)d characters or fewer.") % {"max": max_length}]}
        )
    return name


# ---- Organisations ---------------------------------------------------------


def do_update_organisation(
    organisation: Organisation, *, name: str, description: str, is_public: bool, actor
) -> Organisation:
    with transaction.atomic():
        organisation.name = _clean_name(name, max_length=120)
        organisation.description = (description or "").strip()
        organisation.is_public = bool(is_public)
        organisation.full_clean()
        organisation.save(update_fields=["name", "description", "is_public"])
        audit.record(actor, "organisation.updated", obj=organisation, organisation=organisation)
    return organisation


# ---- Teams -------------------------------------------------------------------


def _check_team_name(organisation: Organisation, name: str, *, exclude: Team | None = None):
    clash = organisation.teams.filter(name__iexact=name)
    if exclude is not None:
        clash = clash.exclude(pk=exclude.pk)
    if clash.exists():
        message = _("This organisation already has a team by that name.")
        raise ValidationError({"name": [ValidationError(message, code="duplicate")]})


def do_create_team(organisation: Organisation, *, name: str, description: str = "", actor) -> Team:
    with transaction.atomic():
        name = _clean_name(name, max_length=80)
        _check_team_name(organisation, name)
        team = Team(organisation=organisation, name=name, description=(description or "").strip())
        team.full_clean()
        team.save()
        audit.record(actor, "team.created", obj=team, organisation=organisation)
    return team


def do_update_team(team: Team, *, name: str, description: str = "", actor) -> Team:
    with transaction.atomic():
        team.name = _clean_name(name, max_length=80)
        _check_team_name(team.organisation, team.name, exclude=team)
        team.description = (description or "").strip()
        team.full_clean()
        team.save(update_fields=["name", "description"])
        audit.record(actor, "team.updated", obj=team, organisation=team.organisation)
    return team


def do_delete_team(team: Team, *, actor) -> None:
    with transaction.atomic():
        organisation = team.organisation
        audit.record(actor, "team.deleted", obj=team, organisation=organisation)
        # Memberships and invitations keep their people; they lose the team (SET_NULL).
        team.delete()


# ---- Roles -------------------------------------------------------------------


def grantable_roles(actor, organisation: Organisation) -> list[str]:
    """Roles this person may grant or revoke in this organisation."""
    held = access.active_roles(actor, organisation)
    if not held & MANAGER_ROLES:
        return []
    allowed = [role for role in Role if role not in ADMIN_ROLES]
    if held & ADMIN_ROLES:
        allowed.append(Role.ORG_ADMIN)
    if Role.COALITION_ADMIN in held:
        allowed.append(Role.COALITION_ADMIN)
    return allowed


def _check_may_change(actor, member, organisation: Organisation, role: str) -> None:
    if role not in grantable_roles(actor, organisation):
        raise PermissionDenied(_("You cannot grant or revoke this role."))
    if member.pk == actor.pk:
        raise ValidationError(_("You cannot change your own roles. Ask another manager."))


def _check_can_hold(member, role: str) -> None:
    if member.status != User.Status.ACTIVE:
        raise ValidationError(_("This person's account is not active."))
    if member.trust_level < ROLE_INFO[role].min_trust:
        raise ValidationError(
            _("This person's trust level is too low for this role. Nothing was changed.")
        )


def _check_registered(member, role: str) -> None:
    """Every check a higher app registered (role_checks; the volunteers app's
    training and risk answers) allows the role: refused with their reasons."""
    if reasons := role_checks.refusals(member, role):
        raise ValidationError(reasons)


def do_grant_role(
    organisation: Organisation, member, *, role: str, team: Team | None = None, actor
) -> Membership:
    """Grant a role to an existing member; address and admin roles wait for a second admin."""
    if role not in ROLE_INFO:
        raise ValidationError(_("Choose a role from the list."))
    with transaction.atomic():
        _check_may_change(actor, member, organisation, role)
        if not access.members_of(organisation).filter(pk=member.pk).exists():
            raise ValidationError(_("That person is not a member of this organisation."))
        if team is not None and team.organisation_id != organisation.pk:
            raise ValidationError(_("Choose a team of this organisation."))
        _check_can_hold(member, role)
        membership = (
            Membership.objects.select_for_update()
            .filter(user=member, organisation=organisation, role=role)
            .first()
        )
        if membership is not None and membership.status == Membership.Status.ACTIVE:
            raise ValidationError(_("This person already holds this role."))
        if membership is not None and membership.status == Membership.Status.AWAITING_APPROVAL:
            raise ValidationError(_("This role is already waiting for a second admin."))
        _check_registered(member, role)
        waits = role in SECOND_ADMIN_ROLES
        if membership is None:
            membership = Membership(user=member, organisation=organisation, role=role)
        membership.team = team
        membership.granted_by = actor
        membership.status = (
            Membership.Status.AWAITING_APPROVAL if waits else Membership.Status.ACTIVE
        )
        membership.save()
        audit.record(
            actor,
            "membership.requested" if waits else "membership.granted",
            obj=membership,
            organisation=organisation,
        )
        if waits:
            do_request_approval(
                GRANT_ROLE, {"membership": membership.code}, organisation=organisation, actor=actor
            )
        else:
            do_end_sessions(member, actor=actor)
    return membership


def do_activate_membership(membership: Membership, *, actor) -> Membership:
    """The second admin approved: the waiting role becomes active."""
    with transaction.atomic():
        membership = (
            Membership.objects.select_for_update()
            .select_related("user", "organisation")
            .get(pk=membership.pk)
        )
        if membership.status != Membership.Status.AWAITING_APPROVAL:
            raise ValidationError(_("This role is no longer waiting for approval."))
        _check_can_hold(membership.user, membership.role)
        _check_registered(membership.user, membership.role)
        membership.status = Membership.Status.ACTIVE
        membership.save(update_fields=["status"])
        audit.record(
            actor, "membership.granted", obj=membership, organisation=membership.organisation
        )
        do_end_sessions(membership.user, actor=actor)
    return membership


def do_revoke_role(membership: Membership, *, actor) -> Membership:
    with transaction.atomic():
        membership = (
            Membership.objects.select_for_update()
            .select_related("user", "organisation")
            .get(pk=membership.pk)
        )
        _check_may_change(actor, membership.user, membership.organisation, membership.role)
        if membership.status == Membership.Status.REVOKED:
            raise ValidationError(_("This role has already been revoked."))
        was_active = membership.status == Membership.Status.ACTIVE
        membership.status = Membership.Status.REVOKED
        membership.save(update_fields=["status"])
        # A request still waiting for a second admin dies with the role.
        Approval.objects.filter(
            kind=GRANT_ROLE, payload__membership=membership.code, state=Approval.State.PENDING
        ).update(state=Approval.State.REJECTED, decided_by=actor, decided_on=timezone.localdate())
        audit.record(
            actor, "membership.revoked", obj=membership, organisation=membership.organisation
        )
        if was_active:
            do_end_sessions(membership.user, actor=actor)
    return membership


def grant_approvers(approval):
    """Who may approve a waiting role: the organisation's admins and the coalition admins.

    Only coalition admins approve a coalition admin; nobody approves their own role.
    """
    membership = (
        Membership.objects.filter(code=(approval.payload or {}).get("membership", ""))
        .select_related("organisation")
        .first()
    )
    if membership is None:
        return User.objects.none()
    scope = Q(role=Role.COALITION_ADMIN)
    if membership.role != Role.COALITION_ADMIN:
        scope |= Q(role=Role.ORG_ADMIN, organisation_id=membership.organisation_id)
    admins = access.counting_memberships().filter(scope)
    return User.objects.filter(pk__in=admins.values("user_id")).exclude(pk=membership.user_id)


def run_grant(approval, actor) -> None:
    membership = Membership.objects.filter(
        code=(approval.payload or {}).get("membership", "")
    ).first()
    if membership is None:
        raise ValidationError(_("This role request no longer exists."))
    do_activate_membership(membership, actor=actor)


# ---- Coalition, regions and zones -----------------------------------------------


def do_update_coalition(
    coalition: Coalition, *, name: str, hotline: str, vouches_required: int, actor
) -> Coalition:
    with transaction.atomic():
        if not 1 <= int(vouches_required) <= 5:
            raise ValidationError({"vouches_required": [_("Choose between one and five vouches.")]})
        coalition.name = _clean_name(name, max_length=120)
        coalition.hotline = (hotline or "").strip()
        coalition.vouches_required = int(vouches_required)
        coalition.full_clean()
        coalition.save(update_fields=["name", "hotline", "vouches_required"])
        audit.record(actor, "coalition.updated", obj=coalition)
    return coalition


def do_create_region(coalition: Coalition, *, name: str, actor) -> Region:
    with transaction.atomic():
        region = Region(coalition=coalition, name=_clean_name(name, max_length=80))
        region.full_clean()
        region.save()
        audit.record(actor, "region.created", obj=region)
    return region


def do_update_region(region: Region, *, name: str, actor) -> Region:
    with transaction.atomic():
        region.name = _clean_name(name, max_length=80)
        region.full_clean()
        region.save(update_fields=["name"])
        audit.record(actor, "region.updated", obj=region)
    return region


def _place(zone: Zone, outline: dict) -> None:
    from porch.coalition.geo import centroid

    middle = centroid(outline)
    if middle is None:
        raise ValidationError({"outline": [_("The outline has no area.")]})
    zone.outline = outline
    zone.centroid_lat, zone.centroid_lon = middle


def do_create_zone(region: Region, *, name: str, outline: dict, actor) -> Zone:
    with transaction.atomic():
        zone = Zone(region=region, name=_clean_name(name, max_length=80))
        _place(zone, outline)
        zone.full_clean()
        zone.save()
        audit.record(actor, "zone.created", obj=zone)
    return zone


def do_update_zone(zone: Zone, *, name: str, region: Region, outline: dict, actor) -> Zone:
    with transaction.atomic():
        zone.name = _clean_name(name, max_length=80)
        zone.region = region
        _place(zone, outline)
        zone.full_clean()
        zone.save(update_fields=["name", "region", "outline", "centroid_lat", "centroid_lon"])
        audit.record(actor, "zone.updated", obj=zone)
    return zone


# ---- Referrals (R33) ---------------------------------------------------------------


def do_send_referral(
    from_organisation: Organisation,
    *,
    to_organisation: Organisation,
    kind: str,
    summary: str,
    subject_code: str = "",
    actor,
) -> Referral:
    with transaction.atomic():
        if to_organisation.pk == from_organisation.pk:
            raise ValidationError(
                {"to_organisation": [_("Choose another organisation than your own.")]}
            )
        if to_organisation.coalition_id != from_organisation.coalition_id:
            raise ValidationError({"to_organisation": [_("Choose an organisation from the list.")]})
        summary = (summary or "").strip()
        if not summary:
            raise ValidationError(
                {"summary": [_("Say what the other organisation needs to know.")]}
            )
        referral = Referral(
            from_organisation=from_organisation,
            to_organisation=to_organisation,
            kind=kind,
            summary=summary,
            subject_code=subject_code,
            created_by=actor,
        )
        referral.full_clean()
        referral.save()
        audit.record(actor, "referral.sent", obj=referral, organisation=from_organisation)
    return referral


def _decide_referral(referral: Referral, state: str, action: str, *, actor) -> Referral:
    with transaction.atomic():
        referral = Referral.objects.select_for_update().get(pk=referral.pk)
        if referral.state != Referral.State.SENT:
            raise ValidationError(_("This referral has already been answered or withdrawn."))
        referral.state = state
        referral.decided_by = actor
        referral.decided_on = timezone.localdate()
        referral.save(update_fields=["state", "decided_by", "decided_on"])
        organisation = (
            referral.from_organisation
            if state == Referral.State.WITHDRAWN
            else referral.to_organisation
        )
        audit.record(actor, action, obj=referral, organisation=organisation)
    return referral


def do_accept_referral(referral: Referral, *, actor) -> Referral:
    return _decide_referral(referral, Referral.State.ACCEPTED, "referral.accepted", actor=actor)


def do_decline_referral(referral: Referral, *, actor) -> Referral:
    return _decide_referral(referral, Referral.State.DECLINED, "referral.declined", actor=actor)


def do_withdraw_referral(referral: Referral, *, actor) -> Referral:
    return _decide_referral(referral, Referral.State.WITHDRAWN, "referral.withdrawn", actor=actor)
