"""Browser journey (W3): a member reports a detention → it reaches the legal
partner's queue → she accepts, records the incident (a photo, sealed as it
streams), opens a follow-up case with needs → closing it purges the
personal data and leaves counts."""

import datetime
import io

import pytest
from django.utils import timezone
from PIL import Image

from porch.accounts import totp
from porch.accounts.models import TOTPDevice
from porch.accounts.roles import Role
from porch.aid.models import AidRequest
from porch.core.testing import PASSWORD, make_member
from porch.response.cases.models import (
    FollowUpCase,
    IncidentMedia,
    LegalHandoff,
    MediaChunk,
    NeedItem,
)
from porch.vault.models import Subject
from tests.test_accessibility import BLOCKING, axe_source

pytestmark = [pytest.mark.browser]

CANARY = "ask for Rosa at 612-555-0173 canary"


def submit(page, selector):
    with page.expect_navigation():
        page.locator(f"{selector} button[type=submit]").first.click()


def sign_in(page, handle, seed):
    page.goto("/login/")
    page.fill("#id_handle", handle)
    page.fill("#id_password", PASSWORD)
    submit(page, "main form")
    page.fill("#id_code", totp.current_code(seed))
    submit(page, "main form")


def axe_problems(page) -> list[str]:
    """Serious and critical axe-core violations on the page as it is now."""
    page.add_script_tag(content=axe_source())
    result = page.evaluate(
        "() => axe.run(document, {resultTypes: ['violations'],"
        " runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a',"
        " 'wcag21aa', 'best-practice']}})"
    )
    return [
        f"{page.url}: {v['id']} ({v['impact']}): {v['help']}"
        for v in result["violations"]
        if v["impact"] in BLOCKING
    ]


def photo() -> bytes:
    image = Image.new("RGB", (40, 30), (120, 40, 200))
    exif = Image.Exif()
    exif[0x010F] = "CanaryCam"
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    return out.getvalue()


def test_a_detention_reaches_the_legal_partner_and_becomes_a_case_that_is_purged(
    page, chromium, live_server, live_cast, screenshot
):
    cast = live_cast
    lia = make_member("lia", cast.org_a, Role.LEGAL)
    dee_seed, lia_seed = totp.new_seed(), totp.new_seed()
    TOTPDevice.objects.create(user=cast.dee, seed=dee_seed, confirmed=True)
    TOTPDevice.objects.create(user=lia, seed=lia_seed, confirmed=True)

    # A member sends the handoff.
    sign_in(page, "dee", dee_seed)
    page.goto(f"/response/legal/org/{cast.org_a.code}/detained/")
    page.select_option("#id_zone", cast.zone.code)
    page.select_option("#id_time_bucket", "last_hour")
    page.fill("#id_what_happened", "Taken from the bus stop on 5th by two officers")
    page.fill("#id_contact_route", CANARY)
    screenshot(page, "detained-form")
    submit(page, "main form#detained-form")
    assert "The legal partner has it now." in page.content()
    handoff = LegalHandoff.objects.get()

    # The legal partner, in her own browser.
    # CSP bypassed in this context only so that axe-core can be injected.
    context = chromium.new_context(base_url=live_server.url, locale="en-US", bypass_csp=True)
    context.set_default_timeout(15_000)
    legal = context.new_page()
    try:
        sign_in(legal, "lia", lia_seed)
        legal.goto(f"/response/legal/org/{cast.org_a.code}/detained/")
        problems = axe_problems(legal)
        legal.goto("/")
        assert "1 handoff waits to be accepted." in legal.content()
        legal.click("text=Open the legal queue")
        problems += axe_problems(legal)
        legal.click(f"text={handoff.code}")
        assert CANARY in legal.content()
        submit(legal, "main form:has(#accept)")
        assert legal.locator("#handoff-status").inner_text() == "Accepted by legal"
        legal.select_option("#id_kind", "timeline")
        legal.fill("#id_at", "about 9:40")
        legal.fill("#id_text", "Two unmarked vans stopped at the bus stop")
        submit(legal, "main form#entry-form")
        assert "about 9:40" in legal.locator("#entries").inner_text()
        legal.set_input_files(
            "#id_media", {"name": "IMG_1.jpg", "mimeType": "image/jpeg", "buffer": photo()}
        )
        submit(legal, "main form#media-form")
        assert legal.locator("#media li").count() == 1
        assert "for sharing" in legal.locator("#media").inner_text()
        screenshot(legal, "handoff")
        problems += axe_problems(legal)

        # A follow-up case with its needs.
        submit(legal, "main form:has(#open-case)")
        case = FollowUpCase.objects.get()
        assert legal.url.endswith(f"/response/legal/case/{case.code}/")
        tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
        legal.select_option("#id_need", "rides")
        legal.fill("#id_owner", "ben")
        legal.fill("#id_due_on", tomorrow)
        submit(legal, "main form#need-form")
        legal.select_option("#id_need", "food")
        legal.fill("#id_owner", "dee")
        legal.fill("#id_due_on", tomorrow)
        legal.fill("#id_callback_number", "+1 612 555 0188")
        legal.fill("#id_household_size", "3")
        submit(legal, "main form#need-form")
        aid = AidRequest.objects.get()
        assert aid.code in legal.locator("#needs").inner_text()
        submit(legal, "#needs tbody tr:first-child form")
        assert legal.locator("#needs").inner_text().count("Done") >= 2  # header + one row
        screenshot(legal, "case")
        problems += axe_problems(legal)

        # Closing purges.
        submit(legal, "main form#close-form")
        assert "Its personal data has been purged." in legal.content()
        assert "1 need was met." in legal.locator("#case-counts").inner_text()
        screenshot(legal, "closed")
        problems += axe_problems(legal)  # with the flash message on the page
        legal.goto(f"/response/legal/handoff/{handoff.code}/")
        assert CANARY not in legal.content()
        assert legal.locator("#handoff-status").inner_text() == "Personal data purged"
    finally:
        context.close()

    assert not NeedItem.objects.exists()
    assert not IncidentMedia.objects.exists() and not MediaChunk.objects.exists()
    assert not Subject.objects.filter(kind__in=("legal_handoff", "follow_up_case")).exists()
    assert FollowUpCase.objects.get().counts == {"rides": 1, "food": 1, "done": 1}
    assert problems == [], "\n".join(problems)
