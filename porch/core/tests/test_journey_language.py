"""Browser journey: a visitor switches the interface to Spanish and back."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.pg_smoke]


def test_it_switches_language_with_the_picker(page, live_cast, screenshot):
    page.goto("/login/")
    assert page.locator("html").get_attribute("lang") == "en"
    page.select_option("#lang-picker", "es")
    with page.expect_navigation():
        page.get_by_role("button", name="Change language").click()
    assert page.locator("html").get_attribute("lang") == "es"
    screenshot(page, "spanish")
