"""Every state change in campaigns: atomic, validated, audited.

Pledges are anonymous: the actor is None and the audit row holds only the
pledge's random code and the day. The public form is throttled per campaign
per minute (PledgeWindow), never per client: nothing about who pledges is
read or kept (R2, R25). A flood can slow pledging for everyone for a minute;
it can never reveal anyone.
"""

from datetime import datetime, time, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from porch.campaigns.models import (
    SERVED_LANGUAGES,
    Campaign,
    CampaignUpdate,
    Listing,
    Pledge,
    PledgeWindow,
)
from porch.coalition import actions as coalition_actions
from porch.core import audit
from porch.core.languages import LANGUAGES
from porch.messaging import actions as messaging_actions
from porch.messaging import catalogue
from porch.messaging.models import Contact
from porch.vault import erasure
from porch.vault.epochs import new_subject
from porch.vault.models import Subject

CONTACT_KIND = "pledge_contact"
# Updates go out in the pledge page's language, English if it was none of ours.
FALLBACK_LANGUAGE = "en"
# Pledges one campaign accepts per minute, from everyone together.
DEFAULT_PLEDGES_PER_MINUTE = 60


class PledgeThrottled(Exception):
    """Too many pledges this minute; try again shortly."""


def _text(value: str, *, field: str, max_length: int, required: bool = False) -> str:
    text = (value or "").strip()
    if required and not text:
        raise ValidationError({field: [_("This field is required.")]})
    if len(text) > max_length:
        message = _("Keep this to %(max)d characters or fewer.") % {"max": max_length}
        raise ValidationError({field: [message]})
    return text


# ---- Listings ---------------------------------------------------------------------------


def do_update_listing(
    organisation,
    *,
    is_public: bool,
    kind: str,
    services: str = "",
    hours: str = "",
    languages=(),
    needs: str = "",
    how_to_reach: str = "",
    actor,
) -> Listing:
    """Save an organisation's public listing; `is_public` publishes or hides it."""
    if kind not in Listing.Kind.values:
        raise ValidationError({"kind": [_("Choose a kind from the list.")]})
    known = {code for code, _label in SERVED_LANGUAGES}
    if any(code not in known for code in languages):
        raise ValidationError({"languages": [_("Choose languages from the list.")]})
    with transaction.atomic():
        listing = Listing.objects.select_for_update().filter(organisation=organisation).first()
        listing = listing or Listing(organisation=organisation)
        listing.kind = kind
        listing.services = _text(services, field="services", max_length=1000)
        listing.hours = _text(hours, field="hours", max_length=300)
        listing.languages = [code for code, _label in SERVED_LANGUAGES if code in set(languages)]
        listing.needs = _text(needs, field="needs", max_length=1000)
        listing.how_to_reach = _text(how_to_reach, field="how_to_reach", max_length=300)
        listing.updated_on = timezone.localdate()
        listing.full_clean()
        listing.save()
        if bool(is_public) != organisation.is_public:
            # The organisation's own switch, through its own action (and audit row).
            coalition_actions.do_update_organisation(
                organisation,
                name=organisation.name,
                description=organisation.description,
                is_public=bool(is_public),
                actor=actor,
            )
        audit.record(actor, "listing.updated", obj=organisation, organisation=organisation)
    return listing


# ---- Campaigns --------------------------------------------------------------------------


def _check_dates(starts_on, ends_on) -> None:
    if starts_on is None or ends_on is None:
        raise ValidationError({"ends_on": [_("Give the first and the last day.")]})
    if ends_on < starts_on:
        raise ValidationError({"ends_on": [_("The last day cannot come before the first day.")]})


def contact_expiry(campaign: Campaign) -> datetime:
    """When contacts for a campaign's updates must be gone: the end of its last day."""
    end_of_last_day = timezone.make_aware(datetime.combine(campaign.ends_on, time.min))
    return end_of_last_day + timedelta(days=1) + erasure.POLICIES[CONTACT_KIND].limit


def do_create_campaign(
    coalition,
    *,
    organisation,
    title: str,
    slogan: str = "",
    description: str = "",
    starts_on,
    ends_on,
    actor,
) -> Campaign:
    with transaction.atomic():
        _check_dates(starts_on, ends_on)
        if organisation is not None and organisation.coalition_id != coalition.pk:
            raise ValidationError({"organisation": [_("Choose an organisation from the list.")]})
        campaign = Campaign(
            coalition=coalition,
            organisation=organisation,
            title=_text(title, field="title", max_length=120, required=True),
            slogan=_text(slogan, field="slogan", max_length=200),
            description=_text(description, field="description", max_length=2000),
            starts_on=starts_on,
            ends_on=ends_on,
        )
        campaign.full_clean()
        campaign.save()
        audit.record(actor, "campaign.created", obj=campaign, organisation=organisation)
    return campaign


