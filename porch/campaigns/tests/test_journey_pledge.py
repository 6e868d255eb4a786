"""Browser journeys: a business pledges and prints a sign in Spanish and in Somali;
a coordinator opens the dashboard and exports the aggregates."""

import csv
import datetime
import io

import pytest
from django.utils import timezone, translation
from django.utils.translation import gettext

from porch.accounts import totp
from porch.accounts.models import TOTPDevice
from porch.campaigns.models import Campaign, Pledge
from porch.core.testing import PASSWORD, pdf_text

pytestmark = [pytest.mark.browser, pytest.mark.pg_smoke]

SIGN = "A judicial warrant is required to enter."


def submit(page, selector):
    with page.expect_navigation():
        page.locator(f"{selector} button[type=submit]").first.click()


def squeeze(text):
    return "".join(text.split()).casefold()


def choose_language(page, code):
    page.select_option("#lang-picker", code)
    submit(page, "form.lang")


@pytest.fixture
def open_strike(live_cast):
    today = timezone.localdate()
    return Campaign.objects.create(
        coalition=live_cast.coalition,
        organisation=live_cast.org_a,
        title="Huelga general",
        slogan="No work, no school, no shopping",
        starts_on=today,
        ends_on=today + datetime.timedelta(days=1),
        state=Campaign.State.OPEN,
    )


def test_a_business_pledges_and_prints_a_sign_in_spanish_and_somali(
    page, live_cast, open_strike, screenshot
):
    page.goto(f"/public/campaigns/{open_strike.code}/")
    choose_language(page, "es")
    assert page.locator("html").get_attribute("lang") == "es"
    page.select_option("#business_zone", live_cast.zone.code)
    screenshot(page, "campaign")
    submit(page, "#pledge-business")
    assert page.url.endswith(f"/public/campaigns/{open_strike.code}/thanks/")
    pledge = Pledge.objects.get()
    assert (pledge.kind, pledge.zone_id, pledge.subject_id) == ("business", live_cast.zone.pk, None)
    screenshot(page, "thanks")

    for code in ("es", "so"):
        link = page.locator(f"a[href='/public/resources/private-area/{code}.pdf']")
        assert link.count() == 1
        response = page.context.request.get(link.get_attribute("href"))
        assert response.status == 200
        assert response.headers["cache-control"] == "no-store"
        with translation.override(code):
            expected = gettext(SIGN)
        assert expected != SIGN
        text = squeeze(pdf_text(response.body()))
        assert squeeze(expected) in text and "555-0100" in text

    # The public counter now shows the pledge, suppressed.
    page.goto(f"/public/campaigns/{open_strike.code}/")
    assert "<5" in page.locator(".counters").inner_text()


def test_a_coordinator_opens_the_dashboard_and_exports_aggregates(
    page, live_cast, open_strike, screenshot
):
    Pledge.objects.bulk_create(
        [Pledge(campaign=open_strike, kind="business", zone=live_cast.zone) for _ in range(6)]
        + [Pledge(campaign=open_strike, kind="family", zone=live_cast.zone_b) for _ in range(2)]
    )
    seed = totp.new_seed()
    TOTPDevice.objects.create(user=live_cast.ana, seed=seed, confirmed=True)
    page.goto("/login/")
    page.fill("#id_handle", "ana")
    page.fill("#id_password", PASSWORD)
    submit(page, "main form")
    page.fill("#id_code", totp.current_code(seed))
    submit(page, "main form")

    page.goto("/campaigns/dashboard/")
    pledges = page.locator("#metric-pledges")
    assert "<5" in pledges.inner_text() and "6" in pledges.inner_text()
    # One bar for this week's eight pledges, labelled, with the table beside it.
    assert pledges.locator("svg rect").count() == 1
    assert "8" in pledges.locator("svg").text_content()
    screenshot(page, "dashboard")

    with page.expect_download() as info:
        page.locator("a[href^='/campaigns/dashboard.csv']").click()
    rows = list(csv.reader(io.StringIO(open(info.value.path(), encoding="utf-8").read())))
    assert rows[0] == ["metric", "series", "iso_week", "zone", "count"]
    pledge_rows = {(r[1], r[3]): r[4] for r in rows[1:] if r[0] == "pledges"}
    assert pledge_rows == {("business", "Cedar Flats"): "6", ("family", "Elm Hollow"): "<5"}
    assert not any(r[4] in {"1", "2", "3", "4"} for r in rows[1:])
