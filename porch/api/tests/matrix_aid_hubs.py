"""Authorization matrix rows for /api/v1/aid-hubs/ (hub keepers and
coordinators of the hub's organisation; anything else 404, refused
credentials 401)."""

from porch.aid.hubs import do_add_stock_item
from porch.aid.tests.fixtures import hub_for
from porch.core.tests.matrix import Row, api

BOTH = ("session", "token")
NOBODY = api("404")
COORDINATOR = api("404", coordinator="ok")


def _hubs():
    def own(w):
        hub = hub_for(w.org_a, w.zone)
        do_add_stock_item(hub, name="Rice", actor=None)
        return {"code": hub.code}

    return {"own": own, "other": lambda w: {"code": hub_for(w.org_b, w.zone_b).code}}


def _donation_body(w, state):
    from porch.aid.models import StockItem

    item = StockItem.objects.filter(hub__organisation=w.org_a).first()
    return {"item": item.code if item else "NONE", "quantity": 3}


ROWS = [
    Row(
        "api-v1:aid-hub-stock",
        states=_hubs(),
        expect={"GET": {"own": COORDINATOR, "other": NOBODY}},
        auth=BOTH,
        json=True,
    ),
    Row(
        "api-v1:aid-hub-donation",
        states=_hubs(),
        expect={"POST": {"own": COORDINATOR, "other": NOBODY}},
        auth=BOTH,
        json=True,
        body=_donation_body,
    ),
]
