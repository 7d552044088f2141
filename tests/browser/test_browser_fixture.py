"""The browser fixtures work: a logged-in page shows the bitHuman integration."""

from collections.abc import Callable
from pathlib import Path

from playwright.sync_api import Page, expect

from bithuman_simulator.demo import DEMO_EMAIL


def test_integration_page_shows_the_account(
    ha_page: Page, screenshot: Callable[[str], Path]
) -> None:
    ha_page.goto("/config/integrations/integration/bithuman")
    # The entry's title is the account's email (no login form on the way).
    expect(ha_page.get_by_text(DEMO_EMAIL).first).to_be_visible()
    assert screenshot("integration-page").stat().st_size > 0
