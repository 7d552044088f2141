"""The bitHuman actions that automations, scripts and dashboards call.

Agent actions take a target (see `targets`); the account action takes the
config entry, checked with Home Assistant's `service.async_get_config_entry`.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from functools import partial
from typing import Any, Final

from homeassistant.const import ATTR_CONFIG_ENTRY_ID
from homeassistant.core import (
    HomeAssistant,
    ServiceCall,
    ServiceResponse,
    SupportsResponse,
    callback,
)
from homeassistant.helpers import (
    config_validation as cv,
    service,
)
import voluptuous as vol

from .actions import (
    Delivery,
    async_deliver,
    async_end_sessions,
    async_generate_agent,
    async_generate_dynamics,
    async_trigger_gesture,
    async_update_prompt,
    ensure_text,
)
from .const import DOMAIN
from .coordinator import BithumanConfigEntry
from .targets import async_for_each_agent

ASPECT_RATIOS: Final = ("16:9", "9:16", "1:1")


def _optional_text(value: Any) -> str | None:
    """Read an optional text field; an empty one counts as not given."""
    text: str = cv.string(value).strip()
    return text or None


def _agent_schema(fields: dict[Any, Any]) -> vol.Schema:
    return vol.Schema({**cv.TARGET_SERVICE_FIELDS, **fields})


def _delivery_schema(field: Delivery) -> vol.Schema:
    return _agent_schema(
        {vol.Required(field): cv.string, vol.Optional("room_id"): _optional_text}
    )


TRIGGER_GESTURE_SCHEMA: Final = _agent_schema(
    {
        vol.Required("gesture"): vol.All(cv.string, vol.Strip),
        vol.Optional("room"): _optional_text,
    }
)
GENERATE_DYNAMICS_SCHEMA: Final = _agent_schema(
    {
        vol.Optional("duration", default=5): vol.All(
            vol.Coerce(int), vol.Range(min=1, max=10)
        ),
        vol.Optional("model", default="auto"): vol.All(
            cv.string, vol.Strip, vol.Length(min=1)
        ),
    }
)
UPDATE_PROMPT_SCHEMA: Final = _agent_schema({vol.Required("system_prompt"): cv.string})
END_SESSION_SCHEMA: Final = _agent_schema({vol.Optional("reason"): _optional_text})
GENERATE_AGENT_SCHEMA: Final = vol.Schema(
    {
        vol.Required(ATTR_CONFIG_ENTRY_ID): cv.string,
        vol.Required("prompt"): cv.string,
        vol.Optional("image"): vol.All(_optional_text, vol.Any(None, cv.url)),
        vol.Optional("audio"): vol.All(_optional_text, vol.Any(None, cv.url)),
        vol.Optional("model"): _optional_text,
        vol.Optional("aspect_ratio"): vol.In(ASPECT_RATIOS),
        vol.Optional("add_agent", default=True): cv.boolean,
    }
)


async def _async_deliver(
    field: Delivery, hass: HomeAssistant, call: ServiceCall
) -> ServiceResponse:
    text = ensure_text(call.data[field], f"blank_{field}")
    deliveries = await async_for_each_agent(
        hass, call, async_deliver, field, text, call.data.get("room_id")
    )
    return {
        "agents": {
            code: {"delivered_to_rooms": delivery.delivered_to_rooms}
            for code, delivery in deliveries.items()
        }
    }


async def _async_trigger_gesture(
    hass: HomeAssistant, call: ServiceCall
) -> ServiceResponse:
    rooms = await async_for_each_agent(
        hass, call, async_trigger_gesture, call.data["gesture"], call.data.get("room")
    )
    return {"agents": {code: {"room": name} for code, name in rooms.items()}}


async def _async_generate_dynamics(hass: HomeAssistant, call: ServiceCall) -> None:
    await async_for_each_agent(
        hass,
        call,
        async_generate_dynamics,
        duration=call.data["duration"],
        model=call.data["model"],
    )


async def _async_update_prompt(hass: HomeAssistant, call: ServiceCall) -> None:
    prompt = ensure_text(call.data["system_prompt"], "blank_prompt")
    await async_for_each_agent(hass, call, async_update_prompt, prompt)


async def _async_end_session(hass: HomeAssistant, call: ServiceCall) -> ServiceResponse:
    ended = await async_for_each_agent(
        hass, call, async_end_sessions, call.data.get("reason")
    )
    return {"agents": {code: {"ended": count} for code, count in ended.items()}}


async def _async_generate_agent(
    hass: HomeAssistant, call: ServiceCall
) -> ServiceResponse:
    entry: BithumanConfigEntry = service.async_get_config_entry(
        hass, DOMAIN, call.data[ATTR_CONFIG_ENTRY_ID]
    )
    code = await async_generate_agent(
        entry,
        None,
        prompt=call.data["prompt"],
        image=call.data.get("image"),
        audio=call.data.get("audio"),
        model=call.data.get("model"),
        aspect_ratio=call.data.get("aspect_ratio"),
        add_agent=call.data["add_agent"],
    )
    return {"agent_id": code}


type Handler = Callable[
    [HomeAssistant, ServiceCall], Coroutine[Any, Any, ServiceResponse]
]

SERVICES: Final[dict[str, tuple[Handler, vol.Schema]]] = {
    "speak": (partial(_async_deliver, "message"), _delivery_schema("message")),
    "add_context": (partial(_async_deliver, "context"), _delivery_schema("context")),
    "trigger_gesture": (_async_trigger_gesture, TRIGGER_GESTURE_SCHEMA),
    "generate_dynamics": (_async_generate_dynamics, GENERATE_DYNAMICS_SCHEMA),
    "update_prompt": (_async_update_prompt, UPDATE_PROMPT_SCHEMA),
    "end_session": (_async_end_session, END_SESSION_SCHEMA),
}
# The actions that only act: the others answer what they did, if asked.
NO_RESPONSE: Final = frozenset({"generate_dynamics", "update_prompt"})


@callback
def async_setup_services(hass: HomeAssistant) -> None:
    """Register the bitHuman actions."""
    for name, (handler, schema) in SERVICES.items():
        hass.services.async_register(
            DOMAIN,
            name,
            partial(handler, hass),
            schema=schema,
            supports_response=SupportsResponse.NONE
            if name in NO_RESPONSE
            else SupportsResponse.OPTIONAL,
        )
    # Billed up to 2000 credits and not about one agent's entities: admins only.
    service.async_register_admin_service(
        hass,
        DOMAIN,
        "generate_agent",
        partial(_async_generate_agent, hass),
        GENERATE_AGENT_SCHEMA,
        SupportsResponse.OPTIONAL,
    )
