"""SMS keywords of rapid response.

REPORT <zone> <what you see> — a report from anyone; the reply thanks them
in their language and says nothing else. STATUS <zone> — the zone's
current verified status (the rumour check). GO <code> / PASS <code> — a
verifier accepts or declines a dispatch, accepted only from the phone on
the verifier's own account. Replies carry no names, addresses or times.
"""

from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef
from django.utils import translation
from django.utils.translation import gettext as _

from porch.accounts.roles import Role
from porch.messaging.keywords import normalise
from porch.response.models import Dispatch, Report


def _zone_in(rest: str):
    """The longest zone name (or code) the text starts with, and the rest."""
    from porch.messaging.access import zones

    text = normalise(rest)
    best = None
    for zone in zones():
        for label in (normalise(zone.name), zone.code.upper()):
            if label and (text == label or text.startswith(label + " ")):
                if best is None or len(label) > len(best[1]):
                    best = (zone, label)
    if best is None:
        return None, rest
    words = len(best[1].split())
    return best[0], " ".join((rest or "").split()[words:])


def desk_organisation(zone, *, now=None):
    """Which organisation receives a text-message report for `zone`, when
    several staff a dispatch desk. One rule, in this order, within the
    zone's coalition:

    1. the organisation whose hotline desk is staffed now: a running shift
       at one of its sites of kind "hotline desk", with an active sign-up of
       someone who holds a desk role there (dispatcher or coordinator); if
       several are, the one whose running desk shift started first (then the
       oldest organisation);
    2. else the organisation the coalition designated in its rapid-response
       settings;
    3. else the oldest organisation with an active dispatcher.
    """
    from django.db.models import Min
    from django.utils import timezone

    from porch.coalition.access import counting_memberships
    from porch.coalition.models import Organisation
    from porch.response.access import DESK_ROLES
    from porch.response.models import ResponseSettings
    from porch.volunteers.models import SignUp, Site

    now = now or timezone.now()
    coalition_id = zone.region.coalition_id
    live = Organisation.objects.filter(coalition_id=coalition_id, erased_on__isnull=True)
    desk_people = counting_memberships().filter(role__in=DESK_ROLES, organisation__in=live)
    staffed = (
        SignUp.objects.filter(
            state=SignUp.State.ACTIVE,
            shift__starts_at__lte=now,
            shift__ends_at__gt=now,
            shift__slot__site__kind=Site.Kind.HOTLINE_DESK,
            shift__slot__site__organisation__in=live,
        )
        .filter(
            Exists(
                desk_people.filter(
                    user_id=OuterRef("volunteer_id"),
                    organisation_id=OuterRef("shift__slot__site__organisation_id"),
                )
            )
        )
        .values("shift__slot__site__organisation")
        .annotate(first=Min("shift__starts_at"))
        .order_by("first", "shift__slot__site__organisation")
        .first()
    )
    if staffed is not None:
        return live.get(pk=staffed["shift__slot__site__organisation"])
    designated = (
        ResponseSettings.objects.filter(
            coalition_id=coalition_id,
            sms_organisation__in=live,
        )
        .select_related("sms_organisation")
        .first()
    )
    if designated is not None:
        return designated.sms_organisation
    ids = desk_people.filter(role=Role.DISPATCHER).values("organisation_id")
    return live.filter(pk__in=ids).order_by("pk").first()


def report(message) -> str:
    from porch.response import actions

    with translation.override(message.language):
        zone, rest = _zone_in(message.rest)
        organisation = desk_organisation(zone) if zone is not None else None
        if zone is None or organisation is None:
            return _(
                "To report activity, text REPORT, the neighbourhood and what you see, "
                "for example: REPORT Cedar Flats two vans, agents knocking."
            )
        try:
            actions.do_take_report(
                organisation,
                zone=zone,
                details=rest,
                language=message.language,
                contact=message.inbound.sender,
                source=Report.Source.SMS,
                actor=None,
            )
        except ValidationError:
            return _("We could not take your report. Please call the hotline.")
        return _(
            "Thank you. Your report reached the hotline. Stay safe and keep your distance. "
            "Nothing is shared until a team has checked it."
        )


def status(message) -> str:
    from porch.response.actions import zone_status
    from porch.response.models import Alert

    with translation.override(message.language):
        zone, _rest = _zone_in(message.rest)
        if zone is None:
            return _("Text STATUS and the neighbourhood, for example: STATUS Cedar Flats.")
        latest = zone_status(zone)
        if latest is not None and latest.kind == Alert.Kind.ALERT:
            return _("Verified activity in %(zone)s since about %(time)s. Avoid the area.") % {
                "zone": zone.name,
                "time": latest.time_bucket,
            }
        if latest is not None:
            return _("All clear in %(zone)s since about %(time)s.") % {
                "zone": zone.name,
                "time": latest.time_bucket,
            }
        return _(
            "There is no verified activity in %(zone)s now. Unverified messages may be rumours."
        ) % {"zone": zone.name}


def _answer(message, accept: bool) -> str:
    from porch.aid.actions import normalise_number
    from porch.response import actions

    with translation.override(message.language):
        code = (message.rest or "").strip().split(" ")[0].upper()
        dispatch = Dispatch.objects.select_related("verifier").filter(code=code).first()
        phone = dispatch.verifier.phone if dispatch is not None else None
        try:
            same = bool(phone) and normalise_number(phone) == normalise_number(
                message.inbound.sender
            )
        except ValidationError:
            same = False
        if not same:
            return _("No dispatch matches that code from this phone.")
        try:
            actions.do_answer_dispatch(dispatch, accept=accept, actor=dispatch.verifier)
        except ValidationError:
            return _("This dispatch has been answered already.")
        if accept:
            return _("Thank you. Open Porch for the details and report what you find.")
        return _("Thank you. We will ask someone else.")


def go(message) -> str:
    return _answer(message, True)


def pass_(message) -> str:
    return _answer(message, False)
