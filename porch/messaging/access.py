"""Every read of messaging data on someone's behalf (R30, R33).

A subscriber list belongs to an organisation, or to the coalition itself
(organisation None: people who joined by keyword or chose no organisation
on the public form). Coordinators and admins of an organisation manage its
list and broadcast to it; coalition admins manage the coalition's list.
Lists are named in URLs by their owner's code (an organisation's code or the
coalition's). Missing and forbidden give the same Http404.

Managers see codes, zones, languages, states and how consent was given —
never a number: numbers are opened only by the sender, in memory.
"""

from dataclasses import dataclass

from django.db.models import QuerySet
from django.http import Http404

from porch.accounts.roles import Role
from porch.coalition import access as coalition_access
from porch.coalition.models import Coalition, Organisation, Zone
from porch.messaging.models import Broadcast, Subscriber

BROADCAST_ROLES = frozenset({Role.COORDINATOR, Role.ORG_ADMIN})


@dataclass(frozen=True)
class SubscriberList:
    """Whose list: an organisation's, or the coalition's own (organisation None)."""

    code: str
    name: str
    organisation: Organisation | None

    @property
    def is_coalition(self) -> bool:
        return self.organisation is None


def _org_list(organisation: Organisation) -> SubscriberList:
    return SubscriberList(organisation.code, organisation.name, organisation)


def _coalition_list(coalition: Coalition) -> SubscriberList:
    return SubscriberList(coalition.code, coalition.name, None)


def broadcasting_organisations(user) -> QuerySet[Organisation]:
    """Organisations where the person is a coordinator or an organisation admin."""
    if not _is_active(user):
        return Organisation.objects.none()
    ids = (
        coalition_access.counting_memberships()
        .filter(user=user, role__in=BROADCAST_ROLES)
        .values("organisation_id")
    )
    return Organisation.objects.filter(erased_on__isnull=True, pk__in=ids).order_by("name")


def _is_active(user) -> bool:
    try:
        coalition_access.require_active(user)
    except Http404:
        return False
    return True


def lists_for(user) -> list[SubscriberList]:
    """The lists this person manages and broadcasts to."""
    if not _is_active(user):
        return []
    lists = [_org_list(org) for org in broadcasting_organisations(user)]
    if coalition_access.is_coalition_admin(user):
        coalition = Coalition.objects.order_by("pk").first()
        if coalition is not None:
            lists.insert(0, _coalition_list(coalition))
    return lists


def get_list_for_user(user, code: str) -> SubscriberList:
    for subscriber_list in lists_for(user):
        if subscriber_list.code == code:
            return subscriber_list
    raise Http404


def subscribers_of(subscriber_list: SubscriberList) -> QuerySet[Subscriber]:
    return (
        Subscriber.objects.for_owner(subscriber_list.organisation)
        .only(
            "code",
            "medium",
            "language",
            "source",
            "consent_noted",
            "state",
            "created_on",
            "organisation_id",
        )
        .prefetch_related("zones")
        .order_by("-pk")
    )


def get_subscriber_for_user(user, code: str) -> Subscriber:
    for subscriber_list in lists_for(user):
        found = Subscriber.objects.for_owner(subscriber_list.organisation).filter(code=code).first()
        if found is not None:
            return found
    raise Http404


def broadcasts_of(subscriber_list: SubscriberList) -> QuerySet[Broadcast]:
    if subscriber_list.organisation is None:
        rows = Broadcast.objects.filter(organisation__isnull=True)
    else:
        rows = Broadcast.objects.filter(organisation=subscriber_list.organisation)
    return rows.prefetch_related("zones").select_related("original").order_by("-pk")


def get_broadcast_for_user(user, code: str) -> Broadcast:
    broadcast = (
        Broadcast.objects.filter(code=code)
        .select_related("organisation", "original", "created_by")
        .first()
    )
    if broadcast is None:
        raise Http404
    for subscriber_list in lists_for(user):
        if subscriber_list.organisation == broadcast.organisation:
            return broadcast
    raise Http404


def list_of(broadcast: Broadcast, user) -> SubscriberList:
    return get_list_for_user(
        user,
        broadcast.organisation.code
        if broadcast.organisation
        else coalition_access.current_coalition().code,
    )


def zones() -> QuerySet[Zone]:
    """Zones are public within the coalition (subscribe form, broadcast picker)."""
    return Zone.objects.select_related("region").order_by("region__name", "name")


def public_organisations() -> QuerySet[Organisation]:
    """Organisations that chose to be listed: the public form may name them."""
    return Organisation.objects.filter(is_public=True, erased_on__isnull=True).order_by("name")
