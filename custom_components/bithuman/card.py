"""The dashboard card: served by the integration and added to every dashboard."""

from __future__ import annotations

from pathlib import Path
from typing import Final

from homeassistant.components.frontend import add_extra_js_url
from homeassistant.components.http import StaticPathConfig
from homeassistant.core import HomeAssistant
from homeassistant.loader import async_get_integration

from .const import DOMAIN

CARD_FILE: Final = Path(__file__).parent / "frontend" / "bithuman-avatar-card.js"
CARD_URL: Final = f"/{DOMAIN}/bithuman-avatar-card.js"


async def async_setup_card(hass: HomeAssistant) -> None:
    """Serve the card and load it in the frontend; the version busts caches."""
    await hass.http.async_register_static_paths(
        [StaticPathConfig(CARD_URL, str(CARD_FILE), cache_headers=True)]
    )
    integration = await async_get_integration(hass, DOMAIN)
    add_extra_js_url(hass, f"{CARD_URL}?v={integration.version}")
