"""The bitHuman actions, end to end: Home Assistant to the simulated API.

Each action is called through `hass.services.async_call` with a real entry
whose client talks HTTP to the simulator; the tests read back the exact
requests the API received, the response data, and every error's translation
key and placeholders. Gesture delivery over LiveKit is in test_livekit.py.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
import inspect
import json
from pathlib import Path
import re
from types import MappingProxyType
from typing import TYPE_CHECKING, Any
from unittest.mock import ANY

from homeassistant.auth.permissions import PermissionLookup, PolicyPermissions
from homeassistant.auth.permissions.const import POLICY_CONTROL
from homeassistant.config_entries import ConfigEntryState, ConfigSubentry
from homeassistant.const import (
    ATTR_AREA_ID,
    ATTR_DEVICE_ID,
    ATTR_ENTITY_ID,
    ATTR_LABEL_ID,
    STATE_UNAVAILABLE,
)
from homeassistant.core import Context, HomeAssistant, ServiceResponse
from homeassistant.exceptions import (
    HomeAssistantError,
    ServiceValidationError,
    Unauthorized,
)
from homeassistant.helpers import (
    area_registry as ar,
    device_registry as dr,
    entity_registry as er,
    issue_registry as ir,
    label_registry as lr,
    selector,
)
from homeassistant.loader import async_get_integration
from homeassistant.setup import async_setup_component
from homeassistant.util.yaml import load_yaml_dict
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, MockUser
import voluptuous as vol

from bithuman_simulator import Fault
from bithuman_simulator.overrides import REMOVE
from custom_components.bithuman.api import exceptions as client_errors
from custom_components.bithuman.const import (
    CONF_API_SECRET,
    CONF_API_URL,
    DOMAIN,
    SUBENTRY_TYPE_AGENT,
)

from .conftest import (
    ACTIONS,
    EMAIL,
    FRONT_DOOR,
    KITCHEN,
    OTHER_EMAIL,
    OTHER_USER_ID,
    USER_ID,
    Advance,
    agent_subentry,
)

if TYPE_CHECKING:
    from bithuman_simulator import Simulator

ATTIC = "A10000009"
STUDIO = "A20000001"
FRONT_DOOR_TARGET = {ATTR_ENTITY_ID: "sensor.front_door_status"}
KITCHEN_TARGET = {ATTR_ENTITY_ID: "notify.kitchen_speak"}
BOTH_TARGET = {ATTR_ENTITY_ID: ["sensor.front_door_status", "sensor.kitchen_status"]}
TRANSLATIONS = (
    Path(__file__)
    .parents[2]
    .joinpath("custom_components", DOMAIN, "translations", "en.json")
)
TERMINATE = re.compile(rf"^/v2/{USER_ID}/runtime-sessions/(?P<id>[^/]+)/terminate$")


# Helpers


async def call(
    hass: HomeAssistant,
    service: str,
    data: dict[str, Any],
    target: dict[str, Any] | None = None,
    *,
    return_response: bool = False,
    context: Context | None = None,
) -> ServiceResponse:
    """Call a bitHuman action and wait for it."""
    return await hass.services.async_call(
        DOMAIN,
        service,
        data,
        target=target,
        blocking=True,
        return_response=return_response,
        context=context,
    )


def writes(simulator: Simulator) -> list[tuple[str, str, Any]]:
    """Return the requests that change something (polling reads left out)."""
    return [
        (request.method, request.path, request.json)
        for request in simulator.requests
        if request.method != "GET"
    ]


def terminated(simulator: Simulator) -> list[str]:
    """Return the session ids a terminate request was sent for, in order."""
    return [
        match["id"]
        for request in simulator.requests
        if request.method == "POST" and (match := TERMINATE.match(request.path))
    ]


def device_id(hass: HomeAssistant, code: str) -> str:
    """Return the id of the device of an agent (or of an account, by user id)."""
    [device] = dr.async_get(hass).async_get_devices(identifiers={(DOMAIN, code)})
    return device.id


def _literal_parts(template: str) -> list[str]:
    """Return the sentences of a message template, placeholders cut out."""
    parts = re.split(r"\{[a-z_]+\}", template)
    return [part.strip(' .,:;()"') for part in parts if len(part.split()) >= 3]


def _our_prose() -> list[str]:
    """Return text we wrote that no placeholder value may contain.

    The literal parts of every message in translations/en.json, and the
    phrases the client's transport and parser put into error messages.
    """
    exceptions = json.loads(TRANSLATIONS.read_text(encoding="utf-8"))["exceptions"]
    return [
        *(
            part
            for message in exceptions.values()
            for part in _literal_parts(message["message"])
        ),
        " failed: ",
        "got no answer within",
        "answered with non-JSON",
        "in the bitHuman API response",
        "is not a valid",
    ]


def _client_messages() -> set[str]:
    """Return the messages the client uses when the API gave none."""
    messages: set[str] = set()
    classes = [client_errors.BithumanError]
    while classes:
        cls = classes.pop()
        messages.add(cls.default_message)
        classes.extend(cls.__subclasses__())
    return messages


OUR_PROSE = _our_prose()
CLIENT_MESSAGES = _client_messages()


def assert_no_prose(err: HomeAssistantError) -> None:
    """Placeholders hold names, codes, numbers and API messages, never our prose.

    The frontend renders the message in the user's language from the key and
    the placeholders; English we wrote inside a placeholder would stay English.
    """
    for name, value in (err.translation_placeholders or {}).items():
        assert value not in CLIENT_MESSAGES, f"placeholder {name}={value!r}"
        for text in OUR_PROSE:
            assert text not in value, f"placeholder {name}={value!r} holds {text!r}"


def assert_error(
    err: BaseException,
    translation_key: str,
    placeholders: dict[str, Any] | None = None,
    *,
    domain: str = DOMAIN,
) -> None:
    """Assert a translated error: its key, its placeholders, no prose in them."""
    assert isinstance(err, HomeAssistantError)
    assert (err.translation_domain, err.translation_key) == (domain, translation_key)
    assert err.translation_placeholders == placeholders
    assert_no_prose(err)


def insufficient_credits_issue(
    hass: HomeAssistant, entry: MockConfigEntry
) -> ir.IssueEntry | None:
    """Return the out-of-credits repair of the entry, if raised."""
    return ir.async_get(hass).async_get_issue(
        DOMAIN, f"insufficient_credits_{entry.entry_id}"
    )


type SetUp = Callable[..., Awaitable[MockConfigEntry]]


@pytest.fixture
def set_up(
    hass: HomeAssistant,
    config_entry_factory: Callable[..., MockConfigEntry],
    agents: dict[str, str],
) -> SetUp:
    """Return a function that sets up the account with the agents and more.

    ``extra`` adds agent subentries (create their agents first); other keyword
    arguments go to the entry.
    """

    async def set_up(
        *, extra: dict[str, str] | None = None, **kwargs: Any
    ) -> MockConfigEntry:
        entry = config_entry_factory(agents={**agents, **(extra or {})}, **kwargs)
        entry.add_to_hass(hass)
        assert await hass.config_entries.async_setup(entry.entry_id)
        await hass.async_block_till_done()
        return entry

    return set_up


@pytest.fixture
def sim(simulator: Simulator, init_integration: MockConfigEntry) -> Simulator:
    """Return the simulator once the entry is loaded, its setup requests forgotten."""
    simulator.clear_requests()
    return simulator


@pytest.fixture
def both_live(sim: Simulator) -> Simulator:
    """Make Kitchen live too (in the room "kitchen"); Front Door is live in "hall"."""
    sim.set_live_rooms(KITCHEN, ["kitchen"])
    return sim


async def assert_refused_as_not_loaded(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    simulator: Simulator,
    service: str,
    data: dict[str, Any],
    target: dict[str, Any] | None = None,
) -> None:
    """Unload the account, then call: Home Assistant's own error, nothing sent."""
    assert await hass.config_entries.async_unload(entry.entry_id)
    simulator.clear_requests()

    with pytest.raises(ServiceValidationError) as exc_info:
        await call(hass, service, data, target)

    assert_error(
        exc_info.value,
        "service_config_entry_not_loaded",
        {"domain": DOMAIN, "entry_title": EMAIL},
        domain="homeassistant",
    )
    assert simulator.requests == []


@pytest.fixture
async def studio_entry(
    hass: HomeAssistant,
    simulator: Simulator,
    other_account: str,
    simulator_url: str,
) -> MockConfigEntry:
    """Set up a second account with one live agent, Studio."""
    simulator.add_agent(
        other_account, code=STUDIO, name="Studio", live_rooms=["studio"]
    )
    entry = MockConfigEntry(
        domain=DOMAIN,
        title=OTHER_EMAIL,
        unique_id=OTHER_USER_ID,
        data={CONF_API_SECRET: other_account, CONF_API_URL: simulator_url},
        subentries_data=[agent_subentry(STUDIO, "Studio")],
    )
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    return entry


# Registration and descriptions


async def services_yaml(hass: HomeAssistant) -> dict[str, Any]:
    """Return the integration's services.yaml, loaded as Home Assistant does."""
    integration = await async_get_integration(hass, DOMAIN)
    return await hass.async_add_executor_job(
        load_yaml_dict, str(integration.file_path / "services.yaml")
    )


async def test_actions_exist_before_any_entry(hass: HomeAssistant) -> None:
    """The actions are registered by async_setup, before an entry loads."""
    assert await async_setup_component(hass, DOMAIN, {})

    assert {s for s in ACTIONS if hass.services.has_service(DOMAIN, s)} == set(ACTIONS)


