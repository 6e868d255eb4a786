"""Every read on a person's behalf in the coalition app (R30, R33).

Missing and forbidden give the same Http404. A role counts for a person only
when the Membership is active, the person's account is active, and their
trust level reaches the role's minimum (roles.ROLE_INFO). Pending and locked
accounts see nothing here.

Coalition admins manage every organisation (members, teams, invitations), but
a referral's content is shown only to managers who hold a role in the sending
or receiving organisation itself: the summary is about a person, and the
coalition's administrators have no need to read it (R33, DOMAIN.md roles).
"""

from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from porch.accounts.models import Invitation, User
from porch.accounts.roles import MANAGER_ROLES, ROLE_INFO, Role
from porch.coalition.models import (
    Coalition,
    Membership,
    Organisation,
    Referral,
    Region,
    Team,
    Zone,
)


def _is_active(user) -> bool:
    return bool(
        user is not None
        and getattr(user, "is_authenticated", False)
        and user.status == User.Status.ACTIVE
    )


def role_counts_q(prefix: str = "") -> Q:
    """Memberships whose role counts (active membership, active account, enough trust)."""
    # One condition per trust level (7), not per role (12): the same rows, and
    # fewer lookups to compile on a query several pages run per request.
    roles_by_trust: dict[int, list[str]] = {}
    for role, info in ROLE_INFO.items():
        roles_by_trust.setdefault(info.min_trust, []).append(role)
    by_trust = Q()
    for trust, roles in sorted(roles_by_trust.items()):
        by_trust |= Q(**{f"{prefix}role__in": roles, f"{prefix}user__trust_level__gte": trust})
    return (
        Q(**{f"{prefix}status": Membership.Status.ACTIVE})
        & Q(**{f"{prefix}user__status": User.Status.ACTIVE})
        & by_trust
    )


def counting_memberships() -> QuerySet[Membership]:
    return Membership.objects.filter(role_counts_q())


def require_active(user) -> None:
    if not _is_active(user):
        raise Http404


def current_coalition() -> Coalition:
    """The instance's one coalition."""
    coalition = Coalition.objects.order_by("pk").first()
    if coalition is None:
        raise Http404
    return coalition


def is_coalition_admin(user) -> bool:
    if not _is_active(user):
        return False
    return counting_memberships().filter(user=user, role=Role.COALITION_ADMIN).exists()


def _live_organisations() -> QuerySet[Organisation]:
    return Organisation.objects.filter(erased_on__isnull=True)


def organisations_for(user) -> QuerySet[Organisation]:
    """Organisations where the person has an active membership."""
    if not _is_active(user):
        return Organisation.objects.none()
    return (
        _live_organisations()
        .filter(memberships__user=user, memberships__status=Membership.Status.ACTIVE)
        .distinct()
    )


def managed_organisations(user) -> QuerySet[Organisation]:
    """Organisations the person manages; coalition admins manage them all."""
    if not _is_active(user):
        return Organisation.objects.none()
    if is_coalition_admin(user):
        return _live_organisations()
    return _directly_managed(user)


def _directly_managed(user) -> QuerySet[Organisation]:
    """Organisations where the person holds a counting manager role themselves."""
    if not _is_active(user):
        return Organisation.objects.none()
    org_ids = counting_memberships().filter(user=user, role__in=MANAGER_ROLES)
    return _live_organisations().filter(pk__in=org_ids.values("organisation_id"))


def visible_organisations(user) -> QuerySet[Organisation]:
    if not _is_active(user):
        return Organisation.objects.none()
    if is_coalition_admin(user):
        return _live_organisations()
    return organisations_for(user)


def get_organisation_for_user(user, code: str) -> Organisation:
    organisation = visible_organisations(user).filter(code=code).first()
    if organisation is None:
        raise Http404
    return organisation


def get_managed_organisation(user, code: str) -> Organisation:
    organisation = managed_organisations(user).filter(code=code).first()
    if organisation is None:
        raise Http404
    return organisation


def organisations_with_member_counts() -> QuerySet[Organisation]:
    """Every organisation with its count of active members (coalition admins only)."""
    return _live_organisations().annotate(
        member_count=Count(
            "memberships__user",
            filter=Q(memberships__status=Membership.Status.ACTIVE),
            distinct=True,
        )
    )


def active_roles(user, organisation) -> set[str]:
    """The roles that count for this person in this organisation.

    A coalition admin's role is coalition-wide, so it counts in every
    organisation.
    """
    if not _is_active(user):
        return set()
    rows = counting_memberships().filter(user=user)
    roles = set()
    for org_id, role in rows.values_list("organisation_id", "role"):
        if org_id == organisation.pk:
            roles.add(role)
        elif role == Role.COALITION_ADMIN:
            roles.add(role)
    return roles


def has_role(user, organisation, *roles: str) -> bool:
    return bool(active_roles(user, organisation) & set(roles))


def is_manager(user, organisation) -> bool:
    return has_role(user, organisation, *MANAGER_ROLES)


def teams_for(organisation) -> QuerySet[Team]:
    return organisation.teams.annotate(
        member_count=Count(
            "memberships__user",
            filter=Q(memberships__status=Membership.Status.ACTIVE),
            distinct=True,
        )
    )


