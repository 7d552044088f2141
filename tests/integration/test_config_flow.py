"""Tests of the bitHuman config flow, agent subentry flow and options flow.

The bitHuman API is the simulator, reached over real HTTP on 127.0.0.1 through
Home Assistant's shared session. No LiveKit server exists on this machine: the
LiveKit check runs against a tiny local aiohttp server answering the twirp
endpoint, and is mocked at its boundary only to raise an unexpected error.
"""

from __future__ import annotations

import asyncio
from contextlib import nullcontext
from dataclasses import dataclass, field
import json
import logging
from pathlib import Path
import re
import socket
from typing import TYPE_CHECKING, Any
from unittest.mock import AsyncMock, patch

from aiohttp import web
from homeassistant.config_entries import SOURCE_USER, ConfigEntryState
from homeassistant.data_entry_flow import FlowResult, FlowResultType, section
from homeassistant.helpers.aiohttp_client import async_get_clientsession
from livekit import api
import pytest

from bithuman_simulator.faults import Fault
from bithuman_simulator.server import SimulatorServer
from custom_components.bithuman import config_flow, livekit_check
from custom_components.bithuman.const import (
    CONF_ADVANCED,
    CONF_AGENT_CODE,
    CONF_AGENTS,
    CONF_API_SECRET,
    CONF_API_URL,
    CONF_AVATAR_IDENTITY,
    CONF_LIVEKIT_API_KEY,
    CONF_LIVEKIT_API_SECRET,
    CONF_LIVEKIT_URL,
    DEFAULT_API_URL,
    DEFAULT_AVATAR_IDENTITY,
    DOMAIN,
    SUBENTRY_TYPE_AGENT,
)
from custom_components.bithuman.livekit_check import (
    LiveKitAuthError,
    LiveKitConnectionError,
    async_check_livekit,
)
from tests.integration.conftest import (
    ACCOUNT_KEY,
    EMAIL,
    USER_ID,
)

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Callable

    from homeassistant.core import HomeAssistant
    from pytest_homeassistant_custom_component.common import MockConfigEntry

    from bithuman_simulator.simulator import Simulator

TRANSLATIONS = json.loads(
    (
        Path(__file__).parents[2]
        / "custom_components"
        / "bithuman"
        / "translations"
        / "en.json"
    ).read_text(encoding="utf-8")
)
ROTATED_KEY = "sk_integration_rotated_7e5d1c"
LIVEKIT_KEY = "APIlivekitkey"
LIVEKIT_SIGNING_KEY = "livekit_secret_do_not_leak_0c2f_9a8b7c6d5e"
LISTROOMS_PATH = "/twirp/livekit.RoomService/ListRooms"

pytestmark = pytest.mark.usefixtures("mock_setup_entry")


# Helpers


def _user_input(secret: str, url: str) -> dict[str, Any]:
    """Return the user step's input: a secret and the API URL in its section."""
    return {CONF_API_SECRET: secret, CONF_ADVANCED: {CONF_API_URL: url}}


def _schema_keys(result: FlowResult) -> list[str]:
    """Return the top-level field names of a form."""
    return [str(key) for key in result["data_schema"].schema]


def _marker(result: FlowResult, name: str) -> Any:
    """Return the schema marker of a field."""
    return next(key for key in result["data_schema"].schema if str(key) == name)


def _selector_options(result: FlowResult, name: str) -> list[dict[str, str]]:
    """Return the options of a select field."""
    return result["data_schema"].schema[_marker(result, name)].config["options"]


