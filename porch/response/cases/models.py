"""Legal handoffs, incident records and follow-up cases (DOMAIN.md W3, issue 7 items 5, 6, 8).

Design note (THREAT_MODEL R1, R11).
- A handoff says where (zone), roughly when (a time bucket) and what happened;
  the family's contact route is critical and sealed under the handoff's own
  vault subject. Shredding the subject leaves zone, bucket and status: counts.
- No field for anyone's status, A-number, country of birth, children's names
  or family plans, and nothing that names a person or a vehicle to search by.
- The incident record (timeline entries, observer notes, media) is sealed
  under the handoff's subject: shredding it deletes the record's rows.
  Media originals are sealed chunk by chunk as they arrive (porch.response.
  cases.uploads); the shareable copy is a re-encoded image without metadata.
- A follow-up case has its own subject; closing it shreds both subjects and
  keeps only counts on the case row.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from porch.core.codes import new_code
from porch.core.sensitivity import CRITICAL, INTERNAL, PUBLIC, SENSITIVE
from porch.vault.fields import EncryptedTextField


class EncryptedBytesField(EncryptedTextField):
    """Bytes sealed with their subject's data key (media chunks and copies).

    A text field's machinery with a bytes encoding, so every vault check that
    walks the encrypted fields walks these too.
    """

    description = "Bytes sealed with their subject's data key"

    def encode(self, value) -> bytes:
        if not isinstance(value, (bytes, bytearray)):
            raise TypeError(f"{self.name} takes bytes")
        return bytes(value)

    def decode(self, data: bytes):
        return data

    def seal_into(self, instance, data: bytes) -> None:
        """Set the field to `data`, sealed now. Plain bytes assigned to the
        attribute would be taken for ciphertext read from the database."""
        setattr(instance, self.attname, self.encrypt(instance, data))


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


class IncidentEntry(models.Model):
    """A line of the incident record: a timeline entry or an observer's note."""

    SENSITIVITY = {
        "id": INTERNAL,
        "code": INTERNAL,
        "handoff": INTERNAL,
        "kind": INTERNAL,
        "at": CRITICAL,
        "text": CRITICAL,
        "subject": INTERNAL,
        "written_by": SENSITIVE,
        "created_on": INTERNAL,
    }

    class Kind(models.TextChoices):
        TIMELINE = "timeline", _("Timeline entry")
        NOTE = "note", _("Observer note")

    code = models.CharField(max_length=12, unique=True, default=new_handoff_code, editable=False)
    handoff = models.ForeignKey(LegalHandoff, on_delete=models.CASCADE, related_name="entries")
    kind = models.CharField(max_length=12, choices=Kind)
    # When it happened, as the observer put it ("about 9:40"): sealed, not a timestamp.
    at = EncryptedTextField(_("when"), subject_field="subject")
    text = EncryptedTextField(_("what was seen"), subject_field="subject")
    subject = models.ForeignKey("vault.Subject", on_delete=models.CASCADE, related_name="+")
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # A date, not a time (R3).
    created_on = models.DateField(default=timezone.localdate)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.code


class IncidentMedia(models.Model):
    """A photo, video or recording: the original sealed in chunks, and for
    images a re-encoded copy without EXIF or GPS for sharing."""

    SENSITIVITY = {
        "id": INTERNAL,
        "code": INTERNAL,
        "handoff": INTERNAL,
        "kind": INTERNAL,
        "format": INTERNAL,
        "size": INTERNAL,
        "chunk_count": INTERNAL,
        "digest": CRITICAL,
        "shared_copy": CRITICAL,
        "subject": INTERNAL,
        "added_by": SENSITIVE,
        "created_on": INTERNAL,
    }

    class Kind(models.TextChoices):
        IMAGE = "image", _("Photo")
        OTHER = "other", _("Video, sound or other file")

    code = models.CharField(max_length=12, unique=True, default=new_handoff_code, editable=False)
    handoff = models.ForeignKey(LegalHandoff, on_delete=models.CASCADE, related_name="media")
    kind = models.CharField(max_length=8, choices=Kind, default=Kind.OTHER)
    # Read from the first bytes ("jpeg", "png", "mp4" ...), never from the
    # uploader's file name, which is not kept.
    format = models.CharField(max_length=8, blank=True)
    size = models.PositiveBigIntegerField(default=0)
    chunk_count = models.PositiveIntegerField(default=0)
    # SHA-256 of the original, sealed: proves on download that no chunk was
    # dropped, reordered or swapped.
    digest = EncryptedTextField(subject_field="subject")
    shared_copy = EncryptedBytesField(subject_field="subject")
    subject = models.ForeignKey("vault.Subject", on_delete=models.CASCADE, related_name="+")
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_on = models.DateField(default=timezone.localdate)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.code


