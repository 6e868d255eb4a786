"""A driver's car: the bags it holds and the hub they usually start from (issue 6).

Porch.volunteers must not import aid, so the car lives in aid, one row per
driver and organisation (`DriverCar`). The driver sets their own; a
coordinator of the organisation may set it for any of its drivers. Planning
(porch.aid.planning) reads it: the car's size is the run's capacity, its hub
the run's start, and a coordinator's move never overfills it.

Reads here funnel access like porch.aid.access: missing and forbidden are 404.
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from porch.accounts.models import User
from porch.aid import access
from porch.aid.models import CAR_BAGS_MAX, CAR_BAGS_MIN, DriverCar, Hub
from porch.coalition.access import counting_memberships
from porch.core import audit

# ---- Reads ---------------------------------------------------------------------------------


def drivers_of(organisation):
    """The organisation's active drivers (driver role), by handle."""
    ids = (
        counting_memberships()
        .filter(
            organisation=organisation,
            role__in=access.DRIVER_ROLES,
            user__status=User.Status.ACTIVE,
        )
        .values_list("user_id", flat=True)
    )
    return User.objects.filter(pk__in=list(ids)).order_by("handle")


def get_car_organisation_for_user(user, code: str):
    """An organisation where the person drives or coordinates, else 404."""
    org = access.driver_organisations(user).filter(code=code).first()
    if org is None:
        org = access.planner_organisations(user).filter(code=code).first()
    if org is None:
        raise Http404
    return org


def car_of(driver, organisation) -> DriverCar | None:
    return (
        DriverCar.objects.filter(driver=driver, organisation=organisation)
        .select_related("hub")
        .first()
    )


def cars_by_driver(organisation, driver_ids) -> dict[int, DriverCar]:
    """The cars of these drivers in this organisation (one query)."""
    return {
        car.driver_id: car
        for car in DriverCar.objects.filter(
            organisation=organisation, driver_id__in=list(driver_ids)
        ).select_related("hub")
    }


# ---- The action ----------------------------------------------------------------------------


def do_set_driver_car(organisation, driver, *, bags: int, hub: Hub | None, actor) -> DriverCar:
    """Set `driver`'s car in `organisation`: the bags it holds and (optionally)
    their usual hub. The driver sets their own; a coordinator sets anyone's."""
    is_self = actor is not None and driver.pk == actor.pk
    if not (
        (is_self and access.driver_organisations(actor).filter(pk=organisation.pk).exists())
        or access.is_planner(actor, organisation)
    ):
        raise ValidationError(_("Only the driver or a coordinator can set this car."))
    errors = {}
    if not drivers_of(organisation).filter(pk=driver.pk).exists():
        errors["driver"] = [_("Choose one of your organisation's drivers.")]
    if not isinstance(bags, int) or not (CAR_BAGS_MIN <= bags <= CAR_BAGS_MAX):
        errors["bags"] = [
            _("A car holds between %(low)d and %(high)d bags.")
            % {"low": CAR_BAGS_MIN, "high": CAR_BAGS_MAX}
        ]
    if hub is not None and hub.organisation_id != organisation.pk:
        errors["hub"] = [_("Choose one of your organisation's hubs.")]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        car, _created = DriverCar.objects.update_or_create(
            driver=driver,
            organisation=organisation,
            defaults={"bags": bags, "hub": hub, "updated_on": timezone.localdate()},
        )
        audit.record(actor, "aid.car.set", obj=car, code=driver.code, organisation=organisation)
    return car


# ---- The form (no JavaScript) --------------------------------------------------------------


class CarForm(forms.Form):
    driver = forms.ModelChoiceField(
        label=gettext_lazy("Driver"), queryset=User.objects.none(), to_field_name="code"
    )
    bags = forms.IntegerField(
        label=gettext_lazy("Bags the car holds"), min_value=CAR_BAGS_MIN, max_value=CAR_BAGS_MAX
    )
    hub = forms.ModelChoiceField(
        label=gettext_lazy("Usual hub"),
        queryset=Hub.objects.none(),
        to_field_name="code",
        required=False,
        empty_label=gettext_lazy("The hub chosen on the plan"),
    )

    def __init__(self, *args, organisation, choose_driver: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["hub"].queryset = access.hubs_for(organisation)
        if choose_driver:
            self.fields["driver"].queryset = drivers_of(organisation)
        else:
            del self.fields["driver"]
