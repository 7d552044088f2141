"""The bitHuman actions (services) automations, scripts and dashboards call.

Agent actions take a target: agent devices, or any of their entities (an
area or label holding them works too). Each target becomes an (account,
agent code) pair and the action runs for every pair; when some fail, the
error says which agents succeeded and which failed and why.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from functools import partial
from types import MappingProxyType
from typing import Any, Final

from homeassistant.config_entries import ConfigEntryState, ConfigSubentry
from homeassistant.core import (
    HomeAssistant,
    ServiceCall,
    ServiceResponse,
    SupportsResponse,
    callback,
)
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers import (
    config_validation as cv,
    device_registry as dr,
    entity_registry as er,
    target as target_helpers,
)
import voluptuous as vol

from .actions import (
    agent_name,
    api_errors,
    async_add_context,
    async_generate_dynamics,
    async_speak,
    async_trigger_gesture,
    async_update_prompt,
    ensure_text,
)
from .api import BithumanError, ContextDelivery
from .const import CONF_AGENT_CODE, DOMAIN, LOGGER, SUBENTRY_TYPE_AGENT
from .coordinator import BithumanConfigEntry
from .repairs import async_clear_insufficient_credits

SERVICE_SPEAK: Final = "speak"
SERVICE_ADD_CONTEXT: Final = "add_context"
SERVICE_TRIGGER_GESTURE: Final = "trigger_gesture"
SERVICE_GENERATE_DYNAMICS: Final = "generate_dynamics"
SERVICE_UPDATE_PROMPT: Final = "update_prompt"
SERVICE_GENERATE_AGENT: Final = "generate_agent"

ATTR_MESSAGE: Final = "message"
ATTR_CONTEXT: Final = "context"
ATTR_ROOM_ID: Final = "room_id"
ATTR_GESTURE: Final = "gesture"
ATTR_ROOM: Final = "room"
ATTR_DURATION: Final = "duration"
ATTR_MODEL: Final = "model"
ATTR_SYSTEM_PROMPT: Final = "system_prompt"
ATTR_CONFIG_ENTRY_ID: Final = "config_entry_id"
ATTR_PROMPT: Final = "prompt"
ATTR_IMAGE: Final = "image"
ATTR_AUDIO: Final = "audio"
ATTR_ASPECT_RATIO: Final = "aspect_ratio"
ATTR_ADD_AGENT: Final = "add_agent"

DEFAULT_DURATION: Final = 5
DEFAULT_DYNAMICS_MODEL: Final = "auto"
ASPECT_RATIOS: Final = ("16:9", "9:16", "1:1")


def _optional_text(value: Any) -> str | None:
    """Read an optional text field; an empty one counts as not given."""
    text: str = cv.string(value).strip()
    return text or None


SPEAK_SCHEMA: Final = vol.Schema(
    {
        **cv.TARGET_SERVICE_FIELDS,
        vol.Required(ATTR_MESSAGE): cv.string,
        vol.Optional(ATTR_ROOM_ID): _optional_text,
    }
)
ADD_CONTEXT_SCHEMA: Final = vol.Schema(
    {
        **cv.TARGET_SERVICE_FIELDS,
        vol.Required(ATTR_CONTEXT): cv.string,
        vol.Optional(ATTR_ROOM_ID): _optional_text,
    }
)
TRIGGER_GESTURE_SCHEMA: Final = vol.Schema(
    {
        **cv.TARGET_SERVICE_FIELDS,
        vol.Required(ATTR_GESTURE): vol.All(cv.string, vol.Strip),
        vol.Optional(ATTR_ROOM): _optional_text,
    }
)
GENERATE_DYNAMICS_SCHEMA: Final = vol.Schema(
    {
        **cv.TARGET_SERVICE_FIELDS,
        vol.Optional(ATTR_DURATION, default=DEFAULT_DURATION): vol.All(
            vol.Coerce(int), vol.Range(min=1, max=10)
        ),
        vol.Optional(ATTR_MODEL, default=DEFAULT_DYNAMICS_MODEL): vol.All(
            cv.string, vol.Strip, vol.Length(min=1)
        ),
    }
)
UPDATE_PROMPT_SCHEMA: Final = vol.Schema(
    {
        **cv.TARGET_SERVICE_FIELDS,
        vol.Required(ATTR_SYSTEM_PROMPT): cv.string,
    }
)
GENERATE_AGENT_SCHEMA: Final = vol.Schema(
    {
        vol.Required(ATTR_CONFIG_ENTRY_ID): cv.string,
        vol.Required(ATTR_PROMPT): cv.string,
        vol.Optional(ATTR_IMAGE): _optional_text,
        vol.Optional(ATTR_AUDIO): _optional_text,
        vol.Optional(ATTR_MODEL): _optional_text,
        vol.Optional(ATTR_ASPECT_RATIO): vol.In(ASPECT_RATIOS),
        vol.Optional(ATTR_ADD_AGENT, default=True): cv.boolean,
    }
)


@dataclass(frozen=True, slots=True)
class AgentTarget:
    """One agent an action was aimed at."""

    entry: BithumanConfigEntry
    code: str

    @property
    def name(self) -> str:
        """The agent's name as the user knows it."""
        return agent_name(self.entry, self.code)


