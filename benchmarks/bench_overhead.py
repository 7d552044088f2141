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

from homeassistant.const import ATTR_ENTITY_ID
from homeassistant.core import HomeAssistant
import pytest

from bithuman_simulator import Simulator
from custom_components.bithuman.api import BithumanClient
from custom_components.bithuman.const import DOMAIN

from .harness import set_up_one_agent
from .results import RESULTS
from .timing import PerfClock, median, percentile, versus_bare

ITERATIONS = 1000
WARMUP = 50
DEBUG_ITERATIONS = 100
MESSAGE = "Your parcel has arrived"
TARGET_RATIO = 1.5


@pytest.fixture
def simulator() -> Simulator:
    """Return a simulator on a real, precise clock, without rate limits."""
    return Simulator(clock=PerfClock(), rate_limits=False)


async def test_action_overhead(
    hass: HomeAssistant, simulator: Simulator, simulator_url: str
) -> None:
    """Median and p95 of both paths, and their ratio."""
    code, entry = await set_up_one_agent(
        hass, simulator, simulator_url, live_rooms=["hall"]
    )
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

    result = await versus_bare(
        simulator,
        through_home_assistant,
        bare,
        iterations=ITERATIONS,
        warmup=WARMUP,
        arrival=lambda r: r.path.endswith("/speak"),
        debug_iterations=DEBUG_ITERATIONS,
    )

    spoken = len(simulator.messages_for(code, kind="speak"))
    expected = 2 * (WARMUP + ITERATIONS + DEBUG_ITERATIONS)
    if spoken != expected:
        raise RuntimeError(f"{spoken} messages said, {expected} sent")

    ours, plain = result.ours, result.plain
    RESULTS.add(
        "overhead",
        {
            "iterations": ITERATIONS,
            "ha_arrive_median": median(ours.arrive),
            "ha_arrive_p95": percentile(ours.arrive, 0.95),
            "bare_arrive_median": median(plain.arrive),
            "bare_arrive_p95": percentile(plain.arrive, 0.95),
            "ha_return_median": median(ours.ret),
            "ha_return_p95": percentile(ours.ret, 0.95),
            "bare_return_median": median(plain.ret),
            "bare_return_p95": percentile(plain.ret, 0.95),
            "ratio_median": median(ours.arrive) / median(plain.arrive),
            "ratio_p95": percentile(ours.arrive, 0.95) / percentile(plain.arrive, 0.95),
            "target_ratio": TARGET_RATIO,
            "max_stall": result.max_stall,
        },
    )
