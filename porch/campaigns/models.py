"""Campaigns, pledges and public listings (DOMAIN.md W6, W9).

Design note. Everything here faces the public, so it keeps almost nothing:

- A Listing is an organisation's opt-in public page. It shows only while the
  organisation itself is marked public (Organisation.is_public), and its kinds
  deliberately include no "safe house" or shelter kind at all: a place where
  people hide must never be listed, so the form cannot even say it.
- A Pledge is anonymous: a kind (business, worker, family), an optional zone
  and a date. No name, no client address, no time of day (R2, R3).
- The optional contact for campaign updates is critical: it is sealed with
  the vault under its own subject, expires when the campaign ends (retention
  class "pledge_contact") and is shredded by the purge or at once when an
  organiser ends the campaign.
- A pledge that leaves a contact also keeps the language of the page it was
  made on, so that updates reach the pledger in it; it goes with the contact.
- A CampaignUpdate ties an organiser's update to a messaging Mailing: the
  contact is registered with messaging (a Contact sealed under the pledge's
  own subject) so the outbox can address it, and goes with the pledge's.
- PledgeWindow counts pledges per campaign per minute to throttle the public
  form without knowing anything about who is pledging (R25).
"""

from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from porch.core.codes import new_code
from porch.core.languages import LANGUAGES
from porch.core.sensitivity import CRITICAL, INTERNAL, PUBLIC
from porch.vault.fields import EncryptedTextField

# The languages a listing may say it serves: DOMAIN.md "Languages", tiers 1 and 2.
SERVED_LANGUAGES = [
    ("en", _("English")),
    ("es", _("Spanish")),
    ("so", _("Somali")),
    ("hmn", _("Hmong")),
    ("om", _("Oromo")),
    ("am", _("Amharic")),
    ("ksw", _("Karen")),
    ("vi", _("Vietnamese")),
    ("lo", _("Lao")),
    ("ar", _("Arabic")),
]


class Listing(models.Model):
    class Kind(models.TextChoices):
        # No safe-house or shelter kind, on purpose (see the design note).
        FOOD = "food", _("Food and groceries")
        HUB = "hub", _("Donation hub")
        RAPID_RESPONSE = "rapid_response", _("Rapid response")
        LEGAL = "legal", _("Legal help")
        TENANTS = "tenants", _("Tenants and housing rights")
        FAITH = "faith", _("Faith community")
        SCHOOL = "school", _("School and family support")
        OTHER = "other", _("Other")

    SENSITIVITY = {
        "id": INTERNAL,
        "organisation": INTERNAL,
        "kind": PUBLIC,
        "services": PUBLIC,
        "hours": PUBLIC,
        "languages": PUBLIC,
        "needs": PUBLIC,
        "how_to_reach": PUBLIC,
        "updated_on": INTERNAL,
    }

    organisation = models.OneToOneField(
        "coalition.Organisation", on_delete=models.CASCADE, related_name="listing"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind, default=Kind.OTHER)
    services = models.TextField(_("services"), max_length=1000, blank=True)
    hours = models.CharField(_("opening hours"), max_length=300, blank=True)
    languages = models.JSONField(_("languages spoken"), default=list, blank=True)
    needs = models.TextField(_("what we need"), max_length=1000, blank=True)
    how_to_reach = models.CharField(_("how to reach us"), max_length=300, blank=True)
    updated_on = models.DateField(default=timezone.localdate)

    def __str__(self) -> str:
        return f"listing:{self.organisation_id}"

    def language_labels(self) -> list[str]:
        names = dict(SERVED_LANGUAGES)
        return [str(names[code]) for code in self.languages if code in names]


