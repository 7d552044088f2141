"""Real-time measurement: a precise simulator clock, paired timings, statistics.

The wall-time benchmarks (action, card and voice overhead) compare a path
through Home Assistant with the bare call it wraps, in the same run,
alternating the two so that neither gains from the other's warm caches.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterator, Sequence
import contextlib
from dataclasses import dataclass, field
import gc
import math
import statistics
import time
from typing import TYPE_CHECKING, Self

if TYPE_CHECKING:
    from bithuman_simulator import Simulator
    from bithuman_simulator.request_log import RecordedRequest

type Call = Callable[[], Awaitable[object]]
type Arrival = Callable[[RecordedRequest], bool]


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


@dataclass(slots=True)
class Timings:
    """Seconds from each call to its request reaching the API, and to its return."""

    arrive: list[float] = field(default_factory=list)
    ret: list[float] = field(default_factory=list)

    def summary(self) -> dict[str, float]:
        """Return median and p95 of both, for the results file."""
        summary = {
            "return_median": median(self.ret),
            "return_p95": percentile(self.ret, 0.95),
        }
        if self.arrive:
            summary |= {
                "arrive_median": median(self.arrive),
                "arrive_p95": percentile(self.arrive, 0.95),
            }
        return summary


async def timed_call(
    simulator: Simulator, clock: PerfClock, call: Call, arrival: Arrival | None
) -> tuple[float | None, float]:
    """Time one call: (to the first request `arrival` accepts, to its return)."""
    before = len(simulator.log.entries)
    started = clock.now()
    await call()
    returned = clock.now() - started
    if arrival is None:
        return None, returned
    for entry in simulator.log.entries[before:]:
        if arrival(entry):
            return entry.time - started, returned
    raise RuntimeError("the call's request never reached the simulator")


async def alternate(
    simulator: Simulator,
    calls: dict[str, Call],
    *,
    iterations: int,
    warmup: int,
    arrival: Arrival | None = None,
) -> dict[str, Timings]:
    """Time each call `iterations` times, taking turns, after `warmup` rounds.

    The order of the calls rotates every round, so none is always first.
    The simulator must run on a `PerfClock`.
    """
    clock = simulator.clock
    if not isinstance(clock, PerfClock):
        raise TypeError("the simulator needs the precise clock")
    timings = {name: Timings() for name in calls}
    names = list(calls)
    for round_number in range(warmup + iterations):
        shift = round_number % len(names)
        for name in names[shift:] + names[:shift]:
            arrive, returned = await timed_call(simulator, clock, calls[name], arrival)
            if round_number < warmup:
                continue
            if arrive is not None:
                timings[name].arrive.append(arrive)
            timings[name].ret.append(returned)
    return timings


@dataclass
class Versus:
    """Home Assistant's way against the bare client call, and the worst stall."""

    ours: Timings
    plain: Timings
    max_stall: float


async def versus_bare(
    simulator: Simulator,
    ours: Call,
    bare: Call,
    *,
    iterations: int,
    warmup: int,
    arrival: Arrival,
    debug_iterations: int,
) -> Versus:
    """Time both ways by turns with asyncio's debug mode off, then untimed with it.

    Debug mode slows every callback, so the timed rounds run without it; the
    untimed rounds run with the test's own setting, where asyncio reports a
    slow callback.
    """
    with debug_mode(False):
        async with LoopLag() as lag:
            timings = await alternate(
                simulator,
                {"home_assistant": ours, "bare": bare},
                iterations=iterations,
                warmup=warmup,
                arrival=arrival,
            )
    for _ in range(debug_iterations):
        await ours()
        await bare()
    return Versus(timings["home_assistant"], timings["bare"], lag.worst)


@contextlib.contextmanager
def debug_mode(enabled: bool) -> Iterator[None]:
    """Run a block with asyncio's debug mode on or off, then restore it."""
    loop = asyncio.get_running_loop()
    before = loop.get_debug()
    loop.set_debug(enabled)
    try:
        yield
    finally:
        loop.set_debug(before)


class LoopLag:
    """The longest the event loop kept a 5 ms heartbeat waiting, while open.

    Use as `async with LoopLag() as lag: ...`, then read `lag.worst`. Works
    with asyncio's debug mode off; needs real time (not a frozen clock).
    `lag.worst_without_collections` is the same with the time the garbage
    collector ran inside each beat taken out: what the code itself held.
    """

    BEAT = 0.005

    def __init__(self) -> None:
        """Start with no stall seen."""
        self.worst = 0.0
        self.worst_without_collections = 0.0
        self._task: asyncio.Task[None] | None = None
        self._collecting_since = 0.0
        self._collected = 0.0

    def _on_collection(self, phase: str, info: dict[str, int]) -> None:
        del info
        if phase == "start":
            self._collecting_since = time.perf_counter()
        else:
            self._collected += time.perf_counter() - self._collecting_since

    async def _beat(self) -> None:
        while True:
            before = time.perf_counter()
            self._collected = 0.0
            await asyncio.sleep(self.BEAT)
            lag = time.perf_counter() - before - self.BEAT
            self.worst = max(self.worst, lag)
            self.worst_without_collections = max(
                self.worst_without_collections, lag - self._collected
            )

    async def __aenter__(self) -> Self:
        """Start the heartbeat and let it beat once."""
        gc.callbacks.append(self._on_collection)
        self._task = asyncio.get_running_loop().create_task(self._beat())
        await asyncio.sleep(0)
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        """Stop the heartbeat."""
        gc.callbacks.remove(self._on_collection)
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
