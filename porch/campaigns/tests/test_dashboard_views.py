"""The coalition dashboard: counts by zone and ISO week, suppressed, CSV of aggregates only."""

import csv
import io

import pytest

from porch.campaigns.models import Campaign
from porch.coalition.models import Referral

pytestmark = pytest.mark.django_db

URL = "/campaigns/dashboard/"
CSV_URL = "/campaigns/dashboard.csv"


def _csv(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode())))


@pytest.fixture
def strike_b(cast, strike):
    return Campaign.objects.create(
        coalition=cast.coalition,
        organisation=cast.org_b,
        title="Tenants' strike",
        starts_on=strike.starts_on,
        ends_on=strike.ends_on,
        state=Campaign.State.OPEN,
    )


def test_it_shows_a_coordinator_the_counts_of_their_organisation(
    cast, strike, strike_b, pledges, signed_in
):
    pledges("business", 7, zone=cast.zone)
    pledges("family", 2, zone=cast.zone_b)
    pledges("worker", 40, campaign=strike_b)
    response = signed_in(cast.ana).get(URL)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Counts for the organisations you coordinate." in html
    assert "Cedar Flats" in html and "Elm Hollow" in html
    assert "<td>7</td>" in html
    assert "&lt;5" in html
    # Org B's campaign is not ana's to count.
    assert "<td>40</td>" not in html
    assert "<svg" in html and "<table" in html


def test_it_shows_a_coalition_admin_the_whole_coalition(cast, strike, strike_b, pledges, signed_in):
    pledges("worker", 40, campaign=strike_b)
    html = signed_in(cast.gus).get(URL).content.decode()
    assert "Counts for the whole coalition." in html
    assert "<td>40</td>" in html


def test_it_counts_referrals_sent_and_received(cast, signed_in):
    for _ in range(6):
        Referral.objects.create(
            from_organisation=cast.org_a, to_organisation=cast.org_b, summary="x"
        )
    rows = _csv(signed_in(cast.ana).get(CSV_URL))
    referral_rows = [row for row in rows if row[0] == "referrals"]
    assert [row[1] for row in referral_rows] == ["sent"]
    assert referral_rows[0][4] == "6"


@pytest.mark.parametrize("who", ["ben", "dee", "cal", "pia"])
def test_it_is_not_found_for_people_who_coordinate_nothing(cast, signed_in, who):
    client = signed_in(getattr(cast, who))
    assert client.get(URL).status_code == 404
    assert client.get(CSV_URL).status_code == 404


def test_it_sends_a_signed_out_visitor_to_sign_in(client, cast):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


@pytest.mark.parametrize("url", [URL, CSV_URL])
def test_it_refuses_other_methods(cast, signed_in, url):
    assert signed_in(cast.ana).post(url).status_code == 405


def test_it_refuses_an_unknown_number_of_weeks(cast, signed_in):
    client = signed_in(cast.ana)
    assert client.get(URL, {"weeks": "7"}).status_code == 400
    response = client.get(CSV_URL, {"weeks": "abc"})
    assert response.status_code == 400
    assert "Choose how many weeks" in response.content.decode()


def test_it_exports_aggregates_only_with_small_counts_suppressed(cast, strike, pledges, signed_in):
    pledges("business", 7, zone=cast.zone)
    pledges("family", 2, zone=cast.zone)
    pledges("worker", 1)
    response = signed_in(cast.ana).get(CSV_URL)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response["Cache-Control"] == "no-store"
    rows = _csv(response)
    assert rows[0] == ["metric", "series", "iso_week", "zone", "count"]
    pledge_rows = {(r[1], r[3]): r[4] for r in rows if r[0] == "pledges"}
    assert pledge_rows == {
        ("business", "Cedar Flats"): "7",
        ("family", "Cedar Flats"): "<5",
        ("worker", ""): "<5",
    }
    # Counts only: no pledge, campaign, organisation or person appears.
    body = response.content.decode()
    for forbidden in (strike.code, cast.org_a.code, "ana", "General strike"):
        assert forbidden not in body
    assert all(cell in {"<5"} or cell.isdigit() for cell in (r[4] for r in rows[1:]))
    assert not any(cell == str(n) for n in range(1, 5) for cell in (r[4] for r in rows[1:]))


def test_it_quotes_a_zone_name_a_spreadsheet_would_run(cast, strike, pledges, signed_in):
    cast.zone.name = "=HYPERLINK(1)"
    cast.zone.save()
    pledges("business", 6, zone=cast.zone)
    rows = _csv(signed_in(cast.ana).get(CSV_URL))
    assert ["pledges", "business", rows[1][2], "'=HYPERLINK(1)", "6"] in rows


def test_it_reads_the_dashboard_in_a_fixed_number_of_queries(
    cast, strike, pledges, signed_in, django_assert_num_queries
):
    client = signed_in(cast.gus)
    pledges("business", 3, zone=cast.zone)
    client.get(URL)  # warm the session
    with django_assert_num_queries(9):
        assert client.get(URL).status_code == 200
    pledges("worker", 30, zone=cast.zone_b)
    for _ in range(8):
        Referral.objects.create(
            from_organisation=cast.org_b, to_organisation=cast.org_a, summary="x"
        )
    with django_assert_num_queries(9):
        assert client.get(URL).status_code == 200
