"""The bitHuman actions, end to end: Home Assistant to the simulated API.

Each action is called through `hass.services.async_call` with a real entry
whose client talks HTTP to the simulator; the tests read back the exact
requests the API received, the response data, and every error's
translation key.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any
from unittest.mock import patch

from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import ATTR_AREA_ID, ATTR_DEVICE_ID, ATTR_ENTITY_ID
from homeassistant.core import HomeAssistant, ServiceResponse
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers import (
    area_registry as ar,
    device_registry as dr,
    entity_registry as er,
    issue_registry as ir,
    selector,
)
from homeassistant.loader import async_get_integration
from homeassistant.setup import async_setup_component
from homeassistant.util.yaml import load_yaml_dict
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
import voluptuous as vol

from bithuman_simulator import Fault
from custom_components.bithuman.api import BithumanClient, BithumanServerError
from custom_components.bithuman.const import (
    CONF_API_SECRET,
    CONF_API_URL,
    DOMAIN,
    SUBENTRY_TYPE_AGENT,
)
from custom_components.bithuman.coordinator import FAST_INTERVAL
from custom_components.bithuman.repairs import insufficient_credits_issue_id

from .conftest import (
    FRONT_DOOR,
    KITCHEN,
    OTHER_EMAIL,
    OTHER_USER_ID,
    USER_ID,
    agent_subentry,
)

if TYPE_CHECKING:
    from bithuman_simulator import Simulator
    from bithuman_simulator.request_log import RecordedRequest

FRONT_DOOR_TARGET = {ATTR_ENTITY_ID: "sensor.front_door_status"}
KITCHEN_TARGET = {ATTR_ENTITY_ID: "notify.kitchen_speak"}
BOTH_TARGET = {ATTR_ENTITY_ID: ["sensor.front_door_status", "sensor.kitchen_status"]}
SERVICES = (
    "speak",
    "add_context",
    "trigger_gesture",
    "generate_dynamics",
    "update_prompt",
    "generate_agent",
)


async def call(
    hass: HomeAssistant,
    service: str,
    data: dict[str, Any],
    target: dict[str, Any] | None = None,
    *,
    return_response: bool = False,
) -> ServiceResponse:
    """Call a bitHuman action and wait for it."""
    return await hass.services.async_call(
        DOMAIN,
        service,
        data,
        target=target,
        blocking=True,
        return_response=return_response,
    )


def api_requests(simulator: Simulator) -> list[tuple[str, str, Any]]:
    """Return the writes the API received (polling reads left out)."""
    return [
        (request.method, request.path, request.json)
        for request in simulator.requests
        if request.method != "GET"
    ]


def writes(simulator: Simulator) -> list[RecordedRequest]:
    """Return the recorded non-GET requests."""
    return [request for request in simulator.requests if request.method != "GET"]


def device_id(hass: HomeAssistant, code: str) -> str:
    """Return the id of an agent's device."""
    [device] = dr.async_get(hass).async_get_devices(identifiers={(DOMAIN, code)})
    return device.id


@pytest.fixture
def sim(simulator: Simulator, init_integration: MockConfigEntry) -> Simulator:
    """Return the simulator once the entry is loaded, its setup requests forgotten."""
    simulator.clear_requests()
    return simulator


# Registration and descriptions


async def test_actions_exist_before_any_entry(hass: HomeAssistant) -> None:
    """The actions are registered by async_setup, before an entry loads."""
    assert await async_setup_component(hass, DOMAIN, {})
    for service in SERVICES:
        assert hass.services.has_service(DOMAIN, service)

    with pytest.raises(ServiceValidationError) as exc_info:
        await call(hass, "speak", {"message": "Hi"}, {ATTR_DEVICE_ID: "nope"})
    assert exc_info.value.translation_key == "invalid_target"