async def test_every_action_is_in_services_yaml_and_translated(
    hass: HomeAssistant,
) -> None:
    """services.yaml and translations/en.json describe exactly the actions."""
    services = await services_yaml(hass)
    translations = json.loads(TRANSLATIONS.read_text(encoding="utf-8"))["services"]

    assert set(services) == set(ACTIONS)
    assert set(translations) == set(ACTIONS)


async def test_every_action_has_an_icon(hass: HomeAssistant) -> None:
    """icons.json gives every action an icon."""
    integration = await async_get_integration(hass, DOMAIN)
    icons = json.loads((integration.file_path / "icons.json").read_text())["services"]

    assert set(icons) == set(ACTIONS)


async def test_every_field_is_described_with_a_valid_selector(
    hass: HomeAssistant,
) -> None:
    """Each field has a name, a description and a selector Home Assistant accepts."""
    services = await services_yaml(hass)
    translations = json.loads(TRANSLATIONS.read_text(encoding="utf-8"))["services"]

    for service, description in services.items():
        assert translations[service]["name"], service
        assert translations[service]["description"], service
        assert set(description["fields"]) == set(translations[service]["fields"])
        for name, field in description["fields"].items():
            assert translations[service]["fields"][name]["name"], (service, name)
            assert translations[service]["fields"][name]["description"]
            selector.validate_selector(field["selector"])
        assert ("target" in description) == (service != "generate_agent")
        if "target" in description:
            selector.TargetSelector(description["target"])


# speak


async def test_speak_sends_the_message(hass: HomeAssistant, sim: Simulator) -> None:
    """The message goes to the agent's speak endpoint, word for word."""
    await call(hass, "speak", {"message": "Welcome home!"}, FRONT_DOOR_TARGET)

    assert writes(sim) == [
        ("POST", f"/v1/agent/{FRONT_DOOR}/speak", {"message": "Welcome home!"})
    ]
    assert [m.text for m in sim.messages_for(FRONT_DOOR, kind="speak")] == [
        "Welcome home!"
    ]


async def test_speak_returns_the_rooms_reached(
    hass: HomeAssistant, sim: Simulator
) -> None:
    """Asked for a response, speak returns what the API reported per agent."""
    sim.set_live_rooms(FRONT_DOOR, ["hall", "porch"])

    response = await call(
        hass, "speak", {"message": "Hi"}, FRONT_DOOR_TARGET, return_response=True
    )

    assert response == {"agents": {FRONT_DOOR: {"delivered_to_rooms": 2}}}


async def test_speak_without_response(hass: HomeAssistant, sim: Simulator) -> None:
    """Not asked for a response, speak returns nothing."""
    assert await call(hass, "speak", {"message": "Hi"}, FRONT_DOOR_TARGET) is None


async def test_speak_in_one_room(hass: HomeAssistant, sim: Simulator) -> None:
    """A room id is sent along; only that room hears the message."""
    sim.set_live_rooms(FRONT_DOOR, ["hall", "porch"])

    await call(
        hass, "speak", {"message": "Parcel", "room_id": "porch"}, FRONT_DOOR_TARGET
    )

    assert writes(sim) == [
        (
            "POST",
            f"/v1/agent/{FRONT_DOOR}/speak",
            {"message": "Parcel", "room_id": "porch"},
        )
    ]
    assert [m.room_id for m in sim.messages_for(FRONT_DOOR)] == ["porch"]


async def test_speak_with_an_empty_room_speaks_everywhere(
    hass: HomeAssistant, sim: Simulator
) -> None:
    """An empty room id counts as not given: every live room hears it."""
    sim.set_live_rooms(FRONT_DOOR, ["hall", "porch"])

    await call(hass, "speak", {"message": "Hi", "room_id": "  "}, FRONT_DOOR_TARGET)

    assert writes(sim) == [("POST", f"/v1/agent/{FRONT_DOOR}/speak", {"message": "Hi"})]
    assert {m.room_id for m in sim.messages_for(FRONT_DOOR)} == {"hall", "porch"}


async def test_speak_without_live_session(hass: HomeAssistant, sim: Simulator) -> None:
    """An agent without a live session: no_live_session, naming the agent."""
    with pytest.raises(HomeAssistantError) as exc_info:
        await call(hass, "speak", {"message": "Hi"}, KITCHEN_TARGET)

    assert_error(
        exc_info.value,
        "no_live_session",
        {
            "agent": "Kitchen",
            "account": EMAIL,
        },
    )


# add_context


async def test_add_context_sends_the_context(
    hass: HomeAssistant, sim: Simulator
) -> None:
    """Context goes to add-context as silent knowledge, in the room given."""
    await call(
        hass,
        "add_context",
        {"context": "Ada just came home.", "room_id": "hall"},
        FRONT_DOOR_TARGET,
    )

    assert writes(sim) == [
        (
            "POST",
            f"/v1/agent/{FRONT_DOOR}/add-context",
            {
                "context": "Ada just came home.",
                "type": "add_context",
                "room_id": "hall",
            },
        )
    ]
    [message] = sim.messages_for(FRONT_DOOR)
    assert (message.kind, message.text) == ("add_context", "Ada just came home.")


async def test_add_context_returns_the_rooms_reached(
    hass: HomeAssistant, sim: Simulator
) -> None:
    """Asked for a response, add_context returns what the API reported."""
    response = await call(
        hass, "add_context", {"context": "x"}, FRONT_DOOR_TARGET, return_response=True
    )

    assert response == {"agents": {FRONT_DOOR: {"delivered_to_rooms": 1}}}


# update_prompt


async def test_update_prompt_sends_the_prompt_to_each_agent(
    hass: HomeAssistant, sim: Simulator
) -> None:
    """The new system prompt is stored on bitHuman, one request per agent."""
    prompt = "You are the calm evening voice of the house."

    assert (
        await call(hass, "update_prompt", {"system_prompt": prompt}, BOTH_TARGET)
        is None
    )

    assert sorted(writes(sim)) == [
        ("POST", f"/v1/agent/{FRONT_DOOR}", {"system_prompt": prompt}),
        ("POST", f"/v1/agent/{KITCHEN}", {"system_prompt": prompt}),
    ]
    assert sim.agent(KITCHEN).system_prompt == prompt


async def test_update_prompt_rereads_the_agents(
    hass: HomeAssistant, sim: Simulator
) -> None:
    """After a prompt change, the agents are read again at once."""
    await call(hass, "update_prompt", {"system_prompt": "Be kind"}, KITCHEN_TARGET)
    await hass.async_block_till_done()

    assert sim.count("GET", "/v1/agents") == 1


# Blank text fields


@pytest.mark.parametrize(
    ("service", "data", "translation_key"),
    [
        ("speak", {"message": "  \n "}, "blank_message"),
        ("add_context", {"context": ""}, "blank_context"),
        ("update_prompt", {"system_prompt": "\t"}, "blank_prompt"),
    ],
)
async def test_blank_text_is_refused_before_anything_is_sent(
    hass: HomeAssistant,
    sim: Simulator,
    service: str,
    data: dict[str, str],
    translation_key: str,
) -> None:
    """Blank text is bad input, refused without a request."""
    with pytest.raises(ServiceValidationError) as exc_info:
        await call(hass, service, data, FRONT_DOOR_TARGET)

    assert_error(exc_info.value, translation_key)
    assert writes(sim) == []


# How each API failure reaches the user, for every agent action that calls it


@dataclass(frozen=True)
class ApiAction:
    """An agent action that is one API request for Front Door."""

    service: str
    data: dict[str, Any]
    path: str


API_ACTIONS = [
    pytest.param(
        ApiAction("speak", {"message": "Hi"}, f"/v1/agent/{FRONT_DOOR}/speak"),
        id="speak",
    ),
    pytest.param(
        ApiAction(
            "add_context", {"context": "Hi"}, f"/v1/agent/{FRONT_DOOR}/add-context"
        ),
        id="add_context",
    ),
    pytest.param(
        ApiAction(
            "update_prompt", {"system_prompt": "Be kind"}, f"/v1/agent/{FRONT_DOOR}"
        ),
        id="update_prompt",
    ),
    pytest.param(
        ApiAction("generate_dynamics", {}, "/v1/dynamics/generate"),
        id="generate_dynamics",
    ),
]

