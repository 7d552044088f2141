"""When the client retries a failed request, and how long it waits."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import UTC
from email.utils import parsedate_to_datetime
import math
import random
import time
from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable

# Retry-After is honoured up to this many seconds, however long it asks for.
RETRY_AFTER_CAP: Final = 600.0


async def sleep(seconds: float) -> None:
    """Wait before retrying: the one place the client waits."""
    await asyncio.sleep(seconds)


@dataclass(frozen=True, slots=True, kw_only=True)
class RetryPolicy:
    """How the client retries a failed request.

    ``attempts`` bounds the tries of a request: server errors, timeouts and
    dropped connections are retried (for requests that are safe to repeat)
    with exponential backoff, as is a 429 without ``Retry-After``; a 429 or
    503 whose ``Retry-After`` is at most ``max_retry_after`` seconds is retried
    after waiting that long; a longer one is raised at once for the caller
    to schedule.
    """

    attempts: int = 3
    base_delay: float = 1.0
    max_delay: float = 10.0
    max_retry_after: float = 30.0
    sleep: Callable[[float], Awaitable[None]] | None = None
    random: Callable[[], float] = field(default=random.random)  # jitter, not crypto

    def __post_init__(self) -> None:
        """Reject a policy that cannot work."""
        if self.attempts < 1:
            raise ValueError("attempts must be at least 1")
        for name in ("base_delay", "max_delay", "max_retry_after"):
            value = getattr(self, name)
            if not math.isfinite(value) or value < 0:
                raise ValueError(f"{name} must be a finite number >= 0")

    def backoff(self, retry: int) -> float:
        """Return the delay before retry number ``retry`` (1 for the first).

        Exponential from ``base_delay``, capped at ``max_delay``, with "equal
        jitter": a random point in the upper half of that window, so
        concurrent clients spread out but never retry immediately.
        """
        ceiling = min(self.max_delay, self.base_delay * 2.0 ** min(retry - 1, 1000))
        fraction = min(max(self.random(), 0.0), 1.0)
        # min(): at subnormal magnitudes the halves can round above the ceiling.
        return min(ceiling, ceiling / 2.0 + fraction * ceiling / 2.0)

    async def wait(self, seconds: float) -> None:
        """Wait ``seconds`` with the policy's sleep."""
        await (self.sleep or sleep)(seconds)


def parse_retry_after(value: str | None, *, now: float | None = None) -> float | None:
    """Parse a ``Retry-After`` (seconds or HTTP-date) into seconds from ``now``.

    Clamped to 0..``RETRY_AFTER_CAP``; ``None`` for a missing or unparsable value.
    """
    if value is None or not (text := value.strip()):
        return None
    try:
        seconds = float(text)
    except ValueError:
        try:
            when = parsedate_to_datetime(text)
        except TypeError, ValueError, IndexError, OverflowError:
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        seconds = when.timestamp() - (time.time() if now is None else now)
    if math.isnan(seconds):
        return None
    return min(max(seconds, 0.0), RETRY_AFTER_CAP)
