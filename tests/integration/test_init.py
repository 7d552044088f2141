"""Setting up, unloading and following a bitHuman account."""

from __future__ import annotations

from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant
from pytest_homeassistant_custom_component.common import MockConfigEntry

from bithuman_simulator import Simulator

from .conftest import FRONT_DOOR


async def test_setup_and_unload(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: Simulator
) -> None:
    """The entry loads, shows the agents' states, and unloads cleanly."""
    assert init_integration.state is ConfigEntryState.LOADED
    state = hass.states.get("sensor.front_door_status")
    assert state is not None
    assert state.state == "ready"
    assert simulator.agent(FRONT_DOOR)
    assert await hass.config_entries.async_unload(init_integration.entry_id)
    assert init_integration.state is ConfigEntryState.NOT_LOADED