async def test_descriptions_and_selectors(hass: HomeAssistant) -> None:
    """services.yaml is valid; every action and field is named and described."""
    integration = await async_get_integration(hass, DOMAIN)
    services = await hass.async_add_executor_job(
        load_yaml_dict, str(integration.file_path / "services.yaml")
    )
    translations = json.loads(
        (integration.file_path / "translations" / "en.json").read_text()
    )["services"]
    icons = json.loads((integration.file_path / "icons.json").read_text())["services"]
    assert set(services) == set(SERVICES) == set(translations) == set(icons)
    for service, description in services.items():
        assert translations[service]["name"], service
        assert translations[service]["description"], service
        assert ("target" in description) == (service != "generate_agent")
        if "target" in description:
            assert description["target"] == {
                "device": [{"integration": DOMAIN}],
                "entity": [{"integration": DOMAIN}],
            }
            selector.TargetSelector(description["target"])
        assert set(description["fields"]) == set(translations[service]["fields"])
        for name, field in description["fields"].items():
            assert translations[service]["fields"][name]["name"], (service, name)
            assert translations[service]["fields"][name]["description"]
            selector.validate_selector(field["selector"])
    duration = services["generate_dynamics"]["fields"]["duration"]
    assert duration["default"] == 5
    assert (
        duration["selector"]["number"]["min"],
        duration["selector"]["number"]["max"],
    ) == (1, 10)
    assert services["generate_agent"]["fields"]["config_entry_id"]["selector"] == {
        "config_entry": {"integration": DOMAIN}
    }


# speak


async def test_speak(hass: HomeAssistant, sim: Simulator) -> None:
    """Speak sends the message and returns what the API reported."""
    response = await call(
        hass,
        "speak",
        {"message": "Welcome home!"},
        FRONT_DOOR_TARGET,
        return_response=True,
    )

    assert response == {"agents": {FRONT_DOOR: {"delivered_to_rooms": 1}}}
    [request] = writes(sim)
    assert (request.method, request.path, request.json) == (
        "POST",
        f"/v1/agent/{FRONT_DOOR}/speak",
        {"message": "Welcome home!"},
    )
    assert request.headers["api-secret"] == "***"
    assert [m.text for m in sim.messages_for(FRONT_DOOR, kind="speak")] == [
        "Welcome home!"
    ]


async def test_speak_to_a_room_of_several_agents(
    hass: HomeAssistant, sim: Simulator
) -> None:
    """Device targets, several agents, one room: each agent gets the request."""
    sim.set_live_rooms(FRONT_DOOR, ["hall", "porch"])
    sim.set_live_rooms(KITCHEN, ["porch"])

    response = await call(
        hass,
        "speak",
        {"message": "Package at the door", "room_id": "porch"},
        {ATTR_DEVICE_ID: [device_id(hass, FRONT_DOOR), device_id(hass, KITCHEN)]},
        return_response=True,
    )

    assert response == {
        "agents": {
            FRONT_DOOR: {"delivered_to_rooms": 1},
            KITCHEN: {"delivered_to_rooms": 1},
        }
    }
    assert sorted(api_requests(sim)) == [
        (
            "POST",
            f"/v1/agent/{FRONT_DOOR}/speak",
            {"message": "Package at the door", "room_id": "porch"},
        ),
        (
            "POST",
            f"/v1/agent/{KITCHEN}/speak",
            {"message": "Package at the door", "room_id": "porch"},
        ),
    ]


async def test_speak_in_every_live_room_without_response(
    hass: HomeAssistant, sim: Simulator
) -> None:
    """No room: the API speaks in all live rooms; no response was asked for."""
    sim.set_live_rooms(FRONT_DOOR, ["hall", "porch"])

    assert (
        await call(
            hass, "speak", {"message": "Hello", "room_id": ""}, FRONT_DOOR_TARGET
        )
        is None
    )
    assert api_requests(sim) == [
        ("POST", f"/v1/agent/{FRONT_DOOR}/speak", {"message": "Hello"})
    ]
    assert {m.room_id for m in sim.messages_for(FRONT_DOOR)} == {"hall", "porch"}


async def test_speak_no_live_session(hass: HomeAssistant, sim: Simulator) -> None:
    """An agent without a live session: a translated error naming it."""
    with pytest.raises(HomeAssistantError) as exc_info:
        await call(hass, "speak", {"message": "Hi"}, KITCHEN_TARGET)

    assert exc_info.value.translation_key == "no_live_session"
    assert str(exc_info.value).startswith("Kitchen has no live session right now")


async def test_speak_blank_message(hass: HomeAssistant, sim: Simulator) -> None:
    """A blank message is refused before anything is sent."""
    with pytest.raises(ServiceValidationError) as exc_info:
        await call(hass, "speak", {"message": "  \n "}, FRONT_DOOR_TARGET)

    assert exc_info.value.translation_key == "blank_message"
    assert api_requests(sim) == []


