"""Campaign pages: the coalition dashboard, listings, the referral inbox,
campaigns, and the public site with its printables.

Shape as everywhere: access → form → action → redirect or render. Reads go
through access.py (404 for missing and forbidden alike), writes through
actions.py, POST only; bad input re-renders with HTTP 400. Public pages need
no account and no JavaScript, keep under 50 KB, and set nothing but the CSRF
and language cookies.
"""

import csv

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from porch.campaigns import access, actions, dashboard, resources
from porch.campaigns.forms import (
    CampaignEditForm,
    CampaignForm,
    DashboardForm,
    ListingForm,
    PledgeForm,
    UpdateForm,
    pledge_language,
)
from porch.campaigns.models import Campaign, Pledge
from porch.coalition import access as coalition_access
from porch.core.forms import add_errors
from porch.core.languages import LANGUAGES

GET_POST = ["GET", "POST"]


def _form_page(request, form, *, title, submit, status=200, **context):
    context.update(form=form, title=title, submit=submit)
    return render(request, "campaigns/form.html", context, status=status)


# ---- The coalition dashboard ------------------------------------------------------------


def _dashboard_panels(request):
    organisations, whole = access.dashboard_organisations(request.user)
    form = DashboardForm({"weeks": request.GET.get("weeks", "12")})
    if not form.is_valid():
        return form, None, whole
    weeks = form.cleaned_data.get("weeks") or 12
    scope = dashboard.scope_for(organisations, weeks=weeks, whole_coalition=whole)
    return form, dashboard.build(scope), whole


@require_GET
@login_required
def dashboard_page(request):
    form, panels, whole = _dashboard_panels(request)
    context = {"form": form, "panels": panels, "whole_coalition": whole}
    return render(request, "campaigns/dashboard.html", context, status=200 if panels else 400)


def _csv_cell(value) -> str:
    # A cell that a spreadsheet would run as a formula is quoted as text.
    text = str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


@require_GET
@login_required
def dashboard_csv(request):
    _form, panels, _whole = _dashboard_panels(request)
    if panels is None:
        return HttpResponse(_("Choose how many weeks to export."), status=400)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="porch-aggregates.csv"'
    writer = csv.writer(response)
    for row in dashboard.csv_rows(panels):
        writer.writerow([_csv_cell(cell) for cell in row])
    return response


# ---- Listings -------------------------------------------------------------------------------


@require_http_methods(GET_POST)
@login_required
def listing_edit(request, code):
    organisation = access.get_listing_organisation(request.user, code)
    listing = access.listing_of(organisation)
    initial = {"is_public": organisation.is_public}
    if listing is not None:
        initial.update(
            kind=listing.kind,
            services=listing.services,
            hours=listing.hours,
            languages=listing.languages,
            needs=listing.needs,
            how_to_reach=listing.how_to_reach,
        )
    form = ListingForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            actions.do_update_listing(organisation, **form.cleaned_data, actor=request.user)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("The public listing was saved."))
            return redirect("campaigns:listing-edit", code=organisation.code)
    status = 400 if request.method == "POST" else 200
    return _form_page(
        request,
        form,
        title=_("Public listing"),
        submit=_("Save the listing"),
        status=status,
        organisation=organisation,
        public_url=organisation.is_public and listing is not None,
    )


# ---- Referral inbox --------------------------------------------------------------------------


@require_GET
@login_required
def referral_inbox(request, code):
    organisation = access.get_inbox_organisation(request.user, code)
    received, sent = access.referrals_of(organisation)
    waiting = sum(1 for r in received if r.state == r.State.SENT)
    context = {"organisation": organisation, "received": received, "sent": sent, "waiting": waiting}
    return render(request, "campaigns/referral_inbox.html", context)


# ---- Campaigns (organisers) -------------------------------------------------------------------


@require_GET
@login_required
def campaign_list(request):
    organisers = access.campaign_organisers(request.user)
    if not organisers.exists():
        raise Http404
    campaigns = list(access.managed_campaigns(request.user).select_related("organisation"))
    counts = access.pledge_counts(campaigns)
    for campaign in campaigns:
        campaign.pledge_total = sum(counts.get(campaign.pk, {}).values())
    context = {"campaigns": campaigns, "organisers": organisers}
    return render(request, "campaigns/campaign_list.html", context)


