"""/api/v1/aid-hubs/: a hub's stock and donation intake."""

import pytest

from porch.accounts.actions import do_create_api_token
from porch.accounts.roles import Role
from porch.aid.hubs import do_add_stock_item
from porch.aid.tests.fixtures import hub_for
from porch.core.testing import make_member

pytestmark = pytest.mark.django_db


def bearer(user):
    _token, key = do_create_api_token(user, "test", actor=user)
    return {"Authorization": f"Bearer {key}"}


def test_a_hub_keeper_records_a_donation_and_reads_the_stock(cast, client):
    hub = hub_for(cast.org_a, cast.zone)
    item = do_add_stock_item(hub, name="Rice", low_threshold=5, actor=None)
    headers = bearer(make_member("kim", cast.org_a, Role.HUB_KEEPER))
    url = f"/api/v1/aid-hubs/{hub.code}/donations"
    created = client.post(
        url, {"item": item.code, "quantity": 8}, content_type="application/json", headers=headers
    )
    assert created.status_code == 201, created.content
    assert created.json()["count"] == 8 and created.json()["is_low"] is False
    bad = client.post(
        url, {"item": item.code, "quantity": 0}, content_type="application/json", headers=headers
    )
    assert bad.status_code == 422
    stock = client.get(f"/api/v1/aid-hubs/{hub.code}/stock", headers=headers)
    assert [(i["name"], i["count"]) for i in stock.json()] == [("Rice", 8)]


def test_another_organisations_hub_is_404(cast, client):
    hub = hub_for(cast.org_b, cast.zone_b)
    response = client.get(f"/api/v1/aid-hubs/{hub.code}/stock", headers=bearer(cast.ana))
    assert response.status_code == 404