def _agent_of_device(
    hass: HomeAssistant, device: dr.AnyDeviceEntry | None
) -> tuple[BithumanConfigEntry, str] | None:
    """Return the entry and code of a bitHuman agent device, else None."""
    if device is None or device.config_subentry_id is None:
        return None
    entry: BithumanConfigEntry | None = hass.config_entries.async_get_entry(
        device.config_entry_id
    )
    if entry is None or entry.domain != DOMAIN:
        return None
    subentry = entry.subentries.get(device.config_subentry_id)
    if subentry is None or subentry.subentry_type != SUBENTRY_TYPE_AGENT:
        return None
    code: str = subentry.data[CONF_AGENT_CODE]
    if (DOMAIN, code) not in device.identifiers:
        return None
    return entry, code


@callback
def async_resolve_agents(hass: HomeAssistant, call: ServiceCall) -> list[AgentTarget]:
    """Return the agents an action targets, in a stable order.

    Devices and entities named in the target must all be bitHuman agents
    (or entities of one); areas and labels contribute the agents they hold.
    Raises ServiceValidationError for a target that is not an agent, for no
    agent at all, and for an agent whose account entry is not loaded.
    """
    selection = target_helpers.TargetSelection(call.data)
    if not selection.has_any_target:
        raise ServiceValidationError(
            translation_domain=DOMAIN, translation_key="no_target"
        )
    selected = target_helpers.async_extract_referenced_entity_ids(
        hass, selection, expand_group=False, primary_entities_only=False
    )
    device_registry = dr.async_get(hass)
    entity_registry = er.async_get(hass)
    found: dict[tuple[str, str], AgentTarget] = {}
    invalid: list[str] = []

    def add(agent: tuple[BithumanConfigEntry, str]) -> None:
        entry, code = agent
        found.setdefault((entry.entry_id, code), AgentTarget(entry, code))

    named_devices = selection.device_ids
    for device_id in sorted(selected.referenced_devices):
        device = device_registry.async_get(device_id)
        if agent := _agent_of_device(hass, device):
            add(agent)
        elif device_id in named_devices:
            invalid.append(
                (device.name_by_user or device.name or device_id)
                if device
                else device_id
            )

    for entity_id, named in sorted(
        [(entity_id, True) for entity_id in selected.referenced]
        + [(entity_id, False) for entity_id in selected.indirectly_referenced]
    ):
        entity = entity_registry.async_get(entity_id)
        agent = None
        if entity is not None and entity.platform == DOMAIN and entity.device_id:
            agent = _agent_of_device(hass, device_registry.async_get(entity.device_id))
        if agent:
            add(agent)
        elif named:
            invalid.append(entity.entity_id if entity else entity_id)

    if invalid:
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="invalid_target",
            translation_placeholders={"targets": ", ".join(invalid)},
        )
    if not found:
        raise ServiceValidationError(
            translation_domain=DOMAIN, translation_key="no_target"
        )
    for target in found.values():
        if target.entry.state is not ConfigEntryState.LOADED:
            raise ServiceValidationError(
                translation_domain=DOMAIN,
                translation_key="entry_not_loaded",
                translation_placeholders={"account": target.entry.title},
            )
    return sorted(found.values(), key=lambda target: (target.name, target.code))


def _same_reason(errors: list[HomeAssistantError]) -> bool:
    """Return whether the errors differ at most in the agent they name."""

    def reason(err: HomeAssistantError) -> tuple[Any, ...]:
        placeholders = dict(err.translation_placeholders or {})
        placeholders.pop("agent", None)
        return (
            type(err),
            err.translation_domain,
            err.translation_key,
            sorted(placeholders.items()),
        )

    first = reason(errors[0])
    return first[2] is not None and all(reason(err) == first for err in errors)


def _failure(
    targets: list[AgentTarget],
    succeeded: list[AgentTarget],
    failed: list[tuple[AgentTarget, HomeAssistantError]],
) -> HomeAssistantError:
    """Describe what happened when the action failed for some agents."""
    errors = [err for _, err in failed]
    if len(failed) == len(targets) and _same_reason(errors):
        first = errors[0]
        if len(errors) == 1:
            return first
        error_type = (
            ServiceValidationError
            if isinstance(first, ServiceValidationError)
            else HomeAssistantError
        )
        combined = error_type(
            translation_domain=first.translation_domain,
            translation_key=first.translation_key,
            translation_placeholders={
                **(first.translation_placeholders or {}),
                "agent": ", ".join(target.name for target, _ in failed),
            },
        )
        combined.__cause__ = first
        return combined
    return HomeAssistantError(
        translation_domain=DOMAIN,
        translation_key="partial_failure",
        translation_placeholders={
            "succeeded": ", ".join(target.name for target in succeeded) or "none",
            "failed": "; ".join(f"{target.name}: {err}" for target, err in failed),
        },
    )


