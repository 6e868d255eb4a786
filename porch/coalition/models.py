"""The coalition: organisations, teams, zones, memberships and referrals.

One coalition per instance. Organisations are private by default (public
lists attract hostile attention, DOMAIN.md W6). Data crosses organisations
only through an explicit Referral that carries what the receiver needs and
nothing more (R33).
"""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from porch.accounts.roles import Role
from porch.core.codes import new_code
from porch.core.sensitivity import INTERNAL, PUBLIC, SENSITIVE


class Coalition(models.Model):
    SENSITIVITY = {
        "id": INTERNAL,
        "code": PUBLIC,
        "name": PUBLIC,
        "hotline": PUBLIC,
        "vouches_required": INTERNAL,
        "created_on": INTERNAL,
    }

    code = models.CharField(max_length=12, unique=True, default=new_code, editable=False)
    name = models.CharField(_("name"), max_length=120)
    hotline = models.CharField(_("hotline number"), max_length=32, blank=True)
    vouches_required = models.PositiveSmallIntegerField(_("vouches required"), default=2)
    created_on = models.DateField(default=timezone.localdate)

    def __str__(self) -> str:
        return self.name


class Region(models.Model):
    SENSITIVITY = {"id": INTERNAL, "coalition": INTERNAL, "code": PUBLIC, "name": PUBLIC}

    coalition = models.ForeignKey(Coalition, on_delete=models.CASCADE, related_name="regions")
    code = models.CharField(max_length=12, unique=True, default=new_code, editable=False)
    name = models.CharField(_("name"), max_length=80)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Zone(models.Model):
    """A neighbourhood. The outline is GeoJSON; the centroid is [lat, lon]."""

    SENSITIVITY = {
        "id": INTERNAL,
        "region": INTERNAL,
        "code": PUBLIC,
        "name": PUBLIC,
        "outline": PUBLIC,
        "centroid_lat": PUBLIC,
        "centroid_lon": PUBLIC,
    }

    region = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="zones")
    code = models.CharField(max_length=12, unique=True, default=new_code, editable=False)
    name = models.CharField(_("name"), max_length=80)
    outline = models.JSONField(default=dict, blank=True)
    centroid_lat = models.FloatField(null=True, blank=True)
    centroid_lon = models.FloatField(null=True, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Organisation(models.Model):
    SENSITIVITY = {
        "id": INTERNAL,
        "coalition": INTERNAL,
        "code": INTERNAL,
        "name": INTERNAL,
        "description": INTERNAL,
        "is_public": INTERNAL,
        "created_on": INTERNAL,
        "erased_on": INTERNAL,
    }

    coalition = models.ForeignKey(Coalition, on_delete=models.CASCADE, related_name="organisations")
    code = models.CharField(max_length=12, unique=True, default=new_code, editable=False)
    name = models.CharField(_("name"), max_length=120)
    description = models.TextField(_("description"), blank=True, max_length=2000)
    # Private by default; a public listing is an explicit choice.
    is_public = models.BooleanField(_("listed publicly"), default=False)
    created_on = models.DateField(default=timezone.localdate)
    erased_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("coalition:organisation", kwargs={"code": self.code})


class Team(models.Model):
    SENSITIVITY = {
        "id": INTERNAL,
        "organisation": INTERNAL,
        "code": INTERNAL,
        "name": INTERNAL,
        "description": INTERNAL,
        "created_on": INTERNAL,
    }

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="teams")
    code = models.CharField(max_length=12, unique=True, default=new_code, editable=False)
    name = models.CharField(_("name"), max_length=80)
    description = models.CharField(_("description"), max_length=300, blank=True)
    created_on = models.DateField(default=timezone.localdate)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="team_name_per_org")
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("coalition:team", kwargs={"code": self.code})


class Membership(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        AWAITING_APPROVAL = "awaiting", _("Waiting for a second admin")
        REVOKED = "revoked", _("Revoked")

    SENSITIVITY = {
        "id": INTERNAL,
        "code": INTERNAL,
        "user": INTERNAL,
        "organisation": INTERNAL,
        "team": INTERNAL,
        "role": INTERNAL,
        "status": INTERNAL,
        "granted_by": INTERNAL,
        "created_on": INTERNAL,
    }

    code = models.CharField(max_length=12, unique=True, default=new_code, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships"
    )
    team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.SET_NULL, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=20, choices=Role)
    status = models.CharField(max_length=10, choices=Status, default=Status.ACTIVE)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_on = models.DateField(default=timezone.localdate)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation", "role"], name="one_role_per_org_per_user"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user_id}:{self.organisation_id}:{self.role}"


class Referral(models.Model):
    """An explicit hand-over between organisations (R33).

    `summary` carries only what the receiving organisation needs; later issues
    attach a subject (an aid request, a case, a legal handoff) by its code.
    """

    class Kind(models.TextChoices):
        AID_REQUEST = "aid_request", _("Aid request")
        CASE = "case", _("Follow-up case")
        LEGAL_HANDOFF = "legal_handoff", _("Legal handoff")
        OTHER = "other", _("Other")

    class State(models.TextChoices):
        SENT = "sent", _("Sent")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    SENSITIVITY = {
        "id": INTERNAL,
        "code": INTERNAL,
        "kind": INTERNAL,
        "from_organisation": INTERNAL,
        "to_organisation": INTERNAL,
        "subject_code": INTERNAL,
        "summary": SENSITIVE,
        "state": INTERNAL,
        "created_by": INTERNAL,
        "decided_by": INTERNAL,
        "created_on": INTERNAL,
        "decided_on": INTERNAL,
    }

    code = models.CharField(max_length=12, unique=True, default=new_code, editable=False)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind, default=Kind.OTHER)
    from_organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="referrals_sent"
    )
    to_organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="referrals_received"
    )
    subject_code = models.CharField(max_length=32, blank=True)
    summary = models.TextField(_("what they need to know"), max_length=1000)
    state = models.CharField(max_length=10, choices=State, default=State.SENT)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_on = models.DateField(default=timezone.localdate)
    decided_on = models.DateField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(from_organisation=models.F("to_organisation")),
                name="referral_between_two_orgs",
            )
        ]

    def __str__(self) -> str:
        return self.code
