"""Roles, trust levels and compartments (DOMAIN.md, "Roles, trust levels").

A role is held through a coalition Membership; the trust level belongs to the
person. A role can be granted only to someone whose trust level reaches the
role's minimum. Roles that see addresses, dispatch, verify or administer
require TOTP (R23) and a short idle timeout (R27); granting a role that sees
addresses needs a second admin (R34).
"""

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _


class TrustLevel(models.IntegerChoices):
    VIEWER = 0, _("Viewer")
    RESPONDER = 10, _("Responder")
    TRAINED = 20, _("Verifier or driver")
    DISPATCHER = 30, _("Dispatcher")
    LEGAL = 35, _("Legal partner")
    COORDINATOR = 40, _("Coordinator")
    ADMIN = 50, _("Admin")


class Compartment(models.TextChoices):
    GENERAL = "general", _("General")
    RESPONSE = "response", _("Rapid response")
    DELIVERY = "delivery", _("Delivery")
    PATROLS = "patrols", _("Patrols")
    LEGAL = "legal", _("Legal")
    ORGANISATION = "organisation", _("Their organisation")
    ADMINISTRATION = "administration", _("Administration")


class Role(models.TextChoices):
    VOLUNTEER = "volunteer", _("Volunteer")
    OBSERVER = "observer", _("Observer")
    PATROL = "patrol", _("Patrol member")
    INTAKE = "intake", _("Intake volunteer")
    HUB_KEEPER = "hub_keeper", _("Hub keeper")
    DRIVER = "driver", _("Driver")
    VERIFIER = "verifier", _("Verifier")
    DISPATCHER = "dispatcher", _("Dispatcher")
    LEGAL = "legal", _("Legal partner")
    COORDINATOR = "coordinator", _("Coordinator")
    ORG_ADMIN = "org_admin", _("Organisation admin")
    COALITION_ADMIN = "coalition_admin", _("Coalition admin")


@dataclass(frozen=True)
class RoleInfo:
    compartment: str
    min_trust: int
    needs_2fa: bool
    sees_addresses: bool = False
    administers: bool = False


ROLE_INFO: dict[str, RoleInfo] = {
    Role.VOLUNTEER: RoleInfo(Compartment.GENERAL, TrustLevel.VIEWER, False),
    Role.OBSERVER: RoleInfo(Compartment.RESPONSE, TrustLevel.RESPONDER, False),
    Role.PATROL: RoleInfo(Compartment.PATROLS, TrustLevel.RESPONDER, False),
    Role.INTAKE: RoleInfo(Compartment.DELIVERY, TrustLevel.RESPONDER, True, sees_addresses=True),
    Role.HUB_KEEPER: RoleInfo(Compartment.DELIVERY, TrustLevel.RESPONDER, False),
    Role.DRIVER: RoleInfo(Compartment.DELIVERY, TrustLevel.TRAINED, True, sees_addresses=True),
    Role.VERIFIER: RoleInfo(Compartment.RESPONSE, TrustLevel.TRAINED, True),
    Role.DISPATCHER: RoleInfo(Compartment.RESPONSE, TrustLevel.DISPATCHER, True),
    Role.LEGAL: RoleInfo(Compartment.LEGAL, TrustLevel.LEGAL, True, sees_addresses=True),
    Role.COORDINATOR: RoleInfo(Compartment.ORGANISATION, TrustLevel.COORDINATOR, True),
    Role.ORG_ADMIN: RoleInfo(Compartment.ADMINISTRATION, TrustLevel.ADMIN, True, administers=True),
    Role.COALITION_ADMIN: RoleInfo(
        Compartment.ADMINISTRATION, TrustLevel.ADMIN, True, administers=True
    ),
}

TWO_FACTOR_ROLES = frozenset(role for role, info in ROLE_INFO.items() if info.needs_2fa)
ADDRESS_ROLES = frozenset(role for role, info in ROLE_INFO.items() if info.sees_addresses)
ADMIN_ROLES = frozenset({Role.ORG_ADMIN, Role.COALITION_ADMIN})
# Roles that may manage teams, invitations and locks in their organisation.
MANAGER_ROLES = frozenset({Role.COORDINATOR, Role.ORG_ADMIN, Role.COALITION_ADMIN})
