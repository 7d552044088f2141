"""Fixtures of the benchmarks: Home Assistant, the simulator, a loop watchdog.

Every benchmark runs with Home Assistant's blocking-call detection on (all of
its checks, including those its own test harness leaves off) and with
asyncio's debug mode, which logs every callback that holds the loop for more
than 100 ms. A watchdog counts both for each benchmark.
"""

from __future__ import annotations

import asyncio
from collections.abc import Generator
import logging

from homeassistant import block_async_io
import pytest

# The same simulator, clocks and client waits as the integration tests.
from tests.conftest import sim_clock, simulator, simulator_url  # noqa: F401
from tests.integration.conftest import (  # noqa: F401
    Advance,
    advance,
    retry_on_simulated_time,
)

from .results import RESULTS

SLOW_CALLBACK_SECONDS = 0.1


class LoopWatchdog(logging.Handler):
    """Count blocking calls Home Assistant detected and slow loop callbacks."""

    def __init__(self) -> None:
        """Start counting from zero."""
        super().__init__(logging.DEBUG)
        self.blocking: list[str] = []
        self.slow: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        """Sort one log record."""
        message = record.getMessage()
        if message.startswith("Detected blocking call"):
            self.blocking.append(message.split("\n", 1)[0])
        elif (
            record.name == "asyncio"
            and message.startswith("Executing")
            # The benchmark's own step that moves the frozen clocks on is
            # timed on them: it "takes" the seconds it skipped.
            and "coro=<test_" not in message
        ):
            self.slow.append(message)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Save the figures for the report."""
    RESULTS.save()


@pytest.fixture(autouse=True, scope="session")
def _block_async_io() -> Generator[None]:
    """Turn on every blocking-call check Home Assistant has, for the session."""
    block_async_io._IN_TESTS = False  # noqa: SLF001 - the harness turns some off
    block_async_io.enable()
    yield
    calls = block_async_io._BLOCKED_CALLS.calls  # noqa: SLF001 - undo enable()
    for call in calls:
        setattr(call.object, call.function, call.original_func)
    calls.clear()


@pytest.fixture(autouse=True)
def _loop_watchdog(request: pytest.FixtureRequest) -> Generator[LoopWatchdog]:
    """Count what held the loop during one benchmark and record it."""
    watchdog = LoopWatchdog()
    detector = logging.getLogger("homeassistant.util.loop")
    level = detector.level
    # Repeated reports of the same call are logged at DEBUG: count them too.
    detector.setLevel(logging.DEBUG)
    logging.getLogger().addHandler(watchdog)
    yield watchdog
    logging.getLogger().removeHandler(watchdog)
    detector.setLevel(level)
    RESULTS.add(
        "loop",
        {
            "benchmark": request.node.name,
            "blocking_calls": len(watchdog.blocking),
            "slow_callbacks": len(watchdog.slow),
            # On frozen clocks the loop's time stands still while a callback
            # runs, so asyncio cannot time callbacks: slow ones are not seen.
            "frozen_clock": "freezer" in request.fixturenames,
            "details": sorted(set(watchdog.blocking + watchdog.slow))[:10],
        },
    )


@pytest.fixture(autouse=True)
async def _slow_callbacks() -> None:
    """Log callbacks that hold the loop for more than 100 ms (debug mode)."""
    loop = asyncio.get_running_loop()
    loop.set_debug(True)
    loop.slow_callback_duration = SLOW_CALLBACK_SECONDS


@pytest.fixture(autouse=True)
def _custom_integrations(enable_custom_integrations: None) -> None:
    """Let Home Assistant load the integration from custom_components/."""