# (fault, translation key, bitHuman's words quoted as `error` or None, extras)
API_FAILURES = [
    pytest.param(
        Fault(status=401, code="UNAUTHORIZED", message="Invalid API secret"),
        "auth_failed",
        None,
        {},
        id="401",
    ),
    pytest.param(
        Fault(status=401, code="ACCOUNT_SUSPENDED", message="Balance below floor"),
        "account_suspended",
        None,
        {},
        id="401-suspended",
    ),
    pytest.param(
        Fault(status=403, code="ACCOUNT_SUSPENDED", message="Balance below floor"),
        "account_suspended",
        None,
        {},
        id="403-suspended",
    ),
    pytest.param(
        Fault(status=404, code="NOT_FOUND", message="Agent not found for code: x"),
        "agent_not_found",
        None,
        {},
        id="404-agent",
    ),
    pytest.param(
        Fault(status=404, code="NOT_FOUND", message="No active rooms found"),
        "no_live_session",
        None,
        {},
        id="404-no-rooms",
    ),
    pytest.param(
        Fault(status=404, code="NOT_FOUND", message="Endpoint not found"),
        "api_error",
        "Endpoint not found",
        {},
        id="404-other",
    ),
    pytest.param(
        Fault(status=400, code="VALIDATION_ERROR", message="message too long"),
        "request_rejected",
        "message too long",
        {},
        id="400",
    ),
    pytest.param(
        Fault(status=409, code="CONFLICT", message="Agent is still generating"),
        "request_rejected",
        "Agent is still generating",
        {},
        id="409",
    ),
    pytest.param(
        Fault(status=422, code="VALIDATION_ERROR", message="duration out of range"),
        "request_rejected",
        "duration out of range",
        {},
        id="422",
    ),
    pytest.param(
        Fault(status=429, code="RATE_LIMITED", message="Slow down", retry_after=120),
        "rate_limited",
        None,
        {"retry_after": "120"},
        id="429-retry-after",
    ),
    pytest.param(
        Fault(status=429, code="RATE_LIMITED", message="Slow down"),
        "rate_limited_retry",
        None,
        {},
        id="429",
    ),
    pytest.param(
        Fault(status=500, message="database on fire"),
        "api_error",
        "database on fire",
        {},
        id="500",
    ),
    pytest.param(
        Fault(status=503, code="SERVICE_UNAVAILABLE", message="Workers busy"),
        "api_error",
        "Workers busy",
        {},
        id="503",
    ),
    pytest.param(
        Fault(status=502, malformed="html"),
        "api_error_no_detail",
        None,
        {},
        id="502-html",
    ),
    pytest.param(Fault(drop=True), "cannot_connect", None, {}, id="dropped"),
]


@pytest.mark.parametrize(("fault", "translation_key", "error", "extra"), API_FAILURES)
@pytest.mark.parametrize("action", API_ACTIONS)
async def test_api_failure_becomes_its_translated_error(
    hass: HomeAssistant,
    sim: Simulator,
    action: ApiAction,
    fault: Fault,
    translation_key: str,
    error: Any,
    extra: dict[str, str],
) -> None:
    """Each way the API fails reaches the user as its own translated error."""
    fault = sim.add_fault(replace(fault, path=action.path, method="POST", hits=0))

    with pytest.raises(HomeAssistantError) as exc_info:
        await call(hass, action.service, action.data, FRONT_DOOR_TARGET)

    err = exc_info.value
    assert not isinstance(err, ServiceValidationError)
    assert (err.translation_domain, err.translation_key) == (DOMAIN, translation_key)
    quoted = {} if error is None else {"error": error}
    assert err.translation_placeholders == {
        "agent": "Front Door",
        "account": EMAIL,
        **quoted,
        **extra,
    }
    assert fault.hits >= 1


@pytest.mark.parametrize(
    "fault",
    [
        pytest.param(Fault(status=500, message="database on fire"), id="500"),
        pytest.param(Fault(status=502, malformed="html"), id="502-html"),
        pytest.param(Fault(drop=True), id="dropped"),
        pytest.param(Fault(status=200, malformed="empty"), id="empty-200"),
    ],
)
async def test_api_failure_placeholders_hold_no_prose_of_ours(
    hass: HomeAssistant, sim: Simulator, fault: Fault
) -> None:
    """Whatever the failure, the error's placeholders carry data, not our English."""
    sim.add_fault(replace(fault, path=f"/v1/agent/{FRONT_DOOR}/speak", method="POST"))

    with pytest.raises(HomeAssistantError) as exc_info:
        await call(hass, "speak", {"message": "Hi"}, FRONT_DOOR_TARGET)

    assert_no_prose(exc_info.value)


async def test_rejected_secret_starts_reauth(
    hass: HomeAssistant, sim: Simulator
) -> None:
    """A 401 from an action starts re-authentication of the account."""
    sim.add_fault(Fault(path="/v1/agent/*/speak", status=401, code="UNAUTHORIZED"))

    with pytest.raises(HomeAssistantError):
        await call(hass, "speak", {"message": "Hi"}, FRONT_DOOR_TARGET)
    await hass.async_block_till_done()

    flows = hass.config_entries.flow.async_progress_by_handler(DOMAIN)
    assert [flow["context"]["source"] for flow in flows] == ["reauth"]


async def test_suspension_seen_by_an_action_raises_the_top_up_repair(
    hass: HomeAssistant, sim: Simulator, init_integration: MockConfigEntry
) -> None:
    """Suspended since the last poll: the action's answer raises the repair at once."""
    sim.set_account_status(USER_ID, "suspended")

    with pytest.raises(HomeAssistantError) as exc_info:
        await call(hass, "speak", {"message": "Hi"}, FRONT_DOOR_TARGET)
    await hass.async_block_till_done()

    assert exc_info.value.translation_key == "account_suspended"
    assert ir.async_get(hass).async_get_issue(
        DOMAIN, f"account_suspended_{init_integration.entry_id}"
    )
    assert not hass.config_entries.flow.async_progress_by_handler(DOMAIN)
    assert hass.states.get("sensor.front_door_status").state == STATE_UNAVAILABLE


async def test_request_id_of_a_failure_is_logged(
    hass: HomeAssistant, sim: Simulator, caplog: pytest.LogCaptureFixture
) -> None:
    """The X-Request-Id bitHuman asks for in support requests is logged."""
    caplog.set_level("DEBUG", logger="custom_components.bithuman")
    sim.add_fault(
        Fault(
            path="/v1/agent/*/speak",
            status=400,
            code="VALIDATION_ERROR",
            message="too long",
        )
    )

    with pytest.raises(HomeAssistantError):
        await call(hass, "speak", {"message": "Hi"}, FRONT_DOOR_TARGET)

    assert re.search(r"bitHuman request [0-9a-f]{32} failed: too long", caplog.text)


async def test_agent_deleted_upstream_is_named_after_its_subentry(
    hass: HomeAssistant, sim: Simulator, advance: Advance
) -> None:
    """Once bitHuman lost the agent, errors still call it by its name."""
    sim.delete_agent(KITCHEN)
    await advance(120)

    with pytest.raises(HomeAssistantError) as exc_info:
        await call(hass, "update_prompt", {"system_prompt": "x"}, KITCHEN_TARGET)

    assert_error(
        exc_info.value,
        "agent_not_found",
        {
            "agent": "Kitchen",
            "account": EMAIL,
        },
    )


async def test_agent_without_any_name_is_called_by_its_code(
    hass: HomeAssistant,
    simulator: Simulator,
    agents: dict[str, str],
    config_entry_factory: Callable[..., MockConfigEntry],
) -> None:
    """No name from the API and none stored: errors name the agent by code."""
    simulator.override_agent_fields(KITCHEN, {"name": None})
    entry = config_entry_factory(
        subentries_data=[{**agent_subentry(KITCHEN, "Kitchen"), "unique_id": None}]
    )
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()

    with pytest.raises(HomeAssistantError) as exc_info:
        await call(
            hass, "speak", {"message": "Hi"}, {ATTR_DEVICE_ID: device_id(hass, KITCHEN)}
        )

    assert exc_info.value.translation_placeholders is not None
    assert exc_info.value.translation_placeholders["agent"] == KITCHEN


# Targets


@dataclass(frozen=True)
class Target:
    """A target as the user gives it, and how an error would show it."""

    target: dict[str, Any]
    shown: str = ""


type TargetFactory = Callable[[HomeAssistant], Target | Awaitable[Target]]


async def build_target(build: TargetFactory, hass: HomeAssistant) -> Target:
    """Arrange the registries as the factory says; return its target."""
    target = build(hass)
    return await target if inspect.isawaitable(target) else target


def of_devices(*codes: str) -> TargetFactory:
    """Target the devices of these agents."""
    return lambda hass: Target({ATTR_DEVICE_ID: [device_id(hass, c) for c in codes]})


def of_entities(*entity_ids: str) -> TargetFactory:
    """Target these entities."""
    return lambda hass: Target(
        {ATTR_ENTITY_ID: list(entity_ids)}, ", ".join(entity_ids)
    )


def of_registry_id(entity_id: str) -> TargetFactory:
    """Target an entity by its registry id, as the UI stores it."""

    def build(hass: HomeAssistant) -> Target:
        entry = er.async_get(hass).async_get(entity_id)
        assert entry is not None
        return Target({ATTR_ENTITY_ID: entry.id})

    return build


def device_and_entity(hass: HomeAssistant) -> Target:
    """Front Door's device and one of its own entities."""
    return Target(
        {
            ATTR_DEVICE_ID: device_id(hass, FRONT_DOOR),
            ATTR_ENTITY_ID: "notify.front_door_speak",
        }
    )


def area_with_device(hass: HomeAssistant) -> Target:
    """Return an area holding Front Door's device and a foreign light."""
    area = ar.async_get(hass).async_create("Hall")
    dr.async_get(hass).async_update_device(device_id(hass, FRONT_DOOR), area_id=area.id)
    light = _foreign_light(hass)
    er.async_get(hass).async_update_entity(light, area_id=area.id)
    return Target({ATTR_AREA_ID: area.id})


def area_with_entity(hass: HomeAssistant) -> Target:
    """Return an area holding one of Kitchen's entities, not its device."""
    area = ar.async_get(hass).async_create("Kitchen area")
    er.async_get(hass).async_update_entity("sensor.kitchen_status", area_id=area.id)
    return Target({ATTR_AREA_ID: area.id})


def label_on_device(hass: HomeAssistant) -> Target:
    """Return a label put on Kitchen's device."""
    label = lr.async_get(hass).async_create("Greeters")
    dr.async_get(hass).async_update_device(
        device_id(hass, KITCHEN), labels={label.label_id}
    )
    return Target({ATTR_LABEL_ID: label.label_id})


