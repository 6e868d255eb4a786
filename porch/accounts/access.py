"""Every read of accounts data on someone's behalf (R30).

Missing and forbidden both raise Http404. A role counts for a person only if
the Membership is active, the person is active, and their trust level reaches
the role's minimum (ROLE_INFO).
"""

import hmac

from django.db.models import Q
from django.http import Http404
from django.utils import timezone

from porch.accounts import approvals
from porch.accounts.models import (
    ApiToken,
    Approval,
    Invitation,
    RecoveryCode,
    TOTPDevice,
    User,
    hash_secret,
    hash_token,
)
from porch.accounts.roles import ADMIN_ROLES, MANAGER_ROLES, ROLE_INFO, Role
from porch.coalition.models import Coalition, Membership, Organisation
from porch.core.models import AuditEntry

ALL = "all"  # a scope covering every organisation (coalition admins)


def _countable_roles(trust_level: int) -> list[str]:
    return [role for role, info in ROLE_INFO.items() if info.min_trust <= trust_level]


def counting_memberships(user):
    """Memberships whose role counts for `user` right now."""
    if not getattr(user, "is_authenticated", False) or user.status != User.Status.ACTIVE:
        return Membership.objects.none()
    return Membership.objects.filter(
        user=user, status=Membership.Status.ACTIVE, role__in=_countable_roles(user.trust_level)
    )


def roles_by_organisation(user) -> list[tuple[Organisation, list[str]]]:
    """[(organisation, [role label, …]), …] for the roles that count."""
    grouped: dict[int, tuple[Organisation, list[str]]] = {}
    memberships = counting_memberships(user).select_related("organisation")
    for membership in memberships.order_by("organisation__name", "role"):
        org = membership.organisation
        grouped.setdefault(org.pk, (org, []))[1].append(membership.get_role_display())
    return list(grouped.values())


def _scope(user, roles) -> set | str:
    """Organisation ids where `user` holds one of `roles`, or ALL."""
    held = counting_memberships(user).filter(role__in=roles).values_list("role", "organisation_id")
    scope: set[int] = set()
    for role, org_id in held:
        if role == Role.COALITION_ADMIN:
            return ALL
        scope.add(org_id)
    return scope


def manager_scope(user) -> set | str:
    return _scope(user, MANAGER_ROLES)


def is_manager(user) -> bool:
    return bool(manager_scope(user))


def _in_scope(target: User, scope) -> bool:
    if scope == ALL:
        return True
    if not scope:
        return False
    return (
        target.memberships.filter(organisation_id__in=scope)  # type: ignore[attr-defined]
        .exclude(status=Membership.Status.REVOKED)
        .exists()
    )


def can_manage(user, target: User) -> bool:
    """A coordinator or admin of an organisation `target` belongs to, or a
    coalition admin."""
    return _in_scope(target, manager_scope(user))


def can_administer_organisation(user, organisation: Organisation) -> bool:
    scope = _scope(user, ADMIN_ROLES)
    return scope == ALL or organisation.pk in scope


def get_person_for_manager(user, code: str) -> User:
    """A member as seen by a coordinator or admin of one of their organisations,
    or by a coalition admin."""
    scope = manager_scope(user)
    target = User.objects.filter(code=code).first() if scope else None
    if target is None or not _in_scope(target, scope):
        raise Http404
    return target


def account_admins(target: User):
    """Who may decide an unlock or 2FA reset of `target`: org admins of an
    organisation the target belongs to, or coalition admins (roles that count)."""
    return _account_admins(target.code)


def _account_admins(user_code: str):
    org_ids = (
        Membership.objects.filter(user__code=user_code)
        .exclude(status=Membership.Status.REVOKED)
        .values("organisation_id")
    )
    org_admin = Q(
        memberships__role=Role.ORG_ADMIN,
        memberships__status=Membership.Status.ACTIVE,
        memberships__organisation_id__in=org_ids,
        trust_level__gte=ROLE_INFO[str(Role.ORG_ADMIN)].min_trust,
    )
    coalition_admin = Q(
        memberships__role=Role.COALITION_ADMIN,
        memberships__status=Membership.Status.ACTIVE,
        trust_level__gte=ROLE_INFO[str(Role.COALITION_ADMIN)].min_trust,
    )
    return (
        User.objects.filter(status=User.Status.ACTIVE)
        .filter(org_admin | coalition_admin)
        .exclude(code=user_code)
        .distinct()
    )


