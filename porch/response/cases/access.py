"""Reads on a person's behalf: only the legal partner role of the handoff's
organisation sees a handoff, its incident record (entries, media) and its
follow-up case; everyone else gets Http404 (missing and forbidden look the
same), coordinators and admins included. There is deliberately no search
across handoffs or cases by person, vehicle or plate."""

from django.db.models import Q
from django.http import Http404

from porch.accounts.roles import Role
from porch.coalition.access import counting_memberships
from porch.response.cases.models import FollowUpCase, IncidentMedia, LegalHandoff, NeedItem

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


def get_media_for_user(user, code: str) -> IncidentMedia:
    media = (
        IncidentMedia.objects.filter(handoff__in=handoffs_visible_to(user), code=code)
        .select_related("handoff", "subject")
        .first()
    )
    if media is None:
        raise Http404
    return media


def cases_visible_to(user):
    return FollowUpCase.objects.filter(organisation_id__in=legal_orgs(user))


def get_case_for_user(user, code: str) -> FollowUpCase:
    case = cases_visible_to(user).filter(code=code).select_related("handoff", "zone").first()
    if case is None:
        raise Http404
    return case


def needs_owned_by(user):
    """Open needs a person owns, in organisations where they still count as a
    member: what a need's owner sees of a case (kind, due date, details)."""
    if not (getattr(user, "is_authenticated", False) and user.is_active):
        return NeedItem.objects.none()
    if user.status != user.Status.ACTIVE:
        return NeedItem.objects.none()
    orgs = counting_memberships().filter(user=user).values("organisation_id")
    return NeedItem.objects.filter(
        owner=user, case__status=FollowUpCase.Status.OPEN, case__organisation_id__in=orgs
    )


def get_need_for_user(user, code: str) -> NeedItem:
    """A need, for the case's legal partner or for the need's owner."""
    item = (
        NeedItem.objects.filter(
            Q(case__in=cases_visible_to(user)) | Q(pk__in=needs_owned_by(user).values("pk")),
            code=code,
        )
        .select_related("case")
        .first()
    )
    if item is None:
        raise Http404
    return item