@require_http_methods(GET_POST)
@login_required
def campaign_create(request):
    organisers = access.campaign_organisers(request.user)
    if not organisers.exists():
        raise Http404
    whole = coalition_access.is_coalition_admin(request.user)
    form = CampaignForm(request.POST or None, organisers=organisers, whole_coalition=whole)
    if request.method == "POST" and form.is_valid():
        try:
            campaign = actions.do_create_campaign(
                coalition_access.current_coalition(), **form.cleaned_data, actor=request.user
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("The campaign was created as a draft."))
            return redirect("campaigns:campaign", code=campaign.code)
    status = 400 if request.method == "POST" else 200
    return _form_page(
        request, form, title=_("New campaign"), submit=_("Create the campaign"), status=status
    )


def _campaign_page(request, campaign, *, errors=(), status=200):
    counts = access.pledge_counts([campaign]).get(campaign.pk, {})
    context = {
        "campaign": campaign,
        "counts": _counter_rows(counts),
        "contacts": access.contacts_waiting(campaign),
        "updates": access.updates_of(campaign),
        "errors": errors,
        "languages": LANGUAGES,
    }
    return render(request, "campaigns/campaign.html", context, status=status)


@require_GET
@login_required
def campaign(request, code):
    return _campaign_page(request, access.get_managed_campaign(request.user, code))


@require_http_methods(GET_POST)
@login_required
def campaign_edit(request, code):
    campaign = access.get_managed_campaign(request.user, code)
    initial = {
        "title": campaign.title,
        "slogan": campaign.slogan,
        "description": campaign.description,
        "starts_on": campaign.starts_on,
        "ends_on": campaign.ends_on,
    }
    form = CampaignEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            actions.do_update_campaign(campaign, **form.cleaned_data, actor=request.user)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("The campaign was saved."))
            return redirect("campaigns:campaign", code=campaign.code)
    status = 400 if request.method == "POST" else 200
    return _form_page(
        request, form, title=_("Edit the campaign"), submit=_("Save"), status=status, back=campaign
    )


def _decide(request, code, action, done):
    campaign = access.get_managed_campaign(request.user, code)
    try:
        action(campaign, actor=request.user)
    except ValidationError as error:
        return _campaign_page(request, campaign, errors=error.messages, status=400)
    messages.success(request, done)
    return redirect("campaigns:campaign", code=campaign.code)


@require_POST
@login_required
def campaign_open(request, code):
    return _decide(request, code, actions.do_open_campaign, _("The campaign is open for pledges."))


@require_POST
@login_required
def campaign_end(request, code):
    done = _("The campaign has ended. Every contact left for updates was erased.")
    return _decide(request, code, actions.do_end_campaign, done)


def update_previews(campaign, template: str) -> list[dict]:
    """Every language's text of an update for this campaign, with its
    encoding and SMS segments (over_budget past the catalogue's budget)."""
    from porch.messaging import catalogue
    from porch.messaging.actions import update_context
    from porch.messaging.texts import Texts, hotline, preview

    values = actions.update_values(campaign)
    number = hotline()
    rows = preview(
        Texts(), template, lambda _language: update_context(values, hotline_number=number)
    )
    budget = catalogue.UPDATE_SEGMENT_BUDGET.get(template, 99)
    for row in rows:
        row["over_budget"] = row["segments"] > budget
    return rows


@require_http_methods(GET_POST)
@login_required
def campaign_update_new(request, code):
    campaign = access.get_managed_campaign(request.user, code)
    form = UpdateForm(request.POST or None)
    previews = None
    if request.method == "POST" and form.is_valid():
        template = form.cleaned_data["template"]
        if "send" in request.POST:
            try:
                update = actions.do_send_campaign_update(campaign, template, actor=request.user)
            except ValidationError as error:
                add_errors(form, error)
            else:
                queued = update.mailing.audience_size
                messages.success(
                    request,
                    ngettext(
                        "The update is queued for %(count)d person.",
                        "The update is queued for %(count)d people.",
                        queued,
                    )
                    % {"count": queued},
                )
                return redirect("campaigns:campaign", code=campaign.code)
        else:
            previews = update_previews(campaign, template)
    status = 400 if request.method == "POST" and not form.is_valid() else 200
    context = {
        "form": form,
        "campaign": campaign,
        "previews": previews,
        "contacts": access.contacts_waiting(campaign),
        "can_send": campaign.state == Campaign.State.OPEN and not campaign.has_ended(),
    }
    return render(request, "campaigns/update_new.html", context, status=status)


# ---- The public site ---------------------------------------------------------------------------


def _counter_rows(counts: dict[str, int]) -> list[dict]:
    from porch.campaigns.metrics import suppress

    return [
        {"kind": kind, "label": label, "shown": suppress(counts.get(kind, 0))}
        for kind, label in Pledge.Kind.choices
    ]


