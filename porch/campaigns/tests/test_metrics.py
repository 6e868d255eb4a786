"""The metrics registry later apps use, suppression, and charts that cannot leak a small count."""

import datetime

import pytest

from porch.campaigns import charts, metrics
from porch.campaigns.metrics import Metric, Row, register, suppress

pytestmark = pytest.mark.django_db


def test_it_suppresses_counts_from_one_to_four():
    assert [suppress(n) for n in range(7)] == ["0", "<5", "<5", "<5", "<5", "5", "6"]


def test_a_small_bar_looks_the_same_whatever_its_true_value():
    one = charts.bar_chart([("W01", 1), ("W02", 20)])["bars"][0]
    four = charts.bar_chart([("W01", 4), ("W02", 20)])["bars"][0]
    assert one == four and one["shown"] == "<5" and one["suppressed"]


def test_a_registered_metric_appears_on_the_dashboard_and_in_the_csv(cast, signed_in):
    monday = metrics.week_start(datetime.date.today())

    def deliveries(scope):
        assert scope.whole_coalition is False
        return [
            Row(monday, "Cedar Flats", "delivered", 12),
            Row(monday, "Elm Hollow", "failed", 2),
        ]

    register(
        Metric(
            key="deliveries",
            label="Deliveries",
            series={"delivered": "Delivered", "failed": "Could not deliver"},
            rows=deliveries,
            zoned=True,
        )
    )
    try:
        client = signed_in(cast.ana)
        html = client.get("/campaigns/dashboard/").content.decode()
        assert 'id="metric-deliveries"' in html and "Could not deliver" in html
        body = client.get("/campaigns/dashboard.csv").content.decode()
        assert "deliveries,delivered," in body and ",Cedar Flats,12" in body
        assert ",Elm Hollow,<5" in body
    finally:
        metrics.METRICS.pop("deliveries")


def test_pledge_counts_are_the_first_registered_metric():
    assert metrics.registered()[0].key == "pledges"