async def _outcome[T](action: Coroutine[Any, Any, T]) -> T | BaseException:
    """Return what the action returned or raised, as `gather` would."""
    try:
        return await action
    except Exception as err:  # noqa: BLE001 - sorted out by the caller
        return err


async def _async_for_each_agent[T](
    hass: HomeAssistant,
    call: ServiceCall,
    run: Callable[[AgentTarget], Coroutine[Any, Any, T]],
) -> dict[str, T]:
    """Run the action for every targeted agent; return each result by code.

    Every agent is tried. If any failed, the error raised names the agents
    it worked for and those it failed for, with the reason.
    """
    targets = async_resolve_agents(hass, call)
    # One agent is the common case: no gather (and its task) for it.
    outcomes = (
        [await _outcome(run(targets[0]))]
        if len(targets) == 1
        else await asyncio.gather(
            *(run(target) for target in targets), return_exceptions=True
        )
    )
    results: dict[str, T] = {}
    succeeded: list[AgentTarget] = []
    failed: list[tuple[AgentTarget, HomeAssistantError]] = []
    for target, outcome in zip(targets, outcomes, strict=True):
        if isinstance(outcome, HomeAssistantError):
            failed.append((target, outcome))
        elif isinstance(outcome, Exception):
            LOGGER.error(
                "Unexpected error in %s.%s for %s",
                call.domain,
                call.service,
                target.name,
                exc_info=outcome,
            )
            failed.append(
                (
                    target,
                    HomeAssistantError(
                        translation_domain=DOMAIN,
                        translation_key="unexpected_error",
                        translation_placeholders={"agent": target.name},
                    ),
                )
            )
        elif isinstance(outcome, BaseException):
            raise outcome
        else:
            results[target.code] = outcome
            succeeded.append(target)
    if failed:
        raise _failure(targets, succeeded, failed)
    return results


def _deliveries_response(deliveries: dict[str, ContextDelivery]) -> ServiceResponse:
    """Report, per agent, how many live rooms the API says got the text."""
    return {
        "agents": {
            code: {"delivered_to_rooms": delivery.delivered_to_rooms}
            for code, delivery in deliveries.items()
        }
    }


async def _async_speak(hass: HomeAssistant, call: ServiceCall) -> ServiceResponse:
    """Make each targeted agent say the message in its live session."""
    message = ensure_text(call.data[ATTR_MESSAGE], "blank_message")
    room_id: str | None = call.data.get(ATTR_ROOM_ID)
    deliveries = await _async_for_each_agent(
        hass,
        call,
        lambda target: async_speak(
            hass, target.entry, target.code, message, room_id=room_id
        ),
    )
    return _deliveries_response(deliveries)


async def _async_add_context(hass: HomeAssistant, call: ServiceCall) -> ServiceResponse:
    """Give each targeted agent knowledge it uses without saying it."""
    context = ensure_text(call.data[ATTR_CONTEXT], "blank_context")
    room_id: str | None = call.data.get(ATTR_ROOM_ID)
    deliveries = await _async_for_each_agent(
        hass,
        call,
        lambda target: async_add_context(
            hass, target.entry, target.code, context, room_id=room_id
        ),
    )
    return _deliveries_response(deliveries)


async def _async_trigger_gesture(
    hass: HomeAssistant, call: ServiceCall
) -> ServiceResponse:
    """Play a gesture in each targeted agent's live LiveKit session."""
    gesture: str = call.data[ATTR_GESTURE]
    room: str | None = call.data.get(ATTR_ROOM)
    rooms = await _async_for_each_agent(
        hass,
        call,
        lambda target: async_trigger_gesture(
            hass, target.entry, target.code, gesture, room=room
        ),
    )
    return {"agents": {code: {"room": name} for code, name in rooms.items()}}


async def _async_generate_dynamics(hass: HomeAssistant, call: ServiceCall) -> None:
    """Start generating each targeted agent's gestures (250 credits each)."""
    duration: int = call.data[ATTR_DURATION]
    model: str = call.data[ATTR_MODEL]
    await _async_for_each_agent(
        hass,
        call,
        lambda target: async_generate_dynamics(
            hass, target.entry, target.code, duration=duration, model=model
        ),
    )