def label_on_entity(hass: HomeAssistant) -> Target:
    """Return a label put on one entity of Front Door."""
    label = lr.async_get(hass).async_create("Door")
    er.async_get(hass).async_update_entity(
        "binary_sensor.front_door_live", labels={label.label_id}
    )
    return Target({ATTR_LABEL_ID: label.label_id})


def _foreign_config_entry(hass: HomeAssistant) -> MockConfigEntry:
    entry = MockConfigEntry(domain="hue")
    entry.add_to_hass(hass)
    return entry


def _foreign_light(hass: HomeAssistant) -> str:
    entity = er.async_get(hass).async_get_or_create(
        "light", "hue", "lamp-1", config_entry=_foreign_config_entry(hass)
    )
    return entity.entity_id


def foreign_entity(hass: HomeAssistant) -> Target:
    """Another integration's entity."""
    light = _foreign_light(hass)
    return Target({ATTR_ENTITY_ID: light}, light)


def agent_and_foreign_entity(hass: HomeAssistant) -> Target:
    """Target an agent's entity and another integration's entity together."""
    light = _foreign_light(hass)
    return Target({ATTR_ENTITY_ID: ["sensor.front_door_status", light]}, light)


def foreign_device(hass: HomeAssistant) -> Target:
    """Another integration's device, renamed by the user."""
    device = dr.async_get(hass).async_get_or_create(
        config_entry_id=_foreign_config_entry(hass).entry_id,
        identifiers={("hue", "bridge")},
        name="Bridge",
    )
    dr.async_get(hass).async_update_device(device.id, name_by_user="Hall bridge")
    return Target({ATTR_DEVICE_ID: device.id}, "Hall bridge")


def nameless_foreign_device(hass: HomeAssistant) -> Target:
    """Another integration's device without any name: shown by its id."""
    registry = dr.async_get(hass)
    device = registry.async_get_or_create(
        config_entry_id=_foreign_config_entry(hass).entry_id,
        identifiers={("hue", "bridge")},
    )
    registry.async_update_device(device.id, name=None)
    return Target({ATTR_DEVICE_ID: device.id}, device.id)


def stray_device(hass: HomeAssistant) -> Target:
    """Target a device in Front Door's subentry that is not its device."""
    [entry] = hass.config_entries.async_entries(DOMAIN)
    [subentry_id] = [
        s.subentry_id for s in entry.subentries.values() if s.unique_id == FRONT_DOOR
    ]
    device = dr.async_get(hass).async_get_or_create(
        config_entry_id=entry.entry_id,
        config_subentry_id=subentry_id,
        identifiers={(DOMAIN, "A99999999")},
        name="Stray",
    )
    return Target({ATTR_DEVICE_ID: device.id}, "Stray")


def look_alike_device(hass: HomeAssistant) -> Target:
    """Another integration's device (in a subentry) claiming Front Door's code."""
    other = MockConfigEntry(
        domain="hue",
        subentries_data=[
            {"subentry_type": "bridge", "data": {}, "title": "B", "unique_id": "b"}
        ],
    )
    other.add_to_hass(hass)
    [subentry_id] = other.subentries
    device = dr.async_get(hass).async_get_or_create(
        config_entry_id=other.entry_id,
        config_subentry_id=subentry_id,
        identifiers={(DOMAIN, FRONT_DOOR)},
        name="Look-alike",
    )
    return Target({ATTR_DEVICE_ID: device.id}, "Look-alike")


async def non_agent_subentry_device(hass: HomeAssistant) -> Target:
    """Target a device of the entry in a subentry that is not an agent's."""
    [entry] = hass.config_entries.async_entries(DOMAIN)
    subentry = ConfigSubentry(
        data=MappingProxyType({}), subentry_type="voice", title="V", unique_id="v"
    )
    hass.config_entries.async_add_subentry(entry, subentry)
    await hass.async_block_till_done()
    device = dr.async_get(hass).async_get_or_create(
        config_entry_id=entry.entry_id,
        config_subentry_id=subentry.subentry_id,
        identifiers={(DOMAIN, "voice")},
        name="Voice",
    )
    return Target({ATTR_DEVICE_ID: device.id}, "Voice")


def account_device(hass: HomeAssistant) -> Target:
    """Target the account's service device."""
    return Target({ATTR_DEVICE_ID: device_id(hass, USER_ID)}, EMAIL)


def empty_area(hass: HomeAssistant) -> Target:
    """Return an area without agents, holding another integration's device."""
    area = ar.async_get(hass).async_create("Garage")
    device = dr.async_get(hass).async_get_or_create(
        config_entry_id=_foreign_config_entry(hass).entry_id,
        identifiers={("hue", "garage")},
    )
    dr.async_get(hass).async_update_device(device.id, area_id=area.id)
    return Target({ATTR_AREA_ID: area.id})


def account_area(hass: HomeAssistant) -> Target:
    """Return an area holding only the account device."""
    area = ar.async_get(hass).async_create("Office")
    dr.async_get(hass).async_update_device(device_id(hass, USER_ID), area_id=area.id)
    return Target({ATTR_AREA_ID: area.id})


RESOLVED = [
    pytest.param(of_devices(FRONT_DOOR), {FRONT_DOOR}, id="device"),
    pytest.param(of_devices(FRONT_DOOR, KITCHEN), {FRONT_DOOR, KITCHEN}, id="devices"),
    pytest.param(of_entities("sensor.front_door_status"), {FRONT_DOOR}, id="sensor"),
    pytest.param(of_entities("notify.kitchen_speak"), {KITCHEN}, id="notify"),
    pytest.param(
        of_entities("sensor.front_door_status", "notify.front_door_speak"),
        {FRONT_DOOR},
        id="two-entities-of-one-agent",
    ),
    pytest.param(
        of_registry_id("sensor.front_door_status"), {FRONT_DOOR}, id="registry-id"
    ),
    pytest.param(device_and_entity, {FRONT_DOOR}, id="device-and-its-entity"),
    pytest.param(area_with_device, {FRONT_DOOR}, id="area-device"),
    pytest.param(area_with_entity, {KITCHEN}, id="area-entity"),
    pytest.param(label_on_device, {KITCHEN}, id="label-device"),
    pytest.param(label_on_entity, {FRONT_DOOR}, id="label-entity"),
]


@pytest.mark.parametrize(("build", "codes"), RESOLVED)
async def test_target_resolves_to_agents_called_once_each(
    hass: HomeAssistant,
    both_live: Simulator,
    build: TargetFactory,
    codes: set[str],
) -> None:
    """Devices, entities, areas and labels reach their agents, once each."""
    target = (await build_target(build, hass)).target

    response = await call(
        hass, "speak", {"message": "Hi"}, target, return_response=True
    )

    assert response == {"agents": {code: {"delivered_to_rooms": 1} for code in codes}}
    assert sorted(path for _, path, _ in writes(both_live)) == sorted(
        f"/v1/agent/{code}/speak" for code in codes
    )


REFUSED = [
    pytest.param(account_device, "invalid_target", id="account-device"),
    pytest.param(
        of_entities("sensor.ada_example_com_credit_balance"),
        "invalid_target",
        id="account-entity",
    ),
    pytest.param(foreign_entity, "invalid_target", id="foreign-entity"),
    pytest.param(
        agent_and_foreign_entity, "invalid_target", id="agent-and-foreign-entity"
    ),
    pytest.param(
        of_entities("sensor.does_not_exist"), "invalid_target", id="unknown-entity"
    ),
    pytest.param(
        lambda hass: Target({ATTR_DEVICE_ID: "0123456789abcdef"}, "0123456789abcdef"),
        "invalid_target",
        id="missing-device",
    ),
    pytest.param(foreign_device, "invalid_target", id="foreign-device"),
    pytest.param(nameless_foreign_device, "invalid_target", id="nameless-device"),
    pytest.param(stray_device, "invalid_target", id="stray-device"),
    pytest.param(look_alike_device, "invalid_target", id="look-alike-device"),
    pytest.param(non_agent_subentry_device, "invalid_target", id="non-agent-subentry"),
    pytest.param(lambda hass: Target({}), "no_target", id="no-target"),
    pytest.param(empty_area, "no_target", id="area-without-agents"),
    pytest.param(account_area, "no_target", id="area-with-account-only"),
]


@pytest.mark.parametrize(("build", "translation_key"), REFUSED)
async def test_target_without_agents_is_refused(
    hass: HomeAssistant,
    both_live: Simulator,
    build: TargetFactory,
    translation_key: str,
) -> None:
    """Targets that are not agents are bad input; nothing is sent."""
    target = await build_target(build, hass)

    with pytest.raises(ServiceValidationError) as exc_info:
        await call(hass, "speak", {"message": "Hi"}, target.target)

    assert_error(
        exc_info.value,
        translation_key,
        {"targets": target.shown} if translation_key == "invalid_target" else None,
    )
    assert writes(both_live) == []


async def test_missing_device_is_an_invalid_target(
    hass: HomeAssistant, sim: Simulator
) -> None:
    """A device id in no registry is refused, naming the id."""
    with pytest.raises(ServiceValidationError) as exc_info:
        await call(
            hass, "speak", {"message": "Hi"}, {ATTR_DEVICE_ID: "0123456789abcdef"}
        )

    assert exc_info.value.translation_key == "invalid_target"
    assert exc_info.value.translation_placeholders is not None
    assert "0123456789abcdef" in exc_info.value.translation_placeholders["targets"]
    assert writes(sim) == []


