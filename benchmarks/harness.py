"""Shared pieces of the benchmarks: accounts, entries, clocks, statistics."""

from __future__ import annotations

import asyncio
from collections import Counter
import contextlib
from dataclasses import dataclass
import math
import statistics
import time
from typing import TYPE_CHECKING, Any, Self

import aiohttp
from homeassistant.helpers import entity_registry as er
from pytest_homeassistant_custom_component.common import MockConfigEntry  # type: ignore[import-untyped]

from custom_components.bithuman.const import (
    CONF_AGENT_CODE,
    CONF_API_SECRET,
    CONF_API_URL,
    DOMAIN,
    SUBENTRY_TYPE_AGENT,
)

if TYPE_CHECKING:
    from collections.abc import Sequence

    from homeassistant.core import HomeAssistant

    from bithuman_simulator import ManualClock, Simulator

ACCOUNT_KEY = "sk_benchmark_secret_5e2a91c7"
USER_ID = "bench-user-0001"
EMAIL = "bench@example.com"
GESTURES = ("mini_wave_hello", "talk_head_nod_subtle", "blow_kiss_heart")

# What a naive design polls: one request per polling entity every 30 s.
# Per agent: Status and Generation progress read the agent; Dynamics
# ready, Dynamics status, Gestures and the Dynamics switch read its
# dynamics. Per account: Credit balance and Plan read the account. Buttons
# and the Speak entity do not poll.
NAIVE_INTERVAL = 30.0
NAIVE_AGENT_PATHS = (
    "/v1/agent/{code}",
    "/v1/agent/status/{code}",
    "/v1/dynamics/{code}",
    "/v1/dynamics/{code}",
    "/v1/dynamics/{code}",
    "/v1/dynamics/{code}",
)
NAIVE_ACCOUNT_PATHS = ("/v1/me", "/v1/me")


def agent_code(number: int) -> str:
    """Return the code of benchmark agent `number`."""
    return f"A7{number:07d}"


def add_account(simulator: Simulator) -> None:
    """Create the benchmark account (Pro plan, plenty of credits)."""
    simulator.add_account(
        ACCOUNT_KEY, user_id=USER_ID, email=EMAIL, plan="pro", credits=1_000_000
    )


def add_ready_agents(
    simulator: Simulator, count: int, *, live_rooms: Sequence[str] = ()
) -> dict[str, str]:
    """Create `count` ready agents with ready dynamics; return code -> name."""
    agents: dict[str, str] = {}
    for number in range(count):
        code = agent_code(number)
        name = f"Agent {number}"
        simulator.add_agent(
            ACCOUNT_KEY,
            code=code,
            name=name,
            status="ready",
            dynamics="ready",
            gestures=list(GESTURES),
            live_rooms=list(live_rooms),
        )
        agents[code] = name
    return agents


def make_entry(url: str, agents: dict[str, str]) -> MockConfigEntry:
    """Return a bitHuman entry for the benchmark account with these agents."""
    return MockConfigEntry(
        domain=DOMAIN,
        title=EMAIL,
        unique_id=USER_ID,
        data={CONF_API_SECRET: ACCOUNT_KEY, CONF_API_URL: url},
        subentries_data=[
            {
                "subentry_type": SUBENTRY_TYPE_AGENT,
                "data": {CONF_AGENT_CODE: code},
                "title": name,
                "unique_id": code,
            }
            for code, name in agents.items()
        ],
    )