def _closed_port_url() -> str:
    """Return an http URL on 127.0.0.1 where nothing listens."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"


async def _start_user_flow(hass: HomeAssistant) -> FlowResult:
    return await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_USER}
    )


async def _start_subentry_flow(hass: HomeAssistant, entry: MockConfigEntry) -> Any:
    return await hass.config_entries.subentries.async_init(
        (entry.entry_id, SUBENTRY_TYPE_AGENT), context={"source": SOURCE_USER}
    )


@pytest.fixture
def add_agents(simulator: Simulator, account: str) -> Callable[..., list[str]]:
    """Return a helper adding agents named "Agent N" (code AGN) to the account."""

    def add(count: int, *, start: int = 1) -> list[str]:
        codes = []
        for number in range(start, start + count):
            code = f"AG{number:04d}"
            simulator.add_agent(account, code=code, name=f"Agent {number}")
            codes.append(code)
        return codes

    return add


# A tiny LiveKit stand-in: the twirp ListRooms endpoint only.


@dataclass
class LiveKitStub:
    """Answers POST /twirp/livekit.RoomService/ListRooms as scripted."""

    status: int = 200
    body: bytes = b""
    content_type: str = "application/protobuf"
    hold: asyncio.Event | None = None
    answered: asyncio.Event = field(default_factory=asyncio.Event)
    url: str = ""
    requests: list[dict[str, str]] = field(default_factory=list)

    async def handle(self, request: web.Request) -> web.Response:
        """Answer the scripted reply."""
        self.requests.append(
            {
                "path": request.path,
                "authorization": request.headers.get("Authorization", ""),
                "content_type": request.headers.get("Content-Type", ""),
            }
        )
        await request.read()
        if self.hold is not None:
            await self.hold.wait()
        self.answered.set()
        return web.Response(
            status=self.status, body=self.body, content_type=self.content_type
        )

    def reject(self) -> None:
        """Answer like LiveKit does to a token it does not accept."""
        self.status = 401
        self.content_type = "application/json"
        self.body = json.dumps(
            {"code": "unauthenticated", "msg": "invalid API key"}
        ).encode()


@pytest.fixture
async def livekit_server(socket_enabled: None) -> AsyncIterator[LiveKitStub]:
    """Serve a LiveKit twirp stub on 127.0.0.1."""
    stub = LiveKitStub(body=api.ListRoomsResponse().SerializeToString())
    app = web.Application()
    app.router.add_post(LISTROOMS_PATH, stub.handle)
    runner = web.AppRunner(app, access_log=None, shutdown_timeout=0.1)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    stub.url = f"http://127.0.0.1:{runner.addresses[0][1]}"
    yield stub
    await runner.cleanup()


# User step and agents step


@pytest.mark.usefixtures("account")
async def test_full_user_flow(
    hass: HomeAssistant,
    simulator: Simulator,
    simulator_url: str,
    add_agents: Callable[..., list[str]],
    mock_setup_entry: AsyncMock,
) -> None:
    """The user enters a secret, keeps two of three agents and gets an entry."""
    add_agents(3)
    result = await _start_user_flow(hass)
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "user"
    assert result["errors"] == {}
    assert _schema_keys(result) == [CONF_API_SECRET, CONF_ADVANCED]
    advanced = result["data_schema"].schema[_marker(result, CONF_ADVANCED)]
    assert isinstance(advanced, section)
    assert advanced.options == {"collapsed": True}
    url_marker = next(iter(advanced.schema.schema))
    assert str(url_marker) == CONF_API_URL
    assert url_marker.default() == DEFAULT_API_URL

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], _user_input(f"  {ACCOUNT_KEY}  ", f" {simulator_url}/ ")
    )
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "agents"
    assert result["description_placeholders"]["agent_count"] == "3"
    assert result["description_placeholders"]["account"] == EMAIL
    assert _marker(result, CONF_AGENTS).default() == ["AG0003", "AG0002", "AG0001"]
    assert _selector_options(result, CONF_AGENTS) == [
        {"value": "AG0003", "label": "Agent 3 (AG0003)"},
        {"value": "AG0002", "label": "Agent 2 (AG0002)"},
        {"value": "AG0001", "label": "Agent 1 (AG0001)"},
    ]

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_AGENTS: ["AG0001", "AG0003"]}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == EMAIL
    assert result["data"] == {
        CONF_API_SECRET: ACCOUNT_KEY,
        CONF_API_URL: simulator_url,
    }
    entry = result["result"]
    assert entry.unique_id == USER_ID
    assert sorted(
        (sub.subentry_type, sub.unique_id, sub.title, dict(sub.data))
        for sub in entry.subentries.values()
    ) == [
        (SUBENTRY_TYPE_AGENT, "AG0001", "Agent 1", {CONF_AGENT_CODE: "AG0001"}),
        (SUBENTRY_TYPE_AGENT, "AG0003", "Agent 3", {CONF_AGENT_CODE: "AG0003"}),
    ]
    assert len(mock_setup_entry.mock_calls) == 1
    # validate, me and one page of agents: nothing more.
    assert simulator.count("POST", "/v1/validate") == 1
    assert simulator.count("GET", "/v1/me") == 1
    assert simulator.count("GET", "/v1/agents") == 1


async def test_agents_all_selected_by_default(
    hass: HomeAssistant,
    simulator_url: str,
    account: str,
    add_agents: Callable[..., list[str]],
) -> None:
    """Submitting the agents step untouched adds every agent."""
    add_agents(2)
    result = await _start_user_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], _user_input(account, simulator_url)
    )
    result = await hass.config_entries.flow.async_configure(result["flow_id"], {})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert {sub.unique_id for sub in result["result"].subentries.values()} == {
        "AG0001",
        "AG0002",
    }


async def test_agents_none_chosen(
    hass: HomeAssistant,
    simulator_url: str,
    account: str,
    add_agents: Callable[..., list[str]],
) -> None:
    """Clearing every agent still creates the account entry."""
    add_agents(2)
    result = await _start_user_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], _user_input(account, simulator_url)
    )
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_AGENTS: []}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["result"].subentries == {}


async def test_account_without_agents(
    hass: HomeAssistant, simulator_url: str, account: str
) -> None:
    """An account with no agents gets an entry and is told how to add one."""
    result = await _start_user_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], _user_input(account, simulator_url)
    )
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "agents"
    assert _schema_keys(result) == []
    assert result["description_placeholders"]["agent_count"] == "0"
    description = TRANSLATIONS["config"]["step"]["agents"]["description"]
    assert "**Add agent**" in description
    assert "No agents yet?" in description

    result = await hass.config_entries.flow.async_configure(result["flow_id"], {})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == EMAIL
    assert result["result"].subentries == {}


async def test_every_page_of_agents(
    hass: HomeAssistant,
    simulator: Simulator,
    simulator_url: str,
    account: str,
    add_agents: Callable[..., list[str]],
) -> None:
    """More than a page (100) of agents: the select holds all of them."""
    codes = add_agents(150)
    result = await _start_user_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], _user_input(account, simulator_url)
    )
    assert result["step_id"] == "agents"
    assert simulator.count("GET", "/v1/agents") == 2
    assert result["description_placeholders"]["agent_count"] == "150"
    options = _selector_options(result, CONF_AGENTS)
    assert sorted(option["value"] for option in options) == codes
    assert sorted(_marker(result, CONF_AGENTS).default()) == codes

    result = await hass.config_entries.flow.async_configure(result["flow_id"], {})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert len(result["result"].subentries) == 150


async def test_agent_without_name(
    hass: HomeAssistant, simulator: Simulator, simulator_url: str, account: str
) -> None:
    """An agent without a name is shown and titled by its code."""
    simulator.add_agent(account, code="NONAME01", name="")
    result = await _start_user_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], _user_input(account, simulator_url)
    )
    assert _selector_options(result, CONF_AGENTS) == [
        {"value": "NONAME01", "label": "NONAME01"}
    ]
    result = await hass.config_entries.flow.async_configure(result["flow_id"], {})
    (subentry,) = result["result"].subentries.values()
    assert subentry.title == "NONAME01"


@pytest.mark.parametrize(
    ("prepare", "secret", "url", "errors"),
    [
        pytest.param(
            None, "sk_wrong", None, {CONF_API_SECRET: "invalid_auth"}, id="bad-secret"
        ),
        pytest.param(None, "   ", None, {CONF_API_SECRET: "invalid_auth"}, id="blank"),
        pytest.param(
            None,
            f"{ACCOUNT_KEY}\nX-Other: 1",
            None,
            {CONF_API_SECRET: "invalid_auth"},
            id="line-break",
        ),
        pytest.param(
            "suspend", None, None, {CONF_API_SECRET: "invalid_auth"}, id="suspended"
        ),
        pytest.param(
            "outage-drop", None, None, {"base": "cannot_connect"}, id="no-answer"
        ),
        pytest.param("outage-503", None, None, {"base": "cannot_connect"}, id="503"),
        pytest.param("me-500", None, None, {"base": "cannot_connect"}, id="me-500"),
        pytest.param(
            "me-401", None, None, {CONF_API_SECRET: "invalid_auth"}, id="me-401"
        ),
        pytest.param(
            "agents-502", None, None, {"base": "cannot_connect"}, id="agents-502"
        ),
        pytest.param(
            "malformed", None, None, {"base": "cannot_connect"}, id="malformed"
        ),
        pytest.param(
            None, None, "closed-port", {"base": "cannot_connect"}, id="refused"
        ),
        pytest.param(None, None, "not a url", {"base": "invalid_url"}, id="not-url"),
        pytest.param(
            None, None, "ftp://example.com", {"base": "invalid_url"}, id="ftp"
        ),
        pytest.param(None, None, "https://", {"base": "invalid_url"}, id="no-host"),
        pytest.param(None, None, "http://[::1", {"base": "invalid_url"}, id="broken"),
    ],
)
async def test_user_errors_then_recover(
    hass: HomeAssistant,
    *,
    simulator: Simulator,
    simulator_url: str,
    account: str,
    prepare: str | None,
    secret: str | None,
    url: str | None,
    errors: dict[str, str],
) -> None:
    """Every failure is a form error; fixing it finishes the flow."""
    if prepare == "suspend":
        simulator.set_account_status(account, "suspended")
    elif prepare == "outage-drop":
        simulator.set_outage(True)
    elif prepare == "outage-503":
        simulator.set_outage(True, "503")
    elif prepare == "me-500":
        simulator.add_fault(Fault(path="/v1/me", status=500))
    elif prepare == "me-401":
        simulator.add_fault(Fault(path="/v1/me", status=401, code="UNAUTHORIZED"))
    elif prepare == "agents-502":
        simulator.add_fault(Fault(path="/v1/agents", status=502))
    elif prepare == "malformed":
        simulator.add_fault(Fault(path="/v1/me", malformed="html"))
    if url == "closed-port":
        url = _closed_port_url()

    result = await _start_user_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        _user_input(secret or account, url or simulator_url),
    )
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "user"
    assert result["errors"] == errors
    # The URL the user typed is kept; the secret never goes back to the form.
    advanced = result["data_schema"].schema[_marker(result, CONF_ADVANCED)]
    url_marker = next(iter(advanced.schema.schema))
    assert url_marker.description == {"suggested_value": url or simulator_url}
    assert _marker(result, CONF_API_SECRET).description is None

    simulator.clear_faults()
    simulator.set_account_status(account, "active")
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], _user_input(account, simulator_url)
    )
    assert result["step_id"] == "agents"
    result = await hass.config_entries.flow.async_configure(result["flow_id"], {})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["data"] == {CONF_API_SECRET: account, CONF_API_URL: simulator_url}


async def test_user_timeout(
    hass: HomeAssistant, simulator: Simulator, simulator_url: str, account: str
) -> None:
    """An API that does not answer in time is cannot_connect, without retries."""
    simulator.add_fault(Fault(path="/v1/validate", delay=2.0, times=1))
    result = await _start_user_flow(hass)
    with patch.object(config_flow, "FLOW_REQUEST_TIMEOUT", 0.2):
        result = await hass.config_entries.flow.async_configure(
            result["flow_id"], _user_input(account, simulator_url)
        )
    assert result["errors"] == {"base": "cannot_connect"}
    assert simulator.count("POST", "/v1/validate") == 1


async def test_user_unexpected_error(
    hass: HomeAssistant,
    simulator_url: str,
    account: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """An unexpected exception is logged and shown as unknown."""
    result = await _start_user_flow(hass)
    with patch(
        "custom_components.bithuman.config_flow.BithumanClient.validate",
        side_effect=RuntimeError("boom"),
    ):
        result = await hass.config_entries.flow.async_configure(
            result["flow_id"], _user_input(account, simulator_url)
        )
    assert result["errors"] == {"base": "unknown"}
    assert "Unexpected error while checking the bitHuman account" in caplog.text

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], _user_input(account, simulator_url)
    )
    result = await hass.config_entries.flow.async_configure(result["flow_id"], {})
    assert result["type"] is FlowResultType.CREATE_ENTRY


async def test_user_already_configured(
    hass: HomeAssistant,
    simulator: Simulator,
    simulator_url: str,
    account: str,
    mock_config_entry: MockConfigEntry,
) -> None:
    """The same account twice aborts, even through another secret."""
    mock_config_entry.add_to_hass(hass)
    simulator.add_secret(USER_ID, ROTATED_KEY)
    result = await _start_user_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], _user_input(ROTATED_KEY, simulator_url)
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"


async def test_user_same_account_in_progress(
    hass: HomeAssistant, simulator_url: str, account: str
) -> None:
    """A second flow for an account being set up aborts."""
    first = await _start_user_flow(hass)
    first = await hass.config_entries.flow.async_configure(
        first["flow_id"], _user_input(account, simulator_url)
    )
    assert first["step_id"] == "agents"
    second = await _start_user_flow(hass)
    second = await hass.config_entries.flow.async_configure(
        second["flow_id"], _user_input(account, simulator_url)
    )
    assert second["type"] is FlowResultType.ABORT
    assert second["reason"] == "already_in_progress"
    assert "already_in_progress" in TRANSLATIONS["config"]["abort"]


async def test_second_account(
    hass: HomeAssistant,
    simulator_url: str,
    other_account: str,
    mock_config_entry: MockConfigEntry,
) -> None:
    """Another account is a second entry."""
    mock_config_entry.add_to_hass(hass)
    result = await _start_user_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], _user_input(other_account, simulator_url)
    )
    result = await hass.config_entries.flow.async_configure(result["flow_id"], {})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert len(hass.config_entries.async_entries(DOMAIN)) == 2


# Reauth


async def test_reauth(
    hass: HomeAssistant,
    simulator: Simulator,
    mock_config_entry: MockConfigEntry,
    mock_setup_entry: AsyncMock,
) -> None:
    """A rotated secret is replaced by a new one of the same account."""
    mock_config_entry.add_to_hass(hass)
    simulator.revoke_secret(ACCOUNT_KEY)
    simulator.add_secret(USER_ID, ROTATED_KEY)

    result = await mock_config_entry.start_reauth_flow(hass)
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "reauth_confirm"
    assert _schema_keys(result) == [CONF_API_SECRET]
    assert result["description_placeholders"]["name"] == EMAIL

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_API_SECRET: f"{ROTATED_KEY}\n"}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reauth_successful"
    assert mock_config_entry.data[CONF_API_SECRET] == ROTATED_KEY
    await hass.async_block_till_done()
    assert len(mock_setup_entry.mock_calls) == 1


@pytest.mark.parametrize(
    ("prepare", "secret", "errors"),
    [
        pytest.param(None, "sk_wrong", {CONF_API_SECRET: "invalid_auth"}, id="bad"),
        pytest.param("outage", ROTATED_KEY, {"base": "cannot_connect"}, id="outage"),
        pytest.param("crash", ROTATED_KEY, {"base": "unknown"}, id="crash"),
    ],
)
async def test_reauth_errors_then_recover(
    hass: HomeAssistant,
    *,
    simulator: Simulator,
    mock_config_entry: MockConfigEntry,
    prepare: str | None,
    secret: str,
    errors: dict[str, str],
) -> None:
    """Reauth failures are form errors; the right secret then succeeds."""
    mock_config_entry.add_to_hass(hass)
    simulator.add_secret(USER_ID, ROTATED_KEY)
    if prepare == "outage":
        simulator.set_outage(True)
    result = await mock_config_entry.start_reauth_flow(hass)
    with (
        patch(
            "custom_components.bithuman.config_flow.BithumanClient.get_account",
            side_effect=RuntimeError("boom"),
        )
        if prepare == "crash"
        else nullcontext()
    ):
        result = await hass.config_entries.flow.async_configure(
            result["flow_id"], {CONF_API_SECRET: secret}
        )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == errors

    simulator.set_outage(False)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_API_SECRET: ROTATED_KEY}
    )
    assert result["reason"] == "reauth_successful"
    assert mock_config_entry.data[CONF_API_SECRET] == ROTATED_KEY


async def test_reauth_wrong_account(
    hass: HomeAssistant,
    other_account: str,
    mock_config_entry: MockConfigEntry,
) -> None:
    """A secret of another account aborts and keeps the stored one."""
    mock_config_entry.add_to_hass(hass)
    result = await mock_config_entry.start_reauth_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_API_SECRET: other_account}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "wrong_account"
    assert mock_config_entry.data[CONF_API_SECRET] == ACCOUNT_KEY


async def test_reauth_entry_without_url(
    hass: HomeAssistant,
    config_entry_factory: Callable[..., MockConfigEntry],
) -> None:
    """An entry without a stored URL is checked against the public API URL."""
    entry = config_entry_factory(data={CONF_API_SECRET: ACCOUNT_KEY})
    entry.add_to_hass(hass)
    result = await entry.start_reauth_flow(hass)
    seen: list[str] = []

    async def fake_validate(client: Any) -> bool:
        seen.append(client.base_url)
        return False

    with patch.object(config_flow.BithumanClient, "validate", fake_validate):
        result = await hass.config_entries.flow.async_configure(
            result["flow_id"], {CONF_API_SECRET: ROTATED_KEY}
        )
    assert seen == [DEFAULT_API_URL]
    assert result["errors"] == {CONF_API_SECRET: "invalid_auth"}


# Reconfigure


async def test_reconfigure(
    hass: HomeAssistant,
    simulator: Simulator,
    simulator_url: str,
    mock_config_entry: MockConfigEntry,
    mock_setup_entry: AsyncMock,
) -> None:
    """The secret and the URL change; the account stays the same."""
    mock_config_entry.add_to_hass(hass)
    simulator.add_secret(USER_ID, ROTATED_KEY)
    result = await mock_config_entry.start_reconfigure_flow(hass)
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "reconfigure"
    advanced = result["data_schema"].schema[_marker(result, CONF_ADVANCED)]
    assert advanced.options == {"collapsed": True}
    assert next(iter(advanced.schema.schema)).default() == simulator_url
    # The stored secret is never sent to the form.
    assert ACCOUNT_KEY not in repr(result)

    # The same simulator behind a second address.
    async with SimulatorServer(simulator) as second_server:
        new_url = second_server.url
        result = await hass.config_entries.flow.async_configure(
            result["flow_id"], _user_input(ROTATED_KEY, new_url + "/")
        )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reconfigure_successful"
    assert dict(mock_config_entry.data) == {
        CONF_API_SECRET: ROTATED_KEY,
        CONF_API_URL: new_url,
    }
    await hass.async_block_till_done()
    assert len(mock_setup_entry.mock_calls) == 1


async def test_reconfigure_keeps_stored_secret(
    hass: HomeAssistant,
    simulator_url: str,
    mock_config_entry: MockConfigEntry,
) -> None:
    """Leaving the secret empty keeps the stored one."""
    mock_config_entry.add_to_hass(hass)
    result = await mock_config_entry.start_reconfigure_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_ADVANCED: {CONF_API_URL: simulator_url}}
    )
    assert result["reason"] == "reconfigure_successful"
    assert mock_config_entry.data[CONF_API_SECRET] == ACCOUNT_KEY


async def test_reconfigure_wrong_account(
    hass: HomeAssistant,
    simulator_url: str,
    other_account: str,
    mock_config_entry: MockConfigEntry,
) -> None:
    """A secret of another account aborts and changes nothing."""
    mock_config_entry.add_to_hass(hass)
    result = await mock_config_entry.start_reconfigure_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], _user_input(other_account, simulator_url)
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "wrong_account"
    assert mock_config_entry.data[CONF_API_SECRET] == ACCOUNT_KEY


@pytest.mark.parametrize(
    ("secret", "url", "errors"),
    [
        ("sk_wrong", None, {CONF_API_SECRET: "invalid_auth"}),
        (None, "closed-port", {"base": "cannot_connect"}),
        (None, "mailto:someone@example.com", {"base": "invalid_url"}),
    ],
)
async def test_reconfigure_errors_then_recover(
    hass: HomeAssistant,
    *,
    simulator_url: str,
    mock_config_entry: MockConfigEntry,
    secret: str | None,
    url: str | None,
    errors: dict[str, str],
) -> None:
    """Reconfigure failures are form errors; valid input then succeeds."""
    mock_config_entry.add_to_hass(hass)
    if url == "closed-port":
        url = _closed_port_url()
    result = await mock_config_entry.start_reconfigure_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], _user_input(secret or ACCOUNT_KEY, url or simulator_url)
    )
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "reconfigure"
    assert result["errors"] == errors
    advanced = result["data_schema"].schema[_marker(result, CONF_ADVANCED)]
    url_marker = next(iter(advanced.schema.schema))
    assert url_marker.description == {"suggested_value": url or simulator_url}

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], _user_input(ACCOUNT_KEY, simulator_url)
    )
    assert result["reason"] == "reconfigure_successful"


# Agent subentry flow


async def test_subentry_pick_from_list(
    hass: HomeAssistant,
    config_entry_factory: Callable[..., MockConfigEntry],
    add_agents: Callable[..., list[str]],
) -> None:
    """Only agents not added yet are offered; picking one adds it."""
    add_agents(3)
    entry = config_entry_factory(agents={"AG0001": "Agent 1"})
    entry.add_to_hass(hass)
    assert entry.state is ConfigEntryState.NOT_LOADED

    result = await _start_subentry_flow(hass, entry)
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "user"
    assert result["errors"] == {}
    selector = result["data_schema"].schema[_marker(result, CONF_AGENT_CODE)]
    assert selector.config["custom_value"] is True
    assert selector.config["multiple"] is False
    assert selector.config["options"] == [
        {"value": "AG0003", "label": "Agent 3 (AG0003)"},
        {"value": "AG0002", "label": "Agent 2 (AG0002)"},
    ]

    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"], {CONF_AGENT_CODE: "AG0002"}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == "Agent 2"
    assert result["data"] == {CONF_AGENT_CODE: "AG0002"}
    assert result["unique_id"] == "AG0002"
    assert {sub.unique_id for sub in entry.subentries.values()} == {
        "AG0001",
        "AG0002",
    }


async def test_subentry_type_a_code(
    hass: HomeAssistant,
    simulator: Simulator,
    account: str,
    mock_config_entry: MockConfigEntry,
    add_agents: Callable[..., list[str]],
) -> None:
    """A typed code not in the list is checked with GET /v1/agent/{code}."""
    add_agents(1)
    mock_config_entry.add_to_hass(hass)
    result = await _start_subentry_flow(hass, mock_config_entry)
    # Created after the list was read, so only a typed code finds it.
    simulator.add_agent(account, code="LATE0001", name="Latecomer")
    simulator.clear_requests()
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"], {CONF_AGENT_CODE: " LATE0001 "}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == "Latecomer"
    assert result["unique_id"] == "LATE0001"
    assert simulator.count("GET", "/v1/agent/LATE0001") == 1


async def test_subentry_list_unreachable_then_type_code(
    hass: HomeAssistant,
    simulator: Simulator,
    mock_config_entry: MockConfigEntry,
    add_agents: Callable[..., list[str]],
) -> None:
    """Without the list the user is told, and can still type a code."""
    add_agents(1)
    mock_config_entry.add_to_hass(hass)
    simulator.add_fault(Fault(path="/v1/agents", status=503, times=1))
    result = await _start_subentry_flow(hass, mock_config_entry)
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": "cannot_connect"}
    selector = result["data_schema"].schema[_marker(result, CONF_AGENT_CODE)]
    assert selector.config["options"] == []

    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"], {CONF_AGENT_CODE: "AG0001"}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == "Agent 1"


async def test_subentry_list_unexpected_error(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    add_agents: Callable[..., list[str]],
    caplog: pytest.LogCaptureFixture,
) -> None:
    """An unexpected error reading the list is logged and shown as unknown."""
    add_agents(1)
    mock_config_entry.add_to_hass(hass)
    with patch(
        "custom_components.bithuman.config_flow.BithumanClient.list_agents",
        side_effect=RuntimeError("boom"),
    ):
        result = await _start_subentry_flow(hass, mock_config_entry)
    assert result["errors"] == {"base": "unknown"}
    assert "Unexpected error while listing bitHuman agents" in caplog.text
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"], {CONF_AGENT_CODE: "AG0001"}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY


@pytest.mark.parametrize(
    ("code", "fault", "errors"),
    [
        ("NOPE0000", None, {CONF_AGENT_CODE: "agent_not_found"}),
        ("   ", None, {CONF_AGENT_CODE: "agent_not_found"}),
        ("OTHER001", None, {CONF_AGENT_CODE: "agent_not_found"}),
        ("LATE0001", Fault(path="/v1/agent/*", status=500), {"base": "cannot_connect"}),
        ("LATE0001", "crash", {"base": "unknown"}),
    ],
)
async def test_subentry_code_errors_then_recover(
    hass: HomeAssistant,
    *,
    simulator: Simulator,
    account: str,
    other_account: str,
    mock_config_entry: MockConfigEntry,
    add_agents: Callable[..., list[str]],
    code: str,
    fault: Fault | str | None,
    errors: dict[str, str],
) -> None:
    """A typed code that cannot be checked is a form error."""
    add_agents(1)
    simulator.add_agent(other_account, code="OTHER001", name="Not yours")
    mock_config_entry.add_to_hass(hass)
    result = await _start_subentry_flow(hass, mock_config_entry)
    simulator.add_agent(account, code="LATE0001", name="Latecomer")
    if isinstance(fault, Fault):
        simulator.add_fault(fault)
    with (
        patch(
            "custom_components.bithuman.config_flow.BithumanClient.get_agent",
            side_effect=RuntimeError("boom"),
        )
        if fault == "crash"
        else nullcontext()
    ):
        result = await hass.config_entries.subentries.async_configure(
            result["flow_id"], {CONF_AGENT_CODE: code}
        )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == errors

    simulator.clear_faults()
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"], {CONF_AGENT_CODE: "LATE0001"}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["unique_id"] == "LATE0001"


async def test_subentry_already_added(
    hass: HomeAssistant,
    config_entry_factory: Callable[..., MockConfigEntry],
    add_agents: Callable[..., list[str]],
) -> None:
    """Typing the code of an agent added already aborts."""
    add_agents(2)
    entry = config_entry_factory(agents={"AG0001": "Agent 1"})
    entry.add_to_hass(hass)
    result = await _start_subentry_flow(hass, entry)
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"], {CONF_AGENT_CODE: "AG0001"}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"


async def test_subentry_all_agents_added(
    hass: HomeAssistant,
    config_entry_factory: Callable[..., MockConfigEntry],
    add_agents: Callable[..., list[str]],
) -> None:
    """When every agent is added already there is nothing to offer."""
    add_agents(1)
    entry = config_entry_factory(agents={"AG0001": "Agent 1"})
    entry.add_to_hass(hass)
    result = await _start_subentry_flow(hass, entry)
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "no_agents_available"


async def test_subentry_secret_rejected_while_listing(
    hass: HomeAssistant,
    simulator: Simulator,
    mock_config_entry: MockConfigEntry,
) -> None:
    """A rejected stored secret aborts and starts re-authentication."""
    mock_config_entry.add_to_hass(hass)
    simulator.revoke_secret(ACCOUNT_KEY)
    result = await _start_subentry_flow(hass, mock_config_entry)
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reauth_required"
    await hass.async_block_till_done()
    flows = hass.config_entries.flow.async_progress_by_handler(DOMAIN)
    assert [flow["context"]["source"] for flow in flows] == ["reauth"]


async def test_subentry_secret_rejected_while_checking_code(
    hass: HomeAssistant,
    simulator: Simulator,
    mock_config_entry: MockConfigEntry,
    add_agents: Callable[..., list[str]],
) -> None:
    """A secret revoked between list and check aborts and starts reauth."""
    add_agents(1)
    mock_config_entry.add_to_hass(hass)
    result = await _start_subentry_flow(hass, mock_config_entry)
    simulator.revoke_secret(ACCOUNT_KEY)
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"], {CONF_AGENT_CODE: "SOMECODE"}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reauth_required"
    await hass.async_block_till_done()
    assert hass.config_entries.flow.async_progress_by_handler(DOMAIN)


async def test_subentry_with_loaded_entry(
    hass: HomeAssistant,
    config_entry_factory: Callable[..., MockConfigEntry],
    add_agents: Callable[..., list[str]],
) -> None:
    """The flow works the same while the entry is loaded."""
    add_agents(2)
    entry = config_entry_factory(agents={"AG0002": "Agent 2"})
    entry.add_to_hass(hass)
    await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.LOADED
    result = await _start_subentry_flow(hass, entry)
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"], {CONF_AGENT_CODE: "AG0001"}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert len(entry.subentries) == 2


# Options flow (LiveKit)


async def test_options_form(
    hass: HomeAssistant, config_entry_factory: Callable[..., MockConfigEntry]
) -> None:
    """The form suggests the stored values, never the stored secret."""
    entry = config_entry_factory(
        options={
            CONF_LIVEKIT_URL: "wss://example.livekit.cloud",
            CONF_LIVEKIT_API_KEY: LIVEKIT_KEY,
            CONF_LIVEKIT_API_SECRET: LIVEKIT_SIGNING_KEY,
            CONF_AVATAR_IDENTITY: "custom-avatar",
        }
    )
    entry.add_to_hass(hass)
    result = await hass.config_entries.options.async_init(entry.entry_id)
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "init"
    assert _schema_keys(result) == [
        CONF_LIVEKIT_URL,
        CONF_LIVEKIT_API_KEY,
        CONF_LIVEKIT_API_SECRET,
        CONF_AVATAR_IDENTITY,
    ]
    assert _marker(result, CONF_LIVEKIT_URL).description == {
        "suggested_value": "wss://example.livekit.cloud"
    }
    assert _marker(result, CONF_AVATAR_IDENTITY).description == {
        "suggested_value": "custom-avatar"
    }
    assert _marker(result, CONF_AVATAR_IDENTITY).default() == DEFAULT_AVATAR_IDENTITY
    assert _marker(result, CONF_LIVEKIT_API_SECRET).description is None
    assert LIVEKIT_SIGNING_KEY not in repr(result)


async def test_options_livekit_checked_and_saved(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    livekit_server: LiveKitStub,
) -> None:
    """Valid LiveKit settings are checked against the server and saved."""
    mock_config_entry.add_to_hass(hass)
    result = await hass.config_entries.options.async_init(mock_config_entry.entry_id)
    ws_url = livekit_server.url.replace("http://", "ws://")
    result = await hass.config_entries.options.async_configure(
        result["flow_id"],
        {
            CONF_LIVEKIT_URL: f" {ws_url}/ ",
            CONF_LIVEKIT_API_KEY: LIVEKIT_KEY,
            CONF_LIVEKIT_API_SECRET: LIVEKIT_SIGNING_KEY,
        },
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert dict(mock_config_entry.options) == {
        CONF_LIVEKIT_URL: ws_url,
        CONF_LIVEKIT_API_KEY: LIVEKIT_KEY,
        CONF_LIVEKIT_API_SECRET: LIVEKIT_SIGNING_KEY,
        CONF_AVATAR_IDENTITY: DEFAULT_AVATAR_IDENTITY,
    }
    assert [request["path"] for request in livekit_server.requests] == [LISTROOMS_PATH]


async def test_options_livekit_rejected_then_fixed(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    livekit_server: LiveKitStub,
) -> None:
    """Rejected credentials are a form error, not a crash."""
    mock_config_entry.add_to_hass(hass)
    livekit_server.reject()
    user_input = {
        CONF_LIVEKIT_URL: livekit_server.url,
        CONF_LIVEKIT_API_KEY: LIVEKIT_KEY,
        CONF_LIVEKIT_API_SECRET: "a_wrong_livekit_secret_of_32_bytes_at_least",
        CONF_AVATAR_IDENTITY: "my-avatar",
    }
    result = await hass.config_entries.options.async_init(mock_config_entry.entry_id)
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], user_input
    )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": "livekit_invalid_auth"}
    # What was typed is kept, except the secret.
    assert _marker(result, CONF_LIVEKIT_URL).description == {
        "suggested_value": livekit_server.url
    }
    assert _marker(result, CONF_LIVEKIT_API_SECRET).description is None

    livekit_server.status = 200
    livekit_server.body = b""
    livekit_server.content_type = "application/protobuf"
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {**user_input, CONF_LIVEKIT_API_SECRET: LIVEKIT_SIGNING_KEY}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert mock_config_entry.options[CONF_AVATAR_IDENTITY] == "my-avatar"


async def test_options_livekit_unreachable(
    hass: HomeAssistant, mock_config_entry: MockConfigEntry
) -> None:
    """A URL where nothing answers is livekit_cannot_connect."""
    mock_config_entry.add_to_hass(hass)
    result = await hass.config_entries.options.async_init(mock_config_entry.entry_id)
    result = await hass.config_entries.options.async_configure(
        result["flow_id"],
        {
            CONF_LIVEKIT_URL: _closed_port_url(),
            CONF_LIVEKIT_API_KEY: LIVEKIT_KEY,
            CONF_LIVEKIT_API_SECRET: LIVEKIT_SIGNING_KEY,
        },
    )
    assert result["errors"] == {"base": "livekit_cannot_connect"}


@pytest.mark.parametrize(
    ("user_input", "errors"),
    [
        pytest.param(
            {CONF_LIVEKIT_URL: "wss://example.livekit.cloud"},
            {"base": "livekit_incomplete"},
            id="url-only",
        ),
        pytest.param(
            {CONF_LIVEKIT_API_KEY: LIVEKIT_KEY, CONF_LIVEKIT_API_SECRET: "s"},
            {"base": "livekit_incomplete"},
            id="no-url",
        ),
        pytest.param(
            {CONF_LIVEKIT_URL: "wss://x.livekit.cloud", CONF_LIVEKIT_API_KEY: "k"},
            {"base": "livekit_incomplete"},
            id="no-secret",
        ),
        pytest.param(
            {
                CONF_LIVEKIT_URL: "ftp://example.com",
                CONF_LIVEKIT_API_KEY: "k",
                CONF_LIVEKIT_API_SECRET: "s",
            },
            {CONF_LIVEKIT_URL: "livekit_invalid_url"},
            id="ftp",
        ),
        pytest.param(
            {
                CONF_LIVEKIT_URL: "livekit.example.com",
                CONF_LIVEKIT_API_KEY: "k",
                CONF_LIVEKIT_API_SECRET: "s",
            },
            {CONF_LIVEKIT_URL: "livekit_invalid_url"},
            id="no-scheme",
        ),
        pytest.param(
            {
                CONF_LIVEKIT_URL: "wss://[::1",
                CONF_LIVEKIT_API_KEY: "k",
                CONF_LIVEKIT_API_SECRET: "s",
            },
            {CONF_LIVEKIT_URL: "livekit_invalid_url"},
            id="broken",
        ),
    ],
)
async def test_options_invalid_input(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    user_input: dict[str, str],
    errors: dict[str, str],
) -> None:
    """Incomplete or malformed LiveKit settings never reach the network."""
    mock_config_entry.add_to_hass(hass)
    result = await hass.config_entries.options.async_init(mock_config_entry.entry_id)
    with patch.object(config_flow, "async_check_livekit") as mock_check:
        result = await hass.config_entries.options.async_configure(
            result["flow_id"], user_input
        )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == errors
    mock_check.assert_not_called()


@pytest.mark.parametrize(
    ("side_effect", "errors"),
    [
        (LiveKitAuthError("rejected"), {"base": "livekit_invalid_auth"}),
        (LiveKitConnectionError("down"), {"base": "livekit_cannot_connect"}),
        (RuntimeError("boom"), {"base": "unknown"}),
    ],
)
async def test_options_check_failures(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    side_effect: Exception,
    errors: dict[str, str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Each outcome of the LiveKit check maps to its form error."""
    mock_config_entry.add_to_hass(hass)
    result = await hass.config_entries.options.async_init(mock_config_entry.entry_id)
    # The only mock of the LiveKit check, at its boundary: there is no LiveKit
    # server here, and these outcomes are tested for real further down.
    with patch.object(
        config_flow, "async_check_livekit", side_effect=side_effect
    ) as mock_check:
        result = await hass.config_entries.options.async_configure(
            result["flow_id"],
            {
                CONF_LIVEKIT_URL: "wss://example.livekit.cloud",
                CONF_LIVEKIT_API_KEY: LIVEKIT_KEY,
                CONF_LIVEKIT_API_SECRET: LIVEKIT_SIGNING_KEY,
            },
        )
    assert result["errors"] == errors
    assert mock_check.call_args.args[1:] == (
        "wss://example.livekit.cloud",
        LIVEKIT_KEY,
        LIVEKIT_SIGNING_KEY,
    )
    assert LIVEKIT_SIGNING_KEY not in caplog.text


