"""The README's action examples are valid automations that really work.

Every ```yaml block between `<!-- actions:start -->` and `<!-- actions:end -->`
is one automation. Each is checked by Home Assistant's own automation config
validation, its bitHuman steps against the actions' schemas, and all are
loaded by the automation integration; the greeting is then run end to end.
"""

from __future__ import annotations

from pathlib import Path
import re
from typing import TYPE_CHECKING, Any

from homeassistant.components.automation.config import async_validate_config_item
from homeassistant.core import HomeAssistant
from homeassistant.setup import async_setup_component
from homeassistant.util.yaml import parse_yaml
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.bithuman.const import DOMAIN

from .conftest import ACTIONS, AVATAR, FRONT_DOOR, RtcRooms, livekit_participant

if TYPE_CHECKING:
    from collections.abc import Callable

    from bithuman_simulator import Simulator

    from .conftest import LiveKitServer

README = Path(__file__).parents[2] / "README.md"


def readme_automations() -> list[dict[str, Any]]:
    """Return the automations of the README's Actions section."""
    text = README.read_text(encoding="utf-8")
    section = text.split("<!-- actions:start -->", 1)[1].split(
        "<!-- actions:end -->", 1
    )[0]
    blocks = re.findall(r"^```yaml\n(.*?)^```$", section, re.DOTALL | re.MULTILINE)
    automations = [parse_yaml(block) for block in blocks]
    assert all(isinstance(automation, dict) for automation in automations)
    return automations


def bithuman_steps(automation: dict[str, Any]) -> list[dict[str, Any]]:
    """Return the automation's steps that call a bitHuman action."""
    return [
        step
        for step in automation["actions"]
        if str(step.get("action", "")).startswith(f"{DOMAIN}.")
    ]


async def _comes_home_to_the_greeting(
    hass: HomeAssistant, person: str, name: str
) -> None:
    """Load the README's greeting with `person` away, then bring them home."""
    [greeting] = [
        automation
        for automation in readme_automations()
        if automation["alias"] == "Avatar greets whoever comes home"
    ]
    hass.states.async_set(person, "not_home", {"friendly_name": name})
    assert await async_setup_component(hass, "automation", {"automation": [greeting]})
    await hass.async_block_till_done()

    hass.states.async_set(person, "home", {"friendly_name": name})
    await hass.async_block_till_done()


def test_an_example_per_action() -> None:
    """Each action has an example, and the greeting waves and says hello."""
    automations = readme_automations()
    used = {
        step["action"].removeprefix(f"{DOMAIN}.")
        for automation in automations
        for step in bithuman_steps(automation)
    }
    assert used == set(ACTIONS)
    greetings = [
        automation
        for automation in automations
        if [step["action"] for step in bithuman_steps(automation)]
        == ["bithuman.trigger_gesture", "bithuman.speak"]
    ]
    assert len(greetings) == 1
    [greeting] = greetings
    assert greeting["triggers"][0]["to"] == "home"
    assert greeting["actions"][0]["data"] == {"gesture": "mini_wave_hello"}


async def test_examples_are_valid_automations(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """Home Assistant accepts every example, and the automations load."""
    automations = readme_automations()
    services = hass.services.async_services_for_domain(DOMAIN)
    for automation in automations:
        validated = await async_validate_config_item(hass, "readme", automation)
        assert validated is not None, automation["alias"]
        assert validated.validation_error is None, automation["alias"]
        for step in bithuman_steps(automation):
            service = services[step["action"].removeprefix(f"{DOMAIN}.")]
            assert service.schema is not None
            # Raises if a field name or value does not fit the action.
            service.schema({**step.get("data", {}), **step.get("target", {})})

    assert await async_setup_component(hass, "automation", {"automation": automations})
    await hass.async_block_till_done()
    states = hass.states.async_all("automation")
    assert sorted(state.attributes["friendly_name"] for state in states) == sorted(
        automation["alias"] for automation in automations
    )
    assert {state.state for state in states} == {"on"}
    # Detach the triggers (the sunset one holds a timer).
    await hass.services.async_call(
        "automation", "turn_off", {"entity_id": "all"}, blocking=True
    )


async def test_greeting_waves_and_says_hello(
    hass: HomeAssistant,
    *,
    simulator: Simulator,
    agents: dict[str, str],
    config_entry_factory: Callable[..., MockConfigEntry],
    livekit_options: dict[str, str],
    livekit_server: LiveKitServer,
    rtc_rooms: RtcRooms,
) -> None:
    """Someone comes home: the avatar by the door waves, then says hello."""
    entry = config_entry_factory(agents=agents, options=livekit_options)
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    livekit_server.add_room("hall", [livekit_participant(AVATAR)])
    await _comes_home_to_the_greeting(hass, "person.ada", "Ada")

    [room] = rtc_rooms.created
    assert room.rpc_calls == [
        {
            "destination_identity": AVATAR,
            "method": "trigger_dynamics",
            "payload": '{"action": "mini_wave_hello"}',
        }
    ]
    assert [m.text for m in simulator.messages_for(FRONT_DOOR, kind="speak")] == [
        "Welcome home, Ada!"
    ]


@pytest.mark.usefixtures("init_integration")
async def test_greeting_still_says_hello_without_livekit(
    hass: HomeAssistant, simulator: Simulator
) -> None:
    """Without LiveKit the wave fails, and the hello is said all the same."""
    await _comes_home_to_the_greeting(hass, "person.grace", "Grace")

    assert [m.text for m in simulator.messages_for(FRONT_DOOR, kind="speak")] == [
        "Welcome home, Grace!"
    ]