async def setup_entry(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    """Add the entry to Home Assistant and set it up; fail loudly if it fails."""
    entry.add_to_hass(hass)
    if not await hass.config_entries.async_setup(entry.entry_id):
        raise RuntimeError(f"setting up the entry failed: {entry.state}")
    await hass.async_block_till_done()


def entity_count(hass: HomeAssistant, entry: MockConfigEntry) -> int:
    """Count the entry's entities that have a state."""
    registry = er.async_get(hass)
    return sum(
        1
        for item in er.async_entries_for_config_entry(registry, entry.entry_id)
        if hass.states.get(item.entity_id) is not None
    )


def state_of(hass: HomeAssistant, entity_id: str) -> str:
    """Return an entity's state, or "missing"."""
    state = hass.states.get(entity_id)
    return state.state if state is not None else "missing"


class PerfClock:
    """A simulator clock on `time.perf_counter`, shifted to epoch seconds.

    Monotonic and sub-microsecond, so the simulator's request log tells when
    each request arrived precisely enough to time a single call.
    """

    def __init__(self) -> None:
        """Anchor the counter to the wall clock once."""
        self._offset = time.time() - time.perf_counter()

    def now(self) -> float:
        """Return the current time in seconds since the epoch."""
        return self._offset + time.perf_counter()


def median(values: Sequence[float]) -> float:
    """Return the median."""
    return statistics.median(values)


def percentile(values: Sequence[float], fraction: float) -> float:
    """Return the `fraction` percentile (nearest rank)."""
    ordered = sorted(values)
    rank = max(math.ceil(fraction * len(ordered)), 1)
    return ordered[rank - 1]


def request_breakdown(simulator: Simulator) -> dict[str, int]:
    """Count the recorded requests by kind of endpoint."""
    kinds: Counter[str] = Counter()
    for request in simulator.requests:
        path = request.path
        if path.startswith("/v1/agents"):
            kinds["agent list"] += 1
        elif path.startswith("/v1/me"):
            kinds["account"] += 1
        elif path == "/v1/dynamics/generate":
            kinds["generate"] += 1
        elif path.startswith("/v1/dynamics/"):
            kinds["dynamics"] += 1
        else:
            kinds["other"] += 1
    return dict(kinds)


@dataclass(frozen=True, slots=True)
class NaiveRun:
    """What a naive poller asked in a simulated hour."""

    requests: int
    rate_limited: int
    errors: int


async def run_naive_poller(
    url: str,
    clock: ManualClock,
    codes: Sequence[str],
    *,
    seconds: float = 3600.0,
) -> NaiveRun:
    """Poll like the naive design for `seconds` of simulated time.

    Every `NAIVE_INTERVAL` seconds each polling entity sends its own request
    (all at once, as independent entities would); the clock then moves on.
    """
    paths = list(NAIVE_ACCOUNT_PATHS) + [
        template.format(code=code) for code in codes for template in NAIVE_AGENT_PATHS
    ]
    statuses: Counter[int] = Counter()
    headers = {"api-secret": ACCOUNT_KEY, "Accept": "application/json"}
    timeout = aiohttp.ClientTimeout(total=30)
    async with aiohttp.ClientSession(headers=headers, timeout=timeout) as session:

        async def get(path: str) -> int:
            async with session.get(url + path) as response:
                await response.read()
                return response.status

        for _ in range(round(seconds / NAIVE_INTERVAL)):
            statuses.update(await asyncio.gather(*(get(path) for path in paths)))
            clock.advance(NAIVE_INTERVAL)
    total = sum(statuses.values())
    errors = sum(count for status, count in statuses.items() if status >= 400)
    return NaiveRun(requests=total, rate_limited=statuses[429], errors=errors)


def naive_per_hour(agents: int) -> int:
    """Return the naive design's requests an hour, by arithmetic."""
    per_poll = len(NAIVE_AGENT_PATHS) * agents + len(NAIVE_ACCOUNT_PATHS)
    return round(per_poll * 3600 / NAIVE_INTERVAL)


def jsonable(value: Any) -> Any:
    """Round floats for the results file."""
    if isinstance(value, float):
        return round(value, 6)
    return value


class LoopLag:
    """The longest the event loop kept a 5 ms heartbeat waiting, while open.

    Use as `async with LoopLag() as lag: ...`, then read `lag.worst`. Works
    with asyncio's debug mode off; needs real time (not a frozen clock).
    """

    BEAT = 0.005

    def __init__(self) -> None:
        """Start with no stall seen."""
        self.worst = 0.0
        self._task: asyncio.Task[None] | None = None

    async def _beat(self) -> None:
        while True:
            before = time.perf_counter()
            await asyncio.sleep(self.BEAT)
            self.worst = max(self.worst, time.perf_counter() - before - self.BEAT)

    async def __aenter__(self) -> Self:
        """Start the heartbeat and let it beat once."""
        self._task = asyncio.get_running_loop().create_task(self._beat())
        await asyncio.sleep(0)
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        """Stop the heartbeat."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