async def test_several_invalid_targets_are_all_named(
    hass: HomeAssistant, sim: Simulator
) -> None:
    """Every target that is not an agent is listed, sorted."""
    with pytest.raises(ServiceValidationError) as exc_info:
        await call(
            hass,
            "speak",
            {"message": "Hi"},
            {
                ATTR_ENTITY_ID: [
                    "sensor.nope_2",
                    "sensor.nope_1",
                    "notify.kitchen_speak",
                ]
            },
        )

    assert_error(
        exc_info.value, "invalid_target", {"targets": "sensor.nope_1, sensor.nope_2"}
    )


@pytest.mark.usefixtures("sim")
async def test_agents_of_two_accounts_each_get_the_call(
    hass: HomeAssistant, studio_entry: MockConfigEntry, simulator: Simulator
) -> None:
    """One call reaches agents of two accounts, each through its own account."""
    simulator.clear_requests()

    response = await call(
        hass,
        "speak",
        {"message": "Hi"},
        {ATTR_ENTITY_ID: ["sensor.front_door_status", "sensor.studio_status"]},
        return_response=True,
    )

    assert response == {
        "agents": {
            FRONT_DOOR: {"delivered_to_rooms": 1},
            STUDIO: {"delivered_to_rooms": 1},
        }
    }
    assert [m.text for m in simulator.messages_for(STUDIO)] == ["Hi"]


async def test_agent_of_an_unloaded_account_is_refused(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: Simulator
) -> None:
    """An agent of an account that is not loaded: Home Assistant's own error."""
    target = {ATTR_DEVICE_ID: device_id(hass, FRONT_DOOR)}
    await assert_refused_as_not_loaded(
        hass, init_integration, simulator, "speak", {"message": "Hi"}, target
    )


# Permissions


async def test_user_without_control_is_unauthorized(
    hass: HomeAssistant, sim: Simulator, hass_read_only_user: MockUser
) -> None:
    """A read-only user may not make the avatar speak; nothing is sent."""
    with pytest.raises(Unauthorized) as exc_info:
        await call(
            hass,
            "speak",
            {"message": "Hi"},
            FRONT_DOOR_TARGET,
            context=Context(user_id=hass_read_only_user.id),
        )

    assert exc_info.value.entity_id == "sensor.front_door_status"
    assert exc_info.value.permission == POLICY_CONTROL
    assert writes(sim) == []


async def test_user_allowed_one_entity_may_not_target_the_whole_device(
    hass: HomeAssistant, sim: Simulator
) -> None:
    """Control of one entity does not cover the device's other entities."""
    user = MockUser().add_to_hass(hass)
    user.mock_policy({"entities": {"entity_ids": {"notify.front_door_speak": True}}})

    with pytest.raises(Unauthorized):
        await call(
            hass,
            "speak",
            {"message": "Hi"},
            {ATTR_DEVICE_ID: device_id(hass, FRONT_DOOR)},
            context=Context(user_id=user.id),
        )

    assert writes(sim) == []


@pytest.mark.parametrize(
    "policy",
    [
        pytest.param(lambda device: {"entities": {"all": True}}, id="all-entities"),
        pytest.param(
            lambda device: {"entities": {"device_ids": {device: True}}},
            id="the-device",
        ),
    ],
)
async def test_user_with_control_may_call(
    hass: HomeAssistant,
    sim: Simulator,
    policy: Callable[[str], dict[str, Any]],
) -> None:
    """A non-admin user allowed to control the agent's entities may call."""
    device = device_id(hass, FRONT_DOOR)
    user = MockUser().add_to_hass(hass)
    user.permissions = PolicyPermissions(
        policy(device), PermissionLookup(er.async_get(hass), dr.async_get(hass))
    )

    await call(
        hass,
        "speak",
        {"message": "Hi"},
        {ATTR_DEVICE_ID: device},
        context=Context(user_id=user.id),
    )

    assert [m.text for m in sim.messages_for(FRONT_DOOR)] == ["Hi"]


async def test_admin_may_call(
    hass: HomeAssistant, sim: Simulator, hass_admin_user: MockUser
) -> None:
    """An administrator may call every action."""
    await call(
        hass,
        "speak",
        {"message": "Hi"},
        FRONT_DOOR_TARGET,
        context=Context(user_id=hass_admin_user.id),
    )

    assert [m.text for m in sim.messages_for(FRONT_DOOR)] == ["Hi"]


async def test_unknown_user_is_unauthorized(
    hass: HomeAssistant, sim: Simulator
) -> None:
    """A call in the name of a user that does not exist is refused."""
    with pytest.raises(Unauthorized):
        await call(
            hass,
            "speak",
            {"message": "Hi"},
            FRONT_DOOR_TARGET,
            context=Context(user_id="0123456789abcdef0123456789abcdef"),
        )


async def test_read_only_user_may_not_generate_an_agent(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: Simulator,
    hass_read_only_user: MockUser,
) -> None:
    """Creating a billed agent needs more than read access."""
    with pytest.raises(Unauthorized):
        await call(
            hass,
            "generate_agent",
            {
                "config_entry_id": init_integration.entry_id,
                "prompt": "x",
                "add_agent": False,
            },
            context=Context(user_id=hass_read_only_user.id),
        )

    assert simulator.charges(USER_ID) == []


# Several agents: what worked, what failed


async def test_partial_failure_names_who_worked_and_who_failed(
    hass: HomeAssistant, sim: Simulator
) -> None:
    """One agent live, one not: the first still speaks; the error says both."""
    with pytest.raises(HomeAssistantError) as exc_info:
        await call(hass, "speak", {"message": "Dinner is ready"}, BOTH_TARGET)

    err = exc_info.value
    assert not isinstance(err, ServiceValidationError)
    assert (err.translation_domain, err.translation_key) == (DOMAIN, "partial_failure")
    assert err.translation_placeholders == {"succeeded": "Front Door", "failed": ANY}
    assert err.translation_placeholders["failed"].startswith(
        "Kitchen: Kitchen has no live session right now"
    )
    assert str(err).startswith("Done for: Front Door. Failed for Kitchen: ")
    assert [m.text for m in sim.messages_for(FRONT_DOOR)] == ["Dinner is ready"]


async def test_one_agent_failing_alone_gives_its_own_error(
    hass: HomeAssistant, sim: Simulator
) -> None:
    """A single targeted agent failing raises that agent's error, not a summary."""
    with pytest.raises(HomeAssistantError) as exc_info:
        await call(hass, "speak", {"message": "Hi"}, KITCHEN_TARGET)

    assert exc_info.value.translation_key == "no_live_session"


async def test_all_failed_for_bad_input_is_a_validation_error(
    hass: HomeAssistant, sim: Simulator
) -> None:
    """Bad input for every agent: all_failed, as a ServiceValidationError."""
    with pytest.raises(ServiceValidationError) as exc_info:
        await call(hass, "trigger_gesture", {"gesture": "jump"}, BOTH_TARGET)

    err = exc_info.value
    assert (err.translation_domain, err.translation_key) == (DOMAIN, "all_failed")
    assert err.translation_placeholders == {"failed": ANY}
    failed = err.translation_placeholders["failed"]
    assert failed.startswith('Front Door: Front Door has no gesture called "jump"')
    assert '; Kitchen: Kitchen has no gesture called "jump"' in failed
    assert writes(sim) == []


async def test_all_failed_at_the_api_is_not_a_validation_error(
    hass: HomeAssistant, sim: Simulator
) -> None:
    """API failures for every agent: all_failed as a plain HomeAssistantError."""
    sim.set_live_rooms(FRONT_DOOR, [])
    sim.delete_agent(KITCHEN)

    with pytest.raises(HomeAssistantError) as exc_info:
        await call(hass, "speak", {"message": "Hi"}, BOTH_TARGET)

    err = exc_info.value
    assert not isinstance(err, ServiceValidationError)
    assert err.translation_key == "all_failed"
    assert err.translation_placeholders is not None
    failed = err.translation_placeholders["failed"]
    assert failed.startswith("Front Door: Front Door has no live session")
    assert "; Kitchen: bitHuman no longer knows the agent Kitchen" in failed


async def test_all_failed_mixing_bad_input_and_api_is_not_a_validation_error(
    hass: HomeAssistant, sim: Simulator
) -> None:
    """One agent refused as bad input, one by the API: not a validation error."""
    await call(hass, "generate_dynamics", {}, KITCHEN_TARGET)
    await hass.async_block_till_done()
    sim.add_fault(Fault(path="/v1/dynamics/generate", status=500, message="oops"))

    with pytest.raises(HomeAssistantError) as exc_info:
        await call(hass, "generate_dynamics", {}, BOTH_TARGET)

    err = exc_info.value
    assert not isinstance(err, ServiceValidationError)
    assert err.translation_key == "all_failed"
    assert err.translation_placeholders is not None
    failed = err.translation_placeholders["failed"]
    assert failed.startswith("Front Door: bitHuman could not complete the request")
    assert "; Kitchen: Kitchen is already generating its dynamics" in failed


async def test_every_agent_failing_alike_gets_one_translated_error(
    hass: HomeAssistant, sim: Simulator
) -> None:
    """Nobody live: one translated "no live session" naming both agents."""
    sim.set_live_rooms(FRONT_DOOR, [])
    with pytest.raises(HomeAssistantError) as exc_info:
        await call(hass, "speak", {"message": "Hi"}, BOTH_TARGET)

    err = exc_info.value
    assert err.translation_key == "no_live_session"
    assert err.translation_placeholders == {
        "agent": "Front Door, Kitchen",
        "account": EMAIL,
    }
    assert_no_prose(err)


# generate_dynamics