@require_GET
def public_landing(request):
    coalition = coalition_access.current_coalition()
    listings = list(access.public_listings())
    campaigns = list(access.public_campaigns().filter(state=Campaign.State.OPEN))
    counts = access.pledge_counts(campaigns)
    for item in campaigns:
        item.counters = _counter_rows(counts.get(item.pk, {}))
    context = {
        "coalition": coalition,
        "listings": listings,
        "needs": [listing for listing in listings if listing.needs],
        "campaigns": campaigns,
    }
    return render(request, "campaigns/public/landing.html", context)


@require_GET
def public_organisation(request, code):
    listing = access.get_public_listing(code)
    context = {"listing": listing, "organisation": listing.organisation}
    return render(request, "campaigns/public/organisation.html", context)


def _public_campaign_page(request, campaign, *, failed=None, status=200):
    zones = list(access.public_zones())
    forms = []
    for kind, label in Pledge.Kind.choices:
        if failed is not None and failed.data.get("kind") == kind:
            forms.append((kind, label, failed))
        else:
            form = PledgeForm(initial={"kind": kind}, zones=zones, auto_id=f"{kind}_%s")
            forms.append((kind, label, form))
    counts = access.pledge_counts([campaign]).get(campaign.pk, {})
    problems = []
    if failed is not None:
        # Errors no visible field shows: the form's own, the hidden kind, the trap.
        problems = [*failed.non_field_errors(), *failed["kind"].errors, *failed["website"].errors]
    context = {
        "campaign": campaign,
        "counters": _counter_rows(counts),
        "problems": problems,
        "forms": forms,
        "is_open": campaign.is_open(),
        "languages": LANGUAGES,
    }
    return render(request, "campaigns/public/campaign.html", context, status=status)


@require_GET
def public_campaign(request, code):
    return _public_campaign_page(request, access.get_public_campaign(code))


@require_POST
def public_pledge(request, code):
    campaign = access.get_public_campaign(code)
    kind = request.POST.get("kind", "")
    auto_id = f"{kind}_%s" if kind in Pledge.Kind.values else "pledge_%s"
    form = PledgeForm(request.POST, zones=access.public_zones(), auto_id=auto_id)
    if form.is_valid():
        data = form.cleaned_data
        try:
            actions.do_make_pledge(
                campaign,
                kind=data["kind"],
                zone=data["zone"],
                contact_kind=data["contact_kind"],
                contact=data["contact"],
                language=pledge_language(getattr(request, "LANGUAGE_CODE", "")),
                actor=None,
            )
        except actions.PledgeThrottled:
            form.add_error(
                None, _("Many people are pledging right now. Please try again in a minute.")
            )
            return _public_campaign_page(request, campaign, failed=form, status=429)
        except ValidationError as error:
            add_errors(form, error)
        else:
            return redirect("public:thanks", code=campaign.code)
    return _public_campaign_page(request, campaign, failed=form, status=400)


@require_GET
def public_thanks(request, code):
    campaign = access.get_public_campaign(code)
    context = {"campaign": campaign, "languages": LANGUAGES, "resources": resources.RESOURCES}
    return render(request, "campaigns/public/thanks.html", context)


@require_GET
def public_resources(request):
    context = {
        "coalition": coalition_access.current_coalition(),
        "resources": resources.RESOURCES.values(),
        "languages": LANGUAGES,
        "links": resources.LINKS,
    }
    return render(request, "campaigns/public/resources.html", context)


@require_GET
def public_resource_pdf(request, slug, language):
    resource = resources.resource_or_404(slug)
    language = resources.language_or_404(language)
    context = resources.print_context(coalition_access.current_coalition())
    return resources.render(
        resource.template, context, language=language, filename=f"{slug}-{language}.pdf"
    )


@require_GET
def public_poster_pdf(request, code, language):
    campaign = access.get_public_campaign(code)
    language = resources.language_or_404(language)
    counts = access.pledge_counts([campaign]).get(campaign.pk, {})
    pledge_url = request.build_absolute_uri(campaign.get_public_url())
    context = resources.print_context(
        coalition_access.current_coalition(),
        campaign=campaign,
        counters=_counter_rows(counts),
        pledge_url=pledge_url,
        qr=segno.make(pledge_url, error="m").svg_data_uri(),
    )
    return resources.render(
        "print/campaigns/poster.html",
        context,
        language=language,
        filename=f"campaign-{campaign.code}-{language}.pdf",
    )
