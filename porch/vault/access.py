"""Reads on a user's behalf for the panic pages. 404 for missing and forbidden."""

from django.http import Http404

from porch.accounts.models import Approval
from porch.accounts.roles import Role
from porch.vault.panic import INSTANCE_KIND, ORG_KIND, admins_of


def panic_organisations_for_user(user):
    """Organisations this person administers (active, trusted membership)."""
    from porch.coalition.models import Organisation

    if not admins_of(Role.ORG_ADMIN).filter(pk=user.pk).exists():
        return Organisation.objects.none()
    return Organisation.objects.filter(
        memberships__user=user, memberships__role=Role.ORG_ADMIN, memberships__status="active"
    ).distinct()


def is_coalition_admin(user) -> bool:
    return admins_of(Role.COALITION_ADMIN).filter(pk=user.pk).exists()


def can_see_panic(user) -> bool:
    return is_coalition_admin(user) or panic_organisations_for_user(user).exists()


def pending_panics_for_user(user):
    orgs = panic_organisations_for_user(user)
    pending = Approval.objects.filter(state=Approval.State.PENDING)
    mine = pending.filter(kind=ORG_KIND, organisation__in=orgs)
    if is_coalition_admin(user):
        mine = mine | pending.filter(kind=INSTANCE_KIND)
    return mine.select_related("organisation").order_by("created_at")


def get_panic_for_user(user, code: str) -> Approval:
    approval = pending_panics_for_user(user).filter(code=code).first()
    if approval is None:
        raise Http404
    return approval
