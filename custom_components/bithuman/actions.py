"""What an agent can be asked to do, shared by actions and entities.

The `bithuman.*` actions, the Speak notify entity, the satellite, the
buttons and the Dynamics switch all come through here.
"""

from __future__ import annotations

from types import MappingProxyType
from typing import Literal

from homeassistant.config_entries import ConfigSubentry
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError

from .api import (
    AgentStatus,
    BithumanConnectionError,
    BithumanError,
    BithumanNotFoundError,
    BithumanResponseError,
    BithumanServerError,
    ContextDelivery,
    DynamicsUpdate,
)
from .const import (
    AGENT_CREDITS,
    CONF_AGENT_CODE,
    DOMAIN,
    DYNAMICS_CREDITS,
    LOGGER,
    SUBENTRY_TYPE_AGENT,
)
from .coordinator import BithumanConfigEntry
from .errors import (
    agent_error,
    agent_name,
    bithuman_exception_handler,
    translate_error,
)
from .repairs import async_decline_new_agent
from .schedule import Read

# What the agent is given: a message it says, or context it keeps silently.
type Delivery = Literal["message", "context"]

# Failures after which the API may have carried out the request all the same.
OUTCOME_UNKNOWN = (BithumanConnectionError, BithumanServerError, BithumanResponseError)


def ensure_text(text: str, translation_key: str) -> str:
    """Return the text, or raise the translated error when it is blank."""
    if not text.strip():
        raise ServiceValidationError(
            translation_domain=DOMAIN, translation_key=translation_key
        )
    return text


def gesture_label(gesture: str) -> str:
    """Return how a gesture is named for people ("Mini wave hello")."""
    return gesture.replace("_", " ").capitalize()


def ensure_agent_ready(entry: BithumanConfigEntry, code: str) -> None:
    """Refuse an agent that cannot be started live (it is not ready)."""
    agent = entry.runtime_data.coordinator.data.agents.get(code)
    if agent is None or agent.known_status is not AgentStatus.READY:
        raise agent_error("agent_not_ready", entry, code)


@bithuman_exception_handler()
async def async_deliver(
    entry: BithumanConfigEntry,
    code: str,
    field: Delivery,
    text: str,
    room_id: str | None = None,
) -> ContextDelivery:
    """Say a message aloud, or give context silently, in the agent's live session.

    bitHuman can accept it and still deliver it to no room (no avatar
    worker in them): that is refused as undelivered, not reported as said.
    """
    ensure_text(text, f"blank_{field}")
    client = entry.runtime_data.client
    deliver = client.speak if field == "message" else client.add_context
    delivery = await deliver(code, text, room_id=room_id)
    if delivery.delivered_to_rooms == 0:
        raise agent_error("not_delivered", entry, code, HomeAssistantError)
    return delivery


@bithuman_exception_handler()
async def async_update_prompt(
    entry: BithumanConfigEntry, code: str, system_prompt: str
) -> None:
    """Replace the agent's system prompt."""
    ensure_text(system_prompt, "blank_prompt")
    await entry.runtime_data.client.update_prompt(code, system_prompt)
    entry.runtime_data.coordinator.async_watch(Read.AGENTS)


@bithuman_exception_handler(credits_needed=lambda **_: DYNAMICS_CREDITS)
async def async_generate_dynamics(
    entry: BithumanConfigEntry,
    code: str,
    *,
    duration: int = 5,
    model: str = "auto",
) -> None:
    """Start a (paid) dynamics generation, unless it could only be wasted."""
    coordinator = entry.runtime_data.coordinator
    agent = coordinator.data.agents.get(code)
    if agent is not None and agent.known_status is AgentStatus.FAILED:
        raise agent_error("agent_failed", entry, code)
    if coordinator.dynamics_generation_pending(code):
        raise agent_error("dynamics_generating", entry, code)
    # Marked before the request leaves: a second press meanwhile is refused.
    coordinator.async_generation_requested(code)
    try:
        await entry.runtime_data.client.generate_dynamics(
            code, duration=duration, model=model
        )
    except OUTCOME_UNKNOWN:
        # The answer was lost, not necessarily the request: the job may be
        # running (and charged), so follow the agent as if it had started.
        coordinator.async_watch_dynamics(code)
        raise
    except BaseException:
        coordinator.async_generation_refused(code)
        raise
    coordinator.async_watch_dynamics(code)
    coordinator.async_watch(Read.ACCOUNT)


@bithuman_exception_handler()
async def async_set_dynamics_enabled(
    entry: BithumanConfigEntry, code: str, enabled: bool
) -> DynamicsUpdate:
    """Make the gesture model the active one, or restore the talking model.

    bitHuman saves the setting even when the regeneration it starts fails:
    pass the answer to `raise_if_regeneration_failed` once the setting is kept.
    """
    coordinator = entry.runtime_data.coordinator
    dynamics = coordinator.data.dynamics.get(code)
    if enabled and (dynamics is None or not dynamics.has_dynamics):
        raise agent_error("dynamics_not_generated", entry, code)
    result = await entry.runtime_data.client.set_dynamics_enabled(code, enabled)
    coordinator.async_watch_dynamics(code)
    return result


