"""Fixtures of the benchmarks: Home Assistant, the simulator, a loop watchdog.

Every benchmark runs with Home Assistant's blocking-call detection on (all of
its checks, including those its own test harness leaves off) and with
asyncio's debug mode, which logs every callback that holds the loop for more
than 100 ms. A watchdog counts both for each benchmark.
"""

from __future__ import annotations

import asyncio
from collections.abc import Generator
from datetime import UTC, datetime, timedelta
import logging
from pathlib import Path
from unittest.mock import patch

from freezegun.api import FrozenDateTimeFactory
from homeassistant import block_async_io
from homeassistant.core import HomeAssistant
import pytest
from pytest_homeassistant_custom_component.common import async_fire_time_changed  # type: ignore[import-untyped]

from bithuman_simulator import ManualClock

# The same simulator and clock as the tests.
from tests.conftest import sim_clock, simulator, simulator_url  # noqa: F401

from .results import RESULTS
from .simtime import Advance

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


@pytest.fixture(scope="session")
def _tts_cache_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Return a folder for Home Assistant's TTS cache, made before any check is on."""
    return tmp_path_factory.mktemp("tts-cache")


@pytest.fixture(autouse=True, scope="session")
def _block_async_io(_tts_cache_dir: Path) -> Generator[None]:
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
def _quiet_access_log() -> Generator[None]:
    """Leave aiohttp's access log at WARNING, as Home Assistant's bootstrap does.

    The test server logs every request at INFO otherwise, a cost Home
    Assistant's own HTTP server does not pay.
    """
    access = logging.getLogger("aiohttp.access")
    level = access.level
    access.setLevel(logging.WARNING)
    yield
    access.setLevel(level)


@pytest.fixture(autouse=True)
def _custom_integrations(enable_custom_integrations: None) -> None:
    """Let Home Assistant load the integration from custom_components/."""


@pytest.fixture(autouse=True)
def _retry_on_simulated_time(sim_clock: ManualClock) -> Generator[None]:  # noqa: F811
    """Let the client's waits (backoff, Retry-After) pass on the simulator's clock.

    As in the integration tests: real sleeps in production, here they move
    the simulator's clock instead.
    """

    async def sleep(seconds: float) -> None:
        sim_clock.advance(seconds)

    with patch("custom_components.bithuman.api.retry.sleep", sleep):
        yield


@pytest.fixture(autouse=True)
def _tts_cache(_tts_cache_dir: Path) -> Generator[None]:
    """Keep the TTS cache in a folder of the benchmarks' own (the test plugin has none).

    One folder for the session: a fresh one per benchmark (`tmp_path`) would
    be made inside the event loop, a blocking call the watchdog counts.
    """
    with (
        patch(
            "homeassistant.components.tts._init_tts_cache_dir",
            return_value=str(_tts_cache_dir),
        ),
        patch("homeassistant.components.tts._get_cache_files", return_value={}),
    ):
        yield


@pytest.fixture
def advance(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    sim_clock: ManualClock,  # noqa: F811
) -> Advance:
    """Move Home Assistant's and the simulator's clocks on together.

    Both start at the simulator's time, as real clocks would agree (webhook
    deliveries are refused when they disagree by more than 300 s).
    """
    freezer.move_to(datetime.fromtimestamp(sim_clock.now(), UTC))

    async def advance(seconds: float) -> None:
        sim_clock.advance(seconds)
        freezer.tick(timedelta(seconds=seconds))
        async_fire_time_changed(hass)
        await hass.async_block_till_done(wait_background_tasks=True)

    return advance
