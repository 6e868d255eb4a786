"""Hub pages: access → form → action → redirect. POST only for writes.

Hub keepers and coordinators of the hub's organisation see and change its
stock; the public "what we need" page exists only for hubs a coordinator
opted in, needs no JavaScript and shows names of items, never counts.
"""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from porch.aid import access, hubs
from porch.aid.hub_forms import (
    DonationForm,
    MealsForm,
    PublicForm,
    ReserveForm,
    StockItemForm,
    ThresholdForm,
)
from porch.aid.models import MealCount, StockReservation
from porch.core.forms import add_errors


@require_GET
@login_required
def hub_list(request):
    kept = list(hubs.hubs_kept_by(request.user))
    if not kept:
        raise Http404
    return render(request, "aid/hub_list.html", {"hubs": kept})


def _hub_page(request, hub, *, status=200, **forms):
    items = list(hubs.stock_of(hub))
    runs = list(hubs.reservable_runs(hub))
    context = {
        "hub": hub,
        "items": items,
        "needs": [i for i in items if i.low_threshold and i.is_low],
        "reservations": list(hubs.held_reservations(hub)),
        "meals": list(MealCount.objects.filter(hub=hub)[:7]),
        "is_planner": access.is_planner(request.user, hub.organisation),
        "item_form": forms.get("item_form") or StockItemForm(),
        "donation_form": forms.get("donation_form") or DonationForm(items=items),
        "reserve_form": forms.get("reserve_form") or ReserveForm(items=items, runs=runs),
        "meals_form": forms.get("meals_form") or MealsForm(),
        "public_form": PublicForm(initial={"is_public": hub.is_public}),
        "errors": forms.get("errors") or [],
    }
    return render(request, "aid/hub_detail.html", context, status=status)


@require_GET
@login_required
def hub_detail(request, code):
    hub = hubs.get_hub_for_keeper(request.user, code)
    return _hub_page(request, hub)


def _item(hub, code):
    item = hubs.stock_of(hub).filter(code=code).first()
    if item is None:
        raise ValidationError({"item": [_("Choose an item of this hub.")]})
    return item


@require_POST
@login_required
def hub_item_create(request, code):
    hub = hubs.get_hub_for_keeper(request.user, code)
    form = StockItemForm(request.POST)
    if not form.is_valid():
        return _hub_page(request, hub, status=400, item_form=form)
    try:
        hubs.do_add_stock_item(hub, actor=request.user, **form.cleaned_data)
    except ValidationError as error:
        add_errors(form, error)
        return _hub_page(request, hub, status=400, item_form=form)
    return redirect("aid:hub", code=hub.code)


@require_POST
@login_required
def hub_threshold(request, code):
    hub = hubs.get_hub_for_keeper(request.user, code)
    form = ThresholdForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(form.errors.get("low_threshold") or _("Choose an item."))
        item = _item(hub, form.cleaned_data["item"])
        hubs.do_set_threshold(item, form.cleaned_data["low_threshold"], actor=request.user)
    except ValidationError as error:
        return _hub_page(request, hub, status=400, errors=error.messages)
    return redirect("aid:hub", code=hub.code)


@require_POST
@login_required
def hub_donation(request, code):
    hub = hubs.get_hub_for_keeper(request.user, code)
    form = DonationForm(request.POST, items=list(hubs.stock_of(hub)))
    if not form.is_valid():
        return _hub_page(request, hub, status=400, donation_form=form)
    try:
        item = _item(hub, form.cleaned_data["item"])
        hubs.do_record_donation(item, form.cleaned_data["quantity"], actor=request.user)
    except ValidationError as error:
        add_errors(form, error)
        return _hub_page(request, hub, status=400, donation_form=form)
    return redirect("aid:hub", code=hub.code)


@require_POST
@login_required
def hub_reserve(request, code):
    hub = hubs.get_hub_for_keeper(request.user, code)
    runs = list(hubs.reservable_runs(hub))
    form = ReserveForm(request.POST, items=list(hubs.stock_of(hub)), runs=runs)
    if not form.is_valid():
        return _hub_page(request, hub, status=400, reserve_form=form)
    run = next(r for r in runs if r.code == form.cleaned_data["run"])
    try:
        item = _item(hub, form.cleaned_data["item"])
        hubs.do_reserve_stock(run, item, form.cleaned_data["quantity"], actor=request.user)
    except ValidationError as error:
        add_errors(form, error)
        conflict = any(e.code == "conflict" for e in error.error_dict.get("quantity", []))
        return _hub_page(request, hub, status=409 if conflict else 400, reserve_form=form)
    return redirect("aid:hub", code=hub.code)


@require_POST
@login_required
def reservation_release(request, code, reservation):
    hub = hubs.get_hub_for_keeper(request.user, code)
    found = StockReservation.objects.filter(item__hub=hub, code=reservation).first()
    if found is None:
        raise Http404
    try:
        hubs.do_release_reservation(found, actor=request.user)
    except ValidationError as error:
        return _hub_page(request, hub, status=409, errors=error.messages)
    return redirect("aid:hub", code=hub.code)


@require_POST
@login_required
def hub_meals(request, code):
    hub = hubs.get_hub_for_keeper(request.user, code)
    form = MealsForm(request.POST)
    if not form.is_valid():
        return _hub_page(request, hub, status=400, meals_form=form)
    try:
        hubs.do_record_meals(
            hub, form.cleaned_data["day"], form.cleaned_data["meals"], actor=request.user
        )
    except ValidationError as error:
        add_errors(form, error)
        return _hub_page(request, hub, status=400, meals_form=form)
    return redirect("aid:hub", code=hub.code)


@require_POST
@login_required
def hub_public(request, code):
    hub = access.get_hub_for_planner(request.user, code)
    form = PublicForm(request.POST)
    form.is_valid()  # a missing box means "private"
    hubs.do_set_hub_public(hub, form.cleaned_data.get("is_public", False), actor=request.user)
    return redirect("aid:hub", code=hub.code)


@require_GET
def hub_needs(request, code):
    """Public, small, no JavaScript: what the hub is short of right now."""
    hub = hubs.get_public_hub(code)
    response = render(request, "aid/hub_needs.html", {"hub": hub, "needs": hubs.needs_of(hub)})
    response["Cache-Control"] = "public, max-age=300"
    return response
