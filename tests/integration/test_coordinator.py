"""Data updates: the request budget, agents deleted upstream, one agent's fault.

Account-wide faults (outages, 429, 401, ...) are in test_faults.py.
"""

from __future__ import annotations

from dataclasses import replace

from homeassistant.components.repairs import (
    DOMAIN as REPAIRS_DOMAIN,
    repairs_flow_manager,
)
from homeassistant.const import STATE_UNAVAILABLE
from homeassistant.core import HomeAssistant
from homeassistant.helpers import (
    device_registry as dr,
    entity_registry as er,
    issue_registry as ir,
)
from homeassistant.setup import async_setup_component
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from bithuman_simulator import Fault, Simulator
from custom_components.bithuman.const import DOMAIN

from .conftest import FRONT_DOOR, KITCHEN, USER_ID, Advance, agent_device, set_up_entry

AGENT_ENTITIES = ("sensor.front_door_status", "sensor.kitchen_status")
ACCOUNT_ENTITY = "sensor.ada_example_com_credit_balance"


def _states(hass: HomeAssistant, *entity_ids: str) -> list[str]:
    states = [hass.states.get(entity_id) for entity_id in entity_ids]
    return [state.state if state else "missing" for state in states]


async def test_twenty_ready_agents_cost_at_most_90_requests_an_hour(
    hass: HomeAssistant,
    config_entry_factory: type[MockConfigEntry],
    simulator: Simulator,
    account: str,
    advance: Advance,
) -> None:
    """Steady state for 20 ready agents, none live: 90 requests an hour at most."""
    agents = {}
    for number in range(20):
        code = f"A4{number:07d}"
        simulator.add_agent(
            account, code=code, name=f"Agent {number}", dynamics="ready"
        )
        agents[code] = f"Agent {number}"
    entry = config_entry_factory(agents=agents)
    await set_up_entry(hass, entry)

    simulator.clear_requests()
    for _ in range(360):
        await advance(10)

    total = simulator.count()
    print(f"requests in one hour for 20 ready agents: {total}")  # noqa: T201
    assert total <= 90
    # Still watching everything: the agent list and the live sessions every
    # 2 minutes, each agent's dynamics and the account at least once an hour.
    assert simulator.count(path_prefix="/v1/agents") >= 29
    assert simulator.count(path_prefix=f"/v2/{USER_ID}/runtime-sessions") >= 29
    assert simulator.count(path_prefix="/v1/me") >= 1
    for code in agents:
        assert simulator.count(path_prefix=f"/v1/dynamics/{code}") >= 1


def _last_reported(hass: HomeAssistant, agent_prefix: str) -> dict[str, object]:
    return {
        state.entity_id: state.last_reported
        for state in hass.states.async_all()
        if state.object_id.startswith(agent_prefix)
    }


async def test_a_poll_writes_only_the_agent_that_changed(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: Simulator,
    advance: Advance,
) -> None:
    """A new portrait for Front Door rewrites its entities; Kitchen's are left be."""
    front_door = _last_reported(hass, "front_door_")
    kitchen = _last_reported(hass, "kitchen_")
    assert len(kitchen) > 10
    simulator.set_portrait(FRONT_DOOR, color="#224466")
    await advance(120)
    assert _last_reported(hass, "kitchen_") == kitchen
    moved = _last_reported(hass, "front_door_")
    assert all(moved[entity_id] > front_door[entity_id] for entity_id in front_door)

    # An outage is news to every agent, and so is the recovery.
    simulator.set_outage(True)
    await advance(120)
    assert set(_states(hass, *AGENT_ENTITIES)) == {STATE_UNAVAILABLE}
    simulator.set_outage(False)
    await advance(120)
    assert _states(hass, *AGENT_ENTITIES) == ["ready", "ready"]


async def test_agent_deleted_upstream(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: Simulator,
    advance: Advance,
    issue_registry: ir.IssueRegistry,
    device_registry: dr.DeviceRegistry,
    entity_registry: er.EntityRegistry,
) -> None:
    """Noticed within 3 minutes; a repair issue offers to remove the agent."""
    simulator.delete_agent(KITCHEN)
    simulator.clear_requests()
    await advance(120)
    assert _states(hass, *AGENT_ENTITIES) == ["ready", STATE_UNAVAILABLE]
    # Missing from the list, it was looked up once before being called deleted.
    assert simulator.count(path_prefix=f"/v1/agent/{KITCHEN}") == 1
    issue_id = f"agent_deleted_{init_integration.entry_id}_{KITCHEN}"
    issue = issue_registry.async_get_issue(DOMAIN, issue_id)
    assert issue is not None
    assert issue.is_fixable
    assert issue.translation_placeholders == {"name": "Kitchen", "code": KITCHEN}

    assert await async_setup_component(hass, REPAIRS_DOMAIN, {})
    manager = repairs_flow_manager(hass)
    assert manager is not None
    flow = await manager.async_init(DOMAIN, data={"issue_id": issue_id})
    assert flow["step_id"] == "confirm"
    assert flow["description_placeholders"] == {"name": "Kitchen", "code": KITCHEN}
    result = await manager.async_configure(flow["flow_id"], {})
    await hass.async_block_till_done()
    assert result["type"] == "create_entry"

    assert {s.unique_id for s in init_integration.subentries.values()} == {FRONT_DOOR}
    assert agent_device(hass, KITCHEN) is None
    assert not entity_registry.async_get_entity_id(
        "sensor", DOMAIN, f"{KITCHEN}_status"
    )
    assert issue_registry.async_get_issue(DOMAIN, issue_id) is None
    assert _states(hass, "sensor.front_door_status") == ["ready"]


