"""The Dynamics ready binary sensor: on iff the dynamics url is set."""

from __future__ import annotations

from homeassistant.const import STATE_OFF, STATE_ON, Platform
from homeassistant.core import HomeAssistant
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from bithuman_simulator import Simulator

from .conftest import KITCHEN, Advance, SnapshotEntities, press


@pytest.mark.parametrize("platforms", [[Platform.BINARY_SENSOR]])
async def test_binary_sensors(snapshot_entities: SnapshotEntities) -> None:
    """Each agent's Dynamics ready sensor, with its state."""
    await snapshot_entities()


@pytest.mark.usefixtures("init_integration")
async def test_status_ready_without_url_is_not_ready(
    hass: HomeAssistant, simulator: Simulator
) -> None:
    """The API says `ready` for never-generated dynamics; the sensor says off."""
    assert simulator.dynamics_json(KITCHEN)["status"] == "ready"
    assert simulator.dynamics_json(KITCHEN)["url"] is None
    state = hass.states.get("binary_sensor.kitchen_dynamics_ready")
    assert state is not None
    assert state.state == STATE_OFF


async def test_turns_on_when_the_url_appears(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: Simulator,
    advance: Advance,
) -> None:
    """Generating dynamics from Home Assistant flips the sensor on at the end."""
    await press(hass, "button.kitchen_generate_dynamics")
    states: list[str] = []
    for _ in range(40):
        await advance(5)
        state = hass.states.get("binary_sensor.kitchen_dynamics_ready")
        assert state is not None
        states.append(state.state)
        if state.state == STATE_ON:
            break
    assert states[0] == STATE_OFF
    assert states[-1] == STATE_ON
    assert simulator.dynamics_json(KITCHEN)["url"] is not None
