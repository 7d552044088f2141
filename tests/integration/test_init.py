"""Setting up, reloading, unloading and removing a bitHuman entry."""

from __future__ import annotations

from collections.abc import Callable
from types import MappingProxyType

from homeassistant import config_entries
from homeassistant.config_entries import SOURCE_REAUTH, ConfigEntryState, ConfigSubentry
from homeassistant.const import STATE_UNAVAILABLE
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr, issue_registry as ir
from homeassistant.setup import async_setup_component
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.typing import WebSocketGenerator

from bithuman_simulator import Simulator
from custom_components.bithuman.const import (
    CONF_AGENT_CODE,
    CONF_API_SECRET,
    CONF_API_URL,
    CONF_EMBED_SALT,
    CONF_LIVEKIT_API_KEY,
    CONF_LIVEKIT_API_SECRET,
    CONF_LIVEKIT_URL,
    CONF_WEBHOOK_ID,
    DOMAIN,
    SUBENTRY_TYPE_AGENT,
)

from .conftest import (
    ACCOUNT_KEY,
    EMAIL,
    FRONT_DOOR,
    KITCHEN,
    USER_ID,
    Advance,
    agent_device,
    set_up_entry,
)


async def test_setup_and_unload(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """The entry loads, shows the agents' states, and unloads cleanly."""
    assert init_integration.state is ConfigEntryState.LOADED
    assert hass.states.get("sensor.front_door_status").state == "ready"

    assert await hass.config_entries.async_unload(init_integration.entry_id)
    assert init_integration.state is ConfigEntryState.NOT_LOADED
    assert hass.states.get("sensor.front_door_status").state == STATE_UNAVAILABLE


async def test_an_entry_of_1_1_gets_its_own_ids(
    hass: HomeAssistant,
    config_entry_factory: Callable[..., MockConfigEntry],
    account: str,
    simulator_url: str,
) -> None:
    """Made before 1.2 (no webhook id or embed salt): migrated, then set up."""
    old = {CONF_API_SECRET: account, CONF_API_URL: simulator_url}
    entries = [
        config_entry_factory(minor_version=1, data=old, unique_id=f"user-{n}")
        for n in range(2)
    ]
    for entry in entries:
        assert await set_up_entry(hass, entry)
        assert entry.state is ConfigEntryState.LOADED
        assert entry.minor_version == 2
        assert old.items() <= entry.data.items()
    ids = [
        (entry.data[CONF_WEBHOOK_ID], entry.data[CONF_EMBED_SALT]) for entry in entries
    ]
    assert len({value for pair in ids for value in pair}) == 4  # each its own


async def test_an_entry_of_1_1_keeps_the_ids_it_has(
    hass: HomeAssistant, config_entry_factory: Callable[..., MockConfigEntry]
) -> None:
    """Ids an earlier release wrote at setup stay: the webhook and fingerprints hold."""
    entry = config_entry_factory(minor_version=1)
    before = dict(entry.data)
    assert await set_up_entry(hass, entry)
    assert entry.minor_version == 2
    assert entry.data[CONF_WEBHOOK_ID] == before[CONF_WEBHOOK_ID]
    assert entry.data[CONF_EMBED_SALT] == before[CONF_EMBED_SALT]


async def test_an_entry_of_a_newer_version_is_not_set_up(
    hass: HomeAssistant, config_entry_factory: Callable[..., MockConfigEntry]
) -> None:
    """Written by a later release (version 2): left alone, not misread."""
    entry = config_entry_factory(version=2)
    assert not await set_up_entry(hass, entry)
    assert entry.state is ConfigEntryState.MIGRATION_ERROR
    assert entry.version == 2


async def test_devices(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    device_registry: dr.DeviceRegistry,
) -> None:
    """The account device is named after the account; agents hang off it."""
    account = agent_device(hass, USER_ID)
    front_door = agent_device(hass, FRONT_DOOR)
    assert account is not None
    assert front_door is not None
    assert account.name == EMAIL
    assert account.entry_type is dr.DeviceEntryType.SERVICE
    # The simulator is not bitHuman's site: the link goes where the API is.
    assert account.configuration_url == init_integration.data["api_url"]
    assert front_door.via_device_id == account.id
    assert (front_door.name, front_door.manufacturer, front_door.serial_number) == (
        "Front Door",
        "bitHuman",
        FRONT_DOOR,
    )


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
    await set_up_entry(hass, entry)
    assert entry.state is ConfigEntryState.SETUP_RETRY


async def test_rejected_secret_at_setup_starts_reauth(
    hass: HomeAssistant, entry_with_revoked_secret: MockConfigEntry
) -> None:
    """A 401 at start-up asks the user for a new secret."""
    assert entry_with_revoked_secret.state is ConfigEntryState.SETUP_ERROR
    flows = hass.config_entries.flow.async_progress_by_handler(DOMAIN)
    assert [flow["context"]["source"] for flow in flows] == [SOURCE_REAUTH]


def _subentry(code: str, name: str) -> ConfigSubentry:
    return ConfigSubentry(
        data=MappingProxyType({CONF_AGENT_CODE: code}),
        subentry_type=SUBENTRY_TYPE_AGENT,
        title=name,
        unique_id=code,
    )


async def test_agent_added(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: Simulator
) -> None:
    """A new agent subentry reloads the entry: its device and entities appear."""
    simulator.add_agent(ACCOUNT_KEY, code="A50000001", name="Garage")
    hass.config_entries.async_add_subentry(
        init_integration, _subentry("A50000001", "Garage")
    )
    await hass.async_block_till_done()

    assert init_integration.state is ConfigEntryState.LOADED
    assert hass.states.get("sensor.garage_status").state == "ready"
    assert hass.states.get("switch.garage_dynamics") is not None
    assert hass.states.get("sensor.front_door_status").state == "ready"


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

    assert agent_device(hass, KITCHEN) is None
    assert hass.states.get("sensor.kitchen_status") is None
    assert init_integration.runtime_data.coordinator.tracked == {FRONT_DOOR}


async def test_options_reload_and_enable_gestures(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """Gesture buttons wait for the LiveKit options and work once they are set."""
    button = "button.front_door_mini_wave_hello"
    assert hass.states.get(button).state == STATE_UNAVAILABLE

    hass.config_entries.async_update_entry(
        init_integration,
        options={
            CONF_LIVEKIT_URL: "wss://livekit.example",
            CONF_LIVEKIT_API_KEY: "key",
            CONF_LIVEKIT_API_SECRET: "secret",
        },
    )
    await hass.async_block_till_done()
    assert hass.states.get(button).state != STATE_UNAVAILABLE
    assert init_integration.runtime_data.gestures is not None


async def test_new_secret_reloads(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: Simulator
) -> None:
    """New credentials stored by reauth or reconfigure reload the entry."""
    simulator.add_secret(USER_ID, "sk_rotated_secret_0002")
    client = init_integration.runtime_data.client
    hass.config_entries.async_update_entry(
        init_integration,
        data={**init_integration.data, CONF_API_SECRET: "sk_rotated_secret_0002"},
    )
    await hass.async_block_till_done()
    assert init_integration.state is ConfigEntryState.LOADED
    assert init_integration.runtime_data.client is not client


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


async def test_stale_device_can_be_deleted(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: Simulator,
    advance: Advance,
    device_registry: dr.DeviceRegistry,
    hass_ws_client: WebSocketGenerator,
) -> None:
    """A device whose agent is gone from bitHuman can be deleted; a live one cannot."""
    assert await async_setup_component(hass, "config", {})
    client = await hass_ws_client(hass)
    front_door = agent_device(hass, FRONT_DOOR)
    response = await client.remove_device(front_door.id)
    assert not response["success"]

    simulator.delete_agent(KITCHEN)
    await advance(120)
    kitchen = agent_device(hass, KITCHEN)
    response = await client.remove_device(kitchen.id)
    assert response["success"]
    await hass.async_block_till_done()
    assert agent_device(hass, KITCHEN) is None
    assert KITCHEN not in {s.unique_id for s in init_integration.subentries.values()}


async def test_setup_without_an_entry_is_a_no_op(hass: HomeAssistant) -> None:
    """Loading the integration alone adds nothing but its actions and flow."""
    assert await async_setup_component(hass, DOMAIN, {})
    await hass.async_block_till_done()

    assert config_entries.HANDLERS.get(DOMAIN) is not None
    assert hass.states.async_all() == []
    assert hass.config_entries.async_entries(DOMAIN) == []
    assert hass.services.has_service(DOMAIN, "speak")
