"""Request budget: API requests an hour, this integration against a naive design.

For 1, 20 and 100 ready agents (dynamics ready), Home Assistant is set up
for real against the simulator; both clocks are then moved on together in
10 s steps for one simulated hour of steady state, then one more hour in
which a dynamics generation is started from Home Assistant at its start.
The simulator counts every request it received.

The naive design is run too: a poller that, like one-entity-one-endpoint
integrations, sends one request per polling entity every 30 s (6 per agent,
2 for the account) against a fresh simulator with the same agents, for the
same simulated hour, rate limits on (Pro plan).
"""

from __future__ import annotations

import asyncio

from homeassistant.const import ATTR_ENTITY_ID
from homeassistant.core import HomeAssistant
import pytest

from bithuman_simulator import ManualClock, Simulator, SimulatorServer
from custom_components.bithuman.const import DOMAIN

from .conftest import Advance
from .harness import (
    add_account,
    add_ready_agents,
    agent_code,
    make_entry,
    naive_per_hour,
    request_breakdown,
    run_naive_poller,
    setup_entry,
    state_of,
)
from .results import RESULTS

HOUR = 3600.0
STEP = 10.0


async def _one_hour(advance: Advance) -> None:
    for _ in range(round(HOUR / STEP)):
        await advance(STEP)


@pytest.mark.parametrize("agents", [1, 20, 100])
async def test_request_budget(
    hass: HomeAssistant,
    simulator: Simulator,
    simulator_url: str,
    advance: Advance,
    agents: int,
) -> None:
    """Requests in a steady hour and in an hour with one generation."""
    add_account(simulator)
    codes = add_ready_agents(simulator, agents)
    entry = make_entry(simulator_url, codes)
    await setup_entry(hass, entry)
    setup_requests = simulator.count()

    simulator.clear_requests()
    await _one_hour(advance)
    steady = simulator.count()
    steady_kinds = request_breakdown(simulator)

    simulator.clear_requests()
    first = agent_code(0)
    await hass.services.async_call(
        DOMAIN,
        "generate_dynamics",
        {},
        target={ATTR_ENTITY_ID: "sensor.agent_0_status"},
        blocking=True,
    )
    await _one_hour(advance)
    with_generation = simulator.count()
    generation_kinds = request_breakdown(simulator)
    charged = [charge.agent_code for charge in simulator.charges()]
    if charged != [first] or state_of(hass, "sensor.agent_0_dynamics_status") != (
        "ready"
    ):
        raise RuntimeError("the generation did not run and finish as expected")

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
            "naive": naive.requests,
            "naive_rate_limited": naive.rate_limited,
            "naive_errors": naive.errors,
        },
    )
