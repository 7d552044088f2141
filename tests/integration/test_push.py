"""Push: bitHuman's signed webhook deliveries, registered where HA is reachable.

The simulator really signs and sends each delivery; only the last hop is
routed into Home Assistant's test client, since no public HTTPS address can
exist here. Home Assistant Cloud cannot exist here either: its cloudhook is
mocked at `cloud.async_get_or_create_cloudhook`, and its deliveries come in
as the `MockRequest` the cloud client builds.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
import json
import logging
from typing import Any
from unittest.mock import AsyncMock, patch

from aiohttp.test_utils import TestClient
from homeassistant.components import cloud, webhook
from homeassistant.config_entries import ConfigEntry, ConfigEntryState
from homeassistant.const import Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers.dispatcher import async_dispatcher_send
from homeassistant.util import dt as dt_util
from homeassistant.util.aiohttp import MockRequest
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.components.diagnostics import (
    get_diagnostics_for_config_entry,
)
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator
from yarl import URL

from bithuman_simulator import Fault, Simulator
from custom_components.bithuman.const import (
    CONF_WEBHOOK_ID,
    CONF_WEBHOOK_REMOTE_ID,
    CONF_WEBHOOK_SECRET,
)
from custom_components.bithuman.push import webhook_description

from .conftest import Advance

EXTERNAL = "https://home.example.com"
CLOUDHOOK = "https://hooks.nabu.casa/ZXhhbXBsZQ"
GARAGE = "A30000001"

type Setup = Callable[..., Awaitable[MockConfigEntry]]


@contextmanager
def cloud_subscription(
    *,
    connected: Callable[[], bool] = lambda: True,
    cloudhook: str | type[Exception] = CLOUDHOOK,
) -> Iterator[AsyncMock]:
    """Stand in for a Home Assistant Cloud subscription (none can exist here).

    Yields the stand-in for getting the cloudhook, to count the attempts.
    """
    answer: dict[str, Any] = (
        {"return_value": cloudhook}
        if isinstance(cloudhook, str)
        else {"side_effect": cloudhook}
    )
    with (
        patch(
            "homeassistant.components.cloud.async_active_subscription",
            return_value=True,
        ),
        patch(
            "homeassistant.components.cloud.async_is_connected",
            side_effect=lambda _hass: connected(),
        ),
        patch(
            "homeassistant.components.cloud.async_get_or_create_cloudhook", **answer
        ) as get_cloudhook,
    ):
        yield get_cloudhook


@pytest.fixture
async def deliver_to_hass(
    hass: HomeAssistant,
    simulator: Simulator,
    hass_client_no_auth: ClientSessionGenerator,
) -> None:
    """Send the simulator's deliveries for any URL to Home Assistant's webhook view.

    The test client is made at the first delivery: making it freezes the
    routes, so it must come after the integration is set up.
    """
    clients: list[TestClient] = []

    async def transport(url: str, headers: dict[str, str], body: bytes) -> int:
        if not clients:
            clients.append(await hass_client_no_auth())
        response = await clients[0].post(URL(url).path, data=body, headers=headers)
        return response.status

    simulator.webhook_transport = transport


@pytest.fixture
def setup_entry(
    hass: HomeAssistant,
    config_entry_factory: Callable[..., MockConfigEntry],
    simulator: Simulator,
    account: str,
) -> Setup:
    """Return a function that sets up an entry with a generating agent, Garage.

    Given an external URL, Home Assistant is reachable there first.
    """
    simulator.add_agent(account, code=GARAGE, name="Garage", status="processing")

    async def setup(external_url: str | None = None) -> MockConfigEntry:
        if external_url is not None:
            hass.config.external_url = external_url
        entry = config_entry_factory(agents={GARAGE: "Garage"})
        entry.add_to_hass(hass)
        assert await hass.config_entries.async_setup(entry.entry_id)
        await hass.async_block_till_done()
        return entry

    return setup


async def _push(
    hass: HomeAssistant, hass_client: ClientSessionGenerator, entry: MockConfigEntry
) -> str:
    diagnostics = await get_diagnostics_for_config_entry(hass, hass_client, entry)
    return str(diagnostics["coordinator"]["push"])


async def _cloud_connects(hass: HomeAssistant) -> None:
    """Send what Home Assistant Cloud sends when it connects."""
    async_dispatcher_send(
        hass,
        cloud.SIGNAL_CLOUD_CONNECTION_STATE,
        cloud.CloudConnectionState.CLOUD_CONNECTED,
    )
    # The start runs as a task of the entry (unloading it cancels the start).
    await hass.async_block_till_done(wait_background_tasks=True)


async def _assert_a_delivery_reads_garage(
    hass: HomeAssistant, simulator: Simulator
) -> None:
    """Check a signed delivery about Garage is taken (200) and Garage read once."""
    simulator.clear_requests()
    [attempt] = await simulator.send_webhook_event(GARAGE, "agent.ready")
    await hass.async_block_till_done()
    assert attempt.status_code == 200
    assert simulator.count("GET", "/v1/agents") == 1


async def _assert_cloudhook_active(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    simulator: Simulator,
    entry: MockConfigEntry,
) -> None:
    """Check the one webhook registered is the cloudhook, and push is on."""
    [registered] = simulator.webhooks.values()
    assert registered.url == CLOUDHOOK
    assert await _push(hass, hass_client, entry) == "active"


@pytest.mark.parametrize(
    ("external_url", "why"),
    [(None, "no_external_url"), ("http://home.example.com", "external_url_not_https")],
)
async def test_without_an_https_url_polls_and_says_why(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    simulator: Simulator,
    setup_entry: Setup,
    advance: Advance,
    external_url: str | None,
    why: str,
) -> None:
    """No reachable HTTPS address: no webhook, a generation polled every 5 s."""
    hass.config.external_url = external_url
    entry = await setup_entry()
    assert simulator.webhooks == {}
    assert await _push(hass, hass_client, entry) == why
    simulator.clear_requests()
    for _ in range(6):
        await advance(5)
    assert simulator.count("GET", "/v1/agents") == 6


@pytest.mark.usefixtures("deliver_to_hass")
async def test_webhook_registered_and_generation_polled_once_a_minute(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    simulator: Simulator,
    setup_entry: Setup,
    advance: Advance,
) -> None:
    """With an HTTPS URL: one webhook for all events, and a minute between polls."""
    entry = await setup_entry(EXTERNAL)
    [registered] = simulator.webhooks.values()
    assert registered.url == f"{EXTERNAL}/api/webhook/{entry.data[CONF_WEBHOOK_ID]}"
    assert registered.events == []
    assert entry.data[CONF_WEBHOOK_REMOTE_ID] == registered.id
    assert await _push(hass, hass_client, entry) == "active"

    simulator.clear_requests()
    for _ in range(24):
        await advance(5)
    assert simulator.count("GET", "/v1/agents") == 2
    # The generation ends: bitHuman says so, and the Status follows at once.
    await advance(180)
    await simulator.flush_webhooks()
    await hass.async_block_till_done()
    assert hass.states.get("sensor.garage_status").state == "ready"


@pytest.mark.usefixtures("deliver_to_hass")
async def test_a_delivery_reads_that_agent_at_once(
    hass: HomeAssistant, simulator: Simulator, setup_entry: Setup
) -> None:
    """A valid delivery is a hint: the agent is read again right away."""
    await setup_entry(EXTERNAL)
    await _assert_a_delivery_reads_garage(hass, simulator)


@pytest.mark.parametrize(
    ("tamper", "status"),
    [
        ("bad_signature", 401),
        ("stale_timestamp", 401),
        ("not_json", 401),
        # Signed and fresh, but nothing this integration knows: ignored.
        ("unknown_event", 200),
    ],
)
@pytest.mark.usefixtures("deliver_to_hass")
async def test_forged_or_odd_deliveries_change_nothing(
    hass: HomeAssistant,
    simulator: Simulator,
    setup_entry: Setup,
    caplog: pytest.LogCaptureFixture,
    tamper: str,
    status: int,
) -> None:
    """401 for anything not signed, fresh and new; no read, no noise in the log."""
    entry = await setup_entry(EXTERNAL)
    simulator.clear_requests()
    caplog.set_level(logging.DEBUG)
    for _ in range(3):
        [attempt] = await simulator.send_forged_webhook(GARAGE, tamper)  # type: ignore[arg-type]
        assert attempt.status_code == status
    await hass.async_block_till_done()
    assert simulator.count("GET", "/v1/agents") == 0
    warnings = [
        r
        for r in caplog.records
        if r.levelno >= logging.WARNING and "bithuman" in r.name
    ]
    assert len(warnings) == (1 if status == 401 else 0)
    assert entry.data[CONF_WEBHOOK_SECRET] not in caplog.text


@pytest.mark.parametrize(
    "reload",
    [
        pytest.param(False, id="same-run"),
        # Reloading the entry does not forget which deliveries came already.
        pytest.param(True, id="after-a-reload"),
    ],
)
@pytest.mark.usefixtures("deliver_to_hass")
async def test_a_replayed_delivery_is_refused(
    hass: HomeAssistant, simulator: Simulator, setup_entry: Setup, reload: bool
) -> None:
    """The same delivery id twice: the second one gets 401 and reads nothing."""
    entry = await setup_entry(EXTERNAL)
    await simulator.send_webhook_event(GARAGE, "agent.ready")
    await hass.async_block_till_done()
    if reload:
        assert await hass.config_entries.async_reload(entry.entry_id)
        await hass.async_block_till_done()
    simulator.clear_requests()

    replay = await simulator.replay_webhook()
    await hass.async_block_till_done()

    assert replay.status_code == 401
    assert simulator.count("GET", "/v1/agents") == 0


async def test_cloudhook_deliveries(
    hass: HomeAssistant,
    simulator: Simulator,
    setup_entry: Setup,
) -> None:
    """With Home Assistant Cloud the cloudhook is registered, and its mock request read."""
    with cloud_subscription():
        entry = await setup_entry()
    [registered] = simulator.webhooks.values()
    assert registered.url == CLOUDHOOK

    async def through_the_cloud(url: str, headers: dict[str, str], body: bytes) -> int:
        request = MockRequest(
            content=body,
            headers=headers,
            method="POST",
            query_string="",
            mock_source="cloud",
        )
        response = await webhook.async_handle_webhook(
            hass, entry.data[CONF_WEBHOOK_ID], request
        )
        return response.status

    simulator.webhook_transport = through_the_cloud
    await _assert_a_delivery_reads_garage(hass, simulator)


async def test_cloudhook_failing_never_blocks_setup(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    simulator: Simulator,
    setup_entry: Setup,
    advance: Advance,
) -> None:
    """Home Assistant Cloud disconnects mid-request: poll now, try again later."""
    with cloud_subscription(cloudhook=cloud.CloudNotConnected):
        entry = await setup_entry()
        assert entry.state is ConfigEntryState.LOADED
        assert hass.states.get("sensor.garage_status").state != "unavailable"
        assert await _push(hass, hass_client, entry) == "cloudhook_failed"
        assert simulator.webhooks == {}
    with cloud_subscription():
        await advance(900)
        await hass.async_block_till_done()
    await _assert_cloudhook_active(hass, hass_client, simulator, entry)


async def _two_starts_at_once(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    push = entry.runtime_data.push
    await asyncio.gather(push.async_start(), push.async_start())
    await hass.async_block_till_done()


@pytest.mark.parametrize(
    "start_again",
    [
        pytest.param(lambda hass, _entry: _cloud_connects(hass), id="cloud-connects"),
        pytest.param(_two_starts_at_once, id="two-at-once"),
    ],
)
async def test_push_begun_meanwhile_the_retry_does_nothing(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    simulator: Simulator,
    setup_entry: Setup,
    advance: Advance,
    caplog: pytest.LogCaptureFixture,
    start_again: Callable[[HomeAssistant, MockConfigEntry], Awaitable[None]],
) -> None:
    """The cloudhook failed; Cloud connected (or two starts came at once): one start.

    A second registration of the handler would raise in Home Assistant.
    """
    with cloud_subscription():
        entry = await setup_entry()
    # Home Assistant restarts while Cloud is down: bitHuman has the webhook.
    with cloud_subscription(cloudhook=cloud.CloudNotConnected):
        assert await hass.config_entries.async_reload(entry.entry_id)
        await hass.async_block_till_done()
        assert await _push(hass, hass_client, entry) == "cloudhook_failed"
    with cloud_subscription():
        await start_again(hass, entry)
        await _assert_cloudhook_active(hass, hass_client, simulator, entry)
        simulator.clear_requests()
        await advance(900)  # the retry set when the cloudhook failed
        await hass.async_block_till_done()
    assert simulator.count("GET", "/v1/webhooks") == 0
    assert "already defined" not in caplog.text
    await _assert_cloudhook_active(hass, hass_client, simulator, entry)


async def test_failed_starts_keep_one_retry(
    hass: HomeAssistant, setup_entry: Setup, advance: Advance
) -> None:
    """However often Cloud connects and fails, one retry is pending, not one each."""
    with cloud_subscription(cloudhook=cloud.CloudNotConnected) as get_cloudhook:
        entry = await setup_entry()
        for _ in range(3):
            await _cloud_connects(hass)
        assert get_cloudhook.await_count == 4
        get_cloudhook.reset_mock()
        await advance(900)
        await hass.async_block_till_done()
        assert get_cloudhook.await_count == 1
        # Failing for days leaves nothing behind each time: what unloading
        # the entry will run stays as it was.
        unload_callbacks = len(entry._on_unload or [])
        for _ in range(4):
            await advance(900)
        assert get_cloudhook.await_count == 5
        assert len(entry._on_unload or []) == unload_callbacks


async def test_cloud_connecting_after_setup_brings_push(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    simulator: Simulator,
    setup_entry: Setup,
) -> None:
    """Subscribed but not yet connected at setup: push starts once it connects."""
    connected = False
    with cloud_subscription(connected=lambda: connected):
        entry = await setup_entry()
        assert await _push(hass, hass_client, entry) == "no_external_url"
        connected = True
        await _cloud_connects(hass)
    await _assert_cloudhook_active(hass, hass_client, simulator, entry)


async def test_cloud_connecting_while_the_platforms_set_up_brings_push(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    simulator: Simulator,
    setup_entry: Setup,
) -> None:
    """Cloud connects after push found no URL, but before setup is done."""
    connected = False
    forward = hass.config_entries.async_forward_entry_setups

    async def connect_meanwhile(entry: ConfigEntry, platforms: list[Platform]) -> None:
        nonlocal connected
        connected = True
        async_dispatcher_send(
            hass,
            cloud.SIGNAL_CLOUD_CONNECTION_STATE,
            cloud.CloudConnectionState.CLOUD_CONNECTED,
        )
        await forward(entry, platforms)

    with (
        cloud_subscription(connected=lambda: connected),
        patch.object(
            hass.config_entries, "async_forward_entry_setups", connect_meanwhile
        ),
    ):
        entry = await setup_entry()
        await hass.async_block_till_done(wait_background_tasks=True)
    await _assert_cloudhook_active(hass, hass_client, simulator, entry)


async def test_a_signature_that_is_not_ascii_is_refused(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    simulator: Simulator,
    setup_entry: Setup,
) -> None:
    """A forged signature with non-ASCII text gets 401, not a server error."""
    entry = await setup_entry(EXTERNAL)
    client = await hass_client()
    response = await client.post(
        f"/api/webhook/{entry.data[CONF_WEBHOOK_ID]}",
        data=b'{"event": "ping"}',
        headers={
            "X-BitHuman-Signature": "sha256=\u00e9t\u00e9",
            "X-BitHuman-Timestamp": str(int(dt_util.utcnow().timestamp())),
            "X-BitHuman-Delivery": "d-1",
        },
    )
    assert response.status == 401


async def test_registration_failing_never_blocks_setup(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    simulator: Simulator,
    setup_entry: Setup,
    advance: Advance,
) -> None:
    """BitHuman refuses the webhook: setup goes on polling, and tries again later."""
    fault = simulator.add_fault(Fault(path="/v1/webhooks", method="POST", status=500))
    entry = await setup_entry(EXTERNAL)
    assert hass.states.get("sensor.garage_status").state != "unavailable"
    assert await _push(hass, hass_client, entry) == "registration_failed"
    simulator.remove_fault(fault)
    await advance(900)
    await hass.async_block_till_done()
    assert len(simulator.webhooks) == 1
    assert await _push(hass, hass_client, entry) == "active"


@pytest.mark.parametrize(
    "secret_lost",
    [pytest.param(True, id="secret-lost"), pytest.param(False, id="inactive")],
)
async def test_our_webhook_that_cannot_serve_is_replaced_not_left_behind(
    hass: HomeAssistant,
    simulator: Simulator,
    setup_entry: Setup,
    secret_lost: bool,
) -> None:
    """Its secret lost, or bitHuman no longer delivering to it: the old hook goes, a new one comes."""
    entry = await setup_entry(EXTERNAL)
    [old] = simulator.webhooks.values()
    await hass.config_entries.async_unload(entry.entry_id)
    if secret_lost:
        hass.config_entries.async_update_entry(
            entry,
            data={k: v for k, v in entry.data.items() if k != CONF_WEBHOOK_SECRET},
        )
    else:
        old.active = False
    await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()

    [new] = simulator.webhooks.values()
    assert new.id != old.id
    assert new.active
    assert entry.data[CONF_WEBHOOK_REMOTE_ID] == new.id
    assert entry.data[CONF_WEBHOOK_SECRET]


async def test_an_inactive_webhook_is_replaced_only_once(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    simulator: Simulator,
    setup_entry: Setup,
) -> None:
    """A replacement that comes inactive too is kept, and Home Assistant polls."""
    entry = await setup_entry(EXTERNAL)
    for _ in range(2):
        [hook] = simulator.webhooks.values()
        hook.active = False
        assert await hass.config_entries.async_reload(entry.entry_id)
        await hass.async_block_till_done()

    [kept] = simulator.webhooks.values()
    assert kept.id == hook.id
    assert entry.data[CONF_WEBHOOK_REMOTE_ID] == kept.id
    assert await _push(hass, hass_client, entry) == "webhook_inactive"


async def test_stale_webhooks_deleted_and_removal_cleans_up(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    simulator: Simulator,
    setup_entry: Setup,
    account: str,
) -> None:
    """A leftover webhook of this entry goes at setup; removing the entry deletes ours."""
    entry = await setup_entry(EXTERNAL)
    [ours] = simulator.webhooks.values()
    await hass.config_entries.async_unload(entry.entry_id)
    # Left behind by an earlier setup whose answer was lost.
    simulator.add_webhook(
        simulator.account(account),
        "https://old.example.com/api/webhook/x",
        [],
        webhook_description(entry.entry_id),
    )
    await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    assert list(simulator.webhooks) == [ours.id]

    diagnostics = json.dumps(
        await get_diagnostics_for_config_entry(hass, hass_client, entry)
    )
    assert entry.data[CONF_WEBHOOK_SECRET] not in diagnostics
    assert entry.data[CONF_WEBHOOK_ID] not in diagnostics

    await hass.config_entries.async_remove(entry.entry_id)
    await hass.async_block_till_done()
    assert simulator.webhooks == {}
