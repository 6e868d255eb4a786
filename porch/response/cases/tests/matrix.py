"""Authorization matrix rows for /response/legal/ (R30; format in
tests/test_authorization_matrix.py).

Every active member of an organisation may send it a "person detained"
handoff. Only its legal partner (lia) reads the queue, a handoff, its
incident record and media, and its follow-up case; everyone else gets 404,
the coordinator, the org admin and the coalition admin included. Another
organisation's objects are 404 for everyone.
"""

import io

from porch.core.tests.matrix import Row, signed_in, table

WRONG = table("405", unverified="two_factor")
NOBODY = signed_in("404")
LEGAL = signed_in("404", legal="ok")
LEGAL_INVALID = signed_in("404", legal="invalid")
MEMBERS = signed_in("404", members_a="ok", coalition_admin="ok")
MEMBERS_INVALID = signed_in("404", members_a="invalid", coalition_admin="invalid")


def _handoff(w, organisation, zone):
    from porch.response.cases import actions

    return actions.do_create_handoff(
        organisation,
        zone=zone,
        time_bucket="last_hour",
        what_happened="Matrix: taken at the corner",
        contact_route="Matrix: via the pastor",
        actor=None,
    )


def _png() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (4, 4), (200, 10, 10)).save(out, "PNG")
    return out.getvalue()


def _media(w, organisation, zone):
    from porch.response.cases import actions
    from porch.response.cases.models import new_handoff_code
    from porch.response.cases.uploads import SealedUpload

    handoff = _handoff(w, organisation, zone)
    upload = SealedUpload(new_handoff_code(), handoff.subject)
    upload.add(_png())
    return actions.do_add_media(handoff, upload, actor=None)


def _case(w, organisation, zone):
    from porch.response.cases import actions

    handoff = actions.do_accept_handoff(_handoff(w, organisation, zone), actor=None)
    return actions.do_open_case(handoff, actor=None)


def _need(w, organisation, zone, owner):
    import datetime

    from porch.response.cases import actions

    case = _case(w, organisation, zone)
    return actions.do_add_need(
        case, need="rides", owner_handle=owner.handle, due_on=datetime.date.max, actor=None
    )


def _hearing_signup(w, organisation, zone, volunteer):
    import datetime

    from django.utils import timezone

    from porch.volunteers.models import Shift, SignUp, Site, Slot

    now = timezone.now()
    site = Site.objects.create(
        organisation=organisation, kind=Site.Kind.COURT, name="Matrix court", zone=zone
    )
    slot = Slot.objects.create(
        site=site,
        purpose=Slot.Purpose.COURT_HEARING,
        weekdays="0123456",
        start_time=datetime.time(0),
        end_time=datetime.time(23, 59),
        starts_on=now.date(),
        ends_on=now.date(),
    )
    shift = Shift.objects.create(
        slot=slot,
        date=now.date(),
        starts_at=now - datetime.timedelta(minutes=30),
        ends_at=now + datetime.timedelta(minutes=30),
    )
    return SignUp.objects.create(shift=shift, volunteer=volunteer)


def signups():
    """Vic's accompaniment sign-up (own), Cal's in org B (other)."""
    return {
        "own": lambda w: {"code": _hearing_signup(w, w.org_a, w.zone, w.vic).code},
        "other": lambda w: {"code": _hearing_signup(w, w.org_b, w.zone_b, w.cal).code},
    }


def orgs():
    return {"own": lambda w: {"code": w.org_a.code}, "other": lambda w: {"code": w.org_b.code}}


def handoffs():
    return {
        "own": lambda w: {"code": _handoff(w, w.org_a, w.zone).code},
        "other": lambda w: {"code": _handoff(w, w.org_b, w.zone_b).code},
    }


def media():
    return {
        "own": lambda w: {"code": _media(w, w.org_a, w.zone).code},
        "other": lambda w: {"code": _media(w, w.org_b, w.zone_b).code},
    }


def cases():
    return {
        "own": lambda w: {"code": _case(w, w.org_a, w.zone).code},
        "other": lambda w: {"code": _case(w, w.org_b, w.zone_b).code},
    }


def needs():
    return {
        "own": lambda w: {"code": _need(w, w.org_a, w.zone, w.ben).code},
        "other": lambda w: {"code": _need(w, w.org_b, w.zone_b, w.cal).code},
    }


def get_row(name, states, own):
    return Row(
        f"response:cases:{name}",
        states=states,
        expect={"GET": {"own": own, "other": NOBODY}, "POST": {"own": WRONG, "other": WRONG}},
    )


def post_row(name, states, own):
    return Row(
        f"response:cases:{name}",
        states=states,
        expect={"GET": {"own": WRONG, "other": WRONG}, "POST": {"own": own, "other": NOBODY}},
    )


ROWS = [
    Row(
        "response:cases:detained",
        states=orgs(),
        expect={
            # cal is a member of org B: B's form is his.
            "GET": {"own": MEMBERS, "other": signed_in("404", other_org="ok")},
            "POST": {"own": MEMBERS_INVALID, "other": signed_in("404", other_org="invalid")},
        },
    ),
    # Only the volunteer holding the sign-up; an empty form is refused.
    Row(
        "response:cases:escalate",
        states=signups(),
        expect={
            "GET": {
                "own": signed_in("404", volunteer="ok"),
                "other": signed_in("404", other_org="ok"),
            },
            "POST": {
                "own": signed_in("404", volunteer="invalid"),
                "other": signed_in("404", other_org="invalid"),
            },
        },
    ),
    Row("response:cases:queue", expect={"GET": {"none": LEGAL}, "POST": {"none": WRONG}}),
    get_row("handoff", handoffs(), LEGAL),
    # A new handoff: accepting works; opening a case needs it accepted first.
    post_row("handoff-accept", handoffs(), LEGAL),
    post_row("handoff-entry", handoffs(), LEGAL_INVALID),
    post_row("handoff-media", handoffs(), LEGAL_INVALID),
    post_row("handoff-case", handoffs(), LEGAL_INVALID),
    get_row("media-original", media(), LEGAL),
    get_row("media-copy", media(), LEGAL),
    get_row("case", cases(), LEGAL),
    post_row("case-need", cases(), LEGAL_INVALID),
    # An empty body closes without a hold: the purge happens, then the redirect.
    post_row("case-close", cases(), LEGAL),
    post_row("case-release", cases(), LEGAL_INVALID),
    # The own need is owned by ben (driver), the other by cal (org B): each
    # owner may mark theirs done, as may the legal partner of the case.
    Row(
        "response:cases:need-done",
        states=needs(),
        expect={
            "GET": {"own": WRONG, "other": WRONG},
            "POST": {
                "own": signed_in("404", legal="ok", driver="ok"),
                "other": signed_in("404", other_org="ok"),
            },
        },
    ),
    # Everyone signed in sees their own open needs (most have none).
    Row("response:cases:tasks", expect={"GET": {"none": signed_in("ok")}, "POST": {"none": WRONG}}),
]
