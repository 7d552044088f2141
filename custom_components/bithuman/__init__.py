"""The bitHuman integration: talking avatars as Home Assistant devices."""

from __future__ import annotations

from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import Platform
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ConfigEntryNotReady
from homeassistant.helpers import config_validation as cv, device_registry as dr
from homeassistant.helpers.aiohttp_client import async_get_clientsession
from homeassistant.helpers.typing import ConfigType

from .api import BithumanClient, BithumanError
from .card import async_setup_card
from .const import (
    CONF_API_SECRET,
    CONF_API_URL,
    DEFAULT_API_URL,
    DOMAIN,
)
from .coordinator import (
    BithumanConfigEntry,
    BithumanCoordinator,
    BithumanRuntimeData,
    read_error,
)
from .embed import async_setup_embed
from .entity import account_device_info
from .flow_helpers import new_entry_ids
from .livekit import GestureSender
from .push import Push, async_delete_webhook
from .repairs import async_decline_removed_agents, async_delete_entry_issues
from .services import async_setup_services

CONFIG_SCHEMA = cv.config_entry_only_config_schema(DOMAIN)

PLATFORMS: list[Platform] = [
    Platform.ASSIST_SATELLITE,
    Platform.BINARY_SENSOR,
    Platform.BUTTON,
    Platform.IMAGE,
    Platform.NOTIFY,
    Platform.SENSOR,
    Platform.SWITCH,
    Platform.TTS,
]


async def async_setup(hass: HomeAssistant, config: ConfigType) -> bool:
    """Register what exists before any entry loads: actions, the card, its command."""
    async_setup_services(hass)
    async_setup_embed(hass)
    await async_setup_card(hass)
    return True


def _client(hass: HomeAssistant, entry: BithumanConfigEntry) -> BithumanClient:
    return BithumanClient(
        async_get_clientsession(hass),
        entry.data[CONF_API_SECRET],
        base_url=entry.data.get(CONF_API_URL, DEFAULT_API_URL),
    )


async def async_setup_entry(hass: HomeAssistant, entry: BithumanConfigEntry) -> bool:
    """Set up a bitHuman account from a config entry."""
    client = _client(hass, entry)
    try:
        account = await client.get_account()
    except BithumanError as err:
        raise read_error(hass, entry, err, ConfigEntryNotReady) from err

    account_device = dr.async_get(hass).async_get_or_create(
        config_entry_id=entry.entry_id,
        **account_device_info(entry.title, account.user_id, client.base_url),
    )
    coordinator = BithumanCoordinator(hass, entry, client, account)
    entry.runtime_data = BithumanRuntimeData(
        client=client,
        coordinator=coordinator,
        account_device_id=account_device.id,
        gestures=GestureSender.from_options(hass, entry.options),
        push=Push(hass, entry),
    )
    await coordinator.async_config_entry_first_refresh()
    await entry.runtime_data.push.async_setup()
    await hass.config_entries.async_forward_entry_setups(entry, PLATFORMS)
    entry.async_on_unload(entry.add_update_listener(_async_reload))
    return True


async def async_migrate_entry(hass: HomeAssistant, entry: BithumanConfigEntry) -> bool:
    """Migrate an entry to the current version; a newer one cannot be read."""
    if entry.version > 1:
        return False
    if entry.minor_version < 2:
        # 1.2: the entry's own webhook id and embed salt, made by the config flow.
        hass.config_entries.async_update_entry(
            entry, data={**new_entry_ids(), **entry.data}, minor_version=2
        )
    return True


async def _async_reload(hass: HomeAssistant, entry: BithumanConfigEntry) -> None:
    """Reload when the entry, its agents (subentries) or its options change."""
    if (runtime_data := getattr(entry, "runtime_data", None)) is not None:
        async_decline_removed_agents(hass, entry, runtime_data.coordinator)
    await hass.config_entries.async_reload(entry.entry_id)


async def async_unload_entry(hass: HomeAssistant, entry: BithumanConfigEntry) -> bool:
    """Unload a bitHuman config entry."""
    return await hass.config_entries.async_unload_platforms(entry, PLATFORMS)


async def async_remove_entry(hass: HomeAssistant, entry: BithumanConfigEntry) -> None:
    """Withdraw the entry's repair issues and its webhook on bitHuman."""
    async_delete_entry_issues(hass, entry.entry_id)
    await async_delete_webhook(hass, entry, _client(hass, entry))


async def async_remove_config_entry_device(
    hass: HomeAssistant, entry: BithumanConfigEntry, device: dr.DeviceEntry
) -> bool:
    """Let the user delete a device whose agent is gone from bitHuman.

    A device of an agent bitHuman still has would come back; the agent's
    subentry (Delete on the integration page) is the way to remove that one.
    """
    if entry.state is not ConfigEntryState.LOADED:
        return False
    data = entry.runtime_data.coordinator.data
    codes = {code for domain, code in device.identifiers if domain == DOMAIN}
    gone = codes & data.deleted
    if not gone:
        return False
    for subentry in list(entry.subentries.values()):
        if subentry.unique_id in gone:
            hass.config_entries.async_remove_subentry(entry, subentry.subentry_id)
    return True