class MediaChunk(models.Model):
    """One sealed piece of a media original, in upload order."""

    SENSITIVITY = {
        "id": INTERNAL,
        "media": INTERNAL,
        "index": INTERNAL,
        "place": INTERNAL,
        "data": CRITICAL,
        "subject": INTERNAL,
    }

    media = models.ForeignKey(IncidentMedia, on_delete=models.CASCADE, related_name="chunks")
    index = models.PositiveIntegerField()
    # "<media code>/<index>": bound into the AAD, so a chunk opens only in its place.
    place = models.CharField(max_length=24, unique=True)
    data = EncryptedBytesField(subject_field="subject", record_field="place")
    subject = models.ForeignKey("vault.Subject", on_delete=models.CASCADE, related_name="+")

    class Meta:
        ordering = ["media", "index"]

    def __str__(self) -> str:
        return self.place


class Need(models.TextChoices):
    CHILDREN = "children", _("Children's care")
    FOOD = "food", _("Food")
    RENT = "rent", _("Rent and utilities")
    VEHICLE = "vehicle", _("A vehicle left at the scene")
    MEDICATION = "medication", _("Medication")
    RIDES = "rides", _("Rides to hearings")
    BOND = "bond", _("Bond referral")


class FollowUpCase(models.Model):
    """What the family needs after a detention, each need with an owner and a due date."""

    SENSITIVITY = {
        "id": INTERNAL,
        "code": INTERNAL,
        "organisation": INTERNAL,
        "handoff": INTERNAL,
        "zone": PUBLIC,
        "status": INTERNAL,
        "subject": INTERNAL,
        "counts": INTERNAL,
        "opened_by": SENSITIVE,
        "opened_on": INTERNAL,
        "closed_on": INTERNAL,
        "hold_until": INTERNAL,
    }

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        HELD = "held", _("Closed, under a legal hold")
        PURGED = "purged", _("Closed, personal data purged")

    code = models.CharField(max_length=12, unique=True, default=new_handoff_code, editable=False)
    organisation = models.ForeignKey(
        "coalition.Organisation", on_delete=models.CASCADE, related_name="follow_up_cases"
    )
    handoff = models.OneToOneField(
        LegalHandoff, null=True, blank=True, on_delete=models.SET_NULL, related_name="case"
    )
    zone = models.ForeignKey(
        "coalition.Zone", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(max_length=8, choices=Status, default=Status.OPEN, db_index=True)
    subject = models.ForeignKey(
        "vault.Subject", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # What stays after the purge: needs per kind, and how many were done.
    counts = models.JSONField(default=dict, blank=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    opened_on = models.DateField(default=timezone.localdate)
    closed_on = models.DateField(null=True, blank=True)
    hold_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-opened_on", "-pk"]

    def __str__(self) -> str:
        return self.code


class NeedItem(models.Model):
    """One need of a case: its kind, who owns it, when it is due, sealed details."""

    SENSITIVITY = {
        "id": INTERNAL,
        "code": INTERNAL,
        "case": INTERNAL,
        "need": INTERNAL,
        "owner": SENSITIVE,
        "due_on": INTERNAL,
        "done": INTERNAL,
        "details": CRITICAL,
        "aid_request_code": SENSITIVE,
        "subject": INTERNAL,
    }

    code = models.CharField(max_length=12, unique=True, default=new_handoff_code, editable=False)
    case = models.ForeignKey(FollowUpCase, on_delete=models.CASCADE, related_name="items")
    need = models.CharField(max_length=12, choices=Need)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    due_on = models.DateField()
    done = models.BooleanField(default=False)
    details = EncryptedTextField(_("details"), subject_field="subject")
    # The food need's aid request (porch.aid), by its public code.
    aid_request_code = models.CharField(max_length=12, blank=True)
    subject = models.ForeignKey("vault.Subject", on_delete=models.CASCADE, related_name="+")

    class Meta:
        ordering = ["due_on", "pk"]

    def __str__(self) -> str:
        return self.code
