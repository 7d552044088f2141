"""Buttons: Generate dynamics, and one per gesture that follow the gestures."""

from __future__ import annotations

from collections.abc import Callable

from homeassistant.const import Platform
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers import entity_registry as er, issue_registry as ir
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from bithuman_simulator import Simulator
from custom_components.bithuman.const import DOMAIN

from .conftest import (
    FRONT_DOOR,
    KITCHEN,
    USER_ID,
    Advance,
    SnapshotEntities,
    press,
    set_up_entry,
)


@pytest.mark.parametrize("platforms", [[Platform.BUTTON]])
async def test_buttons(snapshot_entities: SnapshotEntities) -> None:
    """Generate dynamics per agent, and a button per gesture it has."""
    await snapshot_entities()


@pytest.mark.usefixtures("init_integration")
async def test_generate_dynamics_request_and_charge(
    hass: HomeAssistant, simulator: Simulator
) -> None:
    """The button starts one generation, charged 250 credits once."""
    simulator.clear_requests()
    await press(hass, "button.kitchen_generate_dynamics")
    posts = [r for r in simulator.requests if r.path == "/v1/dynamics/generate"]
    assert len(posts) == 1
    assert posts[0].json == {"agent_id": KITCHEN, "duration": 5, "model": "auto"}
    assert posts[0].headers.get("Idempotency-Key")
    assert [charge.amount for charge in simulator.charges(USER_ID)] == [250]


async def test_generate_dynamics_without_credits(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: Simulator,
    issue_registry: ir.IssueRegistry,
) -> None:
    """402: a translated error and a repair issue; nothing charged."""
    simulator.set_credits(USER_ID, 100)
    with pytest.raises(HomeAssistantError) as exc_info:
        await press(hass, "button.kitchen_generate_dynamics")
    assert exc_info.value.translation_key == "insufficient_credits"
    assert issue_registry.async_get_issue(
        DOMAIN, f"insufficient_credits_{init_integration.entry_id}"
    )
    assert simulator.charges(USER_ID) == []


async def test_gesture_buttons_follow_the_gestures(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: Simulator,
    entity_registry: er.EntityRegistry,
    advance: Advance,
) -> None:
    """A new gesture adds a button without a reload; a dropped one removes it."""
    assert hass.states.get("button.front_door_mini_wave_hello") is not None
    assert hass.states.get("button.front_door_laugh_react") is None

    simulator.set_gestures(FRONT_DOOR, ["mini_wave_hello", "laugh_react"])
    # Outside changes to dynamics are read at least hourly.
    await advance(3600)

    assert hass.states.get("button.front_door_laugh_react") is not None
    assert hass.states.get("button.front_door_mini_wave_hello") is not None
    assert hass.states.get("button.front_door_blow_kiss_heart") is None
    assert not entity_registry.async_get_entity_id(
        "button", DOMAIN, f"{FRONT_DOOR}_gesture_blow_kiss_heart"
    )
    state = hass.states.get("button.front_door_laugh_react")
    assert state is not None
    assert state.attributes["friendly_name"] == "Front Door Laugh react"


async def test_a_gesture_gone_while_home_assistant_was_stopped_goes(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: Simulator,
    entity_registry: er.EntityRegistry,
) -> None:
    """Its button is not left behind as "no longer provided" after a restart."""
    gone = f"{FRONT_DOOR}_gesture_blow_kiss_heart"
    assert entity_registry.async_get_entity_id("button", DOMAIN, gone)
    assert await hass.config_entries.async_unload(init_integration.entry_id)
    simulator.set_gestures(FRONT_DOOR, ["mini_wave_hello", "talk_head_nod_subtle"])
    assert await hass.config_entries.async_setup(init_integration.entry_id)
    await hass.async_block_till_done()

    assert not entity_registry.async_get_entity_id("button", DOMAIN, gone)
    assert hass.states.get("button.front_door_mini_wave_hello") is not None
    # Kitchen's dynamics were never generated: nothing of it is removed.
    assert hass.states.get("button.kitchen_generate_dynamics") is not None


@pytest.mark.parametrize(
    ("language", "wave", "clap"),
    [
        ("en", "Mini wave hello", "Clap celebrate"),
        ("de", "Kleines Winken zur Begrüßung", "Clap celebrate"),
        ("fr", "Petit signe de la main", "Clap celebrate"),
    ],
)
async def test_documented_gestures_are_named_in_the_home_language(
    hass: HomeAssistant,
    config_entry_factory: Callable[..., MockConfigEntry],
    agents: dict[str, str],
    simulator: Simulator,
    entity_registry: er.EntityRegistry,
    language: str,
    wave: str,
    clap: str,
) -> None:
    """A gesture bitHuman documents has a translated name; another keeps its own."""
    hass.config.language = language
    simulator.set_gestures(FRONT_DOOR, ["mini_wave_hello", "clap_celebrate"])
    assert await set_up_entry(hass, config_entry_factory(agents=agents))

    for gesture, name in (("mini_wave_hello", wave), ("clap_celebrate", clap)):
        entity_id = entity_registry.async_get_entity_id(
            "button", DOMAIN, f"{FRONT_DOOR}_gesture_{gesture}"
        )
        assert entity_id is not None
        state = hass.states.get(entity_id)
        assert state is not None
        assert state.attributes["friendly_name"] == f"Front Door {name}"


async def test_gesture_button_without_livekit(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: Simulator
) -> None:
    """Without the LiveKit options a gesture could only fail: it is unavailable."""
    assert hass.states.get("button.front_door_mini_wave_hello").state == "unavailable"


async def test_generate_dynamics_refused_while_generating_or_failed(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: Simulator,
    advance: Advance,
) -> None:
    """A second press while a generation runs is refused: nothing charged twice."""
    await press(hass, "button.kitchen_generate_dynamics")
    await advance(5)
    with pytest.raises(ServiceValidationError) as exc_info:
        await press(hass, "button.kitchen_generate_dynamics")
    assert exc_info.value.translation_key == "dynamics_generating"
    assert [charge.amount for charge in simulator.charges(USER_ID)] == [250]


async def test_end_session_button(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: Simulator
) -> None:
    """End session closes the agent's live room; the agent stops billing."""
    assert hass.states.get("binary_sensor.front_door_live").state == "on"
    await press(hass, "button.front_door_end_session")
    await hass.async_block_till_done()
    assert simulator.agent(FRONT_DOOR).live_rooms == []
    assert hass.states.get("binary_sensor.front_door_live").state == "off"