@pytest.mark.parametrize(
    ("path", "message"),
    [
        # A gateway in front of the API: says nothing about the agent.
        (f"/v1/dynamics/{KITCHEN}", "Endpoint not found"),
        # Even the agent's own 404 on its dynamics is not a confirmation.
        (f"/v1/dynamics/{KITCHEN}", f"Agent not found for code: {KITCHEN}"),
    ],
)
async def test_a_404_alone_never_deletes(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: Simulator,
    advance: Advance,
    issue_registry: ir.IssueRegistry,
    path: str,
    message: str,
) -> None:
    """Deleted means gone from the full list and confirmed by bitHuman, not any 404."""
    fault = simulator.add_fault(
        Fault(path=path, method="GET", status=404, code="NOT_FOUND", message=message)
    )
    await advance(3600)
    assert _states(hass, *AGENT_ENTITIES) == ["ready", STATE_UNAVAILABLE]
    assert not issue_registry.issues
    simulator.remove_fault(fault)
    await advance(120)
    assert _states(hass, *AGENT_ENTITIES) == ["ready", "ready"]


@pytest.mark.parametrize(
    "failure",
    [
        pytest.param(Fault(status=500), id="500"),
        pytest.param(Fault(drop=True), id="connection-cut"),
    ],
)
async def test_one_agents_failing_dynamics_leave_the_others_alone(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: Simulator,
    advance: Advance,
    failure: Fault,
) -> None:
    """One agent's dynamics read fails: that agent is unavailable, then recovers."""
    fault = simulator.add_fault(
        replace(failure, path=f"/v1/dynamics/{KITCHEN}", method="GET")
    )
    await advance(3600)
    assert _states(hass, *AGENT_ENTITIES) == ["ready", STATE_UNAVAILABLE]
    assert hass.states.get(ACCOUNT_ENTITY).state != STATE_UNAVAILABLE
    # Retried at the steady pace, not every 5 seconds.
    simulator.clear_requests()
    await advance(60)
    assert simulator.count(path_prefix=f"/v1/dynamics/{KITCHEN}") == 0
    simulator.remove_fault(fault)
    await advance(120)
    assert _states(hass, *AGENT_ENTITIES) == ["ready", "ready"]


async def test_a_sessions_read_cut_off_leaves_the_agents_alone(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: Simulator,
    advance: Advance,
) -> None:
    """The agent list answered, the sessions read was cut: only Live goes."""
    fault = simulator.add_fault(
        Fault(path=f"/v2/{USER_ID}/runtime-sessions", method="GET", drop=True)
    )
    await advance(120)
    assert _states(hass, *AGENT_ENTITIES) == ["ready", "ready"]
    assert hass.states.get("binary_sensor.front_door_live").state == STATE_UNAVAILABLE
    assert hass.states.get(ACCOUNT_ENTITY).state != STATE_UNAVAILABLE
    simulator.remove_fault(fault)
    await advance(120)
    assert hass.states.get("binary_sensor.front_door_live").state == "on"


@pytest.mark.parametrize(
    ("fault", "translation_key"),
    [
        pytest.param(
            Fault(status=502, malformed="html"), "update_server_error", id="502-page"
        ),
        pytest.param(
            Fault(status=503, malformed="empty"), "update_server_error", id="503-empty"
        ),
        pytest.param(
            Fault(status=500, message="Database down"), "update_failed", id="500-said"
        ),
        pytest.param(Fault(malformed="html"), "update_unreadable", id="200-page"),
        pytest.param(Fault(drop=True), "update_unreachable", id="dropped"),
    ],
)
async def test_a_failed_poll_says_why(
    init_integration: MockConfigEntry,
    simulator: Simulator,
    advance: Advance,
    fault: Fault,
    translation_key: str,
) -> None:
    """What Home Assistant logs and shows for a failed poll names the failure."""
    simulator.add_fault(fault)
    await advance(120)
    coordinator = init_integration.runtime_data.coordinator
    assert not coordinator.last_update_success
    assert coordinator.last_exception.translation_key == translation_key
