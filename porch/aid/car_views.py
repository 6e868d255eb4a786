"""A driver's car page (porch/aid/cars.py): the driver sets the bags their
car holds and their usual hub; a coordinator of the organisation may set
them for any of its drivers. Forms only, no JavaScript; 404 for anyone else."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from porch.aid import access, cars
from porch.core.forms import add_errors


@require_http_methods(["GET", "POST"])
@login_required
def car(request, code):
    user = request.user
    org = cars.get_car_organisation_for_user(user, code)
    drives = access.driver_organisations(user).filter(pk=org.pk).exists()
    plans = access.is_planner(user, org)
    mine = cars.car_of(user, org) if drives else None
    own_form = (
        cars.CarForm(
            organisation=org,
            choose_driver=False,
            initial={"bags": mine.bags, "hub": mine.hub} if mine else None,
        )
        if drives
        else None
    )
    others_form = cars.CarForm(organisation=org, choose_driver=True) if plans else None
    status = 200
    if request.method == "POST":
        for_other = "driver" in request.POST
        if (for_other and not plans) or (not for_other and not drives):
            status = 400
            messages.error(request, _("Only the driver or a coordinator can set this car."))
        else:
            form = cars.CarForm(request.POST, organisation=org, choose_driver=for_other)
            if form.is_valid():
                data = form.cleaned_data
                try:
                    cars.do_set_driver_car(
                        org,
                        data["driver"] if for_other else user,
                        bags=data["bags"],
                        hub=data["hub"],
                        actor=user,
                    )
                except ValidationError as error:
                    add_errors(form, error)
                else:
                    messages.success(request, _("The car is saved; planning uses it from now on."))
                    return redirect(reverse("aid:car", kwargs={"code": org.code}))
            status = 400
            if for_other:
                others_form = form
            else:
                own_form = form
    drivers = list(cars.drivers_of(org)) if plans else []
    known = cars.cars_by_driver(org, [d.pk for d in drivers]) if plans else {}
    context = {
        "organisation": org,
        "own_form": own_form,
        "others_form": others_form,
        "driver_cars": [(d, known.get(d.pk)) for d in drivers],
    }
    return render(request, "aid/car.html", context, status=status)