async def _async_update_prompt(hass: HomeAssistant, call: ServiceCall) -> None:
    """Replace each targeted agent's system prompt."""
    system_prompt = ensure_text(call.data[ATTR_SYSTEM_PROMPT], "blank_prompt")
    await _async_for_each_agent(
        hass,
        call,
        lambda target: async_update_prompt(
            hass, target.entry, target.code, system_prompt
        ),
    )


def _media_url(call: ServiceCall, field: str) -> str | None:
    """Return the http(s) URL given in a field, if any."""
    if (value := call.data.get(field)) is None:
        return None
    try:
        url: str = cv.url(value)
    except vol.Invalid as err:
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="invalid_url",
            translation_placeholders={"field": field, "url": value},
        ) from err
    return url


@callback
def _async_loaded_entry(hass: HomeAssistant, entry_id: str) -> BithumanConfigEntry:
    """Return the loaded bitHuman entry with this id."""
    entry: BithumanConfigEntry | None = hass.config_entries.async_get_entry(entry_id)
    if entry is None or entry.domain != DOMAIN:
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="invalid_config_entry",
            translation_placeholders={"config_entry_id": entry_id},
        )
    if entry.state is not ConfigEntryState.LOADED:
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="entry_not_loaded",
            translation_placeholders={"account": entry.title},
        )
    return entry


async def _async_generate_agent(
    hass: HomeAssistant, call: ServiceCall
) -> ServiceResponse:
    """Start generating a new agent on the account; optionally follow it."""
    entry = _async_loaded_entry(hass, call.data[ATTR_CONFIG_ENTRY_ID])
    prompt = ensure_text(call.data[ATTR_PROMPT], "blank_agent_prompt")
    image = _media_url(call, ATTR_IMAGE)
    audio = _media_url(call, ATTR_AUDIO)
    client = entry.runtime_data.client
    coordinator = entry.runtime_data.coordinator
    async with api_errors(hass, entry):
        generation = await client.generate_agent(
            prompt=prompt,
            image=image,
            audio=audio,
            model=call.data.get(ATTR_MODEL),
            aspect_ratio=call.data.get(ATTR_ASPECT_RATIO),
        )
    code = generation.agent_id
    async_clear_insufficient_credits(hass, entry)
    if call.data[ATTR_ADD_AGENT] and not any(
        subentry.unique_id == code for subentry in entry.subentries.values()
    ):
        hass.config_entries.async_add_subentry(
            entry,
            ConfigSubentry(
                data=MappingProxyType({CONF_AGENT_CODE: code}),
                subentry_type=SUBENTRY_TYPE_AGENT,
                title=await _async_new_agent_title(entry, code),
                unique_id=code,
            ),
        )
        coordinator.async_watch(code)
    else:
        # Credits were spent: read the balance again soon.
        coordinator.async_watch()
    return {"agent_id": code}


async def _async_new_agent_title(entry: BithumanConfigEntry, code: str) -> str:
    """Return the name of a new agent, or its code while it has none."""
    try:
        agent = await entry.runtime_data.client.get_agent(code)
    except BithumanError as err:
        LOGGER.debug("Cannot read the name of new agent %s: %s", code, err)
        return code
    return agent.name or code


@callback
def async_setup_services(hass: HomeAssistant) -> None:
    """Register the bitHuman actions."""
    handlers: list[
        tuple[
            str,
            Callable[
                [HomeAssistant, ServiceCall], Coroutine[Any, Any, ServiceResponse]
            ],
            vol.Schema,
            SupportsResponse,
        ]
    ] = [
        (SERVICE_SPEAK, _async_speak, SPEAK_SCHEMA, SupportsResponse.OPTIONAL),
        (
            SERVICE_ADD_CONTEXT,
            _async_add_context,
            ADD_CONTEXT_SCHEMA,
            SupportsResponse.OPTIONAL,
        ),
        (
            SERVICE_TRIGGER_GESTURE,
            _async_trigger_gesture,
            TRIGGER_GESTURE_SCHEMA,
            SupportsResponse.OPTIONAL,
        ),
        (
            SERVICE_GENERATE_DYNAMICS,
            _async_generate_dynamics,
            GENERATE_DYNAMICS_SCHEMA,
            SupportsResponse.NONE,
        ),
        (
            SERVICE_UPDATE_PROMPT,
            _async_update_prompt,
            UPDATE_PROMPT_SCHEMA,
            SupportsResponse.NONE,
        ),
        (
            SERVICE_GENERATE_AGENT,
            _async_generate_agent,
            GENERATE_AGENT_SCHEMA,
            SupportsResponse.OPTIONAL,
        ),
    ]
    for service, handler, schema, supports_response in handlers:
        hass.services.async_register(
            DOMAIN,
            service,
            partial(handler, hass),
            schema=schema,
            supports_response=supports_response,
        )
