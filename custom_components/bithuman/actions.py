"""What an agent can be asked to do, shared by actions and entities.

The `bithuman.*` actions, the Speak notify entity, the buttons and the
Dynamics switch all come through here, so each API failure reaches the user
as the same translated error whichever way the request came in.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError

from .api import (
    BithumanAgentNotFoundError,
    BithumanAuthenticationError,
    BithumanConnectionError,
    BithumanError,
    BithumanInsufficientCreditsError,
    BithumanNoLiveSessionError,
    BithumanRateLimitError,
    BithumanResponseError,
    BithumanServerError,
    BithumanValidationError,
    ContextDelivery,
)
from .const import DOMAIN
from .coordinator import BithumanConfigEntry
from .repairs import async_clear_insufficient_credits, async_raise_insufficient_credits

# Failures after which the API may have carried out the request all the same.
OUTCOME_UNKNOWN = (BithumanConnectionError, BithumanServerError, BithumanResponseError)


def ensure_text(text: str, translation_key: str) -> str:
    """Return the text, or raise the translated error when it is blank."""
    if not text.strip():
        raise ServiceValidationError(
            translation_domain=DOMAIN, translation_key=translation_key
        )
    return text


def agent_name(entry: BithumanConfigEntry, code: str) -> str:
    """Return the agent's name as the user knows it."""
    coordinator = entry.runtime_data.coordinator
    if (agent := coordinator.data.agents.get(code)) and agent.name:
        return agent.name
    for subentry in entry.subentries.values():
        if subentry.unique_id == code:
            return subentry.title
    return code


@asynccontextmanager
async def api_errors(
    hass: HomeAssistant, entry: BithumanConfigEntry, code: str | None = None
) -> AsyncIterator[None]:
    """Turn a bitHuman API failure into a translated Home Assistant error."""
    name = agent_name(entry, code) if code else entry.title
    placeholders = {"agent": name, "account": entry.title}
    try:
        yield
    except BithumanAuthenticationError as err:
        entry.async_start_reauth(hass)
        raise HomeAssistantError(
            translation_domain=DOMAIN,
            translation_key="auth_failed",
            translation_placeholders=placeholders,
        ) from err
    except BithumanInsufficientCreditsError as err:
        async_raise_insufficient_credits(hass, entry)
        # Re-read the account so Credit balance shows what bitHuman saw.
        entry.runtime_data.coordinator.async_watch()
        raise HomeAssistantError(
            translation_domain=DOMAIN,
            translation_key="insufficient_credits",
            translation_placeholders=placeholders,
        ) from err
    except BithumanNoLiveSessionError as err:
        raise HomeAssistantError(
            translation_domain=DOMAIN,
            translation_key="no_live_session",
            translation_placeholders=placeholders,
        ) from err
    except BithumanAgentNotFoundError as err:
        raise HomeAssistantError(
            translation_domain=DOMAIN,
            translation_key="agent_not_found",
            translation_placeholders=placeholders,
        ) from err
    except BithumanRateLimitError as err:
        wait = "a few" if err.retry_after is None else str(round(err.retry_after))
        raise HomeAssistantError(
            translation_domain=DOMAIN,
            translation_key="rate_limited",
            translation_placeholders={**placeholders, "retry_after": wait},
        ) from err
    except BithumanValidationError as err:
        raise HomeAssistantError(
            translation_domain=DOMAIN,
            translation_key="request_rejected",
            translation_placeholders={**placeholders, "error": err.message},
        ) from err
    except BithumanConnectionError as err:
        raise HomeAssistantError(
            translation_domain=DOMAIN,
            translation_key="cannot_connect",
            translation_placeholders=placeholders,
        ) from err
    except BithumanError as err:
        raise HomeAssistantError(
            translation_domain=DOMAIN,
            translation_key="api_error",
            translation_placeholders={**placeholders, "error": err.message},
        ) from err