async def test_speak_partial_failure(hass: HomeAssistant, sim: Simulator) -> None:
    """One agent live, one not: the first still speaks; the error says so."""
    with pytest.raises(HomeAssistantError) as exc_info:
        await call(hass, "speak", {"message": "Dinner is ready"}, BOTH_TARGET)

    assert exc_info.value.translation_key == "partial_failure"
    assert exc_info.value.translation_placeholders is not None
    assert exc_info.value.translation_placeholders["succeeded"] == "Front Door"
    assert exc_info.value.translation_placeholders["failed"].startswith(
        "Kitchen: Kitchen has no live session right now"
    )
    assert str(exc_info.value).startswith(
        "Done for: Front Door. Failed for Kitchen: Kitchen has no live session"
    )
    assert [m.text for m in sim.messages_for(FRONT_DOOR)] == ["Dinner is ready"]
    assert len(api_requests(sim)) == 2


async def test_speak_all_failed_for_the_same_reason(
    hass: HomeAssistant, sim: Simulator
) -> None:
    """Every agent failing alike gives that one error, naming them all."""
    sim.set_live_rooms(FRONT_DOOR, [])

    with pytest.raises(HomeAssistantError) as exc_info:
        await call(hass, "speak", {"message": "Hi"}, BOTH_TARGET)

    assert exc_info.value.translation_key == "no_live_session"
    assert exc_info.value.translation_placeholders is not None
    assert exc_info.value.translation_placeholders["agent"] == "Front Door, Kitchen"


async def test_unexpected_error_for_one_agent(
    hass: HomeAssistant, sim: Simulator, caplog: pytest.LogCaptureFixture
) -> None:
    """A bug hit for one agent is reported with the others' outcome, and logged."""
    sim.set_live_rooms(KITCHEN, ["kitchen"])
    real_speak = BithumanClient.speak

    async def speak(self: BithumanClient, code: str, *args: Any, **kwargs: Any) -> Any:
        if code == KITCHEN:
            raise RuntimeError("boom")
        return await real_speak(self, code, *args, **kwargs)

    with (
        patch.object(BithumanClient, "speak", speak),
        pytest.raises(HomeAssistantError) as exc_info,
    ):
        await call(hass, "speak", {"message": "Hi"}, BOTH_TARGET)

    assert exc_info.value.translation_key == "partial_failure"
    assert exc_info.value.translation_placeholders == {
        "succeeded": "Front Door",
        "failed": "Kitchen: An unexpected error happened for Kitchen. Look for "
        "bitHuman in the Home Assistant log",
    }
    assert "Unexpected error in bithuman.speak for Kitchen" in caplog.text


async def test_all_failed_for_different_reasons(
    hass: HomeAssistant, sim: Simulator
) -> None:
    """Different failures for every agent: each is named with its reason."""
    sim.set_live_rooms(FRONT_DOOR, [])
    sim.delete_agent(KITCHEN)

    with pytest.raises(HomeAssistantError) as exc_info:
        await call(hass, "speak", {"message": "Hi"}, BOTH_TARGET)

    assert exc_info.value.translation_key == "partial_failure"
    assert exc_info.value.translation_placeholders is not None
    assert exc_info.value.translation_placeholders["succeeded"] == "none"
    failed = exc_info.value.translation_placeholders["failed"]
    assert failed.startswith("Front Door: Front Door has no live session")
    assert "; Kitchen: bitHuman no longer knows the agent Kitchen" in failed


@pytest.mark.parametrize(
    ("fault", "translation_key", "message"),
    [
        (
            Fault(status=401, code="UNAUTHORIZED", message="Invalid API secret"),
            "auth_failed",
            "bitHuman rejected the API secret",
        ),
        (
            Fault(status=429, code="RATE_LIMITED", message="Slow down", retry_after=30),
            "rate_limited",
            "bitHuman is rate limiting requests; try again in 30 seconds",
        ),
        (
            Fault(status=400, code="VALIDATION_ERROR", message="message too long"),
            "request_rejected",
            "bitHuman rejected the request for Front Door: message too long",
        ),
        (
            Fault(drop=True),
            "cannot_connect",
            "Could not reach the bitHuman API for Front Door",
        ),
        (
            Fault(status=500, message="database on fire"),
            "api_error",
            "bitHuman could not complete the request for Front Door: database on fire",
        ),
    ],
    ids=["401", "429", "400", "dropped", "500"],
)
async def test_speak_api_failures(
    hass: HomeAssistant,
    sim: Simulator,
    fault: Fault,
    translation_key: str,
    message: str,
) -> None:
    """Each way the API can fail reaches the user as its translated error."""
    fault.path = "/v1/agent/*/speak"
    sim.add_fault(fault)

    with pytest.raises(HomeAssistantError) as exc_info:
        await call(hass, "speak", {"message": "Hi"}, FRONT_DOOR_TARGET)

    assert exc_info.value.translation_key == translation_key
    assert str(exc_info.value).startswith(message)
    assert sim.messages_for(FRONT_DOOR) == []
    if translation_key == "auth_failed":
        flows = hass.config_entries.flow.async_progress_by_handler(DOMAIN)
        assert [flow["context"]["source"] for flow in flows] == ["reauth"]


