"""Setting up, unloading and changing a bitHuman entry."""

from __future__ import annotations

from collections.abc import Callable
from types import MappingProxyType

from homeassistant import config_entries
from homeassistant.config_entries import (
    SOURCE_REAUTH,
    ConfigEntryState,
    ConfigSubentry,
)
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr, issue_registry as ir
from homeassistant.setup import async_setup_component
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from bithuman_simulator import Simulator
from custom_components.bithuman.const import (
    CONF_AGENT_CODE,
    CONF_API_SECRET,
    CONF_LIVEKIT_URL,
    DOMAIN,
    SUBENTRY_TYPE_AGENT,
)

from .conftest import ACCOUNT_KEY, FRONT_DOOR, KITCHEN, Advance


async def test_setup_and_unload(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """The entry loads, shows the agents' states, and unloads cleanly."""
    assert init_integration.state is ConfigEntryState.LOADED
    state = hass.states.get("sensor.front_door_status")
    assert state is not None
    assert state.state == "ready"

    assert await hass.config_entries.async_unload(init_integration.entry_id)
    assert init_integration.state is ConfigEntryState.NOT_LOADED
    state = hass.states.get("sensor.front_door_status")
    assert state is not None
    assert state.state == "unavailable"


@pytest.mark.parametrize("mode", ["drop", "503"])
async def test_api_down_at_setup_retries(
    hass: HomeAssistant,
    config_entry_factory: Callable[..., MockConfigEntry],
    simulator: Simulator,
    agents: dict[str, str],
    mode: str,
) -> None:
    """No API at start-up: setup is retried later, nothing crashes."""
    simulator.set_outage(True, mode=mode)  # type: ignore[arg-type]
    entry = config_entry_factory(agents=agents)
    entry.add_to_hass(hass)
    await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.SETUP_RETRY


async def test_rejected_secret_at_setup_starts_reauth(
    hass: HomeAssistant,
    config_entry_factory: Callable[..., MockConfigEntry],
    simulator: Simulator,
    agents: dict[str, str],
) -> None:
    """A 401 at start-up asks the user for a new secret."""
    simulator.revoke_secret(ACCOUNT_KEY)
    entry = config_entry_factory(agents=agents)
    entry.add_to_hass(hass)
    await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.SETUP_ERROR
    flows = hass.config_entries.flow.async_progress_by_handler(DOMAIN)
    assert [flow["context"]["source"] for flow in flows] == [SOURCE_REAUTH]


async def test_agent_added_without_reload(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: Simulator,
) -> None:
    """A new agent subentry gets its device and entities; nothing reloads."""
    simulator.add_agent(ACCOUNT_KEY, code="A50000001", name="Garage")
    coordinator = init_integration.runtime_data.coordinator
    hass.config_entries.async_add_subentry(
        init_integration,
        ConfigSubentry(
            data=MappingProxyType({CONF_AGENT_CODE: "A50000001"}),
            subentry_type=SUBENTRY_TYPE_AGENT,
            title="Garage",
            unique_id="A50000001",
        ),
    )
    await hass.async_block_till_done()

    assert init_integration.runtime_data.coordinator is coordinator
    state = hass.states.get("sensor.garage_status")
    assert state is not None
    assert state.state == "ready"
    assert hass.states.get("switch.garage_dynamics") is not None


async def test_agent_removed_takes_its_device(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    device_registry: dr.DeviceRegistry,
) -> None:
    """Removing an agent subentry removes its device and entities."""
    subentry_id = next(
        subentry.subentry_id
        for subentry in init_integration.subentries.values()
        if subentry.unique_id == KITCHEN
    )
    hass.config_entries.async_remove_subentry(init_integration, subentry_id)
    await hass.async_block_till_done()

    assert (
        device_registry.async_get_device_by_identifier(
            (DOMAIN, KITCHEN), init_integration.entry_id
        )
        is None
    )
    assert hass.states.get("sensor.kitchen_status") is None
    assert init_integration.runtime_data.coordinator.tracked_codes == {FRONT_DOOR}


async def test_options_change_does_not_reload(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """The LiveKit options are read when used; changing them reloads nothing."""
    runtime = init_integration.runtime_data
    hass.config_entries.async_update_entry(
        init_integration, options={CONF_LIVEKIT_URL: "wss://livekit.example"}
    )
    await hass.async_block_till_done()
    assert init_integration.runtime_data is runtime


async def test_new_secret_reloads(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: Simulator
) -> None:
    """New credentials stored by reauth or reconfigure reload the entry."""
    simulator.add_secret("user-0001", "sk_rotated_secret_0002")
    runtime = init_integration.runtime_data
    hass.config_entries.async_update_entry(
        init_integration,
        data={**init_integration.data, CONF_API_SECRET: "sk_rotated_secret_0002"},
    )
    await hass.async_block_till_done()
    assert init_integration.state is ConfigEntryState.LOADED
    assert init_integration.runtime_data is not runtime


async def test_removing_the_entry_withdraws_its_repairs(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: Simulator,
    advance: Advance,
    issue_registry: ir.IssueRegistry,
) -> None:
    """Deleting the entry leaves no repair issue of it behind."""
    simulator.delete_agent(KITCHEN)
    await advance(120)
    assert len(issue_registry.issues) == 1

    await hass.config_entries.async_remove(init_integration.entry_id)
    await hass.async_block_till_done()
    assert not issue_registry.issues


async def test_setup_without_an_entry_is_a_no_op(hass: HomeAssistant) -> None:
    """Loading the integration alone adds nothing but its actions and flow."""
    assert await async_setup_component(hass, DOMAIN, {})
    await hass.async_block_till_done()

    assert config_entries.HANDLERS.get(DOMAIN) is not None
    assert hass.states.async_all() == []
    assert hass.config_entries.async_entries(DOMAIN) == []
    assert hass.services.has_service(DOMAIN, "speak")
