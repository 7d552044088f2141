"""Simulated time: step both clocks until something shows, and find past reads.

The frozen-clock benchmarks (budget, detection, sessions, push) move Home
Assistant's clock and the simulator's on together in small steps; the step
is the resolution of every latency they report.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from custom_components.bithuman.schedule import EARLY

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant

    from bithuman_simulator import Simulator
    from bithuman_simulator.request_log import RecordedRequest

type Advance = Callable[[float], Awaitable[None]]
type Check = Callable[[], bool]

HOUR = 3600.0


async def until(
    advance: Advance,
    simulator: Simulator,
    condition: Check,
    *,
    step: float,
    limit: float,
    between: Callable[[], Awaitable[object]] | None = None,
) -> float:
    """Step both clocks until `condition` holds; return the simulator's time.

    `between` runs after every step (the push benchmark delivers webhooks
    there), before the condition is checked.
    """
    waited = 0.0
    while not condition():
        if waited > limit:
            raise RuntimeError(f"not seen within {limit:g} s")
        await advance(step)
        if between is not None:
            await between()
        waited += step
    return simulator.now()


async def run_for(advance: Advance, seconds: float, *, step: float = 10.0) -> None:
    """Move both clocks on by `seconds`, in steps."""
    for _ in range(round(seconds / step)):
        await advance(step)


def read_times(
    simulator: Simulator, chosen: Callable[[RecordedRequest], bool]
) -> list[float]:
    """Return when each recorded request `chosen` accepts arrived."""
    return [request.time for request in simulator.requests if chosen(request)]


def is_agent_list(request: RecordedRequest) -> bool:
    """Whether a request is a read of the agent list."""
    return request.method == "GET" and request.path == "/v1/agents"


def is_sessions_read(request: RecordedRequest) -> bool:
    """Whether a request is a read of the live sessions."""
    return request.method == "GET" and request.path.endswith("/runtime-sessions")


async def steady_read(
    advance: Advance,
    simulator: Simulator,
    chosen: Callable[[RecordedRequest], bool],
    period: float,
    *,
    limit: float = 2 * HOUR,
) -> float:
    """Wait for a read `period` seconds after the one before; return its time.

    That is, until the reads `chosen` picks run at that period, nothing
    making them come sooner.
    """

    def settled() -> bool:
        times = read_times(simulator, chosen)
        return len(times) >= 2 and times[-1] - times[-2] >= period - EARLY

    before = len(read_times(simulator, chosen))
    await until(
        advance,
        simulator,
        lambda: len(read_times(simulator, chosen)) > before and settled(),
        step=1.0,
        limit=limit,
    )
    return read_times(simulator, chosen)[-1]


def reads(
    hass: HomeAssistant, entity_id: str, state: str, *, negate: bool = False
) -> Check:
    """Return a check that the entity reads `state` (or not, with `negate`)."""

    def check() -> bool:
        current = hass.states.get(entity_id)
        return ((current.state if current else "missing") == state) != negate

    return check