# Targets


@pytest.mark.usefixtures("sim")
async def test_no_target(hass: HomeAssistant) -> None:
    """An agent action without a target is refused."""
    with pytest.raises(ServiceValidationError) as exc_info:
        await call(hass, "speak", {"message": "Hi"})
    assert exc_info.value.translation_key == "no_target"


@pytest.mark.usefixtures("sim")
async def test_targets_that_are_not_agents(hass: HomeAssistant) -> None:
    """The account device, other integrations and unknown ids are refused."""
    device_registry = dr.async_get(hass)
    [account_device] = device_registry.async_get_devices(
        identifiers={(DOMAIN, USER_ID)}
    )
    other = MockConfigEntry(domain="hue")
    other.add_to_hass(hass)
    lamp = er.async_get(hass).async_get_or_create(
        "light", "hue", "lamp-1", config_entry=other
    )

    for target, shown in (
        ({ATTR_DEVICE_ID: account_device.id}, account_device.name),
        ({ATTR_ENTITY_ID: "sensor.ada_example_com_credit_balance"}, None),
        ({ATTR_ENTITY_ID: lamp.entity_id}, lamp.entity_id),
        ({ATTR_ENTITY_ID: "sensor.does_not_exist"}, "sensor.does_not_exist"),
        ({ATTR_DEVICE_ID: "0123456789abcdef"}, "0123456789abcdef"),
        (
            {ATTR_ENTITY_ID: ["sensor.front_door_status", lamp.entity_id]},
            lamp.entity_id,
        ),
    ):
        with pytest.raises(ServiceValidationError) as exc_info:
            await call(hass, "speak", {"message": "Hi"}, target)
        assert exc_info.value.translation_key == "invalid_target", target
        assert exc_info.value.translation_placeholders is not None
        if shown is not None:
            assert exc_info.value.translation_placeholders["targets"] == shown


async def test_target_area(hass: HomeAssistant, sim: Simulator) -> None:
    """An area targets the agents in it and ignores everything else."""
    area = ar.async_get(hass).async_create("Hall")
    dr.async_get(hass).async_update_device(device_id(hass, FRONT_DOOR), area_id=area.id)
    other = MockConfigEntry(domain="hue")
    other.add_to_hass(hass)
    er.async_get(hass).async_get_or_create("light", "hue", "lamp-1", config_entry=other)
    er.async_get(hass).async_update_entity("light.hue_lamp_1", area_id=area.id)

    response = await call(
        hass, "speak", {"message": "Hi"}, {ATTR_AREA_ID: area.id}, return_response=True
    )
    assert response == {"agents": {FRONT_DOOR: {"delivered_to_rooms": 1}}}

    # Another integration's device in the area is not a target either.
    hue_device = dr.async_get(hass).async_get_or_create(
        config_entry_id=other.entry_id, identifiers={("hue", "bridge")}
    )
    dr.async_get(hass).async_update_device(hue_device.id, area_id=area.id)
    response = await call(
        hass, "speak", {"message": "Hi"}, {ATTR_AREA_ID: area.id}, return_response=True
    )
    assert response == {"agents": {FRONT_DOOR: {"delivered_to_rooms": 1}}}

    empty = ar.async_get(hass).async_create("Garage")
    with pytest.raises(ServiceValidationError) as exc_info:
        await call(hass, "speak", {"message": "Hi"}, {ATTR_AREA_ID: empty.id})
    assert exc_info.value.translation_key == "no_target"