def can_administer(user, target: User) -> bool:
    return account_admins(target).filter(pk=user.pk).exists()


def approval_subject(approval: Approval) -> User | None:
    """The account an accounts.* approval is about (payload {"user": code})."""
    return User.objects.filter(code=approval.payload.get("user", "")).first()


def account_approvers(approval: Approval):
    """approvers= for the accounts.* kinds: one query, however many requests."""
    code = approval.payload.get("user")
    return _account_admins(code) if isinstance(code, str) and code else User.objects.none()


# ---- Approvals inbox --------------------------------------------------------


def _pending_approvals():
    cutoff = timezone.now() - approvals.EXPIRY
    return Approval.objects.filter(state=Approval.State.PENDING, created_at__gte=cutoff)


def approvals_to_decide(user) -> list[Approval]:
    """Pending requests `user` may approve or reject (any kind)."""
    if not counting_memberships(user).exists():
        return []
    candidates = (
        _pending_approvals()
        .exclude(requested_by=user)
        .select_related("requested_by", "organisation")
        .order_by("created_at")
    )
    return [approval for approval in candidates if approvals.can_decide(approval, user)]


def approvals_requested_by(user):
    return _pending_approvals().filter(requested_by=user).order_by("created_at")


def get_approval_for_user(user, code: str) -> Approval:
    approval = _pending_approvals().filter(code=code).first()
    if approval is None or not approvals.can_decide(approval, user):
        raise Http404
    return approval


# ---- Two-factor ----------------------------------------------------------------


def device_for(user) -> TOTPDevice | None:
    """The person's authenticator, confirmed or still being set up."""
    return TOTPDevice.objects.filter(user=user).first()


def unused_recovery_codes(user):
    return RecoveryCode.objects.filter(user=user, used_on__isnull=True)


# ---- Tokens, invitations, vouching -----------------------------------------


def get_user_for_token(key: str) -> User | None:
    """The active user behind a live API token, or None. Marks it used today."""
    if not key:
        return None
    token = (
        ApiToken.objects.filter(key_hash=hash_token(key), revoked=False)
        .select_related("user")
        .first()
    )
    if token is None or token.user.status != User.Status.ACTIVE:
        return None
    today = timezone.localdate()
    if token.last_used_on != today:
        ApiToken.objects.filter(pk=token.pk).update(last_used_on=today)
    return token.user


def api_tokens_for(user):
    return ApiToken.objects.filter(user=user, revoked=False).order_by("created_on", "name")


def get_api_token_for_user(user, code: str) -> ApiToken:
    token = api_tokens_for(user).filter(code=code).first()
    if token is None:
        raise Http404
    return token


def get_invitation_for_token(token: str) -> Invitation:
    """The invitation a /join/ link points to, usable or not; 404 if unknown."""
    invitation = (
        Invitation.objects.filter(token_hash=hash_token(token or ""))
        .select_related("organisation", "team")
        .first()
    )
    if invitation is None:
        raise Http404
    return invitation


def public_organisations():
    return Organisation.objects.filter(is_public=True, erased_on__isnull=True).order_by("name")


def vouches_required() -> int:
    coalition = Coalition.objects.order_by("pk").first()
    return coalition.vouches_required if coalition is not None else 2


def find_applicant(handle: str, vouch_code: str) -> User | None:
    """The pending person with this handle AND vouch code, else None — the
    caller shows one message either way, so nobody learns who exists."""
    handle = (handle or "").strip().lower()
    user = User.objects.filter(handle=handle, status=User.Status.PENDING).first()
    expected = user.vouch_code_hash if user is not None else ""
    given = hash_secret(_normalise_code(vouch_code))
    if user is None or not expected or not hmac.compare_digest(expected, given):
        return None
    return user


def _normalise_code(code: str) -> str:
    return "".join(ch for ch in (code or "") if ch.isalnum()).upper()


# ---- A suspected infiltrator ------------------------------------------------

EXPOSURE_LIMIT = 1000


def vouched_for(target: User):
    return target.vouches_given.select_related("vouchee").order_by("-on_date")  # type: ignore[attr-defined]


def vouches_for(target: User):
    return target.vouches_received.select_related("voucher").order_by("on_date")  # type: ignore[attr-defined]


def shown_to(target: User):
    """What the audit log says this person did or was shown: codes and dates."""
    return AuditEntry.objects.filter(actor=target).order_by("-on_date", "-pk")[:EXPOSURE_LIMIT]
