"""Who reads what in rapid response. Missing and forbidden both give 404.

Dispatchers (and coordinators, who staff the desk when short) read their
organisation's reports, dispatches and alerts. A verifier reads only their
own dispatches, and through them no reporter contact and no free text.
"""

from django.db.models import QuerySet
from django.http import Http404

from porch.accounts.roles import Role
from porch.coalition.access import _is_active, counting_memberships
from porch.coalition.models import Organisation
from porch.response.models import Alert, Dispatch, Report

DESK_ROLES = (Role.DISPATCHER, Role.COORDINATOR)


def _active(user) -> bool:
    return bool(user is not None and _is_active(user))


def desk_organisations(user) -> QuerySet[Organisation]:
    if not _active(user):
        return Organisation.objects.none()
    ids = counting_memberships().filter(user=user, role__in=DESK_ROLES).values("organisation_id")
    return Organisation.objects.filter(pk__in=ids, erased_on__isnull=True)


def member_organisations(user) -> QuerySet[Organisation]:
    if not _active(user):
        return Organisation.objects.none()
    ids = counting_memberships().filter(user=user).values("organisation_id")
    return Organisation.objects.filter(pk__in=ids, erased_on__isnull=True)


def is_verifier(user) -> bool:
    return _active(user) and counting_memberships().filter(user=user, role=Role.VERIFIER).exists()


def get_desk_organisation(user, code: str) -> Organisation:
    organisation = desk_organisations(user).filter(code=code).first()
    if organisation is None:
        raise Http404
    return organisation


def get_member_organisation(user, code: str) -> Organisation:
    organisation = member_organisations(user).filter(code=code).first()
    if organisation is None:
        raise Http404
    return organisation


def reports_for(user) -> QuerySet[Report]:
    return Report.objects.filter(organisation__in=desk_organisations(user))


def get_report_for_user(user, code: str) -> Report:
    report = reports_for(user).select_related("zone", "organisation").filter(code=code).first()
    if report is None:
        raise Http404
    return report


def get_dispatch_for_verifier(user, code: str) -> Dispatch:
    if not _active(user):
        raise Http404
    dispatch = (
        Dispatch.objects.select_related("report", "report__zone")
        .filter(code=code, verifier=user)
        .first()
    )
    if dispatch is None:
        raise Http404
    return dispatch


def dispatches_for(user) -> QuerySet[Dispatch]:
    """Dispatches a person may read: their own, and their desk's."""
    if not _active(user):
        return Dispatch.objects.none()
    from django.db.models import Q

    return Dispatch.objects.filter(
        Q(verifier=user) | Q(report__organisation__in=desk_organisations(user))
    )


def alerts_for(user) -> QuerySet[Alert]:
    return Alert.objects.filter(organisation__in=desk_organisations(user))


def get_alert_for_user(user, code: str) -> Alert:
    alert = alerts_for(user).select_related("zone", "broadcast").filter(code=code).first()
    if alert is None:
        raise Http404
    return alert


SETTINGS_ROLES = (Role.COORDINATOR, Role.COALITION_ADMIN)


def settings_coalition(user):
    """The coalition whose rapid-response settings the person may change:
    coordinators and coalition admins of one of its organisations. 404 otherwise."""
    if not _active(user):
        raise Http404
    membership = (
        counting_memberships()
        .filter(user=user, role__in=SETTINGS_ROLES, organisation__erased_on__isnull=True)
        .select_related("organisation__coalition")
        .order_by("pk")
        .first()
    )
    if membership is None:
        raise Http404
    return membership.organisation.coalition
