"""Sensors: agent status, generation progress, dynamics status, gestures, credits."""

from __future__ import annotations

from itertools import pairwise

from homeassistant.const import Platform
from homeassistant.core import Event, HomeAssistant
from homeassistant.helpers import device_registry as dr, entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_capture_events,
    snapshot_platform,
)
from syrupy.assertion import SnapshotAssertion

from bithuman_simulator import Simulator
from custom_components.bithuman.const import (
    DOMAIN,
    EVENT_AGENT_STATUS_CHANGED,
    EVENT_DYNAMICS_STATUS_CHANGED,
)

from .conftest import FRONT_DOOR, USER_ID, Advance


@pytest.mark.parametrize("platforms", [[Platform.SENSOR]])
async def test_sensors(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    entity_registry: er.EntityRegistry,
    snapshot: SnapshotAssertion,
) -> None:
    """Every sensor of the account and its agents, with its state."""
    await snapshot_platform(hass, entity_registry, snapshot, init_integration.entry_id)


async def test_devices(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    device_registry: dr.DeviceRegistry,
) -> None:
    """One device per agent tied to its subentry; one service device per account."""
    device = device_registry.async_get_device_by_identifier(
        (DOMAIN, FRONT_DOOR), init_integration.entry_id
    )
    assert device is not None
    assert device.name == "Front Door"
    assert device.manufacturer == "bitHuman"
    assert device.model == "expression-1"
    assert device.serial_number == FRONT_DOOR
    assert device.config_subentry_id is not None
    assert init_integration.subentries[device.config_subentry_id].unique_id == (
        FRONT_DOOR
    )
    account = device_registry.async_get_device_by_identifier(
        (DOMAIN, USER_ID), init_integration.entry_id
    )
    assert account is not None
    assert account.entry_type is dr.DeviceEntryType.SERVICE
    assert account.name == "bitHuman account"
    assert account.config_subentry_id is None


async def test_generation_followed_to_ready(
    hass: HomeAssistant,
    config_entry_factory: type[MockConfigEntry],
    simulator: Simulator,
    account: str,
    advance: Advance,
) -> None:
    """A generating agent is polled every 5 s and its status walks to ready."""
    simulator.add_agent(account, code="A20000001", name="Lobby", status="processing")
    entry = config_entry_factory(agents={"A20000001": "Lobby"})
    entry.add_to_hass(hass)
    await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    events = async_capture_events(hass, EVENT_AGENT_STATUS_CHANGED)

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
    assert [(e.data["old_status"], e.data["new_status"]) for e in events] == list(
        pairwise(seen)
    )
    device = dr.async_get(hass).async_get_device_by_identifier(
        (DOMAIN, "A20000001"), entry.entry_id
    )
    assert device is not None
    assert all(
        e.data["agent_code"] == "A20000001" and e.data["device_id"] == device.id
        for e in events
    )

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
    """Dynamics generating -> ready shows up, with an event and the gestures."""
    events: list[Event] = async_capture_events(hass, EVENT_DYNAMICS_STATUS_CHANGED)
    state = hass.states.get("sensor.kitchen_dynamics_status")
    assert state is not None
    assert state.state == "not_generated"

    await hass.services.async_call(
        "button",
        "press",
        {"entity_id": "button.kitchen_generate_dynamics"},
        blocking=True,
    )
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
    assert events[0].data["old_status"] == "not_generated"
    assert events[-1].data["new_status"] == "ready"
