"""The plan page's runs, stops and map, and moving a stop (coordinators).

The page itself is porch.aid.views.plan; `plan_context` adds what this
module draws. Nothing here reveals an address or a coordinate (R31): stops
are household codes, zones, bags and times; the map is zone-level
(porch.aid.plan_map).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from porch.aid import access, plan_map, planning
from porch.aid.models import DeliveryRun
from porch.aid.plan_forms import MoveStopForm


def plan_context(organisation, day, runs) -> dict:
    stops = planning.plan_stops(runs)
    numbered = list(enumerate(runs, start=1))
    drafts = [(n, run) for n, run in numbered if run.status == DeliveryRun.Status.DRAFT]
    zone_ids = {s.request.zone_id for rows in stops.values() for s in rows if s.request.zone_id}
    zone_ids |= {run.hub.zone_id for run in runs}
    zones = planning.zones_by_id(zone_ids)
    zone_of = {z.pk: z for z in zones}
    drawn = plan_map.draw(
        [(n, [zone_of.get(s.request.zone_id) for s in stops[run.pk]]) for n, run in numbered],
        zones,
    )
    return {
        "numbered_runs": [
            {
                "number": n,
                "run": run,
                "stops": stops[run.pk],
                "movable": run.status == DeliveryRun.Status.DRAFT,
                "targets": [(m, other) for m, other in drafts if other.pk != run.pk],
            }
            for n, run in numbered
        ],
        "plan_map": drawn,
    }


@require_POST
@login_required
def move_stop(request, code, stop):
    org = access.get_planner_organisation_for_user(request.user, code)
    found = planning.get_draft_stop_for_planner(org, stop)
    back = reverse("aid:plan", kwargs={"code": org.code}) + f"?day={found.run.day}"
    form = MoveStopForm(request.POST)
    target = None
    try:
        if not form.is_valid():
            raise ValidationError(_("Choose a draft run of the same day."))
        if form.cleaned_data["run"]:
            target = (
                planning.draft_runs_of_day(org, found.run.day)
                .filter(code=form.cleaned_data["run"])
                .first()
            )
            if target is None:
                raise ValidationError(_("Choose a draft run of the same day."))
        planning.do_move_stop(found, target, actor=request.user)
    except ValidationError as error:
        return render(
            request, "aid/problem.html", {"errors": error.messages, "back": back}, status=400
        )
    if target is None:
        messages.success(request, _("The stop is off the runs and back in the queue."))
    else:
        messages.success(request, _("The stop has moved; both runs were re-planned."))
    return redirect(back)