async def test_generate_dynamics_defaults(hass: HomeAssistant, sim: Simulator) -> None:
    """Defaults: 5 s and `auto`, with an Idempotency-Key."""
    await call(hass, "generate_dynamics", {}, KITCHEN_TARGET)

    assert writes(sim) == [
        (
            "POST",
            "/v1/dynamics/generate",
            {"agent_id": KITCHEN, "duration": 5, "model": "auto"},
        )
    ]
    [request] = [r for r in sim.requests if r.method == "POST"]
    assert request.headers["Idempotency-Key"]


async def test_generate_dynamics_sends_duration_and_model(
    hass: HomeAssistant, sim: Simulator
) -> None:
    """The duration and model given are sent as given."""
    await call(
        hass,
        "generate_dynamics",
        {"duration": "2", "model": " auto "},
        {ATTR_DEVICE_ID: device_id(hass, KITCHEN)},
    )

    assert writes(sim) == [
        (
            "POST",
            "/v1/dynamics/generate",
            {"agent_id": KITCHEN, "duration": 2, "model": "auto"},
        )
    ]


async def test_generate_dynamics_is_charged_once(
    hass: HomeAssistant, sim: Simulator
) -> None:
    """One generation costs 250 credits, once."""
    await call(hass, "generate_dynamics", {}, KITCHEN_TARGET)

    assert [(c.amount, c.agent_code) for c in sim.charges(USER_ID)] == [(250, KITCHEN)]


async def test_generate_dynamics_follows_the_generation(
    hass: HomeAssistant, sim: Simulator
) -> None:
    """The dynamics are read at once: the sensor shows the job running."""
    await call(hass, "generate_dynamics", {}, KITCHEN_TARGET)
    await hass.async_block_till_done()

    assert sim.count("GET", f"/v1/dynamics/{KITCHEN}") == 1
    state = hass.states.get("sensor.kitchen_dynamics_status")
    assert state is not None
    assert state.state in {"processing", "generating"}


@pytest.mark.parametrize(
    "data",
    [
        pytest.param({"duration": 0}, id="duration-0"),
        pytest.param({"duration": 11}, id="duration-11"),
        pytest.param({"duration": "long"}, id="duration-text"),
        pytest.param({"model": "  "}, id="blank-model"),
    ],
)
async def test_generate_dynamics_bad_input_is_a_schema_error(
    hass: HomeAssistant, sim: Simulator, data: dict[str, Any]
) -> None:
    """The schema refuses a duration outside 1-10 s or a blank model."""
    with pytest.raises(vol.Invalid):
        await call(hass, "generate_dynamics", data, KITCHEN_TARGET)

    assert writes(sim) == []


async def test_generate_dynamics_while_generating_is_refused(
    hass: HomeAssistant, sim: Simulator
) -> None:
    """A second generation while one runs is refused: nothing is charged twice."""
    await call(hass, "generate_dynamics", {}, KITCHEN_TARGET)
    await hass.async_block_till_done()

    with pytest.raises(ServiceValidationError) as exc_info:
        await call(hass, "generate_dynamics", {}, KITCHEN_TARGET)

    assert_error(exc_info.value, "dynamics_generating", {"agent": "Kitchen"})
    assert [c.amount for c in sim.charges(USER_ID)] == [250]
    assert sim.count("POST", "/v1/dynamics/generate") == 1


async def test_generate_dynamics_twice_at_once_is_charged_once(
    hass: HomeAssistant, sim: Simulator
) -> None:
    """Two automations asking at the same moment: one runs, one is refused."""
    outcomes = await asyncio.gather(
        call(hass, "generate_dynamics", {}, KITCHEN_TARGET),
        call(hass, "generate_dynamics", {}, KITCHEN_TARGET),
        return_exceptions=True,
    )

    refused = [o for o in outcomes if isinstance(o, ServiceValidationError)]
    assert len(refused) == 1, outcomes
    assert_error(refused[0], "dynamics_generating", {"agent": "Kitchen"})
    assert [c.amount for c in sim.charges(USER_ID)] == [250]
    assert sim.count("POST", "/v1/dynamics/generate") == 1


async def test_generate_dynamics_for_a_failed_agent_is_refused(
    hass: HomeAssistant, simulator: Simulator, account: str, set_up: SetUp
) -> None:
    """An agent whose generation failed would waste the credits: refused."""
    simulator.add_agent(account, code=ATTIC, name="Attic", status="failed")
    await set_up(extra={ATTIC: "Attic"})
    simulator.clear_requests()

    with pytest.raises(ServiceValidationError) as exc_info:
        await call(
            hass, "generate_dynamics", {}, {ATTR_ENTITY_ID: "sensor.attic_status"}
        )

    assert_error(exc_info.value, "agent_failed", {"agent": "Attic"})
    assert writes(simulator) == []


async def test_generate_dynamics_retried_after_a_lost_answer_is_charged_once(
    hass: HomeAssistant, sim: Simulator
) -> None:
    """The answer lost after the charge: the retry reuses its key, no 2nd charge."""
    sim.add_fault(
        Fault(
            path="/v1/dynamics/generate", status=502, malformed="invalid_json", times=1
        )
    )

    await call(hass, "generate_dynamics", {}, KITCHEN_TARGET)

    posts = [r for r in sim.requests if r.path == "/v1/dynamics/generate"]
    assert len(posts) == 2
    assert posts[0].headers["Idempotency-Key"] == posts[1].headers["Idempotency-Key"]
    assert [c.amount for c in sim.charges(USER_ID)] == [250]


async def test_generate_dynamics_with_its_outcome_unknown_still_follows_it(
    hass: HomeAssistant, sim: Simulator
) -> None:
    """No answer at all: the error is raised, and the dynamics are read anyway."""
    sim.add_fault(Fault(path="/v1/dynamics/generate", status=500, message="oops"))

    with pytest.raises(HomeAssistantError):
        await call(hass, "generate_dynamics", {}, KITCHEN_TARGET)
    await hass.async_block_till_done()

    assert sim.count("GET", f"/v1/dynamics/{KITCHEN}") == 1


async def test_generate_dynamics_without_credits_raises_a_repair(
    hass: HomeAssistant, init_integration: MockConfigEntry, sim: Simulator
) -> None:
    """402: insufficient_credits and a repair saying 250 credits are needed."""
    sim.set_credits(USER_ID, 100)

    with pytest.raises(HomeAssistantError) as exc_info:
        await call(hass, "generate_dynamics", {}, KITCHEN_TARGET)

    assert_error(
        exc_info.value,
        "insufficient_credits",
        {"agent": "Kitchen", "account": EMAIL},
    )
    issue = insufficient_credits_issue(hass, init_integration)
    assert issue is not None
    assert issue.translation_placeholders == {"account": EMAIL, "needed": "250"}
    assert sim.charges(USER_ID) == []


async def test_out_of_credits_repair_goes_once_the_balance_covers_it(
    hass: HomeAssistant, init_integration: MockConfigEntry, sim: Simulator
) -> None:
    """After a top-up, the next successful generate withdraws the repair."""
    sim.set_credits(USER_ID, 100)
    with pytest.raises(HomeAssistantError):
        await call(hass, "generate_dynamics", {}, KITCHEN_TARGET)
    sim.set_credits(USER_ID, 1000)

    await call(hass, "generate_dynamics", {}, KITCHEN_TARGET)
    await hass.async_block_till_done()

    assert insufficient_credits_issue(hass, init_integration) is None


# trigger_gesture: the checks before LiveKit (delivery: test_livekit.py)


@pytest.mark.parametrize(
    ("gesture", "target", "translation_key", "placeholders"),
    [
        # A gesture the agent lacks is refused, listing those it has.
        pytest.param(
            "jump",
            FRONT_DOOR_TARGET,
            "unknown_gesture",
            {
                "agent": "Front Door",
                "gesture": "jump",
                "gestures": "blow_kiss_heart, mini_wave_hello, talk_head_nod_subtle",
            },
            id="unknown-gesture-lists-the-agents-gestures",
        ),
        # An agent without dynamics has no gestures: checked before readiness.
        pytest.param(
            "mini_wave_hello",
            KITCHEN_TARGET,
            "unknown_gesture_none",
            {"agent": "Kitchen", "gesture": "mini_wave_hello"},
            id="agent-without-gestures",
        ),
        # A valid gesture with LiveKit not set up: livekit_not_configured.
        pytest.param(
            "Mini wave hello",
            FRONT_DOOR_TARGET,
            "livekit_not_configured",
            {"agent": "Front Door", "account": EMAIL},
            id="without-livekit-options",
        ),
    ],
)
async def test_gesture_refused_before_livekit(
    hass: HomeAssistant,
    sim: Simulator,
    gesture: str,
    target: dict[str, Any],
    translation_key: str,
    placeholders: dict[str, str],
) -> None:
    """A gesture the agent cannot make, or no LiveKit to send it: a clear error."""
    with pytest.raises(ServiceValidationError) as exc_info:
        await call(hass, "trigger_gesture", {"gesture": gesture}, target)

    assert_error(exc_info.value, translation_key, placeholders)


async def test_gesture_of_dynamics_not_ready_is_refused_before_livekit(
    hass: HomeAssistant, simulator: Simulator, set_up: SetUp
) -> None:
    """Known gestures but no dynamics model: dynamics_not_ready, not LiveKit."""
    simulator.override_dynamics_fields(FRONT_DOOR, {"url": None})
    await set_up()

    with pytest.raises(ServiceValidationError) as exc_info:
        await call(
            hass, "trigger_gesture", {"gesture": "mini_wave_hello"}, FRONT_DOOR_TARGET
        )

    assert_error(exc_info.value, "dynamics_not_ready", {"agent": "Front Door"})