def raise_if_regeneration_failed(
    entry: BithumanConfigEntry, code: str, result: DynamicsUpdate
) -> None:
    """Raise the error of a regeneration that failed after the setting was saved."""
    if result.regeneration_status == "failed":
        reason = result.regeneration_error
        key = "regeneration_failed" if reason else "regeneration_failed_no_reason"
        raise agent_error(key, entry, code, HomeAssistantError, error=reason or "")


async def async_trigger_gesture(
    entry: BithumanConfigEntry, code: str, gesture: str, room: str | None = None
) -> str:
    """Play one of the agent's gestures in its live session; return the LiveKit room.

    The gesture is its action name (``mini_wave_hello``) or the name people
    see ("Mini wave hello"); anything else is refused with the agent's gestures.
    """
    dynamics = entry.runtime_data.coordinator.data.dynamics.get(code)
    known = dynamics.gesture_names if dynamics else []
    wanted = gesture.strip().casefold()
    name = next(
        (n for n in known if wanted in (n.casefold(), gesture_label(n).casefold())),
        None,
    )
    if not known:
        raise agent_error("unknown_gesture_none", entry, code, gesture=gesture)
    if name is None:
        raise agent_error(
            "unknown_gesture", entry, code, gesture=gesture, gestures=", ".join(known)
        )
    if dynamics is None or not dynamics.has_dynamics:
        raise agent_error("dynamics_not_ready", entry, code)
    sender = entry.runtime_data.gestures
    if sender is None:
        raise agent_error("livekit_not_configured", entry, code, account=entry.title)
    return await sender.async_trigger(code, agent_name(entry, code), name, room=room)


@bithuman_exception_handler()
async def async_end_sessions(
    entry: BithumanConfigEntry, code: str, reason: str | None = None
) -> int:
    """End every live session of the agent; return how many ended.

    A session that ended meanwhile (bitHuman answers 404) counts as ended.
    """
    coordinator = entry.runtime_data.coordinator
    # Read now, not from the last poll: a session started since is billing too.
    live = (await coordinator.async_read_live_sessions()).live_sessions_of(code)
    ended = 0
    failure: BithumanError | None = None
    # Each session bills until it ends: try them all, unless bitHuman is gone.
    for session in live:
        try:
            await entry.runtime_data.client.terminate_session(
                coordinator.data.account.user_id, session.id, reason=reason
            )
        except BithumanNotFoundError:
            LOGGER.debug("Session %s of %s had ended already", session.id, code)
        except BithumanError as err:
            LOGGER.warning("Ending session %s of %s failed: %s", session.id, code, err)
            failure = failure or err
            if isinstance(err, BithumanConnectionError):
                break
            continue
        ended += 1
    if ended:
        coordinator.async_watch(Read.SESSIONS)
    if failure is None:
        return ended
    if not ended:
        raise failure
    translate_error(entry, code, failure)  # reauth or a repair, as for any failure
    raise agent_error(
        "end_session_incomplete",
        entry,
        code,
        HomeAssistantError,
        ended=str(ended),
        total=str(len(live)),
    ) from failure


@bithuman_exception_handler(
    credits_needed=lambda **kwargs: AGENT_CREDITS.get(kwargs.get("model"), 2000)
)
async def async_generate_agent(
    entry: BithumanConfigEntry,
    code: None,
    *,
    prompt: str,
    image: str | None = None,
    audio: str | None = None,
    model: str | None = None,
    aspect_ratio: str | None = None,
    add_agent: bool = True,
) -> str | None:
    """Start generating a new agent on the account; return its code, if told."""
    client = entry.runtime_data.client
    coordinator = entry.runtime_data.coordinator
    generation = await client.generate_agent(
        prompt=ensure_text(prompt, "blank_agent_prompt"),
        image=image,
        audio=audio,
        model=model,
        aspect_ratio=aspect_ratio,
    )
    new_code = generation.agent_id
    coordinator.async_watch(Read.ACCOUNT)
    if new_code is None:
        # Started, but bitHuman did not say as which agent: the next read
        # of the agent list finds it, and offers it (a repair).
        coordinator.async_watch(Read.AGENTS)
        return None
    if not add_agent:
        async_decline_new_agent(coordinator.hass, entry, new_code, new_code)
    elif not any(
        subentry.unique_id == new_code for subentry in entry.subentries.values()
    ):
        coordinator.hass.config_entries.async_add_subentry(
            entry,
            ConfigSubentry(
                data=MappingProxyType({CONF_AGENT_CODE: new_code}),
                subentry_type=SUBENTRY_TYPE_AGENT,
                title=await _async_new_agent_title(entry, new_code),
                unique_id=new_code,
            ),
        )
    return new_code


async def _async_new_agent_title(entry: BithumanConfigEntry, code: str) -> str:
    """Return the name of a new agent, or its code while it has none."""
    try:
        agent = await entry.runtime_data.client.get_agent(code)
    except BithumanError as err:
        LOGGER.debug("Cannot read the name of new agent %s: %s", code, err)
        return code
    return agent.name or code