async def test_options_blank_secret_keeps_stored(
    hass: HomeAssistant,
    config_entry_factory: Callable[..., MockConfigEntry],
    livekit_server: LiveKitStub,
) -> None:
    """With URL and key filled in, a blank secret keeps the stored one."""
    entry = config_entry_factory(
        options={
            CONF_LIVEKIT_URL: "wss://old.livekit.cloud",
            CONF_LIVEKIT_API_KEY: "old-key",
            CONF_LIVEKIT_API_SECRET: LIVEKIT_SIGNING_KEY,
            CONF_AVATAR_IDENTITY: DEFAULT_AVATAR_IDENTITY,
        }
    )
    entry.add_to_hass(hass)
    result = await hass.config_entries.options.async_init(entry.entry_id)
    result = await hass.config_entries.options.async_configure(
        result["flow_id"],
        {
            CONF_LIVEKIT_URL: livekit_server.url,
            CONF_LIVEKIT_API_KEY: LIVEKIT_KEY,
            CONF_AVATAR_IDENTITY: "   ",
        },
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert dict(entry.options) == {
        CONF_LIVEKIT_URL: livekit_server.url,
        CONF_LIVEKIT_API_KEY: LIVEKIT_KEY,
        CONF_LIVEKIT_API_SECRET: LIVEKIT_SIGNING_KEY,
        CONF_AVATAR_IDENTITY: DEFAULT_AVATAR_IDENTITY,
    }
    # The token was signed with the stored secret.
    token = livekit_server.requests[0]["authorization"].removeprefix("Bearer ")
    claims = api.TokenVerifier(LIVEKIT_KEY, LIVEKIT_SIGNING_KEY).verify(token)
    assert claims.video.room_list is True


async def test_options_clear_livekit(
    hass: HomeAssistant, config_entry_factory: Callable[..., MockConfigEntry]
) -> None:
    """Emptying URL, key and secret turns gestures off and forgets the secret."""
    entry = config_entry_factory(
        options={
            CONF_LIVEKIT_URL: "wss://old.livekit.cloud",
            CONF_LIVEKIT_API_KEY: "old-key",
            CONF_LIVEKIT_API_SECRET: LIVEKIT_SIGNING_KEY,
            CONF_AVATAR_IDENTITY: "custom-avatar",
        }
    )
    entry.add_to_hass(hass)
    result = await hass.config_entries.options.async_init(entry.entry_id)
    result = await hass.config_entries.options.async_configure(
        result["flow_id"],
        {
            CONF_LIVEKIT_URL: "",
            CONF_LIVEKIT_API_KEY: " ",
            CONF_AVATAR_IDENTITY: "custom-avatar",
        },
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert dict(entry.options) == {CONF_AVATAR_IDENTITY: "custom-avatar"}


async def test_options_nothing_given(
    hass: HomeAssistant, mock_config_entry: MockConfigEntry
) -> None:
    """LiveKit is optional: an empty form saves just the avatar identity."""
    mock_config_entry.add_to_hass(hass)
    result = await hass.config_entries.options.async_init(mock_config_entry.entry_id)
    result = await hass.config_entries.options.async_configure(result["flow_id"], {})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert dict(mock_config_entry.options) == {
        CONF_AVATAR_IDENTITY: DEFAULT_AVATAR_IDENTITY
    }


# The real LiveKit check against the local twirp stub


async def test_livekit_check_accepts(
    hass: HomeAssistant, livekit_server: LiveKitStub
) -> None:
    """A 200 ListRooms answer confirms the settings; ws:// is sent over http."""
    await async_check_livekit(
        async_get_clientsession(hass),
        livekit_server.url.replace("http://", "ws://"),
        LIVEKIT_KEY,
        LIVEKIT_SIGNING_KEY,
    )
    (request,) = livekit_server.requests
    assert request["path"] == LISTROOMS_PATH
    assert request["content_type"] == "application/protobuf"
    token = request["authorization"].removeprefix("Bearer ")
    assert (
        api.TokenVerifier(LIVEKIT_KEY, LIVEKIT_SIGNING_KEY)
        .verify(token)
        .video.room_list
    )
    assert LIVEKIT_SIGNING_KEY not in request["authorization"]


@pytest.mark.parametrize(
    ("status", "body", "content_type", "error"),
    [
        pytest.param(
            401,
            b'{"code": "unauthenticated", "msg": "invalid token"}',
            "application/json",
            LiveKitAuthError,
            id="401",
        ),
        pytest.param(
            403,
            b'{"code": "permission_denied", "msg": "no room list"}',
            "application/json",
            LiveKitAuthError,
            id="403",
        ),
        pytest.param(
            400,
            b'{"code": "unauthenticated", "msg": "token expired"}',
            "application/json",
            LiveKitAuthError,
            id="code-only",
        ),
        pytest.param(
            404,
            b'{"code": "bad_route", "msg": "no such route"}',
            "application/json",
            LiveKitConnectionError,
            id="not-livekit",
        ),
        pytest.param(
            500, b"oops", "text/plain", LiveKitConnectionError, id="server-error"
        ),
        pytest.param(
            200,
            b'{"rooms": []}',
            "application/json",
            LiveKitConnectionError,
            id="json-not-protobuf",
        ),
        pytest.param(
            200, b"<html>hi</html>", "text/html", LiveKitConnectionError, id="html"
        ),
    ],
)
async def test_livekit_check_failures(
    hass: HomeAssistant,
    *,
    livekit_server: LiveKitStub,
    status: int,
    body: bytes,
    content_type: str,
    error: type[Exception],
) -> None:
    """Rejections are auth errors; anything not LiveKit-like is a connection error.

    The SDK talks protobuf: a 200 whose body is not a ListRoomsResponse (JSON,
    HTML) means the URL is not a LiveKit server.
    """
    livekit_server.status = status
    livekit_server.body = body
    livekit_server.content_type = content_type
    with pytest.raises(error) as exc_info:
        await async_check_livekit(
            async_get_clientsession(hass),
            livekit_server.url,
            LIVEKIT_KEY,
            LIVEKIT_SIGNING_KEY,
        )
    assert LIVEKIT_SIGNING_KEY not in str(exc_info.value)
    assert len(livekit_server.requests) == 1  # no failover retries


@pytest.mark.usefixtures("socket_enabled")
async def test_livekit_check_unreachable(hass: HomeAssistant) -> None:
    """Nothing listening is a connection error."""
    with pytest.raises(LiveKitConnectionError):
        await async_check_livekit(
            async_get_clientsession(hass),
            _closed_port_url(),
            LIVEKIT_KEY,
            LIVEKIT_SIGNING_KEY,
        )


async def test_livekit_check_timeout(
    hass: HomeAssistant, livekit_server: LiveKitStub
) -> None:
    """A server that does not answer in time is a connection error."""
    livekit_server.hold = asyncio.Event()
    with (
        patch.object(livekit_check, "LIVEKIT_CHECK_TIMEOUT", 0.1),
        pytest.raises(LiveKitConnectionError),
    ):
        await async_check_livekit(
            async_get_clientsession(hass),
            livekit_server.url,
            LIVEKIT_KEY,
            LIVEKIT_SIGNING_KEY,
        )
    # Let the held request finish so no server task outlives the test.
    livekit_server.hold.set()
    await asyncio.wait_for(livekit_server.answered.wait(), 5)


@pytest.mark.parametrize("url", ["ftp://host", "host:7880", "wss://", "wss://[::1"])
async def test_livekit_check_invalid_url(hass: HomeAssistant, url: str) -> None:
    """A URL that is not ws(s) or http(s) is refused before any request."""
    with pytest.raises(LiveKitConnectionError):
        await async_check_livekit(
            async_get_clientsession(hass), url, LIVEKIT_KEY, LIVEKIT_SIGNING_KEY
        )


# Secrets and translations


async def test_secret_never_leaks(
    hass: HomeAssistant,
    *,
    simulator: Simulator,
    simulator_url: str,
    account: str,
    mock_config_entry: MockConfigEntry,
    add_agents: Callable[..., list[str]],
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The API secret is in no log line, form, abort or error text."""
    caplog.set_level(logging.DEBUG)
    add_agents(1)
    mock_config_entry.add_to_hass(hass)
    results: list[Any] = []

    # User flow: failures of every kind, then the account is found configured.
    result = await _start_user_flow(hass)
    results.append(result)
    for prepare in ("outage", "fault", "crash", None):
        simulator.set_outage(prepare == "outage")
        if prepare == "fault":
            simulator.add_fault(Fault(path="/v1/me", status=500, message=account))
        with (
            patch(
                "custom_components.bithuman.config_flow.BithumanClient.get_account",
                side_effect=RuntimeError("boom"),
            )
            if prepare == "crash"
            else nullcontext()
        ):
            result = await hass.config_entries.flow.async_configure(
                result["flow_id"], _user_input(account, simulator_url)
            )
        simulator.clear_faults()
        results.append(result)
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"

    # Reauth and reconfigure with the same secret.
    result = await mock_config_entry.start_reauth_flow(hass)
    results.append(result)
    results.append(
        await hass.config_entries.flow.async_configure(
            result["flow_id"], {CONF_API_SECRET: account}
        )
    )
    result = await mock_config_entry.start_reconfigure_flow(hass)
    results.append(result)
    results.append(
        await hass.config_entries.flow.async_configure(
            result["flow_id"], _user_input(account, simulator_url)
        )
    )

    # Subentry flow with a failing check.
    simulator.add_fault(Fault(path="/v1/agent/*", status=503, message=account))
    result = await _start_subentry_flow(hass, mock_config_entry)
    results.append(result)
    results.append(
        await hass.config_entries.subentries.async_configure(
            result["flow_id"], {CONF_AGENT_CODE: "OTHERCODE"}
        )
    )

    assert [item["type"] for item in results] == [
        FlowResultType.FORM,
        FlowResultType.FORM,
        FlowResultType.FORM,
        FlowResultType.FORM,
        FlowResultType.ABORT,
        FlowResultType.FORM,
        FlowResultType.ABORT,
        FlowResultType.FORM,
        FlowResultType.ABORT,
        FlowResultType.FORM,
        FlowResultType.FORM,
    ]
    assert results[-1]["errors"] == {"base": "cannot_connect"}
    for item in results:
        assert account not in repr(item)
    assert account not in caplog.text
    assert "boom" in caplog.text  # the unexpected error was logged


def test_translations_cover_every_key() -> None:
    """Every error and abort the flows use, and every field, is translated."""
    source = Path(config_flow.__file__).read_text(encoding="utf-8")
    used_errors = set(re.findall(r'errors\[[^\]]+\] = "(\w+)"', source))
    used_aborts = set(re.findall(r'reason="(\w+)"', source))
    config = TRANSLATIONS["config"]
    subentry = TRANSLATIONS["config_subentries"]["agent"]
    options = TRANSLATIONS["options"]
    every_error = set(config["error"]) | set(subentry["error"]) | set(options["error"])
    every_abort = set(config["abort"]) | set(subentry["abort"])
    assert used_errors <= every_error
    assert used_aborts <= every_abort
    assert {"already_configured", "wrong_account"} <= set(config["abort"])
    assert {"already_configured", "no_agents_available", "reauth_required"} <= set(
        subentry["abort"]
    )
    assert {"invalid_auth", "cannot_connect", "unknown", "invalid_url"} <= set(
        config["error"]
    )
    assert {"agent_not_found", "cannot_connect", "unknown"} <= set(subentry["error"])
    assert {
        "livekit_incomplete",
        "livekit_invalid_url",
        "livekit_invalid_auth",
        "livekit_cannot_connect",
        "unknown",
    } <= set(options["error"])
    assert subentry["initiate_flow"]["user"] == "Add agent"
    assert subentry["entry_type"] == "Agent"


def _check_form_translated(result: Any, step: dict[str, Any]) -> None:
    """Assert a form's title, description and every field are translated."""
    assert step["title"]
    assert step["description"]
    for key, value in result["data_schema"].schema.items():
        name = str(key)
        if isinstance(value, section):
            texts = step["sections"][name]
            assert texts["name"]
            assert texts["description"]
            for inner in value.schema.schema:
                assert texts["data"][str(inner)]
                assert texts["data_description"][str(inner)]
            continue
        assert step["data"][name]
        assert step["data_description"][name]
    for placeholder in re.findall(r"{(\w+)}", step["description"]):
        assert placeholder in (result["description_placeholders"] or {})


async def test_every_form_translated(
    hass: HomeAssistant,
    simulator_url: str,
    account: str,
    config_entry_factory: Callable[..., MockConfigEntry],
    add_agents: Callable[..., list[str]],
) -> None:
    """Each step's form has a title, description, label and help per field."""
    add_agents(2)
    steps = TRANSLATIONS["config"]["step"]
    result = await _start_user_flow(hass)
    _check_form_translated(result, steps["user"])
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], _user_input(account, simulator_url)
    )
    _check_form_translated(result, steps["agents"])

    entry = config_entry_factory(agents={"AG0001": "Agent 1"})
    entry.add_to_hass(hass)
    result = await entry.start_reauth_flow(hass)
    _check_form_translated(result, steps["reauth_confirm"])
    result = await entry.start_reconfigure_flow(hass)
    _check_form_translated(result, steps["reconfigure"])
    result = await _start_subentry_flow(hass, entry)
    _check_form_translated(
        result, TRANSLATIONS["config_subentries"]["agent"]["step"]["user"]
    )
    result = await hass.config_entries.options.async_init(entry.entry_id)
    _check_form_translated(result, TRANSLATIONS["options"]["step"]["init"])