# end_session


async def test_end_session_ends_every_live_session_of_the_agent(
    hass: HomeAssistant, simulator: Simulator, set_up: SetUp
) -> None:
    """Each live session is terminated with the reason; the rooms empty."""
    simulator.set_live_rooms(FRONT_DOOR, ["hall", "porch"])
    await set_up()
    sessions = {s.id for s in simulator.sessions(USER_ID, live=True)}
    simulator.clear_requests()

    response = await call(
        hass,
        "end_session",
        {"reason": "Nobody is home"},
        FRONT_DOOR_TARGET,
        return_response=True,
    )

    assert response == {"agents": {FRONT_DOOR: {"ended": 2}}}
    assert set(terminated(simulator)) == sessions
    assert [json for _, _, json in writes(simulator)] == [
        {"reason": "Nobody is home"},
        {"reason": "Nobody is home"},
    ]
    assert simulator.agent(FRONT_DOOR).live_rooms == []
    assert {simulator.session(s).end_reason for s in sessions} == {"Nobody is home"}


async def test_end_session_ends_sessions_beyond_the_first_page(
    hass: HomeAssistant, simulator: Simulator, set_up: SetUp
) -> None:
    """More live sessions than bitHuman lists by default (50): all of them end."""
    simulator.set_live_rooms(FRONT_DOOR, [f"room-{n}" for n in range(60)])
    await set_up()

    response = await call(
        hass, "end_session", {}, FRONT_DOOR_TARGET, return_response=True
    )

    assert response == {"agents": {FRONT_DOOR: {"ended": 60}}}
    assert simulator.sessions(USER_ID, live=True) == []


async def test_end_session_without_reason_sends_none(
    hass: HomeAssistant, sim: Simulator
) -> None:
    """Without a reason, the terminate body leaves it to bitHuman."""
    await call(hass, "end_session", {}, FRONT_DOOR_TARGET)

    assert [json for _, _, json in writes(sim)] == [{}]
    assert sim.agent(FRONT_DOOR).live_rooms == []


async def test_end_session_turns_live_off(hass: HomeAssistant, sim: Simulator) -> None:
    """After ending, the sessions are read again: Live turns off."""
    await call(hass, "end_session", {}, FRONT_DOOR_TARGET)
    await hass.async_block_till_done()

    state = hass.states.get("binary_sensor.front_door_live")
    assert state is not None
    assert state.state == "off"


async def test_end_session_without_live_session_ends_none(
    hass: HomeAssistant, sim: Simulator
) -> None:
    """An agent with no live session is not an error: ended 0, nothing sent."""
    response = await call(hass, "end_session", {}, KITCHEN_TARGET, return_response=True)

    assert response == {"agents": {KITCHEN: {"ended": 0}}}
    assert writes(sim) == []


async def test_end_session_counts_a_session_that_ended_meanwhile(
    hass: HomeAssistant, sim: Simulator
) -> None:
    """A session gone between the read and terminate (a 404) counts as ended."""
    [session] = sim.sessions(USER_ID, live=True)
    sim.add_fault(
        Fault(
            path=f"/v2/*/runtime-sessions/{session.id}/terminate",
            status=404,
            code="NOT_FOUND",
            message=f"Session not found: {session.id}",
            times=1,
        )
    )

    response = await call(
        hass, "end_session", {}, FRONT_DOOR_TARGET, return_response=True
    )

    assert response == {"agents": {FRONT_DOOR: {"ended": 1}}}
    assert terminated(sim) == [session.id]


async def test_end_session_ends_a_session_started_since_the_last_read(
    hass: HomeAssistant, sim: Simulator
) -> None:
    """The action reads the sessions itself: one started a moment ago bills too."""
    sim.set_live_rooms(KITCHEN, ["kitchen"])
    [session] = [s for s in sim.sessions(USER_ID, live=True) if s.agent_code == KITCHEN]

    response = await call(hass, "end_session", {}, KITCHEN_TARGET, return_response=True)

    assert response == {"agents": {KITCHEN: {"ended": 1}}}
    assert terminated(sim) == [session.id]
    assert sim.agent(KITCHEN).live_rooms == []


async def test_end_session_for_several_agents_reads_the_sessions_once(
    hass: HomeAssistant, sim: Simulator
) -> None:
    """One bulk read serves every targeted agent."""
    sim.clear_requests()

    response = await call(
        hass,
        "end_session",
        {},
        BOTH_TARGET,
        return_response=True,
    )

    assert response == {"agents": {FRONT_DOOR: {"ended": 1}, KITCHEN: {"ended": 0}}}
    assert sim.count("GET", f"/v2/{USER_ID}/runtime-sessions") == 1


async def test_end_session_retries_a_server_error(
    hass: HomeAssistant, sim: Simulator
) -> None:
    """A 5xx on terminate is retried; the session ends."""
    [session] = sim.sessions(USER_ID, live=True)
    sim.add_fault(Fault(path="/v2/*/runtime-sessions/*/terminate", status=503, times=1))

    response = await call(
        hass, "end_session", {}, FRONT_DOOR_TARGET, return_response=True
    )

    assert response == {"agents": {FRONT_DOOR: {"ended": 1}}}
    assert terminated(sim) == [session.id, session.id]
    assert sim.agent(FRONT_DOOR).live_rooms == []


async def test_end_session_partial_across_agents(
    hass: HomeAssistant, simulator: Simulator, set_up: SetUp
) -> None:
    """One agent's session ends, the other's terminate is refused: both said."""
    simulator.set_live_rooms(KITCHEN, ["kitchen"])
    await set_up()
    [kitchen_session] = [
        s for s in simulator.sessions(USER_ID, live=True) if s.agent_code == KITCHEN
    ]
    simulator.add_fault(
        Fault(
            path=f"/v2/*/runtime-sessions/{kitchen_session.id}/terminate",
            status=400,
            code="VALIDATION_ERROR",
            message="Session is self-hosted",
        )
    )

    with pytest.raises(HomeAssistantError) as exc_info:
        await call(hass, "end_session", {}, BOTH_TARGET)

    err = exc_info.value
    assert err.translation_key == "partial_failure"
    assert err.translation_placeholders == {"succeeded": "Front Door", "failed": ANY}
    assert err.translation_placeholders["failed"].startswith(
        "Kitchen: bitHuman rejected the request for Kitchen: Session is self-hosted"
    )
    assert simulator.agent(FRONT_DOOR).live_rooms == []
    assert simulator.agent(KITCHEN).live_rooms == ["kitchen"]


async def test_end_session_failing_midway_ends_the_rest_and_says_how_many(
    hass: HomeAssistant, simulator: Simulator, set_up: SetUp
) -> None:
    """Of three sessions the middle one is refused: the others end, "2 of 3"."""
    simulator.set_live_rooms(FRONT_DOOR, ["hall", "porch", "garden"])
    await set_up()
    # bitHuman lists sessions newest first, and they are ended in that order.
    sessions = simulator.sessions(USER_ID, live=True)
    simulator.add_fault(
        Fault(
            path=f"/v2/*/runtime-sessions/{sessions[1].id}/terminate",
            status=400,
            code="VALIDATION_ERROR",
            message="Session is self-hosted",
        )
    )
    simulator.clear_requests()

    with pytest.raises(HomeAssistantError) as exc_info:
        await call(hass, "end_session", {}, FRONT_DOOR_TARGET)
    await hass.async_block_till_done()

    assert_error(
        exc_info.value,
        "end_session_incomplete",
        {"agent": "Front Door", "ended": "2", "total": "3"},
    )
    assert simulator.agent(FRONT_DOOR).live_rooms == [sessions[1].room_name]
    # The action's own read, then the re-read that shows what is still live.
    assert simulator.count("GET", f"/v2/{USER_ID}/runtime-sessions") == 2


async def test_end_session_stops_when_bithuman_cannot_be_reached(
    hass: HomeAssistant, simulator: Simulator, set_up: SetUp
) -> None:
    """The connection drops at the first terminate (retried): no other is tried."""
    simulator.set_live_rooms(FRONT_DOOR, ["hall", "porch"])
    await set_up()
    simulator.add_fault(Fault(path="/v2/*/runtime-sessions/*/terminate", drop=True))
    simulator.clear_requests()

    with pytest.raises(HomeAssistantError) as exc_info:
        await call(hass, "end_session", {}, FRONT_DOOR_TARGET)

    assert exc_info.value.translation_key == "cannot_connect"
    assert len(set(terminated(simulator))) == 1


async def test_end_session_reads_the_sessions_when_none_are_known(
    hass: HomeAssistant, simulator: Simulator, set_up: SetUp
) -> None:
    """The last sessions read failed: the action reads them itself, then ends."""
    simulator.add_fault(
        Fault(
            path="/v2/*/runtime-sessions",
            method="GET",
            status=400,
            code="VALIDATION_ERROR",
            times=1,
        )
    )
    await set_up()
    simulator.clear_requests()

    response = await call(
        hass, "end_session", {}, FRONT_DOOR_TARGET, return_response=True
    )

    assert response == {"agents": {FRONT_DOOR: {"ended": 1}}}
    assert simulator.requests[0].path == f"/v2/{USER_ID}/runtime-sessions"
    assert simulator.agent(FRONT_DOOR).live_rooms == []


# generate_agent


