"""Reads on a person's behalf: only the legal partner role of the handoff's
organisation sees a handoff; everyone else gets Http404 (missing and
forbidden look the same)."""

from django.http import Http404

from porch.accounts.roles import Role
from porch.coalition.access import counting_memberships
from porch.response.cases.models import LegalHandoff

LEGAL_ROLES = (Role.LEGAL,)


def legal_orgs(user) -> list[int]:
    if not (getattr(user, "is_authenticated", False) and user.is_active):
        return []
    if user.status != user.Status.ACTIVE:
        return []
    return list(
        counting_memberships()
        .filter(user=user, role__in=LEGAL_ROLES, organisation__erased_on__isnull=True)
        .values_list("organisation_id", flat=True)
    )


def handoffs_visible_to(user):
    return LegalHandoff.objects.filter(organisation_id__in=legal_orgs(user))


def get_handoff_for_user(user, code: str) -> LegalHandoff:
    handoff = handoffs_visible_to(user).filter(code=code).first()
    if handoff is None:
        raise Http404
    return handoff
