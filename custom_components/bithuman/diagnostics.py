"""Diagnostics for a bitHuman config entry, with secrets and identity redacted."""

from __future__ import annotations

from typing import Any

from homeassistant.components.diagnostics import async_redact_data
from homeassistant.core import HomeAssistant

from .const import CONF_API_SECRET, CONF_LIVEKIT_API_KEY, CONF_LIVEKIT_API_SECRET
from .coordinator import BithumanConfigEntry

TO_REDACT = {
    CONF_API_SECRET,
    CONF_LIVEKIT_API_SECRET,
    CONF_LIVEKIT_API_KEY,
    "email",
    "user_id",
    "unique_id",
    "title",
    "api-secret",
}


async def async_get_config_entry_diagnostics(
    hass: HomeAssistant, entry: BithumanConfigEntry
) -> dict[str, Any]:
    """Return what support needs to see, and nothing that identifies the user."""
    coordinator = entry.runtime_data.coordinator
    data = coordinator.data
    diagnostics = {
        "entry": {
            "title": entry.title,
            "unique_id": entry.unique_id,
            "data": dict(entry.data),
            "options": dict(entry.options),
            "subentries": [
                {"name": subentry.title, "data": dict(subentry.data)}
                for subentry in entry.subentries.values()
            ],
        },
        "account": data.account.model_dump(mode="json"),
        "agents": {
            code: agent.model_dump(mode="json") for code, agent in data.agents.items()
        },
        "dynamics": {
            code: dynamics.model_dump(mode="json")
            for code, dynamics in data.dynamics.items()
        },
        "deleted_agents": sorted(data.deleted),
        "coordinator": {
            "last_update_success": coordinator.last_update_success,
            "update_interval_seconds": coordinator.update_interval.total_seconds()
            if coordinator.update_interval
            else None,
            "last_exception": repr(coordinator.last_exception)
            if coordinator.last_exception
            else None,
        },
    }
    redacted: dict[str, Any] = async_redact_data(diagnostics, TO_REDACT)
    return redacted