async def test_generate_agent_request(
    hass: HomeAssistant, init_integration: MockConfigEntry, sim: Simulator
) -> None:
    """Every field given is sent; the call carries an Idempotency-Key."""
    await call(
        hass,
        "generate_agent",
        {
            "config_entry_id": init_integration.entry_id,
            "prompt": "You are a cheerful concierge.",
            "image": "https://example.com/portrait.jpg",
            "audio": "https://example.com/voice.wav",
            "model": "expression-2",
            "aspect_ratio": "9:16",
        },
    )

    [request] = [r for r in sim.requests if r.method == "POST"]
    assert (request.path, request.json) == (
        "/v1/agent/generate",
        {
            "prompt": "You are a cheerful concierge.",
            "image": "https://example.com/portrait.jpg",
            "audio": "https://example.com/voice.wav",
            "model": "expression-2",
            "aspect_ratio": "9:16",
        },
    )
    assert request.headers["Idempotency-Key"]


async def test_generate_agent_leaves_the_model_to_the_api(
    hass: HomeAssistant, init_integration: MockConfigEntry, sim: Simulator
) -> None:
    """Without a model (or an empty one), none is sent: bitHuman's default."""
    response = await call(
        hass,
        "generate_agent",
        {
            "config_entry_id": init_integration.entry_id,
            "prompt": "A robot butler.",
            "model": "",
            "image": "",
        },
        return_response=True,
    )

    assert writes(sim) == [
        ("POST", "/v1/agent/generate", {"prompt": "A robot butler."})
    ]
    assert response is not None
    assert sim.agent(str(response["agent_id"])).model == "expression-1"


async def test_generate_agent_is_added_and_followed(
    hass: HomeAssistant, init_integration: MockConfigEntry, sim: Simulator
) -> None:
    """The new agent becomes a subentry; the entry reloads and shows it."""
    runtime_data = init_integration.runtime_data

    response = await call(
        hass,
        "generate_agent",
        {"config_entry_id": init_integration.entry_id, "prompt": "A concierge."},
        return_response=True,
    )
    await hass.async_block_till_done()

    assert response is not None
    code = response["agent_id"]
    assert response == {"agent_id": code}
    [subentry] = [
        s for s in init_integration.subentries.values() if s.unique_id == code
    ]
    assert (subentry.subentry_type, dict(subentry.data), subentry.title) == (
        SUBENTRY_TYPE_AGENT,
        {"agent_code": code},
        sim.agent(str(code)).name,
    )
    assert init_integration.state is ConfigEntryState.LOADED
    assert init_integration.runtime_data is not runtime_data
    entity_id = er.async_get(hass).async_get_entity_id(
        "sensor", DOMAIN, f"{code}_status"
    )
    assert entity_id is not None
    state = hass.states.get(entity_id)
    assert state is not None
    assert state.state == "processing"


async def test_generate_agent_without_adding_it(
    hass: HomeAssistant, init_integration: MockConfigEntry, sim: Simulator
) -> None:
    """add_agent false: the agent is generated, Home Assistant is unchanged."""
    subentries = dict(init_integration.subentries)

    response = await call(
        hass,
        "generate_agent",
        {
            "config_entry_id": init_integration.entry_id,
            "prompt": "x",
            "add_agent": False,
        },
        return_response=True,
    )

    assert response is not None
    assert str(response["agent_id"]) in sim.agents
    assert dict(init_integration.subentries) == subentries


async def generate_agent_answered_with(
    hass: HomeAssistant, entry: MockConfigEntry, simulator: Simulator, agent_id: Any
) -> ServiceResponse:
    """Generate an agent, bitHuman answering with `agent_id`; return the response.

    Checks the account's agents (its subentries) are as they were.
    """
    simulator.add_fault(Fault(path="/v1/agent/generate", patch={"agent_id": agent_id}))
    subentries = dict(entry.subentries)

    response = await call(
        hass,
        "generate_agent",
        {"config_entry_id": entry.entry_id, "prompt": "x"},
        return_response=True,
    )
    await hass.async_block_till_done()

    assert dict(entry.subentries) == subentries
    return response


async def test_generate_agent_already_in_home_assistant_is_not_added_twice(
    hass: HomeAssistant, init_integration: MockConfigEntry, sim: Simulator
) -> None:
    """An answer naming an agent that is already a subentry adds nothing."""
    response = await generate_agent_answered_with(
        hass, init_integration, sim, FRONT_DOOR
    )

    assert response == {"agent_id": FRONT_DOOR}


async def test_generate_agent_answer_without_its_code_adds_nothing(
    hass: HomeAssistant, init_integration: MockConfigEntry, sim: Simulator
) -> None:
    """Started, but the API did not say as which agent: the list is re-read."""
    response = await generate_agent_answered_with(hass, init_integration, sim, REMOVE)

    assert response == {"agent_id": None}
    assert sim.count("GET", "/v1/agents") == 1


async def test_generate_agent_unreadable_name_titles_it_by_code(
    hass: HomeAssistant, init_integration: MockConfigEntry, sim: Simulator
) -> None:
    """The new agent cannot be read yet: its code names the subentry."""
    sim.add_fault(Fault(path="/v1/agent/A*", method="GET", status=500, times=3))

    response = await call(
        hass,
        "generate_agent",
        {"config_entry_id": init_integration.entry_id, "prompt": "x"},
        return_response=True,
    )

    assert response is not None
    titles = {s.unique_id: s.title for s in init_integration.subentries.values()}
    assert titles[str(response["agent_id"])] == response["agent_id"]


@pytest.mark.parametrize(
    "data",
    [
        pytest.param({"image": "portrait.jpg"}, id="image-not-a-url"),
        pytest.param({"audio": "ftp://example.com/b.wav"}, id="audio-not-http"),
        pytest.param({"aspect_ratio": "4:3"}, id="aspect-ratio"),
        pytest.param({"add_agent": "perhaps"}, id="add-agent"),
        pytest.param({"prompt": None}, id="no-prompt"),
    ],
)
async def test_generate_agent_bad_input_is_a_schema_error(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    sim: Simulator,
    data: dict[str, Any],
) -> None:
    """The schema refuses bad URLs and values; nothing is sent."""
    fields = {"config_entry_id": init_integration.entry_id, "prompt": "x", **data}

    with pytest.raises(vol.Invalid):
        await call(
            hass,
            "generate_agent",
            {key: value for key, value in fields.items() if value is not None},
        )

    assert writes(sim) == []


async def test_generate_agent_blank_prompt(
    hass: HomeAssistant, init_integration: MockConfigEntry, sim: Simulator
) -> None:
    """A blank prompt is bad input, refused before anything is sent."""
    with pytest.raises(ServiceValidationError) as exc_info:
        await call(
            hass,
            "generate_agent",
            {"config_entry_id": init_integration.entry_id, "prompt": " "},
        )

    assert_error(exc_info.value, "blank_agent_prompt")
    assert writes(sim) == []


async def test_generate_agent_unknown_entry(
    hass: HomeAssistant, init_integration: MockConfigEntry, sim: Simulator
) -> None:
    """An id that is no config entry: Home Assistant's own error."""
    with pytest.raises(ServiceValidationError) as exc_info:
        await call(hass, "generate_agent", {"config_entry_id": "nope", "prompt": "x"})

    assert_error(
        exc_info.value,
        "service_config_entry_not_found",
        {"domain": DOMAIN, "entry_id": "nope"},
        domain="homeassistant",
    )


async def test_generate_agent_entry_of_another_integration(
    hass: HomeAssistant, init_integration: MockConfigEntry, sim: Simulator
) -> None:
    """Another integration's entry: Home Assistant's own error."""
    other = MockConfigEntry(domain="hue", title="Hue bridge")
    other.add_to_hass(hass)

    with pytest.raises(ServiceValidationError) as exc_info:
        await call(
            hass, "generate_agent", {"config_entry_id": other.entry_id, "prompt": "x"}
        )

    assert_error(
        exc_info.value,
        "service_config_entry_wrong_domain",
        {"domain": DOMAIN, "entry_title": "Hue bridge"},
        domain="homeassistant",
    )


async def test_generate_agent_unloaded_entry(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: Simulator
) -> None:
    """An account that is not loaded: Home Assistant's own error, nothing sent."""
    await assert_refused_as_not_loaded(
        hass,
        init_integration,
        simulator,
        "generate_agent",
        {"config_entry_id": init_integration.entry_id, "prompt": "x"},
    )


@pytest.mark.parametrize(
    ("model", "needed"),
    [
        pytest.param(None, "250", id="default"),
        pytest.param("essence-2", "500", id="essence-2"),
        pytest.param("expression-2", "2000", id="expression-2"),
        pytest.param("some-future-model", "2000", id="unknown-model"),
    ],
)
async def test_generate_agent_without_credits_raises_a_repair(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    sim: Simulator,
    model: str | None,
    needed: str,
) -> None:
    """402: insufficient_credits, a repair with the credits needed, nothing added."""
    sim.set_credits(USER_ID, 10)
    sim.add_fault(
        Fault(
            path="/v1/agent/generate",
            status=402,
            code="INSUFFICIENT_BALANCE",
            message="Balance too low",
        )
    )
    subentries = dict(init_integration.subentries)
    data = {"config_entry_id": init_integration.entry_id, "prompt": "x"}

    with pytest.raises(HomeAssistantError) as exc_info:
        await call(hass, "generate_agent", data | ({"model": model} if model else {}))

    assert_error(
        exc_info.value,
        "insufficient_credits",
        {"agent": EMAIL, "account": EMAIL},
    )
    issue = insufficient_credits_issue(hass, init_integration)
    assert issue is not None
    assert issue.translation_placeholders == {"account": EMAIL, "needed": needed}
    assert dict(init_integration.subentries) == subentries