def do_update_campaign(
    campaign: Campaign, *, title: str, slogan: str, description: str, starts_on, ends_on, actor
) -> Campaign:
    with transaction.atomic():
        campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
        if campaign.state == Campaign.State.ENDED:
            raise ValidationError(_("This campaign has ended and can no longer be changed."))
        _check_dates(starts_on, ends_on)
        campaign.title = _text(title, field="title", max_length=120, required=True)
        campaign.slogan = _text(slogan, field="slogan", max_length=200)
        campaign.description = _text(description, field="description", max_length=2000)
        campaign.starts_on, campaign.ends_on = starts_on, ends_on
        campaign.full_clean()
        campaign.save(update_fields=["title", "slogan", "description", "starts_on", "ends_on"])
        # Sealed contacts follow the campaign's last day.
        Subject.objects.filter(
            pk__in=campaign.pledges.filter(subject__isnull=False).values("subject_id")
        ).update(expires_at=contact_expiry(campaign))
        audit.record(actor, "campaign.updated", obj=campaign, organisation=campaign.organisation)
    return campaign


def do_open_campaign(campaign: Campaign, *, actor) -> Campaign:
    with transaction.atomic():
        campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
        if campaign.state != Campaign.State.DRAFT:
            raise ValidationError(_("Only a draft campaign can be opened."))
        if campaign.ends_on < timezone.localdate():
            raise ValidationError(_("The campaign's last day has passed. Change its dates first."))
        campaign.state = Campaign.State.OPEN
        campaign.save(update_fields=["state"])
        audit.record(actor, "campaign.opened", obj=campaign, organisation=campaign.organisation)
    return campaign


def _shred_contacts(campaigns) -> int:
    subjects = list(
        Subject.objects.filter(
            pk__in=Pledge.objects.filter(campaign__in=campaigns, subject__isnull=False).values(
                "subject_id"
            )
        )
    )
    shredded = erasure.shred_many(subjects)
    Campaign.objects.filter(pk__in=[c.pk for c in campaigns], contacts_erased_on=None).update(
        contacts_erased_on=timezone.localdate()
    )
    return shredded


def do_end_campaign(campaign: Campaign, *, actor) -> Campaign:
    """End a campaign: pledging stops, counters stay, every sealed contact is shredded."""
    with transaction.atomic():
        campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
        if campaign.state == Campaign.State.ENDED:
            raise ValidationError(_("This campaign has already ended."))
        campaign.state = Campaign.State.ENDED
        campaign.save(update_fields=["state"])
        audit.record(actor, "campaign.ended", obj=campaign, organisation=campaign.organisation)
    # Outside the transaction so the vault can checkpoint the WAL (R11); if this
    # stops half-way, the retention purge finishes it (purge_ended_contacts).
    _shred_contacts([campaign])
    campaign.refresh_from_db()
    return campaign


def purge_ended_contacts() -> int:
    """Retention job for "pledge_contact": shred contacts of every ended campaign."""
    today = timezone.localdate()
    ended = list(
        Campaign.objects.filter(Q(state=Campaign.State.ENDED) | Q(ends_on__lt=today))
        .filter(pledges__subject__isnull=False)
        .distinct()
    )
    return _shred_contacts(ended) if ended else 0


def forget_contact(subject: Subject) -> None:
    """Shredder for pledge contacts: blank the sealed column with the key, and
    let messaging keep its updates' counts before its copy of the contact
    (sealed under the same subject) and its outbox rows go too."""
    messaging_actions.forget_contacts([subject])
    Pledge.objects.filter(subject=subject).update(contact=None, contact_kind="", language="")


# ---- Pledges ----------------------------------------------------------------------------------


def _take_a_place(campaign: Campaign) -> None:
    """Count one pledge in this minute's window; PledgeThrottled when it is full."""
    limit = getattr(settings, "PORCH_PLEDGES_PER_MINUTE", DEFAULT_PLEDGES_PER_MINUTE)
    minute = timezone.now().replace(second=0, microsecond=0)
    PledgeWindow.objects.filter(minute__lt=minute).delete()
    window, _created = PledgeWindow.objects.get_or_create(campaign=campaign, minute=minute)
    taken = PledgeWindow.objects.filter(pk=window.pk, count__lt=limit).update(count=F("count") + 1)
    if not taken:
        raise PledgeThrottled


