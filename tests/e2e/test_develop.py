"""`scripts/develop`'s bootstrap against a real `hass` process and the simulator.

The simulator (demo data) and `python -m homeassistant` run as subprocesses on
free ports, on a temporary config directory prepared the way `scripts/develop`
prepares `config/` (its configuration.yaml, the integration link, the HTTP
settings in `.storage/http`). The same bootstrap then onboards through the
HTTP API and runs the bitHuman config flow, and the checks look at what a
person would see, through Home Assistant's REST API.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from dataclasses import dataclass
import json
from pathlib import Path
from typing import Any

import aiohttp
from homeassistant.components.http.config import HTTP_STORAGE_SCHEMA
import pytest

from bithuman_simulator.demo import DEMO_AGENTS, DEMO_SECRET
from devtools.bootstrap import (
    ONBOARDING_STEPS,
    HomeAssistantApi,
    bootstrap,
    wait_for_url,
)
from devtools.instance import (
    REPO_ROOT,
    Child,
    free_port,
    hass_child,
    http_settings,
    prepare_config_dir,
    simulator_child,
    write_http_storage,
)
from devtools.packages import ensure_runtime_packages

HOST = "127.0.0.1"
CONFIGURATION = REPO_ROOT / "config" / "configuration.yaml"
BUDGET = 75.0  # seconds for everything after the processes start
# A demo agent's status, and what its Status sensor may show meanwhile: the
# simulator runs on real time, so a generating agent moves on during the test.
EXPECTED_STATUS = {
    "ready": {"ready"},
    "processing": {"processing", "generating"},
    "failed": {"failed"},
}


@dataclass
class DevInstance:
    """The two processes, where they answer, and the config directory."""

    ha_url: str
    sim_url: str
    hass: Child
    simulator: Child
    config_dir: Path

    def check(self) -> None:
        """Raise (with the log's last lines) if either process has died."""
        self.hass.check()
        self.simulator.check()


def _two_free_ports() -> tuple[int, int]:
    first = free_port(HOST)
    while (second := free_port(HOST)) == first:
        pass
    return first, second


@pytest.fixture
def dev_instance(tmp_path: Path, socket_enabled: None) -> Iterator[DevInstance]:
    """Start the simulator and `hass` on free ports; stop both, whatever happens."""
    # What scripts/develop installs for `hass --skip-pip` (the frontend first of
    # all); a no-op once done, remembered in the virtual environment.
    ensure_runtime_packages(CONFIGURATION)
    ha_port, sim_port = _two_free_ports()
    config_dir = tmp_path / "config"
    prepare_config_dir(
        config_dir,
        HOST,
        ha_port,
        configuration=CONFIGURATION,
    )
    simulator = simulator_child(HOST, sim_port, log_path=tmp_path / "simulator.log")
    hass = hass_child(config_dir, log_path=tmp_path / "hass.log")
    try:
        simulator.start()
        hass.start()
        yield DevInstance(
            f"http://{HOST}:{ha_port}",
            f"http://{HOST}:{sim_port}",
            hass,
            simulator,
            config_dir,
        )
    finally:
        hass.stop(timeout=20)
        simulator.stop(timeout=5)


def _slug(name: str) -> str:
    return name.lower().replace(" ", "_")


async def _simulator_json(
    session: aiohttp.ClientSession, sim_url: str, path: str
) -> Any:
    async with session.get(f"{sim_url}/_simulator/{path}") as response:
        response.raise_for_status()
        return await response.json()


@pytest.mark.timeout(90)
async def test_develop_bootstrap_brings_up_the_demo(dev_instance: DevInstance) -> None:
    dev = dev_instance
    phases: list[str] = []
    async with asyncio.timeout(BUDGET):
        await wait_for_url(
            f"{dev.sim_url}/_simulator/state",
            what="the simulator",
            within=30,
            check=dev.simulator.check,
        )
        result = await bootstrap(
            dev.ha_url,
            api_url=dev.sim_url,
            api_secret=DEMO_SECRET,
            check=dev.check,
            on_phase=lambda label, _seconds: phases.append(label),
            start_timeout=60,
            step_timeout=30,
        )
        assert result.onboarded_now == list(ONBOARDING_STEPS), phases
        assert result.entry == "created"
        assert result.entry_problem is None
        assert result.entry_title == "demo@example.com"
        assert result.agents == len(DEMO_AGENTS)
        assert result.devices == len(DEMO_AGENTS) + 1  # and the account's
        assert result.access_token

        # A later start logs in and finds the entry instead of adding one.
        again = await bootstrap(
            dev.ha_url,
            api_url=dev.sim_url,
            api_secret=DEMO_SECRET,
            check=dev.check,
            start_timeout=10,
            step_timeout=30,
        )
        assert (again.onboarded_now, again.entry) == ([], "existing")

        async with aiohttp.ClientSession() as session:
            api = HomeAssistantApi(session, dev.ha_url)
            api.access_token = result.access_token
            # Only bitHuman is left of what onboarding would have added.
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

            states = await api.states()
            for agent in DEMO_AGENTS:
                status = states[f"sensor.{_slug(agent.name)}_status"]["state"]
                assert status in EXPECTED_STATUS[agent.status], agent
            assert states["binary_sensor.front_door_dynamics_ready"]["state"] == "on"
            assert states["binary_sensor.kitchen_helper_dynamics_ready"]["state"] == (
                "off"
            )
            sim_state = await _simulator_json(session, dev.sim_url, "state")
            balance = float(states["sensor.bithuman_account_credit_balance"]["state"])
            assert balance == sim_state["accounts"][0]["balance"]

            text = "Hello from the end-to-end test"
            await api.request(
                "POST",
                "/api/services/notify/send_message",
                payload={"entity_id": "notify.front_door_speak", "message": text},
            )
            messages = (await _simulator_json(session, dev.sim_url, "messages"))[
                "messages"
            ]
            assert {
                (message["agent_code"], message["kind"], message["text"])
                for message in messages
            } == {("A10RDY0001", "speak", text)}

    # Home Assistant kept the prepared HTTP settings: no trial to revert.
    stored = json.loads((dev.config_dir / ".storage" / "http").read_text())
    assert stored["data"]["pending"] is None
    assert stored["data"]["stable"]["server_port"] == int(dev.ha_url.rsplit(":", 1)[1])


def test_http_settings_are_home_assistants_own(tmp_path: Path) -> None:
    """What `.storage/http` gets is Home Assistant's schema output for host:port."""
    assert HTTP_STORAGE_SCHEMA(
        {"server_port": 18123, "server_host": ["127.0.0.1"]}
    ) == http_settings("127.0.0.1", 18123)
    assert write_http_storage(tmp_path, "127.0.0.1", 18123)
    assert not write_http_storage(tmp_path, "127.0.0.1", 18123)
    assert write_http_storage(tmp_path, "127.0.0.1", 18124)
