"""Action overhead: `bithuman.speak` through Home Assistant against the bare client.

Real time. The simulator's clock is `time.perf_counter` (shifted to epoch
seconds), so its request log says when each request arrived. In the same
run, alternating, many times:

- Home Assistant: `hass.services.async_call("bithuman", "speak", ...,
  blocking=True)` aimed at the agent's Status sensor (schema, target
  resolution, the action, the client);
- bare client: `client.speak(code, message)` on the entry's own client.

For each, the time from the call to the simulator receiving the request,
and to the call returning. asyncio's debug mode is off while timing (it
slows every callback, and Home Assistant runs without it); a shorter run
with it on follows, to catch slow callbacks.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from homeassistant.const import ATTR_ENTITY_ID
from homeassistant.core import HomeAssistant
import pytest

from bithuman_simulator import Simulator
from custom_components.bithuman.api import BithumanClient
from custom_components.bithuman.const import DOMAIN

from .harness import (
    LoopLag,
    PerfClock,
    add_account,
    add_ready_agents,
    agent_code,
    make_entry,
    median,
    percentile,
    setup_entry,
)
from .results import RESULTS

ITERATIONS = 1000
WARMUP = 50
DEBUG_ITERATIONS = 100
MESSAGE = "Your parcel has arrived"
TARGET_RATIO = 1.5


@pytest.fixture
def simulator() -> Simulator:
    """Return a simulator on a real, precise clock, without rate limits."""
    return Simulator(clock=PerfClock(), rate_limits=False)


async def _timed(
    simulator: Simulator, clock: PerfClock, call: Callable[[], Awaitable[object]]
) -> tuple[float, float]:
    """Return (seconds until the request arrived, seconds until the call returned)."""
    before = len(simulator.log.entries)
    started = clock.now()
    await call()
    returned = clock.now()
    arrived = simulator.log.entries[before].time
    return arrived - started, returned - started


async def test_action_overhead(
    hass: HomeAssistant, simulator: Simulator, simulator_url: str
) -> None:
    """Median and p95 of both paths, and their ratio."""
    if not isinstance(simulator.clock, PerfClock):
        raise TypeError("the simulator needs the precise clock")
    clock = simulator.clock
    add_account(simulator)
    add_ready_agents(simulator, 1, live_rooms=["hall"])
    code = agent_code(0)
    entry = make_entry(simulator_url, {code: "Agent 0"})
    await setup_entry(hass, entry)
    client: BithumanClient = entry.runtime_data.client

    async def through_home_assistant() -> None:
        await hass.services.async_call(
            DOMAIN,
            "speak",
            {"message": MESSAGE},
            target={ATTR_ENTITY_ID: "sensor.agent_0_status"},
            blocking=True,
        )

    async def bare() -> None:
        await client.speak(code, MESSAGE)

    loop = asyncio.get_running_loop()
    loop.set_debug(False)
    ha_arrive: list[float] = []
    ha_return: list[float] = []
    bare_arrive: list[float] = []
    bare_return: list[float] = []
    async with LoopLag() as lag:
        for iteration in range(WARMUP + ITERATIONS):
            # Alternate which goes first, so neither gains from the other.
            order = (
                ((through_home_assistant, True), (bare, False))
                if iteration % 2
                else ((bare, False), (through_home_assistant, True))
            )
            for call, is_ha in order:
                arrive, returned = await _timed(simulator, clock, call)
                if iteration < WARMUP:
                    continue
                (ha_arrive if is_ha else bare_arrive).append(arrive)
                (ha_return if is_ha else bare_return).append(returned)
    loop.set_debug(True)

    for _ in range(DEBUG_ITERATIONS):
        await through_home_assistant()
        await bare()

    spoken = len(simulator.messages_for(code, kind="speak"))
    expected = 2 * (WARMUP + ITERATIONS + DEBUG_ITERATIONS)
    if spoken != expected:
        raise RuntimeError(f"{spoken} messages said, {expected} sent")

    RESULTS.add(
        "overhead",
        {
            "iterations": ITERATIONS,
            "ha_arrive_median": median(ha_arrive),
            "ha_arrive_p95": percentile(ha_arrive, 0.95),
            "bare_arrive_median": median(bare_arrive),
            "bare_arrive_p95": percentile(bare_arrive, 0.95),
            "ha_return_median": median(ha_return),
            "ha_return_p95": percentile(ha_return, 0.95),
            "bare_return_median": median(bare_return),
            "bare_return_p95": percentile(bare_return, 0.95),
            "ratio_median": median(ha_arrive) / median(bare_arrive),
            "ratio_p95": percentile(ha_arrive, 0.95) / percentile(bare_arrive, 0.95),
            "target_ratio": TARGET_RATIO,
            "max_stall": lag.worst,
        },
    )
