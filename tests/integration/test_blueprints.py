"""The automation blueprints, imported into Home Assistant and run.

Each blueprint is copied where Home Assistant keeps imported blueprints,
instantiated as an automation through the `automation` integration, and
triggered; what it did shows at the simulator.
"""

from __future__ import annotations

from pathlib import Path
import shutil
from typing import Any

from homeassistant.core import HomeAssistant
from homeassistant.setup import async_setup_component
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from bithuman_simulator import Simulator

from .conftest import FRONT_DOOR, KITCHEN, Advance, agent_device

BLUEPRINTS = Path(__file__).parents[2] / "blueprints" / "automation" / "bithuman"


@pytest.fixture(autouse=True)
def imported_blueprints(hass: HomeAssistant) -> None:
    """Put the blueprints where an import puts them."""
    target = Path(hass.config.path("blueprints", "automation", "bithuman"))
    target.mkdir(parents=True, exist_ok=True)
    for blueprint in BLUEPRINTS.glob("*.yaml"):
        shutil.copy(blueprint, target / blueprint.name)


async def _automation(
    hass: HomeAssistant, blueprint: str, inputs: dict[str, Any]
) -> None:
    assert await async_setup_component(
        hass,
        "automation",
        {
            "automation": {
                "id": blueprint,
                "alias": blueprint,
                "use_blueprint": {
                    "path": f"bithuman/{blueprint}.yaml",
                    "input": inputs,
                },
            }
        },
    )
    await hass.async_block_till_done()
    assert hass.states.get(f"automation.{blueprint}").state == "on"


def test_every_blueprint_is_tested() -> None:
    assert {path.stem for path in BLUEPRINTS.glob("*.yaml")} == {
        "end_sessions_when_away",
        "greet_on_arrival",
        "announce_doorbell",
        "voice_command_say",
    }


async def test_end_sessions_when_away(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: Simulator,
    advance: Advance,
) -> None:
    """Nobody home for the grace period: the live session ends."""
    hass.states.async_set("input_boolean.anyone_home", "on")
    await _automation(
        hass,
        "end_sessions_when_away",
        {
            "agents": [
                agent_device(hass, FRONT_DOOR).id,
                agent_device(hass, KITCHEN).id,
            ],
            "presence": "input_boolean.anyone_home",
            "delay": {"minutes": 1},
        },
    )
    hass.states.async_set("input_boolean.anyone_home", "off")
    await advance(30)
    assert simulator.agent(FRONT_DOOR).live_rooms == ["hall"]
    await advance(35)
    assert simulator.agent(FRONT_DOOR).live_rooms == []
    terminated = [r for r in simulator.requests if r.path.endswith("/terminate")]
    assert [r.json for r in terminated] == [{"reason": "Nobody is home"}]


async def test_greet_on_arrival(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: Simulator,
) -> None:
    """Ada comes home: Front Door welcomes her by name (the gesture is optional)."""
    hass.states.async_set("person.ada", "not_home", {"friendly_name": "Ada"})
    await _automation(
        hass,
        "greet_on_arrival",
        {
            "people": ["person.ada"],
            "agent": agent_device(hass, FRONT_DOOR).id,
            "gesture": "mini_wave_hello",
            "quiet_from": "23:59:00",
            "quiet_until": "00:00:01",
        },
    )
    hass.states.async_set("person.ada", "home", {"friendly_name": "Ada"})
    await hass.async_block_till_done()
    said = [m.text for m in simulator.messages_for(FRONT_DOOR, kind="speak")]
    assert said == ["Welcome home, Ada!"]


async def test_announce_doorbell(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: Simulator
) -> None:
    """The doorbell rings: the chosen sentence is said."""
    hass.states.async_set("binary_sensor.doorbell", "off")
    await _automation(
        hass,
        "announce_doorbell",
        {
            "doorbell": "binary_sensor.doorbell",
            "agent": agent_device(hass, FRONT_DOOR).id,
            "sentence": "A visitor is at the door.",
        },
    )
    hass.states.async_set("binary_sensor.doorbell", "on")
    await hass.async_block_till_done()
    said = [m.text for m in simulator.messages_for(FRONT_DOOR, kind="speak")]
    assert said == ["A visitor is at the door."]


@pytest.mark.parametrize(
    ("sentence", "said", "answer"),
    [
        ("tell front door to say the pizza is here", ["the pizza is here"], "Done."),
        ("tell garage to say hi", [], "I don't know an avatar called garage."),
    ],
)
async def test_voice_command_say(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: Simulator,
    sentence: str,
    said: list[str],
    answer: str,
) -> None:
    """Saying "tell Front Door to say ...": the avatar says it, Assist answers."""
    assert await async_setup_component(hass, "conversation", {})
    await _automation(
        hass,
        "voice_command_say",
        {"agents": [agent_device(hass, FRONT_DOOR).id, agent_device(hass, KITCHEN).id]},
    )
    result = await hass.services.async_call(
        "conversation",
        "process",
        {"text": sentence, "language": "en"},
        blocking=True,
        return_response=True,
    )
    speech = result["response"]["speech"]["plain"]["speech"]
    assert speech == answer
    assert [m.text for m in simulator.messages_for(FRONT_DOOR, kind="speak")] == said
