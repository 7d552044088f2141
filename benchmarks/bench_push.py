"""Push against polling: an agent generation ending -> its Status shows `ready`.

On simulated time, 0.5 s steps. With push, Home Assistant has an https
external URL, so the entry registers its webhook on the simulator; the
simulator really signs each delivery, and its last hop is routed into Home
Assistant's HTTP server through the test client (no public address can
exist here). After every step the simulator delivers what is due
(`flush_webhooks`), as bitHuman would send an event when a generation ends.
Without push (no external URL, the baseline) the integration polls a
generation every 5 s.

- Latency: agents generating with staggered lengths, so their ends fall at
  different points of the 60 s (push) and 5 s (polling) cycles; from each
  generation's end, and from its delivery, to the Status sensor reading
  `ready`.
- Requests: one agent generating, from setup until it is ready.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
import json
from typing import Any

from aiohttp.test_utils import TestClient
from homeassistant.core import HomeAssistant
import pytest
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator  # type: ignore[import-untyped]
from yarl import URL

from bithuman_simulator import Simulator

from .harness import (
    ACCOUNT_KEY,
    add_account,
    agent_code,
    make_entry,
    prepare_and_setup,
    request_breakdown,
)
from .results import RESULTS
from .simtime import Advance, reads, until

EXTERNAL = "https://home.example.com"
STEP = 0.5
GENERATION_SECONDS = 180.0
# Run lengths 67 s apart: the ends fall at different points of both cycles.
STAGGERED = tuple(GENERATION_SECONDS + 67.0 * number for number in range(5))
MODES = ("push", "polling")

type Deliver = Callable[[], Awaitable[None]]


@pytest.fixture(params=MODES)
def mode(request: pytest.FixtureRequest, hass: HomeAssistant) -> str:
    """With an https external URL (push), or without one (polling)."""
    name: str = request.param
    hass.config.external_url = EXTERNAL if name == "push" else None
    return name


@pytest.fixture
def deliveries(
    hass: HomeAssistant,
    simulator: Simulator,
    hass_client_no_auth: ClientSessionGenerator,
) -> dict[str, float]:
    """Route deliveries into Home Assistant; return agent code -> delivery time.

    The test client is made at the first delivery: making it freezes the
    routes, so it must come after the integration is set up.
    """
    clients: list[TestClient[Any, Any]] = []
    delivered: dict[str, float] = {}

    async def transport(url: str, headers: dict[str, str], body: bytes) -> int:
        if not clients:
            clients.append(await hass_client_no_auth())
        response = await clients[0].post(URL(url).path, data=body, headers=headers)
        event = json.loads(body)
        if response.status == 200:
            delivered.setdefault(event["data"]["code"], simulator.now())
        return response.status

    simulator.webhook_transport = transport
    return delivered


def _deliver(hass: HomeAssistant, simulator: Simulator) -> Deliver:
    async def deliver() -> None:
        await simulator.flush_webhooks()
        await hass.async_block_till_done()

    return deliver


def _add_generating(simulator: Simulator, lengths: tuple[float, ...]) -> dict[str, str]:
    agents: dict[str, str] = {}
    for number, seconds in enumerate(lengths):
        code = agent_code(number)
        simulator.add_agent(
            ACCOUNT_KEY,
            code=code,
            name=f"Agent {number}",
            status="processing",
            generation_seconds=seconds,
        )
        agents[code] = f"Agent {number}"
    return agents


def _check_mode(hass: HomeAssistant, simulator: Simulator, mode: str) -> None:
    if bool(simulator.webhooks) != (mode == "push"):
        raise RuntimeError(f"{mode}: webhooks registered: {len(simulator.webhooks)}")


async def test_push_latency(
    hass: HomeAssistant,
    simulator: Simulator,
    simulator_url: str,
    advance: Advance,
    *,
    mode: str,
    deliveries: dict[str, float],
) -> None:
    """Generation end (and delivery) -> Status `ready`, staggered generations."""
    add_account(simulator)
    agents = _add_generating(simulator, STAGGERED)
    ends = {code: simulator.agent(code).plan.ends_at for code in agents}
    await prepare_and_setup(hass, make_entry(simulator_url, agents))
    set_up = simulator.now()
    _check_mode(hass, simulator, mode)
    deliver = _deliver(hass, simulator)
    from_end: list[float] = []
    from_delivery: list[float] = []
    for number, code in enumerate(agents):
        status = f"sensor.agent_{number}_status"
        seen = await until(
            advance,
            simulator,
            reads(hass, status, "ready"),
            step=STEP,
            limit=ends[code] - simulator.now() + 300,
            between=deliver,
        )
        from_end.append(seen - ends[code])
        if mode == "push":
            if code not in deliveries:
                raise RuntimeError(f"{code}: ready without a delivery")
            from_delivery.append(seen - deliveries[code])
    RESULTS.add(
        "push_latency",
        {
            "mode": mode,
            "from_end": from_end,
            "from_delivery": from_delivery,
            "ends_after_setup": [ends[code] - set_up for code in agents],
            "step": STEP,
        },
    )


async def test_push_requests(
    hass: HomeAssistant,
    simulator: Simulator,
    simulator_url: str,
    advance: Advance,
    *,
    mode: str,
    deliveries: dict[str, float],
) -> None:
    """Requests from setup until one generation shows `ready`."""
    add_account(simulator)
    agents = _add_generating(simulator, (GENERATION_SECONDS,))
    ends_at = simulator.agent(agent_code(0)).plan.ends_at
    await prepare_and_setup(hass, make_entry(simulator_url, agents))
    started = simulator.now()
    _check_mode(hass, simulator, mode)
    setup_requests = simulator.count()
    simulator.clear_requests()
    seen = await until(
        advance,
        simulator,
        reads(hass, "sensor.agent_0_status", "ready"),
        step=STEP,
        limit=GENERATION_SECONDS + 300,
        between=_deliver(hass, simulator),
    )
    RESULTS.add(
        "push_requests",
        {
            "mode": mode,
            "setup_requests": setup_requests,
            "requests": simulator.count(),
            "kinds": request_breakdown(simulator),
            "generation_left": ends_at - started,
            "ready_after": seen - started,
            "deliveries": len(deliveries),
        },
    )
