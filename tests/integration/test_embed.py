"""The `bithuman/embed_token` websocket command: a live avatar for the card."""

from __future__ import annotations

import base64
import json
import logging
import time

import aiohttp
from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import device_registry as dr, issue_registry as ir
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.typing import WebSocketGenerator
from yarl import URL

from bithuman_simulator import Fault, Simulator
from custom_components.bithuman.const import DOMAIN
from custom_components.bithuman.embed import (
    MINTS_ALLOWED,
    embed_page,
    fingerprint,
    token_lifetime,
)

from .conftest import FRONT_DOOR, KITCHEN, USER_ID, Advance, agent_device, press


async def _mint(
    hass: HomeAssistant,
    ws: WebSocketGenerator,
    device_id: str,
    token: str | None = None,
) -> dict:
    client = await ws(hass, token) if token else await ws(hass)
    await client.send_json_auto_id(
        {"type": "bithuman/embed_token", "device_id": device_id}
    )
    return await client.receive_json()


async def test_start_gives_the_embed_page_with_a_valid_token(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    hass_ws_client: WebSocketGenerator,
    simulator: Simulator,
    simulator_url: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The URL is the simulator's embed page for the agent; it opens with the token."""
    caplog.set_level(logging.DEBUG)
    msg = await _mint(hass, hass_ws_client, agent_device(hass, FRONT_DOOR).id)
    assert msg["success"], msg
    url = URL(msg["result"]["url"])
    assert url.with_query(None) == embed_page(simulator_url, FRONT_DOOR)
    assert msg["result"]["expires_at"] == int(simulator.now()) + 3600
    assert msg["result"]["expires_in"] == 3600
    async with aiohttp.ClientSession() as session, session.get(str(url)) as page:
        assert page.status == 200
        assert 'id="agent-name">Front Door<' in await page.text()
    token = url.query["token"]
    # Home Assistant's own websocket debug log shows every answer it sends;
    # the integration logs the token nowhere.
    ours = [r for r in caplog.records if r.name.startswith("custom_components")]
    assert all(token not in r.getMessage() for r in ours)
    assert all(token not in str(state.as_dict()) for state in hass.states.async_all())


@pytest.mark.real_time
async def test_link_lifetime_does_not_depend_on_home_assistants_clock(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    hass_ws_client: WebSocketGenerator,
    simulator: Simulator,
) -> None:
    """Home Assistant's clock months off bitHuman's: the link still lasts an hour."""
    assert abs(time.time() - simulator.now()) > 86400
    msg = await _mint(hass, hass_ws_client, agent_device(hass, FRONT_DOOR).id)
    assert msg["success"], msg
    assert msg["result"]["expires_in"] == 3600


def _jwt(claims: object) -> str:
    body = base64.urlsafe_b64encode(json.dumps(claims).encode()).decode().rstrip("=")
    return f"eyJhbGciOiJIUzI1NiJ9.{body}.c2ln"


@pytest.mark.parametrize(
    ("token", "expected"),
    [
        (_jwt({"iat": 1000, "exp": 1600}), {"expires_at": 1600, "expires_in": 600}),
        (_jwt({"exp": 1600}), {"expires_at": 1600, "expires_in": 600}),
        (_jwt({"exp": 900}), {"expires_at": 900, "expires_in": 0}),
        ("not-a-jwt", {"expires_at": 4600, "expires_in": 3600}),
        (_jwt({"iat": 1000}), {"expires_at": 4600, "expires_in": 3600}),
    ],
    ids=["iat_and_exp", "exp_only", "exp_in_the_past", "opaque", "no_exp"],
)
def test_token_lifetime_reads_the_claims_or_assumes_an_hour(
    token: str, expected: dict[str, int], freezer: FrozenDateTimeFactory
) -> None:
    """The token's own claims first; an opaque token is taken as the documented hour."""
    freezer.move_to("1970-01-01 00:16:40+00:00")
    assert token_lifetime(token) == expected


def test_default_api_embeds_on_bithuman_ai() -> None:
    assert (
        str(embed_page("https://api.bithuman.ai", "A1"))
        == "https://bithuman.ai/embed/A1"
    )


async def test_fingerprint_is_stable_per_user_and_reveals_nothing(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    hass_ws_client: WebSocketGenerator,
    hass_admin_user: object,
    simulator: Simulator,
) -> None:
    """The same user always sends the same opaque fingerprint; other users another."""
    device = agent_device(hass, FRONT_DOOR).id
    await _mint(hass, hass_ws_client, device)
    await _mint(hass, hass_ws_client, device)
    sent = [
        r.json["fingerprint"]
        for r in simulator.requests
        if r.path == "/v1/embed-tokens/request"
    ]
    assert sent[0] == sent[1]
    user_id = hass_admin_user.id  # type: ignore[attr-defined]
    assert user_id not in sent[0]
    assert fingerprint(init_integration, "someone-else") != sent[0]


async def test_read_only_user_may_not_start_the_avatar(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    hass_ws_client: WebSocketGenerator,
    hass_read_only_access_token: str,
    simulator: Simulator,
) -> None:
    """No control permission: `unauthorized`, and nothing minted."""
    simulator.clear_requests()
    msg = await _mint(
        hass,
        hass_ws_client,
        agent_device(hass, FRONT_DOOR).id,
        hass_read_only_access_token,
    )
    assert not msg["success"]
    assert msg["error"]["code"] == "unauthorized"
    assert simulator.count(path_prefix="/v1/embed-tokens") == 0


async def test_not_an_agent(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    hass_ws_client: WebSocketGenerator,
    device_registry: dr.DeviceRegistry,
) -> None:
    """The account device, or no device at all, is `not_found`."""
    for device_id in (agent_device(hass, USER_ID).id, "no-such-device"):
        msg = await _mint(hass, hass_ws_client, device_id)
        assert msg["error"]["code"] == "not_found"


async def test_agent_not_ready(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    hass_ws_client: WebSocketGenerator,
    simulator: Simulator,
) -> None:
    """An agent still generating cannot start: `not_ready`, with the translated text."""
    simulator.override_agent_fields(KITCHEN, {"status": "generating"})
    await init_integration.runtime_data.coordinator.async_request_refresh()
    await hass.async_block_till_done()
    msg = await _mint(hass, hass_ws_client, agent_device(hass, KITCHEN).id)
    assert msg["error"]["code"] == "not_ready"
    assert "Kitchen is not ready" in msg["error"]["message"]


@pytest.mark.parametrize(
    ("fault", "code", "key"),
    [
        (
            Fault(status=402, code="INSUFFICIENT_BALANCE"),
            "insufficient_credits",
            "insufficient_credits",
        ),
        (Fault(drop=True), "cannot_connect", "cannot_connect"),
        (Fault(status=500), "api_error", "api_error"),
    ],
)
async def test_api_refusal_reaches_the_card_translated(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    hass_ws_client: WebSocketGenerator,
    simulator: Simulator,
    fault: Fault,
    code: str,
    key: str,
) -> None:
    """BitHuman's refusal comes back with a code the card knows and the message."""
    fault.path = "/v1/embed-tokens/request"
    simulator.add_fault(fault)
    msg = await _mint(hass, hass_ws_client, agent_device(hass, FRONT_DOOR).id)
    assert msg["error"]["code"] == code
    assert msg["error"]["translation_key"] == key
    assert msg["error"]["message"]


async def test_refused_for_credits_the_repair_asks_for_a_positive_balance(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    hass_ws_client: WebSocketGenerator,
    simulator: Simulator,
    issue_registry: ir.IssueRegistry,
    advance: Advance,
) -> None:
    """Starting costs nothing fixed: the repair names no amount, and goes above zero.

    An amount an earlier refusal named is kept until the balance covers it.
    """
    issue_id = f"insufficient_credits_{init_integration.entry_id}"

    def credits_issue() -> ir.IssueEntry | None:
        return issue_registry.async_get_issue(DOMAIN, issue_id)

    async def start() -> None:
        await _mint(hass, hass_ws_client, agent_device(hass, FRONT_DOOR).id)

    simulator.set_credits(USER_ID, 0)
    simulator.add_fault(
        Fault(path="/v1/embed-tokens/request", status=402, code="INSUFFICIENT_BALANCE")
    )
    await start()
    assert (issue := credits_issue()) is not None
    assert issue.translation_key == "insufficient_credits_balance"
    assert issue.translation_placeholders == {"account": init_integration.title}

    with pytest.raises(HomeAssistantError):
        await press(hass, "button.kitchen_generate_dynamics")  # costs 250
    await start()
    assert (issue := credits_issue()) is not None
    assert issue.translation_key == "insufficient_credits"
    assert issue.translation_placeholders["needed"] == "250"

    ir.async_delete_issue(hass, DOMAIN, issue_id)
    await start()
    for balance, stays in ((0, True), (5, False)):
        simulator.set_credits(USER_ID, balance)
        await advance(15 * 60)  # the account's balance is read every 15 minutes
        assert (credits_issue() is not None) is stays


async def test_minting_is_rate_limited_per_user_and_agent(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    hass_ws_client: WebSocketGenerator,
) -> None:
    """A wall tablet pressing Start in a loop is slowed down, per agent."""
    front_door = agent_device(hass, FRONT_DOOR).id
    for _ in range(MINTS_ALLOWED):
        assert (await _mint(hass, hass_ws_client, front_door))["success"]
    msg = await _mint(hass, hass_ws_client, front_door)
    assert msg["error"]["code"] == "embed_rate_limited"
    assert (await _mint(hass, hass_ws_client, agent_device(hass, KITCHEN).id))[
        "success"
    ]