async def test_devices_that_only_look_like_agents(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """Devices in subentries are agents only if they are the agent's device."""
    device_registry = dr.async_get(hass)
    [subentry_id] = [
        subentry.subentry_id
        for subentry in init_integration.subentries.values()
        if subentry.unique_id == FRONT_DOOR
    ]
    stray = device_registry.async_get_or_create(
        config_entry_id=init_integration.entry_id,
        config_subentry_id=subentry_id,
        identifiers={(DOMAIN, "A99999999")},
        name="Stray",
    )
    other = MockConfigEntry(
        domain="hue",
        subentries_data=[
            {
                "subentry_type": "bridge",
                "data": {},
                "title": "Bridge",
                "unique_id": "bridge",
            }
        ],
    )
    other.add_to_hass(hass)
    [other_subentry] = other.subentries
    foreign = device_registry.async_get_or_create(
        config_entry_id=other.entry_id,
        config_subentry_id=other_subentry,
        identifiers={(DOMAIN, FRONT_DOOR)},
        name="Look-alike",
    )

    for device, name in ((stray, "Stray"), (foreign, "Look-alike")):
        with pytest.raises(ServiceValidationError) as exc_info:
            await call(hass, "speak", {"message": "Hi"}, {ATTR_DEVICE_ID: device.id})
        assert exc_info.value.translation_key == "invalid_target"
        assert exc_info.value.translation_placeholders == {"targets": name}


async def test_target_entity_by_registry_id(
    hass: HomeAssistant, sim: Simulator
) -> None:
    """An entity may be named by its registry id, as the UI stores it."""
    entry = er.async_get(hass).async_get("sensor.front_door_status")
    assert entry is not None

    response = await call(
        hass,
        "speak",
        {"message": "Hi"},
        {ATTR_ENTITY_ID: entry.id},
        return_response=True,
    )
    assert response == {"agents": {FRONT_DOOR: {"delivered_to_rooms": 1}}}


async def test_entry_not_loaded(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: Simulator
) -> None:
    """An agent of an unloaded account: a translated error to check the entry."""
    target = {ATTR_DEVICE_ID: device_id(hass, FRONT_DOOR)}
    assert await hass.config_entries.async_unload(init_integration.entry_id)
    simulator.clear_requests()

    with pytest.raises(ServiceValidationError) as exc_info:
        await call(hass, "speak", {"message": "Hi"}, target)

    assert exc_info.value.translation_key == "entry_not_loaded"
    assert "ada@example.com is not loaded" in str(exc_info.value)
    assert simulator.requests == []


async def test_agents_of_two_accounts(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: Simulator,
    other_account: str,
    simulator_url: str,
) -> None:
    """One call reaches agents of two accounts, each with its own secret."""
    simulator.add_agent(
        other_account, code="A20000001", name="Studio", live_rooms=["studio"]
    )
    other = MockConfigEntry(
        domain=DOMAIN,
        title=OTHER_EMAIL,
        unique_id=OTHER_USER_ID,
        data={CONF_API_SECRET: other_account, CONF_API_URL: simulator_url},
        subentries_data=[agent_subentry("A20000001", "Studio")],
    )
    other.add_to_hass(hass)
    assert await hass.config_entries.async_setup(other.entry_id)
    await hass.async_block_till_done()
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
            "A20000001": {"delivered_to_rooms": 1},
        }
    }
    assert len(simulator.messages_for("A20000001")) == 1


# add_context


