"""Shared fixtures: a bitHuman API simulator on a manual clock, served on 127.0.0.1."""

from collections.abc import AsyncIterator
import os

from hypothesis import settings
import pytest

from bithuman_simulator import ManualClock, Simulator, SimulatorServer

# The same examples on every run, so CI is repeatable; set
# HYPOTHESIS_PROFILE=explore to search new ones.
settings.register_profile("ci", derandomize=True, print_blob=True)
settings.register_profile("explore", print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


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
