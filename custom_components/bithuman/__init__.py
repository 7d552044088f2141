"""The bitHuman integration: talking avatars as Home Assistant devices."""

from __future__ import annotations

from homeassistant.const import Platform
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ConfigEntryAuthFailed, ConfigEntryNotReady
from homeassistant.helpers import (
    config_validation as cv,
    device_registry as dr,
    issue_registry as ir,
)
from homeassistant.helpers.aiohttp_client import async_get_clientsession
from homeassistant.helpers.typing import ConfigType

from .api import (
    DEFAULT_REQUEST_TIMEOUT,
    BithumanAuthenticationError,
    BithumanClient,
    BithumanError,
    RetryPolicy,
)
from .const import CONF_API_SECRET, CONF_API_URL, DEFAULT_API_URL, DOMAIN
from .coordinator import BithumanConfigEntry, BithumanCoordinator, BithumanRuntimeData
from .entity import account_device_info
from .livekit import GestureSender
from .repairs import deleted_agent_issue_id
from .services import async_setup_services

CONFIG_SCHEMA = cv.config_entry_only_config_schema(DOMAIN)
RETRY_POLICY = RetryPolicy()
# Seconds one API request may take; module level so tests can shorten it.
REQUEST_TIMEOUT = DEFAULT_REQUEST_TIMEOUT

PLATFORMS: list[Platform] = [
    Platform.BINARY_SENSOR,
    Platform.BUTTON,
    Platform.NOTIFY,
    Platform.SENSOR,
    Platform.SWITCH,
]


async def async_setup(hass: HomeAssistant, config: ConfigType) -> bool:
    """Register the bitHuman actions, which exist before any entry loads."""
    async_setup_services(hass)
    return True


async def async_setup_entry(hass: HomeAssistant, entry: BithumanConfigEntry) -> bool:
    """Set up a bitHuman account from a config entry."""
    client = BithumanClient(
        async_get_clientsession(hass),
        entry.data[CONF_API_SECRET],
        base_url=entry.data.get(CONF_API_URL, DEFAULT_API_URL),
        request_timeout=REQUEST_TIMEOUT,
        retry=RETRY_POLICY,
    )
    try:
        account = await client.get_account()
    except BithumanAuthenticationError as err:
        raise ConfigEntryAuthFailed(
            translation_domain=DOMAIN, translation_key="auth_failed"
        ) from err
    except BithumanError as err:
        raise ConfigEntryNotReady(
            translation_domain=DOMAIN,
            translation_key="setup_cannot_connect",
            translation_placeholders={"error": str(err)},
        ) from err

    coordinator = BithumanCoordinator(hass, entry, client, account)
    entry.runtime_data = BithumanRuntimeData(
        client=client,
        coordinator=coordinator,
        gestures=GestureSender(hass, entry),
        agent_codes=coordinator.tracked_codes,
        entry_data=dict(entry.data),
    )
    await coordinator.async_config_entry_first_refresh()

    dr.async_get(hass).async_get_or_create(
        config_entry_id=entry.entry_id,
        **account_device_info(account.user_id, client.base_url),
    )
    await hass.config_entries.async_forward_entry_setups(entry, PLATFORMS)
    entry.async_on_unload(entry.add_update_listener(_async_entry_updated))
    return True


async def _async_entry_updated(hass: HomeAssistant, entry: BithumanConfigEntry) -> None:
    """Reload for new credentials; follow agents added or removed without one.

    Options (the LiveKit connection) are read when a gesture is sent, so
    they need nothing here.
    """
    runtime = entry.runtime_data
    if dict(entry.data) != runtime.entry_data:
        hass.config_entries.async_schedule_reload(entry.entry_id)
        return
    current = runtime.coordinator.tracked_codes
    added = current - runtime.agent_codes
    removed = runtime.agent_codes - current
    runtime.agent_codes = current
    for code in removed:
        ir.async_delete_issue(
            hass, DOMAIN, deleted_agent_issue_id(entry.entry_id, code)
        )
    if added or removed:
        await runtime.coordinator.async_refresh()
    if added:
        runtime.coordinator.async_agents_changed(added)


async def async_unload_entry(hass: HomeAssistant, entry: BithumanConfigEntry) -> bool:
    """Unload a bitHuman config entry."""
    return await hass.config_entries.async_unload_platforms(entry, PLATFORMS)


async def async_remove_entry(hass: HomeAssistant, entry: BithumanConfigEntry) -> None:
    """Withdraw the repair issues of an entry that is deleted."""
    for domain, issue_id in list(ir.async_get(hass).issues):
        if domain == DOMAIN and entry.entry_id in issue_id:
            ir.async_delete_issue(hass, DOMAIN, issue_id)