async def test_add_context(hass: HomeAssistant, sim: Simulator) -> None:
    """Context is sent as add_context and returns what the API reported."""
    response = await call(
        hass,
        "add_context",
        {"context": "Ada just came home.", "room_id": "hall"},
        FRONT_DOOR_TARGET,
        return_response=True,
    )

    assert response == {"agents": {FRONT_DOOR: {"delivered_to_rooms": 1}}}
    assert api_requests(sim) == [
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


async def test_add_context_errors(hass: HomeAssistant, sim: Simulator) -> None:
    """Blank context and an agent without a live session."""
    with pytest.raises(ServiceValidationError) as exc_info:
        await call(hass, "add_context", {"context": ""}, FRONT_DOOR_TARGET)
    assert exc_info.value.translation_key == "blank_context"

    with pytest.raises(HomeAssistantError) as exc_info:
        await call(hass, "add_context", {"context": "x"}, KITCHEN_TARGET)
    assert exc_info.value.translation_key == "no_live_session"
    assert api_requests(sim) == [
        (
            "POST",
            f"/v1/agent/{KITCHEN}/add-context",
            {"context": "x", "type": "add_context"},
        )
    ]


# update_prompt


async def test_update_prompt(hass: HomeAssistant, sim: Simulator) -> None:
    """The new system prompt is stored on bitHuman."""
    prompt = "You are the calm evening voice of the house."
    assert (
        await call(hass, "update_prompt", {"system_prompt": prompt}, BOTH_TARGET)
        is None
    )

    assert sorted(api_requests(sim)) == [
        ("POST", f"/v1/agent/{FRONT_DOOR}", {"system_prompt": prompt}),
        ("POST", f"/v1/agent/{KITCHEN}", {"system_prompt": prompt}),
    ]
    assert sim.agent(FRONT_DOOR).system_prompt == prompt
    assert sim.agent(KITCHEN).system_prompt == prompt


async def test_update_prompt_errors(hass: HomeAssistant, sim: Simulator) -> None:
    """A blank prompt is refused; an agent deleted upstream is named."""
    with pytest.raises(ServiceValidationError) as exc_info:
        await call(hass, "update_prompt", {"system_prompt": "\t"}, FRONT_DOOR_TARGET)
    assert exc_info.value.translation_key == "blank_prompt"
    assert api_requests(sim) == []

    sim.delete_agent(KITCHEN)
    with pytest.raises(HomeAssistantError) as exc_info:
        await call(hass, "update_prompt", {"system_prompt": "Be kind"}, BOTH_TARGET)
    assert exc_info.value.translation_key == "partial_failure"
    assert exc_info.value.translation_placeholders is not None
    assert exc_info.value.translation_placeholders["succeeded"] == "Front Door"
    assert exc_info.value.translation_placeholders["failed"].startswith(
        "Kitchen: bitHuman no longer knows the agent Kitchen"
    )
    assert sim.agent(FRONT_DOOR).system_prompt == "Be kind"


# generate_dynamics


async def test_generate_dynamics_defaults(
    hass: HomeAssistant, init_integration: MockConfigEntry, sim: Simulator
) -> None:
    """Defaults: 5 s, auto; billed once with an idempotency key; polled fast."""
    coordinator = init_integration.runtime_data.coordinator
    balance = sim.account(USER_ID).balance

    await call(hass, "generate_dynamics", {}, KITCHEN_TARGET)

    [request] = writes(sim)
    assert (request.method, request.path, request.json) == (
        "POST",
        "/v1/dynamics/generate",
        {"agent_id": KITCHEN, "duration": 5, "model": "auto"},
    )
    assert request.headers["Idempotency-Key"]
    assert sim.account(USER_ID).balance == balance - 250
    await hass.async_block_till_done()
    assert coordinator.update_interval == FAST_INTERVAL
    assert sim.count("GET", f"/v1/dynamics/{KITCHEN}") == 1
    state = hass.states.get("sensor.kitchen_dynamics_status")
    assert state is not None
    assert state.state in {"processing", "generating"}


async def test_generate_dynamics_duration_and_model(
    hass: HomeAssistant, sim: Simulator
) -> None:
    """The duration and model given are sent as they are."""
    await call(
        hass,
        "generate_dynamics",
        {"duration": 2, "model": "auto"},
        {ATTR_DEVICE_ID: device_id(hass, KITCHEN)},
    )

    assert api_requests(sim) == [
        (
            "POST",
            "/v1/dynamics/generate",
            {"agent_id": KITCHEN, "duration": 2, "model": "auto"},
        )
    ]


@pytest.mark.parametrize(
    ("duration", "translation_key", "message"),
    [
        (0, "range_min", "value must be at least 1 at 'duration'"),
        (11, "range_max", "value must be at most 10 at 'duration'"),
    ],
)
async def test_generate_dynamics_duration_out_of_range(
    hass: HomeAssistant,
    sim: Simulator,
    duration: int,
    translation_key: str,
    message: str,
) -> None:
    """The schema refuses a duration outside 1-10 s with a clear message."""
    with pytest.raises(vol.Invalid) as exc_info:
        await call(hass, "generate_dynamics", {"duration": duration}, KITCHEN_TARGET)

    assert str(exc_info.value) == message
    assert isinstance(exc_info.value, vol.MultipleInvalid)
    [error] = exc_info.value.errors
    assert error.translation_key == translation_key
    assert error.path == ["duration"]
    assert api_requests(sim) == []


async def test_generate_dynamics_insufficient_credits(
    hass: HomeAssistant, init_integration: MockConfigEntry, sim: Simulator
) -> None:
    """402: a translated error and a repair issue; success withdraws it."""
    sim.set_credits(USER_ID, 100)
    issue_id = insufficient_credits_issue_id(init_integration.entry_id)

    with pytest.raises(HomeAssistantError) as exc_info:
        await call(hass, "generate_dynamics", {}, KITCHEN_TARGET)

    assert exc_info.value.translation_key == "insufficient_credits"
    assert ir.async_get(hass).async_get_issue(DOMAIN, issue_id) is not None
    assert sim.charges(USER_ID) == []

    sim.set_credits(USER_ID, 1000)
    await call(hass, "generate_dynamics", {}, KITCHEN_TARGET)
    assert ir.async_get(hass).async_get_issue(DOMAIN, issue_id) is None


async def test_generate_dynamics_credits_for_one_agent_only(
    hass: HomeAssistant, sim: Simulator
) -> None:
    """Credits for one of two agents: one starts, the error says which."""
    sim.set_credits(USER_ID, 300)

    with pytest.raises(HomeAssistantError) as exc_info:
        await call(hass, "generate_dynamics", {}, BOTH_TARGET)

    assert exc_info.value.translation_key == "partial_failure"
    assert exc_info.value.translation_placeholders is not None
    placeholders = exc_info.value.translation_placeholders
    [charge] = sim.charges(USER_ID)
    started = "Front Door" if charge.agent_code == FRONT_DOOR else "Kitchen"
    assert placeholders["succeeded"] == started
    assert "does not have enough credits" in placeholders["failed"]


# trigger_gesture: the checks before LiveKit (delivery is in test_livekit.py)


async def test_trigger_gesture_checks(
    hass: HomeAssistant, init_integration: MockConfigEntry, sim: Simulator
) -> None:
    """Unknown gesture, then dynamics not ready, then LiveKit not configured."""
    with pytest.raises(ServiceValidationError) as exc_info:
        await call(hass, "trigger_gesture", {"gesture": "jump"}, FRONT_DOOR_TARGET)
    assert exc_info.value.translation_key == "unknown_gesture"
    assert exc_info.value.translation_placeholders == {
        "agent": "Front Door",
        "gesture": "jump",
        "gestures": "blow_kiss_heart, mini_wave_hello, talk_head_nod_subtle",
    }

    with pytest.raises(ServiceValidationError) as exc_info:
        await call(
            hass, "trigger_gesture", {"gesture": "mini_wave_hello"}, FRONT_DOOR_TARGET
        )
    assert exc_info.value.translation_key == "livekit_not_configured"
    assert "Configure and enter the LiveKit URL" in str(exc_info.value)

    # The gestures are known but the dynamics model is gone (being rebuilt).
    sim.agent(FRONT_DOOR).dynamics.url = None
    coordinator = init_integration.runtime_data.coordinator
    coordinator.async_watch(FRONT_DOOR)
    await hass.async_block_till_done()
    with pytest.raises(ServiceValidationError) as exc_info:
        await call(
            hass, "trigger_gesture", {"gesture": "mini_wave_hello"}, FRONT_DOOR_TARGET
        )
    assert exc_info.value.translation_key == "dynamics_not_ready"
    assert api_requests(sim) == []


# generate_agent


async def test_generate_agent_added_and_followed(
    hass: HomeAssistant, init_integration: MockConfigEntry, sim: Simulator
) -> None:
    """A new agent: exact request, its id back, a subentry followed live."""
    response = await call(
        hass,
        "generate_agent",
        {
            "config_entry_id": init_integration.entry_id,
            "prompt": "You are a cheerful concierge.",
            "image": "https://example.com/portrait.jpg",
            "audio": "https://example.com/voice.wav",
            "aspect_ratio": "9:16",
        },
        return_response=True,
    )

    [request] = writes(sim)
    assert (request.method, request.path, request.json) == (
        "POST",
        "/v1/agent/generate",
        {
            "prompt": "You are a cheerful concierge.",
            "image": "https://example.com/portrait.jpg",
            "audio": "https://example.com/voice.wav",
            "aspect_ratio": "9:16",
        },
    )
    assert request.headers["Idempotency-Key"]
    assert response is not None
    code = response["agent_id"]
    assert isinstance(code, str)
    assert response == {"agent_id": code}
    assert sim.agent(code).model == "expression-1"

    [subentry] = [
        subentry
        for subentry in init_integration.subentries.values()
        if subentry.unique_id == code
    ]
    assert subentry.subentry_type == SUBENTRY_TYPE_AGENT
    assert dict(subentry.data) == {"agent_code": code}
    assert subentry.title == f"Agent {code}"

    await hass.async_block_till_done()
    coordinator = init_integration.runtime_data.coordinator
    assert coordinator.update_interval == FAST_INTERVAL
    assert code in coordinator.data.agents
    entity_id = er.async_get(hass).async_get_entity_id(
        "sensor", DOMAIN, f"{code}_status"
    )
    assert entity_id is not None
    state = hass.states.get(entity_id)
    assert state is not None
    assert state.state == "processing"
    assert init_integration.state is ConfigEntryState.LOADED


async def test_generate_agent_without_adding(
    hass: HomeAssistant, init_integration: MockConfigEntry, sim: Simulator
) -> None:
    """add_agent false: the agent is generated but not added; a model is sent."""
    subentries = dict(init_integration.subentries)

    response = await call(
        hass,
        "generate_agent",
        {
            "config_entry_id": init_integration.entry_id,
            "prompt": "A robot butler.",
            "model": "expression-2",
            "add_agent": False,
        },
        return_response=True,
    )

    assert api_requests(sim) == [
        (
            "POST",
            "/v1/agent/generate",
            {"prompt": "A robot butler.", "model": "expression-2"},
        )
    ]
    assert response is not None
    assert sim.agent(str(response["agent_id"])).model == "expression-2"
    assert dict(init_integration.subentries) == subentries


async def test_generate_agent_input_errors(
    hass: HomeAssistant, init_integration: MockConfigEntry, sim: Simulator
) -> None:
    """Bad input never reaches the API."""
    entry_id = init_integration.entry_id
    for data, translation_key in (
        ({"config_entry_id": entry_id, "prompt": " "}, "blank_agent_prompt"),
        (
            {"config_entry_id": entry_id, "prompt": "x", "image": "portrait.jpg"},
            "invalid_url",
        ),
        (
            {"config_entry_id": entry_id, "prompt": "x", "audio": "ftp://a/b.wav"},
            "invalid_url",
        ),
        ({"config_entry_id": "not-an-entry", "prompt": "x"}, "invalid_config_entry"),
    ):
        with pytest.raises(ServiceValidationError) as exc_info:
            await call(hass, "generate_agent", data)
        assert exc_info.value.translation_key == translation_key, data

    other = MockConfigEntry(domain="hue")
    other.add_to_hass(hass)
    with pytest.raises(ServiceValidationError) as exc_info:
        await call(
            hass, "generate_agent", {"config_entry_id": other.entry_id, "prompt": "x"}
        )
    assert exc_info.value.translation_key == "invalid_config_entry"

    with pytest.raises(vol.Invalid):
        await call(
            hass,
            "generate_agent",
            {"config_entry_id": entry_id, "prompt": "x", "aspect_ratio": "4:3"},
        )

    assert await hass.config_entries.async_unload(entry_id)
    with pytest.raises(ServiceValidationError) as exc_info:
        await call(hass, "generate_agent", {"config_entry_id": entry_id, "prompt": "x"})
    assert exc_info.value.translation_key == "entry_not_loaded"
    assert api_requests(sim) == []


async def test_generate_agent_insufficient_credits(
    hass: HomeAssistant, init_integration: MockConfigEntry, sim: Simulator
) -> None:
    """402: a translated error and a repair issue; nothing added."""
    sim.set_credits(USER_ID, 10)
    subentries = dict(init_integration.subentries)

    with pytest.raises(HomeAssistantError) as exc_info:
        await call(
            hass,
            "generate_agent",
            {"config_entry_id": init_integration.entry_id, "prompt": "x"},
        )

    assert exc_info.value.translation_key == "insufficient_credits"
    assert (
        ir.async_get(hass).async_get_issue(
            DOMAIN, insufficient_credits_issue_id(init_integration.entry_id)
        )
        is not None
    )
    assert dict(init_integration.subentries) == subentries


async def test_generate_agent_name_unreadable(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    sim: Simulator,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """If the new agent cannot be read yet, its code names the subentry."""

    async def get_agent(self: BithumanClient, code: str) -> Any:
        raise BithumanServerError("HTTP 500", status=500)

    monkeypatch.setattr(BithumanClient, "get_agent", get_agent)
    response = await call(
        hass,
        "generate_agent",
        {"config_entry_id": init_integration.entry_id, "prompt": "x"},
        return_response=True,
    )

    assert response is not None
    titles = {
        subentry.unique_id: subentry.title
        for subentry in init_integration.subentries.values()
    }
    assert titles[str(response["agent_id"])] == response["agent_id"]
