"""Diagnostics: what support needs, without secrets or what is private to the user.

Secrets, the email and the user id are redacted; system prompts, asset links
(portrait, video, model, gesture videos), voice ids and URLs are replaced by
what is enough to debug: whether a value is set, its length, a URL's host.
"""

from __future__ import annotations

from typing import Any, Final

from homeassistant.components.diagnostics import async_redact_data
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr
from yarl import URL

from .const import DOMAIN
from .coordinator import BithumanConfigEntry, BithumanData

TO_REDACT: Final = {
    "api_secret",
    "livekit_api_secret",
    "livekit_api_key",
    "webhook_secret",
    # The webhook id is the secret part of the webhook's URL.
    "webhook_id",
    "embed_salt",
    "email",
    "user_id",
    "unique_id",
    "title",
}
# Private to the user: shown only as what they look like.
TO_DESCRIBE: Final = {
    "system_prompt",
    "description",
    "image_url",
    "video_url",
    "model_url",
    "url",
    "voice_id",
    "api_url",
    "livekit_url",
    "upgrade_url",
    "pricing_url",
    "webhook_url",
}


def _describe(value: Any) -> Any:
    """Return what a private value looks like: set or not, its length, its host."""
    if not isinstance(value, str):
        return {"set": value is not None}
    described: dict[str, Any] = {"set": bool(value), "length": len(value)}
    if value.startswith(("http://", "https://", "ws://", "wss://")):
        described["host"] = URL(value).host
    return described


def _private_removed(data: Any) -> Any:
    """Describe every private field and every link, at any depth.

    Links are described wherever they are: bitHuman may add fields (gesture
    results, model files) that hold links to the user's own face.
    """
    if isinstance(data, dict):
        return {
            key: _describe(value) if key in TO_DESCRIBE else _private_removed(value)
            for key, value in data.items()
        }
    if isinstance(data, list):
        return [_private_removed(item) for item in data]
    if isinstance(data, str) and "://" in data:
        return _describe(data)
    return data


def _agent(data: BithumanData, code: str) -> dict[str, Any]:
    agent = data.agents.get(code)
    record = agent.model_dump(mode="json") if agent else None
    # The record's dynamics object may carry the gesture model's files and
    # results: whether gestures are on and which fields are there is enough.
    if record is not None and isinstance(raw := record.get("dynamics"), dict):
        record["dynamics"] = {"enabled": raw.get("enabled"), "fields": sorted(raw)}
    dynamics = data.dynamics.get(code)
    sessions = data.sessions.live_sessions_of(code) if data.sessions else []
    dynamics_json = dynamics.model_dump(mode="json") if dynamics else None
    if dynamics_json is not None:
        # Gesture name -> its video link: the names help, the links are private.
        dynamics_json["gestures"] = {
            name: _describe(url) for name, url in dynamics_json["gestures"].items()
        }
    return {
        "agent": record,
        "dynamics": dynamics_json,
        "live_sessions": [session.model_dump(mode="json") for session in sessions],
        "unreadable": code in data.unreadable,
        "deleted": code in data.deleted,
    }


def _safe(diagnostics: dict[str, Any]) -> dict[str, Any]:
    redacted: dict[str, Any] = async_redact_data(
        _private_removed(diagnostics), TO_REDACT
    )
    return redacted


def _coordinator(entry: BithumanConfigEntry) -> dict[str, Any]:
    coordinator = entry.runtime_data.coordinator
    error = coordinator.last_exception
    push = entry.runtime_data.push
    return {
        "last_update_success": coordinator.last_update_success,
        "update_interval_seconds": coordinator.update_interval.total_seconds()
        if coordinator.update_interval
        else None,
        "last_error": type(error).__name__ if error else None,
        "last_request_id": getattr(error.__cause__, "request_id", None)
        if error
        else None,
        "rate_limit_tokens": entry.runtime_data.client.rate_limits(),
        # "active", or why bitHuman does not push to this entry.
        "push": "active" if push.active else push.problem or "inactive",
        "tts_requests": entry.runtime_data.tts_requests,
    }


async def async_get_config_entry_diagnostics(
    hass: HomeAssistant, entry: BithumanConfigEntry
) -> dict[str, Any]:
    """Return the account's diagnostics."""
    data = entry.runtime_data.coordinator.data
    return _safe(
        {
            "entry": {
                "title": entry.title,
                "unique_id": entry.unique_id,
                "data": dict(entry.data),
                "options": dict(entry.options),
                "agents": sorted(
                    subentry.unique_id or "" for subentry in entry.subentries.values()
                ),
            },
            "account": data.account.model_dump(mode="json"),
            "sessions": data.sessions.model_dump(mode="json")
            if data.sessions
            else None,
            "agents": {
                code: _agent(data, code)
                for code in sorted(data.agents.keys() | data.unreadable | data.deleted)
            },
            "untracked_agents": sorted(data.untracked),
            "coordinator": _coordinator(entry),
        }
    )


async def async_get_device_diagnostics(
    hass: HomeAssistant, entry: BithumanConfigEntry, device: dr.DeviceEntry
) -> dict[str, Any]:
    """Return one agent's diagnostics (the account device: the account's)."""
    data = entry.runtime_data.coordinator.data
    codes = [code for domain, code in device.identifiers if domain == DOMAIN]
    agents = {
        code: _agent(data, code) for code in codes if code != data.account.user_id
    }
    if not agents:
        return await async_get_config_entry_diagnostics(hass, entry)
    return _safe({"agents": agents, "coordinator": _coordinator(entry)})
