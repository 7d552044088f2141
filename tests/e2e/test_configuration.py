"""config/configuration.yaml in a real `hass`: what a fresh install loads.

Every integration it names sets up (default_config's members spelled out,
see its comments), automations, scripts and scenes saved in the UI land in
the include files and show up as entities, and the Assist pipeline's pieces
(conversation agent, text-to-speech, the pipeline itself) are there.
"""

import re
from typing import Any

import aiohttp
import pytest

from devtools.bootstrap import HomeAssistantApi
from devtools.ha_api import wait_until
from devtools.ha_requirements import CONFIGURATION_YAML, configured_domains

from .conftest import DevInstance, preferred_pipeline

pytestmark = pytest.mark.timeout(900)
APPEAR_TIMEOUT = 120.0  # only a hang takes this long


async def _components(api: HomeAssistantApi) -> set[str]:
    config: dict[str, Any] = await api.request("GET", "/api/config")
    return set(config["components"])


async def test_every_configured_integration_loads(dev_instance: DevInstance) -> None:
    async with aiohttp.ClientSession() as session:
        api = HomeAssistantApi(session, dev_instance.harness.ha_url)
        api.access_token = dev_instance.token
        loaded = await _components(api)
    wanted = configured_domains(CONFIGURATION_YAML) - {"logger"}
    assert {"automation", "script", "scene", "frontend", "cloud"} <= wanted
    assert wanted - loaded == set()
    # The Assist pipeline's pieces, for the satellite and TTS to come.
    assert {"assist_pipeline", "conversation", "tts", "assist_satellite"} <= loaded


async def _wait_for_entity(api: HomeAssistantApi, entity_id: str) -> dict[str, Any]:
    state: dict[str, Any] = {}

    async def appeared() -> bool:
        nonlocal state
        state = (await api.states()).get(entity_id, {})
        return bool(state)

    await wait_until(appeared, what=f"{entity_id} to appear", within=APPEAR_TIMEOUT)
    return state


async def test_automation_script_scene_saved_in_the_ui_load(
    dev_instance: DevInstance,
) -> None:
    config_dir = dev_instance.harness.config_dir
    async with aiohttp.ClientSession() as session:
        api = HomeAssistantApi(session, dev_instance.harness.ha_url)
        api.access_token = dev_instance.token

        # What the automation editor's Save does.
        automation = {
            "id": "e2e_saved_automation",
            "alias": "E2E saved automation",
            "description": "",
            "triggers": [{"trigger": "event", "event_type": "bithuman_e2e"}],
            "conditions": [],
            "actions": [{"event": "bithuman_e2e_done"}],
            "mode": "single",
        }
        answer = await api.request(
            "POST",
            f"/api/config/automation/config/{automation['id']}",
            payload=automation,
        )
        assert answer == {"result": "ok"}
        state = await _wait_for_entity(api, "automation.e2e_saved_automation")
        assert state["state"] == "on"
        assert state["attributes"]["id"] == automation["id"]

        script = {"alias": "E2E saved script", "sequence": [], "mode": "single"}
        await api.request(
            "POST", "/api/config/script/config/e2e_saved_script", payload=script
        )
        state = await _wait_for_entity(api, "script.e2e_saved_script")
        assert state["state"] == "off"

        scene = {"id": "e2e_saved_scene", "name": "E2E saved scene", "entities": {}}
        await api.request(
            "POST", f"/api/config/scene/config/{scene['id']}", payload=scene
        )
        state = await _wait_for_entity(api, "scene.e2e_saved_scene")
        assert state["attributes"]["id"] == scene["id"]

    # Where a fresh install keeps them.
    assert re.search(
        r"id: e2e_saved_automation", (config_dir / "automations.yaml").read_text()
    )
    assert "e2e_saved_script:" in (config_dir / "scripts.yaml").read_text()
    assert "id: e2e_saved_scene" in (config_dir / "scenes.yaml").read_text()


async def test_assist_pipeline_answers_with_the_builtin_agent(
    dev_instance: DevInstance,
) -> None:
    async with aiohttp.ClientSession() as session:
        api = HomeAssistantApi(session, dev_instance.harness.ha_url)
        api.access_token = dev_instance.token
        preferred = await preferred_pipeline(api)
        assert preferred["conversation_engine"] == "conversation.home_assistant"
        answer = await api.request(
            "POST",
            "/api/conversation/process",
            payload={"text": "what is the weather like on the moon", "language": "en"},
        )
    assert answer["response"]["response_type"] in {
        "action_done",
        "error",
        "query_answer",
    }
    assert answer["response"]["speech"]["plain"]["speech"]