def get_team_for_user(user, code: str) -> Team:
    team = (
        Team.objects.filter(code=code, organisation__in=visible_organisations(user))
        .select_related("organisation")
        .first()
    )
    if team is None:
        raise Http404
    return team


def team_memberships(team) -> QuerySet[Membership]:
    return (
        team.memberships.filter(status=Membership.Status.ACTIVE)
        .select_related("user")
        .order_by("user__handle", "role")
    )


def get_managed_team(user, code: str) -> Team:
    team = (
        Team.objects.filter(code=code, organisation__in=managed_organisations(user))
        .select_related("organisation")
        .first()
    )
    if team is None:
        raise Http404
    return team


def memberships_of(organisation) -> QuerySet[Membership]:
    """An organisation's memberships for its managers: handles and roles, no contact details."""
    return (
        organisation.memberships.exclude(status=Membership.Status.REVOKED)
        .select_related("user", "team")
        .only(
            "code",
            "role",
            "status",
            "created_on",
            "organisation_id",
            "user__handle",
            "user__status",
            "user__trust_level",
            "team__code",
            "team__name",
        )
        .order_by("user__handle", "role")
    )


def members_of(organisation) -> QuerySet[User]:
    """People with an active or awaiting membership in the organisation."""
    return (
        User.objects.filter(
            memberships__organisation=organisation,
            memberships__status__in=[
                Membership.Status.ACTIVE,
                Membership.Status.AWAITING_APPROVAL,
            ],
        )
        .distinct()
        .order_by("handle")
    )


def get_membership_for_manager(user, code: str) -> Membership:
    membership = (
        Membership.objects.filter(code=code, organisation__in=managed_organisations(user))
        .select_related("user", "organisation", "team")
        .first()
    )
    if membership is None:
        raise Http404
    return membership


def open_invitations(organisation) -> QuerySet[Invitation]:
    return (
        Invitation.objects.filter(
            organisation=organisation,
            revoked=False,
            used_by__isnull=True,
            expires_at__gt=timezone.now(),
        )
        .select_related("team")
        .order_by("expires_at")
    )


def get_invitation_for_manager(user, code: str) -> Invitation:
    invitation = (
        Invitation.objects.filter(code=code, organisation__in=managed_organisations(user))
        .select_related("organisation")
        .first()
    )
    if invitation is None:
        raise Http404
    return invitation


def zones_for(user) -> QuerySet[Zone]:
    if not _is_active(user):
        return Zone.objects.none()
    return Zone.objects.select_related("region").order_by("region__name", "name")


def get_zone(code: str) -> Zone:
    """Zones are public within the coalition; callers check the person is active."""
    zone = Zone.objects.filter(code=code).select_related("region").first()
    if zone is None:
        raise Http404
    return zone


def get_region(code: str) -> Region:
    region = Region.objects.filter(code=code).first()
    if region is None:
        raise Http404
    return region


def regions() -> QuerySet[Region]:
    return Region.objects.filter(coalition=current_coalition())


def get_zone_for_admin(user, code: str) -> Zone:
    if not is_coalition_admin(user):
        raise Http404
    return get_zone(code)


def get_region_for_admin(user, code: str) -> Region:
    if not is_coalition_admin(user):
        raise Http404
    return get_region(code)


def get_coalition_for_admin(user) -> Coalition:
    if not is_coalition_admin(user):
        raise Http404
    return current_coalition()


def referral_organisations(user) -> QuerySet[Organisation]:
    """Organisations whose referrals this person may read and act on."""
    return _directly_managed(user)


def referrals_visible_to(user) -> QuerySet[Referral]:
    org_ids = referral_organisations(user).values("pk")
    return (
        Referral.objects.filter(Q(from_organisation__in=org_ids) | Q(to_organisation__in=org_ids))
        .select_related("from_organisation", "to_organisation")
        .order_by("-created_on", "-pk")
    )


def get_referral_for_user(user, code: str) -> Referral:
    referral = referrals_visible_to(user).filter(code=code).first()
    if referral is None:
        raise Http404
    return referral


def get_received_referral_for_user(user, code: str) -> Referral:
    referral = get_referral_for_user(user, code)
    if not referral_organisations(user).filter(pk=referral.to_organisation_id).exists():
        raise Http404
    return referral


def get_sent_referral_for_user(user, code: str) -> Referral:
    referral = get_referral_for_user(user, code)
    if not referral_organisations(user).filter(pk=referral.from_organisation_id).exists():
        raise Http404
    return referral


def referral_destinations() -> QuerySet[Organisation]:
    """Where a referral may go: any organisation of the coalition, chosen by name."""
    return _live_organisations().filter(coalition=current_coalition())


def referrals_waiting(user) -> int:
    """Referrals received by this person's organisations and not yet answered."""
    return Referral.objects.filter(
        to_organisation__in=referral_organisations(user).values("pk"),
        state=Referral.State.SENT,
    ).count()


def roles_waiting(user) -> int:
    """Role grants in the organisations this person manages that wait for a second admin."""
    return Membership.objects.filter(
        organisation__in=managed_organisations(user).values("pk"),
        status=Membership.Status.AWAITING_APPROVAL,
    ).count()