def do_make_pledge(
    campaign: Campaign,
    *,
    kind: str,
    zone=None,
    contact_kind: str = "",
    contact: str = "",
    language: str = FALLBACK_LANGUAGE,
    actor,
) -> Pledge:
    """An anonymous pledge. `contact` (already normalised by the form) is sealed;
    `language` is kept only with a contact, for the updates sent to it."""
    if kind not in Pledge.Kind.values:
        raise ValidationError({"kind": [_("Choose what you pledge.")]})
    contact = (contact or "").strip()
    if contact_kind not in Pledge.ContactKind.values or bool(contact_kind) != bool(contact):
        raise ValidationError(
            {"contact": [_("Give a phone number or an e-mail address, or neither.")]}
        )
    if contact and language not in dict(LANGUAGES):
        raise ValidationError({"language": [_("Choose one of the languages offered.")]})
    with transaction.atomic():
        campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
        if not campaign.is_open():
            raise ValidationError(_("This campaign is not taking pledges."))
        _take_a_place(campaign)
        pledge = Pledge(campaign=campaign, kind=kind, zone=zone)
        if contact:
            pledge.subject = new_subject(
                CONTACT_KIND,
                organisation=campaign.organisation,
                data_class=CONTACT_KIND,
                expires_at=contact_expiry(campaign),
            )
            pledge.contact_kind = contact_kind
            pledge.contact = contact
            pledge.language = language
        pledge.full_clean(exclude=["contact", "subject"])
        pledge.save()
        if contact:
            # What the outbox addresses: the same contact, under the same subject.
            _register_contact(pledge, campaign)
        audit.record(actor, "pledge.made", obj=pledge, organisation=campaign.organisation)
    return pledge


# ---- Updates to pledgers ----------------------------------------------------------------


def _register_contact(pledge: Pledge, campaign: Campaign) -> Contact:
    return messaging_actions.do_register_contact(
        subject=pledge.subject,
        organisation=campaign.organisation,
        medium=pledge.contact_kind,
        address=pledge.contact,
        language=update_language(pledge.language),
    )


def update_language(language: str) -> str:
    """The language an update goes out in: the pledge page's, English otherwise."""
    return language if language in catalogue.LANGUAGES else FALLBACK_LANGUAGE


def update_values(campaign: Campaign) -> dict[str, str]:
    """What an update may say: the campaign's public title and first day (R5)."""
    return {"title": campaign.title, "date": campaign.starts_on.isoformat()}


def _contacts_of(campaign: Campaign):
    """The campaign's contacts in messaging, registering any left before
    updates were wired (their pledges hold the sealed contact alone)."""
    pledges = campaign.pledges.filter(subject__isnull=False)
    missing = pledges.exclude(subject__in=Contact.objects.values("subject_id")).select_related(
        "subject"
    )
    for pledge in missing:
        if pledge.contact and pledge.contact_kind:
            _register_contact(pledge, campaign)
    return Contact.objects.filter(subject__in=pledges.values("subject_id"))


def do_send_campaign_update(campaign: Campaign, template: str, *, actor) -> CampaignUpdate:
    """Queue a catalogue update to every pledger who left a contact and has
    not replied STOP, each in the language of the page they pledged on.

    The audience is the contacts at this moment (one outbox row each, in one
    batched insert); the worker paces and sends them. Only while the campaign
    is open: once it has ended its contacts are erased and reach nobody."""
    if template not in catalogue.UPDATE_KEYS:
        raise ValidationError({"template": [_("Choose one of the updates offered.")]})
    with transaction.atomic():
        campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
        if campaign.has_ended():
            raise ValidationError(
                _("This campaign has ended: its contacts are erased and an update reaches nobody.")
            )
        if campaign.state != Campaign.State.OPEN:
            raise ValidationError(_("Open the campaign for pledges before sending updates."))
        mailing = messaging_actions.do_send_mailing(
            _contacts_of(campaign),
            template,
            values=update_values(campaign),
            organisation=campaign.organisation,
            actor=actor,
        )
        update = CampaignUpdate.objects.create(campaign=campaign, mailing=mailing)
        audit.record(
            actor, "campaign.update_sent", obj=campaign, organisation=campaign.organisation
        )
    return update
