"""Whatever the API answers: odd but legal records and statuses, through Home Assistant.

Each case is an answer bitHuman's contract allows that nobody expected
(SPEC "Whatever the API answers"), served on demand by the simulator.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from homeassistant.config_entries import SOURCE_REAUTH
from homeassistant.const import STATE_UNAVAILABLE, STATE_UNKNOWN
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import issue_registry as ir
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from bithuman_simulator import REMOVE, Fault, Simulator
from custom_components.bithuman.const import DOMAIN
from custom_components.bithuman.repairs import ISSUE_ACCOUNT_SUSPENDED, issue_id

from .conftest import (
    ACCOUNT_KEY,
    FRONT_DOOR,
    KITCHEN,
    USER_ID,
    Advance,
    EntryIssue,
    set_up_entry,
)


def _state(hass: HomeAssistant, entity_id: str) -> str:
    return hass.states.get(entity_id).state


async def _polls_in(simulator: Simulator, advance: Advance, seconds: int) -> int:
    simulator.clear_requests()
    for _ in range(seconds // 5):
        await advance(5)
    return simulator.count("GET", "/v1/agents")


@pytest.mark.parametrize(
    "fields",
    [
        pytest.param({"status": None}, id="null"),
        pytest.param({"status": REMOVE}, id="missing"),
        pytest.param({"status": "queued"}, id="queued"),
        pytest.param({"status": "READY"}, id="upper-case"),
        pytest.param({"status": 7}, id="a number"),
    ],
)
async def test_odd_status_shows_unknown_at_the_steady_pace(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: Simulator,
    advance: Advance,
    fields: dict[str, Any],
) -> None:
    """Unknown is unknown: the agent stays, its neighbour too, nothing polls every 5 s."""
    simulator.override_agent_fields(KITCHEN, fields)
    await advance(120)
    assert _state(hass, "sensor.kitchen_status") == STATE_UNKNOWN
    assert _state(hass, "sensor.kitchen_dynamics_status") == "not_generated"
    assert _state(hass, "sensor.front_door_status") == "ready"
    assert await _polls_in(simulator, advance, 60) == 0


async def test_a_record_without_code_is_known_by_its_agent_id(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: Simulator,
    advance: Advance,
) -> None:
    """`code` left out: `agent_id` names the agent, which stays as it was."""
    simulator.override_agent_fields(KITCHEN, {"code": REMOVE})
    await advance(120)
    assert _state(hass, "sensor.kitchen_status") == "ready"


@pytest.mark.usefixtures("init_integration")
async def test_an_unreadable_record_takes_only_its_agent_offline(
    hass: HomeAssistant,
    simulator: Simulator,
    advance: Advance,
    issue_registry: ir.IssueRegistry,
) -> None:
    """A record that is not an agent (its id a list) hides only that agent, not deleted."""
    simulator.override_agent_fields(
        KITCHEN, {"code": ["A10000002"], "agent_id": ["A10000002"]}
    )
    # Looked up alone, the agent answers the same odd record.
    await advance(120)
    assert _state(hass, "sensor.kitchen_status") == STATE_UNAVAILABLE
    assert _state(hass, "sensor.front_door_status") == "ready"
    assert not issue_registry.issues
    simulator.clear_field_overrides(KITCHEN)
    await advance(120)
    assert _state(hass, "sensor.kitchen_status") == "ready"


@pytest.mark.parametrize("has_more", ["true", 1, None])
async def test_every_page_is_read_whatever_has_more_looks_like(
    hass: HomeAssistant,
    config_entry_factory: Callable[..., MockConfigEntry],
    simulator: Simulator,
    account: str,
    has_more: Any,
) -> None:
    """101 agents: a `has_more` that is not a JSON true still reaches page two."""
    for number in range(101):
        simulator.add_agent(account, code=f"A6{number:07d}", name=f"Agent {number}")
    # The oldest agent is on the second page (newest first).
    simulator.add_fault(
        Fault(
            path="/v1/agents",
            patch={"pagination.has_more": REMOVE if has_more is None else has_more},
        )
    )
    assert await set_up_entry(
        hass, config_entry_factory(agents={"A60000000": "Agent 0"})
    )
    assert _state(hass, "sensor.agent_0_status") == "ready"
    # Found in the list, not by looking the agent up alone.
    assert simulator.count("GET", "/v1/agent/A60000000") == 0


async def test_progress_a_hair_above_one_is_done(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: Simulator,
    advance: Advance,
) -> None:
    """1.0000001 is rounding: 100 %, not 1 %."""
    simulator.override_agent_fields(KITCHEN, {"progress": 1.0000001})
    await advance(120)
    assert float(_state(hass, "sensor.kitchen_generation_progress")) == 100


@pytest.mark.parametrize(
    ("target", "fields"),
    [
        ("agent", {"dynamics.enabled": "true"}),
        ("dynamics", {"enabled": "true"}),
    ],
)
async def test_enabled_as_a_string_still_tells_the_switch(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: Simulator,
    advance: Advance,
    target: str,
    fields: dict[str, Any],
) -> None:
    """`enabled: "true"` reads as on, not unknown."""
    if target == "agent":
        simulator.override_agent_fields(FRONT_DOOR, fields)
    else:
        simulator.override_dynamics_fields(FRONT_DOOR, fields)
    await advance(3600)
    assert _state(hass, "switch.front_door_dynamics") == "on"


async def test_speak_answer_without_delivered_to_rooms_is_a_success(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: Simulator
) -> None:
    """A 2xx without the count: said, reported as bitHuman reported it."""
    simulator.add_fault(
        Fault(path="/v1/agent/*/speak", patch={"delivered_to_rooms": REMOVE})
    )
    response = await hass.services.async_call(
        DOMAIN,
        "speak",
        {"message": "Hello"},
        target={"entity_id": "notify.front_door_speak"},
        blocking=True,
        return_response=True,
    )
    assert response == {"agents": {FRONT_DOOR: {"delivered_to_rooms": None}}}
    assert len(simulator.messages_for(FRONT_DOOR, kind="speak")) == 1


@pytest.mark.parametrize("no_worker", [False, True], ids=["no-room", "no-worker"])
@pytest.mark.parametrize(
    ("action", "data"),
    [("speak", {"message": "Hello"}), ("add_context", {"context": "Tea at four"})],
)
async def test_a_delivery_that_reached_no_room_is_an_error(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: Simulator,
    no_worker: bool,
    action: str,
    data: dict[str, str],
) -> None:
    """An answer of no room reached: nobody heard it, and the user is told."""
    if no_worker:
        # The session is live, but its avatar worker has not joined the room.
        for room in simulator.agent(FRONT_DOOR).live_rooms:
            simulator.set_worker_present(FRONT_DOOR, room, present=False)
    else:
        path = f"/v1/agent/*/{action.replace('_', '-')}"
        simulator.add_fault(Fault(path=path, patch={"delivered_to_rooms": 0}))
    with pytest.raises(HomeAssistantError) as exc_info:
        await hass.services.async_call(
            DOMAIN,
            action,
            data,
            target={"entity_id": "notify.front_door_speak"},
            blocking=True,
            return_response=True,
        )
    assert exc_info.value.translation_key == "not_delivered"
    assert exc_info.value.translation_placeholders == {"agent": "Front Door"}
    if no_worker:
        assert simulator.messages_for(FRONT_DOOR) == []


@pytest.mark.parametrize(
    "headers",
    [
        pytest.param({"Retry-After": "3600"}, id="an hour"),
        pytest.param({"Retry-After": "Thu, 01 Jan 2099 00:00:00 GMT"}, id="2099"),
    ],
)
async def test_retry_after_is_capped_at_ten_minutes(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: Simulator,
    advance: Advance,
    headers: dict[str, str],
) -> None:
    """However long bitHuman asks to wait, the account is read again within 10 minutes."""
    simulator.add_fault(
        Fault(path="*", status=429, code="RATE_LIMITED", headers=headers, times=1)
    )
    await advance(120)
    simulator.clear_requests()
    waited = 0
    while simulator.count("GET", "/v1/agents") == 0:
        assert waited <= 600, "not read again within 10 minutes"
        await advance(5)
        waited += 5
    assert _state(hass, "sensor.kitchen_status") == "ready"


async def test_429_without_retry_after_backs_off(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: Simulator,
    advance: Advance,
    retry_on_simulated_time: list[float],
) -> None:
    """No Retry-After: retried after growing waits, not at once and not forever."""
    simulator.add_fault(
        Fault(path="/v1/agents", status=429, code="RATE_LIMITED", times=2)
    )
    await advance(120)
    assert _state(hass, "sensor.kitchen_status") == "ready"
    waits = retry_on_simulated_time[-2:]
    assert 0 < waits[0] < waits[1]


@pytest.mark.parametrize("http_status", [401, 403])
async def test_suspended_account_asks_for_a_top_up_not_a_secret(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: Simulator,
    advance: Advance,
    entry_issue: EntryIssue,
    http_status: int,
) -> None:
    """ACCOUNT_SUSPENDED: a repair says to top up, no reauth, back by itself."""
    simulator.set_account_status(USER_ID, "suspended", http_status=http_status)
    await advance(120)
    assert _state(hass, "sensor.front_door_status") == STATE_UNAVAILABLE
    issue = entry_issue(ISSUE_ACCOUNT_SUSPENDED)
    assert issue is not None
    assert issue.translation_placeholders == {"account": init_integration.title}
    flows = hass.config_entries.flow.async_progress_by_handler(DOMAIN)
    assert not [f for f in flows if f["context"]["source"] == SOURCE_REAUTH]

    simulator.set_account_status(USER_ID, "active")
    await advance(120)
    assert _state(hass, "sensor.front_door_status") == "ready"
    assert entry_issue(ISSUE_ACCOUNT_SUSPENDED) is None


async def test_suspended_at_setup_retries_with_the_repair(
    hass: HomeAssistant,
    config_entry_factory: Callable[..., MockConfigEntry],
    simulator: Simulator,
    agents: dict[str, str],
    issue_registry: ir.IssueRegistry,
) -> None:
    """Suspended when Home Assistant starts: setup is retried, no reauth."""
    simulator.set_account_status(ACCOUNT_KEY, "suspended")
    entry = config_entry_factory(agents=agents)
    await set_up_entry(hass, entry)
    assert entry.state.name == "SETUP_RETRY"
    assert issue_registry.async_get_issue(
        DOMAIN, issue_id(ISSUE_ACCOUNT_SUSPENDED, entry.entry_id)
    )
    assert not hass.config_entries.flow.async_progress_by_handler(DOMAIN)
