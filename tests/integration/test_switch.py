"""The Dynamics switch: exact request bodies, guards and remembered state."""

from __future__ import annotations

from homeassistant.components.switch import DOMAIN as SWITCH_DOMAIN
from homeassistant.const import (
    SERVICE_TURN_OFF,
    SERVICE_TURN_ON,
    STATE_OFF,
    STATE_ON,
    Platform,
)
from homeassistant.core import HomeAssistant, State
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    mock_restore_cache,
)

from bithuman_simulator import Simulator

from .conftest import (
    FRONT_DOOR,
    KITCHEN,
    Advance,
    SnapshotEntities,
    entity_action,
    set_up_entry,
)

FRONT_DOOR_SWITCH = "switch.front_door_dynamics"


@pytest.mark.parametrize("platforms", [[Platform.SWITCH]])
async def test_switches(snapshot_entities: SnapshotEntities) -> None:
    """Each agent's Dynamics switch, with its state."""
    await snapshot_entities()


async def _switch(hass: HomeAssistant, service: str, entity_id: str) -> None:
    await entity_action(hass, SWITCH_DOMAIN, service, entity_id)


async def test_turn_on_and_off_send_the_documented_bodies(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: Simulator
) -> None:
    """On and off each send exactly one PUT with both flags set alike."""
    simulator.clear_requests()
    await _switch(hass, SERVICE_TURN_ON, FRONT_DOOR_SWITCH)
    state = hass.states.get(FRONT_DOOR_SWITCH)
    assert state is not None
    assert state.state == STATE_ON

    await _switch(hass, SERVICE_TURN_OFF, FRONT_DOOR_SWITCH)
    state = hass.states.get(FRONT_DOOR_SWITCH)
    assert state is not None
    assert state.state == STATE_OFF

    puts = [request for request in simulator.requests if request.method == "PUT"]
    assert [(request.path, request.json) for request in puts] == [
        (
            f"/v1/dynamics/{FRONT_DOOR}",
            {"dynamics": {"enabled": True}, "toggle_enabled": True},
        ),
        (
            f"/v1/dynamics/{FRONT_DOOR}",
            {"dynamics": {"enabled": False}, "toggle_enabled": False},
        ),
    ]


async def test_turn_on_without_dynamics_is_refused(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: Simulator
) -> None:
    """No dynamics generated yet: a validation error, and nothing sent."""
    simulator.clear_requests()
    with pytest.raises(ServiceValidationError) as exc_info:
        await _switch(hass, SERVICE_TURN_ON, "switch.kitchen_dynamics")
    assert exc_info.value.translation_key == "dynamics_not_generated"
    assert "Generate dynamics" in str(exc_info.value)
    assert simulator.count(method="PUT") == 0


async def test_regeneration_failure_is_reported(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: Simulator
) -> None:
    """A failed regeneration is reported; the setting bitHuman saved is shown."""
    simulator.set_regeneration_failure(FRONT_DOOR, "GPU pool exhausted")
    with pytest.raises(HomeAssistantError) as exc_info:
        await _switch(hass, SERVICE_TURN_ON, FRONT_DOOR_SWITCH)
    assert exc_info.value.translation_key == "regeneration_failed"
    assert "GPU pool exhausted" in str(exc_info.value)
    assert hass.states.get(FRONT_DOOR_SWITCH).state == STATE_ON


async def test_turning_on_starts_fast_polling(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: Simulator,
    advance: Advance,
) -> None:
    """A toggle from Home Assistant makes that agent's dynamics polled at 5 s."""
    await _switch(hass, SERVICE_TURN_ON, FRONT_DOOR_SWITCH)
    await hass.async_block_till_done(wait_background_tasks=True)
    simulator.clear_requests()
    await advance(5)
    assert simulator.count(method="GET", path_prefix=f"/v1/dynamics/{FRONT_DOOR}") == 1
    await advance(5)
    assert simulator.count(method="GET", path_prefix=f"/v1/dynamics/{FRONT_DOOR}") == 2
    assert simulator.count(method="GET", path_prefix=f"/v1/dynamics/{KITCHEN}") == 0


async def test_the_state_set_is_marked_assumed_once_a_read_says_nothing(
    hass: HomeAssistant,
    config_entry_factory: type[MockConfigEntry],
    simulator: Simulator,
    account: str,
    advance: Advance,
) -> None:
    """Until the API is read the switch shows what was set; then it is an assumption.

    The read that brings the news is one where only another agent changed.
    """
    simulator.add_agent(account, code="A30000001", name="Porch", dynamics="ready")
    simulator.add_agent(account, code="A30000002", name="Lobby")
    await set_up_entry(
        hass,
        config_entry_factory(agents={"A30000001": "Porch", "A30000002": "Lobby"}),
    )
    # Saved, but the regeneration fails: Porch's dynamics stay as they were.
    simulator.set_regeneration_failure("A30000001", "GPU pool exhausted")
    with pytest.raises(HomeAssistantError):
        await _switch(hass, SERVICE_TURN_ON, "switch.porch_dynamics")
    state = hass.states.get("switch.porch_dynamics")
    assert (state.state, state.attributes.get("assumed_state")) == (STATE_ON, None)
    # bitHuman's next answers say nothing of which model is active.
    simulator.agents["A30000001"].dynamics.config.pop("enabled")
    simulator.set_portrait("A30000002", color="#224466")
    await advance(120)
    state = hass.states.get("switch.porch_dynamics")
    assert (state.state, state.attributes.get("assumed_state")) == (STATE_ON, True)


async def test_state_restored_when_the_api_does_not_say(
    hass: HomeAssistant,
    config_entry_factory: type[MockConfigEntry],
    simulator: Simulator,
    account: str,
) -> None:
    """Without an enabled flag from the API, the last state set survives restarts."""
    simulator.add_agent(account, code="A30000001", name="Porch", dynamics="ready")
    assert "enabled" not in simulator.agent_json("A30000001")["dynamics"]
    mock_restore_cache(hass, [State("switch.porch_dynamics", STATE_ON)])
    await set_up_entry(hass, config_entry_factory(agents={"A30000001": "Porch"}))

    state = hass.states.get("switch.porch_dynamics")
    assert state is not None
    assert state.state == STATE_ON
