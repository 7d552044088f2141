"""Live sessions and the credit guard: Live, the burn rate, what they cost to watch."""

from __future__ import annotations

from homeassistant.const import STATE_UNAVAILABLE
from homeassistant.core import HomeAssistant
from pytest_homeassistant_custom_component.common import MockConfigEntry

from bithuman_simulator import Fault, Simulator

from .conftest import FRONT_DOOR, KITCHEN, USER_ID, Advance

LIVE_KITCHEN = "binary_sensor.kitchen_live"
LIVE_FRONT_DOOR = "binary_sensor.front_door_live"
BURN_RATE = "sensor.ada_example_com_credit_burn_rate"
LIVE_SESSIONS = "sensor.ada_example_com_live_sessions"
CREDITS_THIS_HOUR = "sensor.ada_example_com_credits_this_hour"


def _state(hass: HomeAssistant, entity_id: str) -> str:
    return hass.states.get(entity_id).state


async def _seconds_until(advance: Advance, condition: object, limit: float) -> float:
    waited = 0.0
    while not condition():  # type: ignore[operator]
        assert waited < limit, f"not within {limit:g} s"
        await advance(5)
        waited += 5
    return waited


async def test_live_sessions_and_burn_rate(
    hass: HomeAssistant, init_integration: MockConfigEntry, advance: Advance
) -> None:
    """Front Door is live in the hall: Live on, one session, 4 credits a minute."""
    assert _state(hass, LIVE_FRONT_DOOR) == "on"
    assert _state(hass, LIVE_KITCHEN) == "off"
    assert _state(hass, LIVE_SESSIONS) == "1"
    assert float(_state(hass, BURN_RATE)) == 4.0
    # A minute is billed, and shows at the next read (every minute while live).
    await _seconds_until(
        advance, lambda: float(_state(hass, CREDITS_THIS_HOUR)) >= 4, 120
    )


async def test_session_started_outside_shows_within_two_minutes(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: Simulator,
    advance: Advance,
) -> None:
    """A session started elsewhere: Live within a minute while another is live."""
    simulator.start_session(KITCHEN, "kitchen")
    waited = await _seconds_until(
        advance, lambda: _state(hass, LIVE_KITCHEN) == "on", 120
    )
    assert waited <= 60
    assert float(_state(hass, BURN_RATE)) == 8.0

    simulator.set_live_rooms(FRONT_DOOR, [])
    simulator.set_live_rooms(KITCHEN, [])
    await _seconds_until(advance, lambda: _state(hass, LIVE_KITCHEN) == "off", 60)
    # Nothing live now: the next session shows within 2 minutes.
    await advance(5)
    simulator.start_session(FRONT_DOOR, "hall")
    waited = await _seconds_until(
        advance, lambda: _state(hass, LIVE_FRONT_DOOR) == "on", 125
    )
    assert waited <= 120


async def test_sessions_read_in_bulk(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: Simulator,
    advance: Advance,
) -> None:
    """One request for the whole account, never one per agent; every minute while live."""
    simulator.clear_requests()
    for _ in range(24):
        await advance(5)
    sessions = [r for r in simulator.requests if "runtime-sessions" in r.path]
    assert [r.path for r in sessions] == [f"/v2/{USER_ID}/runtime-sessions"] * 2
    assert all(r.query == {"window": "live", "limit": "200"} for r in sessions)


async def test_sessions_failing_leave_the_agents_alone(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: Simulator,
    advance: Advance,
) -> None:
    """The sessions endpoint failing makes only Live and the session sensors unavailable."""
    fault = simulator.add_fault(Fault(path="/v2/*", status=500))
    await advance(60)
    assert _state(hass, LIVE_FRONT_DOOR) == STATE_UNAVAILABLE
    assert _state(hass, BURN_RATE) == STATE_UNAVAILABLE
    assert _state(hass, "sensor.front_door_status") == "ready"
    assert _state(hass, "sensor.ada_example_com_credit_balance") != STATE_UNAVAILABLE
    simulator.remove_fault(fault)
    await _seconds_until(advance, lambda: _state(hass, LIVE_FRONT_DOOR) == "on", 65)
