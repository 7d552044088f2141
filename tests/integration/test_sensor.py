"""Sensors: agent status, generation progress, dynamics status, gestures, credits."""

from __future__ import annotations

from itertools import pairwise

from homeassistant.const import Platform
from homeassistant.core import HomeAssistant
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_capture_events,
)

from bithuman_simulator import Simulator

from .conftest import Advance, SnapshotEntities, press, set_up_entry


@pytest.mark.parametrize("platforms", [[Platform.SENSOR]])
async def test_sensors(snapshot_entities: SnapshotEntities) -> None:
    """Every sensor of the account and its agents, with its state."""
    await snapshot_entities()


async def test_generation_followed_to_ready(
    hass: HomeAssistant,
    config_entry_factory: type[MockConfigEntry],
    simulator: Simulator,
    account: str,
    advance: Advance,
) -> None:
    """A generating agent is polled every 5 s and its status walks to ready."""
    simulator.add_agent(account, code="A20000001", name="Lobby", status="processing")
    await set_up_entry(hass, config_entry_factory(agents={"A20000001": "Lobby"}))
    changes = async_capture_events(hass, "state_changed")

    seen: list[str] = []
    progress: list[float] = []
    for _ in range(60):
        state = hass.states.get("sensor.lobby_status")
        assert state is not None
        if not seen or seen[-1] != state.state:
            seen.append(state.state)
        progress_state = hass.states.get("sensor.lobby_generation_progress")
        assert progress_state is not None
        progress.append(float(progress_state.state))
        if state.state == "ready":
            break
        await advance(5)

    assert seen[0] == "processing"
    assert seen[-1] == "ready"
    assert "generating" in seen
    assert progress == sorted(progress)
    assert progress[-1] == 100
    # What a state trigger on the Status sensor sees, one change at a time.
    assert [
        (e.data["old_state"].state, e.data["new_state"].state)
        for e in changes
        if e.data["entity_id"] == "sensor.lobby_status"
    ] == list(pairwise(seen))

    # Settled: back to the steady cadence, so 30 s on nothing is asked.
    simulator.clear_requests()
    await advance(30)
    assert simulator.count(path_prefix="/v1/agents") == 0


async def test_dynamics_generation_changes_status_and_gestures(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: Simulator,
    advance: Advance,
) -> None:
    """Dynamics generating -> ready shows up, and the gestures with it."""
    state = hass.states.get("sensor.kitchen_dynamics_status")
    assert state is not None
    assert state.state == "not_generated"

    await press(hass, "button.kitchen_generate_dynamics")
    await advance(5)
    state = hass.states.get("sensor.kitchen_dynamics_status")
    assert state is not None
    assert state.state in ("processing", "generating")

    for _ in range(40):
        await advance(5)
        state = hass.states.get("sensor.kitchen_dynamics_status")
        assert state is not None
        if state.state == "ready":
            break
    assert state.state == "ready"
    gestures = hass.states.get("sensor.kitchen_gestures")
    assert gestures is not None
    assert int(gestures.state) >= 5
    assert "mini_wave_hello" in gestures.attributes["gestures"]
    assert gestures.attributes["gestures"] == sorted(gestures.attributes["gestures"])


async def test_failed_agent_says_why(
    hass: HomeAssistant,
    config_entry_factory: type[MockConfigEntry],
    simulator: Simulator,
    account: str,
) -> None:
    """A failed agent's Status carries bitHuman's reason; a ready one carries none."""
    simulator.add_agent(
        account,
        code="A20000002",
        name="Broken",
        status="failed",
        error_message="Image processing failed: 404",
    )
    await set_up_entry(hass, config_entry_factory(agents={"A20000002": "Broken"}))
    state = hass.states.get("sensor.broken_status")
    assert state.state == "failed"
    assert state.attributes["error_message"] == "Image processing failed: 404"
