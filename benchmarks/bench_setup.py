"""Setup scale: wall time to set up an entry with 1, 20, 100 and 500 agents.

Real time (no frozen clock). Each size is set up in a fresh Home Assistant
against the simulator (agents ready, dynamics ready with 3 gestures): the
time from `async_setup` of the entry until Home Assistant is idle, every
entity written. What a running Home Assistant has loaded before an entry
is added (the core, this integration's actions and card, and the platforms'
own components, Assist's pipeline among them) is set up before timing.
Then one poll with a change (one agent's `updated_at` moved: every entity
of the account is told, and the changed agent's entities write their state)
is timed by `coordinator.async_refresh()`.

Timings are taken with asyncio's debug mode off, as Home Assistant runs;
each size is then set up once more with it on, to catch any callback that
holds the loop for more than 100 ms. A warm-up setup first pays the
one-time imports of the platforms.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
import time

from homeassistant.core import HomeAssistant
import pytest

from bithuman_simulator import Simulator
from custom_components.bithuman.coordinator import BithumanCoordinator

from .harness import (
    add_account,
    add_ready_agents,
    agent_code,
    entity_count,
    make_entry,
    prepare,
    setup_entry,
)
from .results import RESULTS
from .timing import LoopLag

SIZES = (1, 20, 100, 500)
REFRESHES = 3


@dataclass(frozen=True, slots=True)
class Measured:
    """One setup and the polls after it."""

    setup_seconds: float
    setup_stall: float
    setup_stall_own: float
    refresh_seconds: list[float]
    refresh_stall: float
    refresh_stall_own: float
    entities: int
    setup_requests: int


async def _measure(
    hass: HomeAssistant, simulator: Simulator, url: str, agents: int
) -> Measured:
    """Set up an entry with `agents`, then poll with a change a few times."""
    add_account(simulator)
    codes = add_ready_agents(simulator, agents)
    entry = make_entry(url, codes)
    await prepare(hass)
    async with LoopLag() as setup_lag:
        started = time.perf_counter()
        await setup_entry(hass, entry)
        setup_seconds = time.perf_counter() - started
    setup_requests = simulator.count()
    coordinator: BithumanCoordinator = entry.runtime_data.coordinator
    refreshes: list[float] = []
    async with LoopLag() as refresh_lag:
        for _ in range(REFRESHES):
            simulator.agent(agent_code(0)).updated_at += 1
            # As `homeassistant.update_entity` would: the agent list is due now.
            coordinator.schedule.refresh_requested()
            started = time.perf_counter()
            await coordinator.async_refresh()
            await hass.async_block_till_done()
            refreshes.append(time.perf_counter() - started)
            if not coordinator.last_update_success:
                raise RuntimeError("a poll failed")
        if simulator.count("GET", "/v1/agents") < REFRESHES + 1:
            raise RuntimeError("the polls did not read the agent list")
    return Measured(
        setup_seconds=setup_seconds,
        setup_stall=setup_lag.worst,
        setup_stall_own=setup_lag.worst_without_collections,
        refresh_seconds=refreshes,
        refresh_stall=refresh_lag.worst,
        refresh_stall_own=refresh_lag.worst_without_collections,
        entities=entity_count(hass, entry),
        setup_requests=setup_requests,
    )


async def test_setup_warmup(
    hass: HomeAssistant, simulator: Simulator, simulator_url: str
) -> None:
    """Import the platforms once, so the first size is not charged for it."""
    await _measure(hass, simulator, simulator_url, 1)


@pytest.mark.parametrize("repeat", [1, 2, 3])
@pytest.mark.parametrize("agents", SIZES)
async def test_setup_scale(
    hass: HomeAssistant,
    simulator: Simulator,
    simulator_url: str,
    agents: int,
    repeat: int,
) -> None:
    """Setup and one poll, asyncio debug off (as in production)."""
    asyncio.get_running_loop().set_debug(False)
    measured = await _measure(hass, simulator, simulator_url, agents)
    RESULTS.add(
        "setup",
        {
            "agents": agents,
            "repeat": repeat,
            "setup_seconds": measured.setup_seconds,
            "setup_stall": measured.setup_stall,
            "setup_stall_own": measured.setup_stall_own,
            "refresh_seconds": measured.refresh_seconds,
            "refresh_stall": measured.refresh_stall,
            "refresh_stall_own": measured.refresh_stall_own,
            "entities": measured.entities,
            "requests": measured.setup_requests,
        },
    )


@pytest.mark.parametrize("agents", SIZES)
async def test_setup_scale_loop_watch(
    hass: HomeAssistant, simulator: Simulator, simulator_url: str, agents: int
) -> None:
    """The same with asyncio debug on: slow callbacks are logged and counted."""
    measured = await _measure(hass, simulator, simulator_url, agents)
    RESULTS.add(
        "setup_debug",
        {
            "agents": agents,
            "setup_seconds": measured.setup_seconds,
            "refresh_seconds": measured.refresh_seconds,
        },
    )