class Campaign(models.Model):
    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        OPEN = "open", _("Open for pledges")
        ENDED = "ended", _("Ended")

    SENSITIVITY = {
        "id": INTERNAL,
        "coalition": INTERNAL,
        "organisation": INTERNAL,
        "code": PUBLIC,
        "title": PUBLIC,
        "slogan": PUBLIC,
        "description": PUBLIC,
        "starts_on": PUBLIC,
        "ends_on": PUBLIC,
        "state": PUBLIC,
        "created_on": INTERNAL,
        "contacts_erased_on": INTERNAL,
    }

    coalition = models.ForeignKey(
        "coalition.Coalition", on_delete=models.CASCADE, related_name="campaigns"
    )
    # The organiser; None means the coalition as a whole (coalition admins manage it).
    organisation = models.ForeignKey(
        "coalition.Organisation",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="campaigns",
    )
    code = models.CharField(max_length=12, unique=True, default=new_code, editable=False)
    title = models.CharField(_("title"), max_length=120)
    slogan = models.CharField(_("slogan"), max_length=200, blank=True)
    description = models.TextField(_("description"), max_length=2000, blank=True)
    starts_on = models.DateField(_("first day"))
    ends_on = models.DateField(_("last day"))
    state = models.CharField(max_length=10, choices=State, default=State.DRAFT)
    created_on = models.DateField(default=timezone.localdate)
    contacts_erased_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-starts_on", "title"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")),
                name="campaign_ends_after_it_starts",
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("campaigns:campaign", kwargs={"code": self.code})

    def get_public_url(self) -> str:
        return reverse("public:campaign", kwargs={"code": self.code})

    def is_open(self, today=None) -> bool:
        today = today or timezone.localdate()
        return self.state == self.State.OPEN and self.starts_on <= today <= self.ends_on

    def has_ended(self, today=None) -> bool:
        today = today or timezone.localdate()
        return self.state == self.State.ENDED or self.ends_on < today


class Pledge(models.Model):
    class Kind(models.TextChoices):
        BUSINESS = "business", _("Business closing")
        WORKER = "worker", _("Worker")
        FAMILY = "family", _("Family")

    class ContactKind(models.TextChoices):
        NONE = "", _("No updates")
        SMS = "sms", _("Text message")
        EMAIL = "email", _("E-mail")

    SENSITIVITY = {
        "id": INTERNAL,
        "code": INTERNAL,
        "campaign": INTERNAL,
        "kind": INTERNAL,
        "zone": INTERNAL,
        "created_on": INTERNAL,
        "contact_kind": INTERNAL,
        "contact": CRITICAL,
        "subject": INTERNAL,
        "language": INTERNAL,
    }

    code = models.CharField(max_length=12, unique=True, default=new_code, editable=False)
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="pledges")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind)
    zone = models.ForeignKey(
        "coalition.Zone", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # A date, never a time (R3).
    created_on = models.DateField(default=timezone.localdate)
    contact_kind = models.CharField(max_length=8, choices=ContactKind, blank=True, default="")
    contact = EncryptedTextField(subject_field="subject")
    subject = models.ForeignKey(
        "vault.Subject", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The language updates go out in: the page's language when the pledger left
    # a contact, blank otherwise (an anonymous pledge needs none), and blanked
    # with the contact when it is shredded.
    language = models.CharField(max_length=8, choices=LANGUAGES, blank=True, default="")

    class Meta:
        indexes = [models.Index(fields=["campaign", "kind"])]

    def __str__(self) -> str:
        return self.code


class CampaignUpdate(models.Model):
    """An update an organiser sent to the campaign's pledgers who left a contact.

    The message itself is a messaging Mailing (a catalogue text, the
    campaign's public title and first day, one outbox row per contact, each
    in the language of the page the pledger used); this row ties it to the
    campaign. Its counts come from the mailing and stay after the contacts
    are erased."""

    SENSITIVITY = {
        "id": INTERNAL,
        "campaign": INTERNAL,
        "mailing": INTERNAL,
        "created_on": INTERNAL,
    }

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="updates")
    mailing = models.OneToOneField(
        "messaging.Mailing", on_delete=models.CASCADE, related_name="campaign_update"
    )
    created_on = models.DateField(default=timezone.localdate)

    class Meta:
        ordering = ["-created_on", "-pk"]

    def __str__(self) -> str:
        return f"update:{self.mailing_id}"


class PledgeWindow(models.Model):
    """How many pledges a campaign took in one minute: the throttle's only state."""

    SENSITIVITY = {"id": INTERNAL, "campaign": INTERNAL, "minute": INTERNAL, "count": INTERNAL}

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="+")
    minute = models.DateTimeField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["campaign", "minute"], name="one_window_per_minute")
        ]

    def __str__(self) -> str:
        return f"{self.campaign_id}@{self.minute:%H:%M}"
