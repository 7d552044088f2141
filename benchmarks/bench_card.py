"""The card's Start: `bithuman/embed_token` over the websocket against the bare mint.

Real time, the simulator on the precise clock. Pressing Start makes the card
send `{"type": "bithuman/embed_token", "device_id": ...}` over Home
Assistant's websocket; the answer's URL is then loaded in the iframe. Timed
here without a browser, in the same run, alternating:

- Home Assistant: the command sent on an open websocket (authenticated as
  the test plugin's admin user) until its answer is received (the device,
  the user's permission, the per-user mint limit, the mint, the URL);
- bare: the entry's own client's `request_embed_token()`, the one
  `POST /v1/embed-tokens/request` the command makes.

The mint limit (5 a minute per user and agent) is raised for the run, so
every call mints; it is still checked. The embed page itself is then loaded
over HTTP as the iframe would (the simulator's page checks the token;
sessions it would start are off). A browser test (tests/browser/test_card.py)
measures Start -> iframe loaded in a real Chromium and writes
test-output/card-timing.json; the report reads it when present.
"""

from __future__ import annotations

from typing import Any
from unittest.mock import patch

import aiohttp
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr
import pytest
from pytest_homeassistant_custom_component.typing import WebSocketGenerator  # type: ignore[import-untyped]

from bithuman_simulator import Simulator
from custom_components.bithuman.api import BithumanClient
from custom_components.bithuman.const import DOMAIN
from custom_components.bithuman.embed import fingerprint

from .harness import set_up_one_agent
from .results import RESULTS
from .timing import PerfClock, Timings, debug_mode, median, versus_bare

ITERATIONS = 300
WARMUP = 30
PAGE_LOADS = 50
DEBUG_ITERATIONS = 30
TARGET_OVERHEAD = 0.100


@pytest.fixture
def simulator() -> Simulator:
    """Return a simulator on a real, precise clock, without rate limits."""
    return Simulator(clock=PerfClock(), rate_limits=False)


async def test_card_start_server_side(
    hass: HomeAssistant,
    simulator: Simulator,
    simulator_url: str,
    hass_ws_client: WebSocketGenerator,
    hass_admin_user: Any,
) -> None:
    """Median time to the embed URL: websocket command against the bare mint."""
    simulator.settings.embed_starts_sessions = False
    code, entry = await set_up_one_agent(hass, simulator, simulator_url)
    client: BithumanClient = entry.runtime_data.client
    device = dr.async_get(hass).async_get_device_by_identifier(
        (DOMAIN, code), entry.entry_id
    )
    if device is None:
        raise RuntimeError("no agent device")
    socket = await hass_ws_client(hass)
    visitor = fingerprint(entry, hass_admin_user.id)
    urls: list[str] = []

    async def through_home_assistant() -> None:
        await socket.send_json_auto_id(
            {"type": "bithuman/embed_token", "device_id": device.id}
        )
        answer = await socket.receive_json()
        if not answer.get("success"):
            raise RuntimeError(f"embed_token failed: {answer}")
        urls.append(answer["result"]["url"])

    async def bare() -> None:
        await client.request_embed_token(code, visitor)

    with patch("custom_components.bithuman.embed.MINTS_ALLOWED", 10**9):
        result = await versus_bare(
            simulator,
            through_home_assistant,
            bare,
            iterations=ITERATIONS,
            warmup=WARMUP,
            arrival=lambda r: r.path == "/v1/embed-tokens/request",
            debug_iterations=DEBUG_ITERATIONS,
        )
    with debug_mode(False):
        page = await _page_loads(urls[-PAGE_LOADS:])

    ours, plain = result.ours, result.plain
    RESULTS.add(
        "card",
        {
            "iterations": ITERATIONS,
            "home_assistant": ours.summary(),
            "bare": plain.summary(),
            "overhead_median": median(ours.ret) - median(plain.ret),
            "ratio_median": median(ours.ret) / median(plain.ret),
            "page_load_median": median(page.ret),
            "page_loads": PAGE_LOADS,
            "target_overhead": TARGET_OVERHEAD,
            "max_stall": result.max_stall,
        },
    )


async def _page_loads(urls: list[str]) -> Timings:
    """Load each embed page once, as the iframe would; time each load."""
    timings = Timings()
    clock = PerfClock()
    async with aiohttp.ClientSession() as session:
        for url in urls:
            started = clock.now()
            async with session.get(url) as response:
                text = await response.text()
            if response.status != 200 or 'id="agent-name"' not in text:
                raise RuntimeError(f"the embed page did not open: {response.status}")
            timings.ret.append(clock.now() - started)
    return timings
