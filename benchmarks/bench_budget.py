"""Request budget: API requests an hour, this integration against a naive design.

For 1, 20 and 100 ready agents (dynamics ready), Home Assistant is set up
for real against the simulator; both clocks are then moved on together in
10 s steps for simulated hours, the simulator counting every request:

- steady, no session live;
- an hour with one dynamics generation started from Home Assistant at its
  start (no session live);
- steady, one session live (started outside Home Assistant; the hour is
  counted from when its Live sensor shows it).

The naive design is run too (`naive`): one request per polling entity every
30 s, against a fresh simulator with the same agents, for the same simulated
hour, rate limits on (Pro plan).
"""

from __future__ import annotations

import asyncio

from homeassistant.const import ATTR_ENTITY_ID
from homeassistant.core import HomeAssistant
import pytest

from bithuman_simulator import ManualClock, Simulator, SimulatorServer
from custom_components.bithuman.const import DOMAIN

from .harness import (
    add_account,
    add_ready_agents,
    agent_code,
    make_entry,
    prepare_and_setup,
    request_breakdown,
    state_of,
)
from .naive import naive_per_hour, run_naive_poller
from .results import RESULTS
from .simtime import HOUR, Advance, reads, run_for, until

LIVE = "binary_sensor.agent_0_live"


async def _counted_hour(
    simulator: Simulator, advance: Advance
) -> tuple[int, dict[str, int]]:
    simulator.clear_requests()
    await run_for(advance, HOUR)
    return simulator.count(), request_breakdown(simulator)


@pytest.mark.parametrize("agents", [1, 20, 100])
async def test_request_budget(
    hass: HomeAssistant,
    simulator: Simulator,
    simulator_url: str,
    advance: Advance,
    agents: int,
) -> None:
    """Requests in a steady hour, an hour with one generation, an hour live."""
    add_account(simulator)
    codes = add_ready_agents(simulator, agents)
    entry = make_entry(simulator_url, codes)
    await prepare_and_setup(hass, entry)
    setup_requests = simulator.count()

    steady, steady_kinds = await _counted_hour(simulator, advance)

    simulator.clear_requests()
    await hass.services.async_call(
        DOMAIN,
        "generate_dynamics",
        {},
        target={ATTR_ENTITY_ID: "sensor.agent_0_status"},
        blocking=True,
    )
    # The call itself is counted with its hour.
    await run_for(advance, HOUR)
    with_generation = simulator.count()
    generation_kinds = request_breakdown(simulator)
    charged = [charge.agent_code for charge in simulator.charges()]
    if charged != [agent_code(0)] or (
        state_of(hass, "sensor.agent_0_dynamics_status") != "ready"
    ):
        raise RuntimeError("the generation did not run and finish as expected")

    simulator.start_session(agent_code(0), "hall")
    await until(advance, simulator, reads(hass, LIVE, "on"), step=10.0, limit=300)
    live, live_kinds = await _counted_hour(simulator, advance)
    if state_of(hass, LIVE) != "on":
        raise RuntimeError("the live session was not seen all hour")

    naive_clock = ManualClock()
    naive_sim = Simulator(clock=naive_clock, rate_limits=True)
    add_account(naive_sim)
    add_ready_agents(naive_sim, agents)
    # The naive poller is not under test: asyncio's debug mode (5x slower)
    # is off while it runs.
    loop = asyncio.get_running_loop()
    loop.set_debug(False)
    try:
        async with SimulatorServer(naive_sim) as server:
            naive = await run_naive_poller(server.url, naive_clock, list(codes))
    finally:
        loop.set_debug(True)
    if naive.requests != naive_per_hour(agents):
        raise RuntimeError("the naive poller did not poll as designed")

    RESULTS.add(
        "budget",
        {
            "agents": agents,
            "setup_requests": setup_requests,
            "steady": steady,
            "steady_kinds": steady_kinds,
            "with_generation": with_generation,
            "generation_kinds": generation_kinds,
            "live": live,
            "live_kinds": live_kinds,
            "naive": naive.requests,
            "naive_rate_limited": naive.rate_limited,
            "naive_errors": naive.errors,
        },
    )
