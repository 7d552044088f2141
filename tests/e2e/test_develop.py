"""`scripts/develop`'s bootstrap against a real `hass` process and the simulator.

The simulator (demo data, manual clock) and `python -m homeassistant` run as
subprocesses on free ports, on a temporary config directory prepared the way
`scripts/develop` prepares `config/` (its configuration.yaml, the include
files, the integration link, the HTTP settings in `.storage/http`). The same
bootstrap onboarded and ran the bitHuman config flow (`conftest`); the checks
look at what a person would see, through Home Assistant's REST API.

The simulator's clock moves only when a test moves it, so every state
asserted here is exact, however slow the machine; timeouts only end a hang.
"""

import json
from pathlib import Path
from typing import Any

import aiohttp
from homeassistant.components.http.config import HTTP_STORAGE_SCHEMA
import pytest

from bithuman_simulator.demo import DEMO_AGENTS
from devtools.bootstrap import ONBOARDING_STEPS, HomeAssistantApi
from devtools.config_dir import http_settings, write_http_storage

from .conftest import DevInstance, preferred_pipeline

pytestmark = pytest.mark.timeout(900)


def _slug(name: str) -> str:
    return name.lower().replace(" ", "_")


async def test_develop_bootstrap_brings_up_the_demo(dev_instance: DevInstance) -> None:
    dev, result = dev_instance.harness, dev_instance.first
    # `config_dir` marked the core-config step done before the first start
    # (its background flows would add entries at an unobservable moment).
    assert result.onboarded_now == [
        step for step in ONBOARDING_STEPS if step != "core_config"
    ], dev_instance.phases
    assert result.entry == "created"
    assert result.entry_problem is None
    assert result.entry_title == "demo@example.com"
    assert result.agents == len(DEMO_AGENTS)
    assert result.devices == len(DEMO_AGENTS) + 1  # and the account's
    assert result.access_token

    assert result.assist_voice == "set"

    # A later start logs in and finds the entry instead of adding one.
    again = await dev.bootstrap()
    assert (again.onboarded_now, again.entry) == ([], "existing")
    assert again.assist_voice == "kept"

    async with aiohttp.ClientSession() as session:
        api = HomeAssistantApi(session, dev.ha_url)
        api.access_token = dev_instance.token
        assert all((await api.onboarding_status()).values())
        domains = {entry["domain"] for entry in await api.config_entries(None)}
        assert "bithuman" in domains
        assert not domains & {"google_translate", "met", "shopping_list"}

        # What the frontend loads first: every action's description (it
        # imports every base platform) and the repairs.
        services = await api.request("GET", "/api/services")
        assert {"bithuman", "notify"} <= {item["domain"] for item in services}
        issues = (await api.websocket_command("repairs/list_issues"))["issues"]
        assert not [
            issue
            for issue in issues
            if issue["domain"] in {"bithuman", "homeassistant"}
        ], issues

        # The clock has not moved: every agent is where the demo put it.
        states = await api.states()
        for agent in DEMO_AGENTS:
            status = states[f"sensor.{_slug(agent.name)}_status"]["state"]
            assert status == agent.status, agent
        assert states["binary_sensor.front_door_dynamics_ready"]["state"] == "on"
        assert states["binary_sensor.kitchen_helper_dynamics_ready"]["state"] == ("off")
        sim_state = await dev.simulator_request("GET", "state")
        registry = await api.websocket_command("config/entity_registry/list")
        balance_id = next(
            entry["entity_id"]
            for entry in registry
            if entry["platform"] == "bithuman"
            and entry.get("translation_key") == "credit_balance"
        )
        balance = float(states[balance_id]["state"])
        assert balance == sim_state["accounts"][0]["balance"]

        text = "Hello from the end-to-end test"
        await api.request(
            "POST",
            "/api/services/notify/send_message",
            payload={"entity_id": "notify.front_door_speak", "message": text},
        )
        messages: list[dict[str, Any]] = (
            await dev.simulator_request("GET", "messages")
        )["messages"]
        assert [
            (message["agent_code"], message["kind"])
            for message in messages
            if message["text"] == text
        ] == [("A10RDY0001", "speak")]

        # Assist speaks with bitHuman's Voice, and "broadcast" reaches the
        # live avatar (Front Door) through its announce satellite.
        preferred = await preferred_pipeline(api)
        assert preferred["tts_engine"] == "tts.demo_example_com_voice"
        await api.websocket_command(
            "conversation/process", text="broadcast dinner is ready", language="en"
        )
        messages = (await dev.simulator_request("GET", "messages"))["messages"]
        assert [
            message["agent_code"]
            for message in messages
            if "dinner is ready" in message["text"].lower()
        ] == ["A10RDY0001"]

    # Home Assistant kept the prepared HTTP settings: no trial to revert.
    stored = json.loads((dev.config_dir / ".storage" / "http").read_text())
    assert stored["data"]["pending"] is None
    assert stored["data"]["stable"]["server_port"] == dev.ha_port


def test_http_settings_are_home_assistants_own(tmp_path: Path) -> None:
    """What `.storage/http` gets is Home Assistant's schema output for host:port."""
    assert HTTP_STORAGE_SCHEMA(
        {"server_port": 18123, "server_host": ["127.0.0.1"]}
    ) == http_settings("127.0.0.1", 18123)
    assert write_http_storage(tmp_path, "127.0.0.1", 18123)
    assert not write_http_storage(tmp_path, "127.0.0.1", 18123)
    assert write_http_storage(tmp_path, "127.0.0.1", 18124)
