"""Shared fixtures: a bitHuman API simulator on a manual clock, served on 127.0.0.1."""

from collections.abc import AsyncIterator

import pytest

from bithuman_simulator import ManualClock, Simulator, SimulatorServer


@pytest.fixture
def sim_clock() -> ManualClock:
    """Return the manual clock the simulator runs on."""
    return ManualClock()


@pytest.fixture
def simulator(sim_clock: ManualClock) -> Simulator:
    """Return an empty simulator on `sim_clock`, with rate limits on."""
    return Simulator(clock=sim_clock, rate_limits=True)


@pytest.fixture
async def simulator_url(
    simulator: Simulator, socket_enabled: None
) -> AsyncIterator[str]:
    """Serve `simulator` on a free 127.0.0.1 port; yield its base URL."""
    async with SimulatorServer(simulator) as server:
        yield server.url
