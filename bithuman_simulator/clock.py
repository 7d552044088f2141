"""Clocks: the only source of time for the simulator's state machines."""

import time
from typing import Protocol


class Clock(Protocol):
    """Tells the current time in seconds since the Unix epoch."""

    def now(self) -> float:
        """Return the current time in seconds since the Unix epoch."""
        ...


class RealClock:
    """Wall-clock time, for the standalone server and `scripts/develop`."""

    def now(self) -> float:
        """Return the wall-clock time."""
        return time.time()


class ManualClock:
    """A clock that only moves when told to, so tests control every transition."""

    DEFAULT_START = 1_780_000_000.0

    def __init__(self, start: float = DEFAULT_START) -> None:
        """Start the clock at `start` (a fixed date in 2026 by default)."""
        self._now = start

    def now(self) -> float:
        """Return the clock's current time."""
        return self._now

    def advance(self, seconds: float) -> float:
        """Move the clock forward by `seconds` and return the new time."""
        if seconds < 0:
            raise ValueError("a ManualClock cannot go back in time")
        self._now += seconds
        return self._now
