"""The Portrait: each agent's image, fetched from bitHuman by Home Assistant."""

from __future__ import annotations

from homeassistant.core import HomeAssistant
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from bithuman_simulator import Simulator

from .conftest import FRONT_DOOR, Advance

PORTRAIT = "image.front_door_portrait"


async def test_portrait_is_served_through_home_assistant(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    hass_client: ClientSessionGenerator,
) -> None:
    """Picture cards show the avatar: the image proxy answers the portrait."""
    client = await hass_client()
    response = await client.get(f"/api/image_proxy/{PORTRAIT}")
    assert response.status == 200
    assert response.content_type.startswith("image/")
    assert b"<svg" in await response.read()


async def test_a_new_portrait_moves_image_last_updated(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: Simulator,
    advance: Advance,
    hass_client: ClientSessionGenerator,
) -> None:
    """Only a changed image URL changes the Portrait; an unchanged one keeps it."""
    before = hass.states.get(PORTRAIT).state
    await advance(120)
    assert hass.states.get(PORTRAIT).state == before
    simulator.set_portrait(FRONT_DOOR, color="#224466")
    await advance(120)
    assert hass.states.get(PORTRAIT).state != before
    client = await hass_client()
    response = await client.get(f"/api/image_proxy/{PORTRAIT}")
    assert b"#224466" in await response.read()
