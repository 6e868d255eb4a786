"""Every read on a person's (or the public's) behalf in campaigns (R30, R33).

Missing and forbidden both give Http404. The dashboard is for managers:
coordinators and organisation admins count their own organisations, and
coalition admins the whole coalition. Public reads show only what an
organisation or campaign chose to publish.
"""

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from porch.campaigns.models import Campaign, CampaignUpdate, Listing, Pledge
from porch.coalition import access as coalition_access
from porch.coalition.models import Organisation, Referral, Zone

# ---- The dashboard -------------------------------------------------------------------


def dashboard_organisations(user) -> tuple[QuerySet[Organisation], bool]:
    """(the organisations this person's dashboard counts, whether it is the whole coalition).

    Http404 for anyone who manages nothing."""
    if coalition_access.is_coalition_admin(user):
        return coalition_access.managed_organisations(user), True
    organisations = coalition_access.referral_organisations(user)  # directly managed
    if not organisations.exists():
        raise Http404
    return organisations, False


# ---- Listings --------------------------------------------------------------------------


def get_listing_organisation(user, code: str) -> Organisation:
    """An organisation whose listing this person edits: its coordinators and admins."""
    return coalition_access.get_managed_organisation(user, code)


def listing_of(organisation: Organisation) -> Listing | None:
    return Listing.objects.filter(organisation=organisation).first()


def public_listings() -> QuerySet[Listing]:
    """Listings of organisations that chose to be public, and are still live."""
    return (
        Listing.objects.filter(
            organisation__is_public=True,
            organisation__erased_on__isnull=True,
            organisation__coalition=coalition_access.current_coalition(),
        )
        .select_related("organisation")
        .order_by("organisation__name")
    )


def get_public_listing(code: str) -> Listing:
    listing = public_listings().filter(organisation__code=code).first()
    if listing is None:
        raise Http404
    return listing


# ---- Referral inbox -------------------------------------------------------------------


def get_inbox_organisation(user, code: str) -> Organisation:
    """An organisation whose referrals this person reads: its own managers only (R33)."""
    organisation = coalition_access.referral_organisations(user).filter(code=code).first()
    if organisation is None:
        raise Http404
    return organisation


def referrals_of(organisation: Organisation) -> tuple[list[Referral], list[Referral]]:
    """(received, sent), newest first, in one query."""
    rows = (
        Referral.objects.filter(Q(from_organisation=organisation) | Q(to_organisation=organisation))
        .select_related("from_organisation", "to_organisation")
        .order_by("-created_on", "-pk")
    )
    received, sent = [], []
    for referral in rows:
        (received if referral.to_organisation_id == organisation.pk else sent).append(referral)
    return received, sent


# ---- Campaigns -----------------------------------------------------------------------------


def managed_campaigns(user) -> QuerySet[Campaign]:
    """Campaigns this person organises: coalition admins all, managers their organisations'."""
    if coalition_access.is_coalition_admin(user):
        return Campaign.objects.filter(coalition=coalition_access.current_coalition())
    return Campaign.objects.filter(
        organisation__in=coalition_access.referral_organisations(user).values("pk")
    )


def get_managed_campaign(user, code: str) -> Campaign:
    campaign = managed_campaigns(user).filter(code=code).select_related("organisation").first()
    if campaign is None:
        raise Http404
    return campaign


def campaign_organisers(user) -> QuerySet[Organisation]:
    """Organisations this person may start a campaign for."""
    if coalition_access.is_coalition_admin(user):
        return coalition_access.managed_organisations(user)
    return coalition_access.referral_organisations(user)


def public_campaigns() -> QuerySet[Campaign]:
    """Campaigns open to pledges, or ended (their counters stay visible)."""
    return Campaign.objects.filter(
        coalition=coalition_access.current_coalition(),
        state__in=[Campaign.State.OPEN, Campaign.State.ENDED],
    )


def get_public_campaign(code: str) -> Campaign:
    campaign = public_campaigns().filter(code=code).first()
    if campaign is None:
        raise Http404
    return campaign


def pledge_counts(campaigns) -> dict[int, dict[str, int]]:
    """{campaign id: {kind: count}} in one query."""
    out: dict[int, dict[str, int]] = {}
    rows = (
        Pledge.objects.filter(campaign__in=campaigns)
        .values("campaign_id", "kind")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for row in rows:
        out.setdefault(row["campaign_id"], {})[row["kind"]] = row["n"]
    return out


def contacts_waiting(campaign: Campaign) -> int:
    """How many pledgers asked for updates (their contacts are sealed)."""
    return campaign.pledges.filter(subject__isnull=False).count()


def updates_of(campaign: Campaign) -> list[CampaignUpdate]:
    """The campaign's updates, newest first, each with `.counts` from its mailing."""
    from porch.messaging.catalogue import UPDATE_LABELS

    updates = list(campaign.updates.select_related("mailing"))
    for update in updates:
        update.counts = update.mailing.counts()
        update.label = UPDATE_LABELS.get(update.mailing.template_key, "")
    return updates


def public_zones() -> QuerySet[Zone]:
    """The coalition's neighbourhoods: names only, public by design."""
    return Zone.objects.filter(region__coalition=coalition_access.current_coalition()).order_by(
        "name"
    )
