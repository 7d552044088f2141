"""Retry and backoff policy of the bitHuman API client."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import UTC
from email.utils import parsedate_to_datetime
import math
import random
import time
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable


def _random() -> float:
    return random.random()  # noqa: S311 - jitter, not cryptography


@dataclass(frozen=True, slots=True, kw_only=True)
class RetryPolicy:
    """How the client retries failed calls.

    ``attempts`` bounds the tries of a call that may be retried on server
    errors, timeouts and connection errors (1 disables those retries). A 429
    with a ``Retry-After`` of at most ``max_retry_after`` seconds is retried
    once after waiting that long; a longer one is raised at once. A server
    error's ``Retry-After`` lengthens its backoff within the same bound.
    """

    attempts: int = 3
    base_delay: float = 1.0
    max_delay: float = 10.0
    max_retry_after: float = 30.0
    sleep: Callable[[float], Awaitable[None]] = field(default=asyncio.sleep)
    random: Callable[[], float] = field(default=_random)

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


def parse_retry_after(value: str | None, *, now: float | None = None) -> float | None:
    """Parse a ``Retry-After`` header into seconds from ``now``.

    Accepts delay-seconds (integer or decimal) and HTTP-dates; a date in the
    past gives 0. Returns ``None`` for a missing or unparsable value.
    """
    if value is None or not (text := value.strip()):
        return None
    try:
        seconds = float(text)
    except ValueError:
        pass
    else:
        if not math.isfinite(seconds):
            return None
        return max(seconds, 0.0)
    try:
        when = parsedate_to_datetime(text)
    except TypeError, ValueError, IndexError, OverflowError:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(when.timestamp() - (time.time() if now is None else now), 0.0)
