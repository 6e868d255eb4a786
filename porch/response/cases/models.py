"""Legal handoffs (DOMAIN.md W4, issue 7 item 5).

Design note (THREAT_MODEL R1, R11).
- A handoff says where (zone), roughly when (a time bucket) and what happened;
  the family's contact route is critical and sealed under the handoff's own
  vault subject. Shredding the subject leaves zone, bucket and status: counts.
- No field for anyone's status, A-number, country of birth, children's names
  or family plans, and nothing that names a person or a vehicle to search by.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from porch.core.codes import new_code
from porch.core.sensitivity import CRITICAL, INTERNAL, PUBLIC, SENSITIVE
from porch.vault.fields import EncryptedTextField


def new_handoff_code() -> str:
    return new_code(10)


class TimeBucket(models.TextChoices):
    LAST_HOUR = "last_hour", _("Within the last hour")
    TODAY = "today", _("Earlier today")
    YESTERDAY = "yesterday", _("Yesterday")
    EARLIER = "earlier", _("Before yesterday")


class LegalHandoff(models.Model):
    """A person detained: straight to the legal partner's queue of the organisation."""

    SENSITIVITY = {
        "id": INTERNAL,
        "code": INTERNAL,
        "organisation": INTERNAL,
        "zone": PUBLIC,
        "time_bucket": PUBLIC,
        "what_happened": CRITICAL,
        "contact_route": CRITICAL,
        "subject": INTERNAL,
        "source": INTERNAL,
        "report": INTERNAL,
        "status": INTERNAL,
        "created_by": SENSITIVE,
        "created_at": INTERNAL,
        "accepted_at": INTERNAL,
    }

    class Source(models.TextChoices):
        FORM = "form", _("Detention form")
        ACCOMPANIMENT = "accompaniment", _("Accompaniment shift")

    class Status(models.TextChoices):
        NEW = "new", _("New")
        ACCEPTED = "accepted", _("Accepted by legal")
        PURGED = "purged", _("Personal data purged")

    code = models.CharField(max_length=12, unique=True, default=new_handoff_code, editable=False)
    organisation = models.ForeignKey(
        "coalition.Organisation", on_delete=models.CASCADE, related_name="legal_handoffs"
    )
    zone = models.ForeignKey(
        "coalition.Zone", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    time_bucket = models.CharField(_("when"), max_length=12, choices=TimeBucket)
    what_happened = EncryptedTextField(_("what happened"), subject_field="subject")
    contact_route = EncryptedTextField(_("how to reach the family"), subject_field="subject")
    # Declared after the fields it seals, see porch.vault.fields.
    subject = models.ForeignKey(
        "vault.Subject", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    source = models.CharField(max_length=16, choices=Source, default=Source.FORM)
    report = models.ForeignKey(
        "response.Report", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(max_length=12, choices=Status, default=Status.NEW, db_index=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    accepted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "pk"]

    def __str__(self) -> str:
        return self.code