async def async_speak(
    hass: HomeAssistant,
    entry: BithumanConfigEntry,
    code: str,
    message: str,
    room_id: str | None = None,
) -> ContextDelivery:
    """Make the agent say the message in its live session."""
    ensure_text(message, "blank_message")
    async with api_errors(hass, entry, code):
        return await entry.runtime_data.client.speak(code, message, room_id=room_id)


async def async_add_context(
    hass: HomeAssistant,
    entry: BithumanConfigEntry,
    code: str,
    context: str,
    room_id: str | None = None,
) -> ContextDelivery:
    """Give the agent knowledge it uses without saying it aloud."""
    ensure_text(context, "blank_context")
    async with api_errors(hass, entry, code):
        return await entry.runtime_data.client.add_context(
            code, context, room_id=room_id
        )


async def async_update_prompt(
    hass: HomeAssistant, entry: BithumanConfigEntry, code: str, system_prompt: str
) -> None:
    """Replace the agent's system prompt."""
    ensure_text(system_prompt, "blank_prompt")
    async with api_errors(hass, entry, code):
        await entry.runtime_data.client.update_prompt(code, system_prompt)
    entry.runtime_data.coordinator.async_watch(code)


async def async_generate_dynamics(
    hass: HomeAssistant,
    entry: BithumanConfigEntry,
    code: str,
    duration: int = 5,
    model: str = "auto",
) -> None:
    """Start a dynamics (gesture) generation and follow it closely."""
    try:
        async with api_errors(hass, entry, code):
            await entry.runtime_data.client.generate_dynamics(
                code, duration=duration, model=model
            )
    except HomeAssistantError as err:
        if isinstance(err.__cause__, OUTCOME_UNKNOWN):
            # The answer was lost, not the request: the job may be running
            # (and charged), so follow the agent as if it had started.
            entry.runtime_data.coordinator.async_watch(code)
        raise
    async_clear_insufficient_credits(hass, entry)
    entry.runtime_data.coordinator.async_watch(code)


async def async_set_dynamics_enabled(
    hass: HomeAssistant, entry: BithumanConfigEntry, code: str, enabled: bool
) -> None:
    """Make the gesture model the active one, or restore the talking model."""
    dynamics = entry.runtime_data.coordinator.data.dynamics.get(code)
    if enabled and (dynamics is None or not dynamics.has_dynamics):
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="dynamics_not_generated",
            translation_placeholders={"agent": agent_name(entry, code)},
        )
    async with api_errors(hass, entry, code):
        result = await entry.runtime_data.client.set_dynamics_enabled(code, enabled)
    entry.runtime_data.coordinator.async_watch(code)
    if result.regeneration_status == "failed":
        raise HomeAssistantError(
            translation_domain=DOMAIN,
            translation_key="regeneration_failed",
            translation_placeholders={
                "agent": agent_name(entry, code),
                "error": result.regeneration_error or "no reason given",
            },
        )


async def async_trigger_gesture(
    hass: HomeAssistant,
    entry: BithumanConfigEntry,
    code: str,
    gesture: str,
    room: str | None = None,
) -> str:
    """Play one of the agent's gestures in its live LiveKit session.

    Return the LiveKit room the gesture was played in.
    """
    name = agent_name(entry, code)
    dynamics = entry.runtime_data.coordinator.data.dynamics.get(code)
    known = dynamics.gesture_names if dynamics else []
    if gesture not in known:
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="unknown_gesture",
            translation_placeholders={
                "agent": name,
                "gesture": gesture,
                "gestures": ", ".join(known) or "none",
            },
        )
    if dynamics is None or not dynamics.has_dynamics:
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="dynamics_not_ready",
            translation_placeholders={"agent": name},
        )
    sender = entry.runtime_data.gestures
    if not sender.configured:
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="livekit_not_configured",
            translation_placeholders={"agent": name, "account": entry.title},
        )
    return await sender.async_trigger(code, name, gesture, room=room)
