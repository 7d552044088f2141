"""Slow down before bitHuman's rate limiter answers 429, not after.

Metered answers carry ``X-RateLimit-Limit`` (the bucket size, per minute),
``X-RateLimit-Remaining`` (whole tokens) and ``X-RateLimit-Reset`` (when the
bucket is full again); the bucket refills continuously at the limit per
minute (rate-limits.md), so Reset tells the fraction of a token Remaining
rounds away. The client keeps the last figures per cost tier,
counts its own requests against them, and waits for a token when the bucket
is empty. Answers without the headers change nothing: the client then relies
on the 429 and its backoff.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
import time
from typing import TYPE_CHECKING, Final

from .const import HEADER_RATE_LIMIT, HEADER_RATE_REMAINING, HEADER_RATE_RESET
from .models.fields import finite_float

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

# Never wait longer than this for a token; past it, let the API decide.
MAX_TOKEN_WAIT: Final = 10.0
_GENERATE_PATHS: Final = frozenset({"/v1/agent/generate", "/v1/dynamics/generate"})


class Tier(StrEnum):
    """The cost tier a request is metered in."""

    GENERATE = "generate"
    WRITE = "write"
    READ = "read"


def tier_of(method: str, path: str) -> Tier:
    """Return the cost tier of a request (rate-limits.md, "What each tier covers")."""
    if path in _GENERATE_PATHS:
        return Tier.GENERATE
    return Tier.READ if method == "GET" else Tier.WRITE


def _number(headers: Mapping[str, str], name: str) -> float | None:
    return finite_float(headers.get(name))


@dataclass(slots=True)
class _Bucket:
    limit: float
    tokens: float
    at: float

    def refilled(self, now: float) -> float:
        return min(self.limit, self.tokens + (now - self.at) * self.limit / 60.0)


class RateLimitTracker:
    """The last known state of each tier's bucket."""

    def __init__(
        self,
        clock: Callable[[], float] = time.monotonic,
        wall_clock: Callable[[], float] = time.time,
    ) -> None:
        """Start knowing nothing (``wall_clock`` reads Reset's Unix times)."""
        self._clock = clock
        self._wall_clock = wall_clock
        self._buckets: dict[Tier, _Bucket] = {}

    def take(self, tier: Tier) -> float:
        """Count one request; return the seconds to wait before sending it."""
        bucket = self._buckets.get(tier)
        if bucket is None:
            return 0.0
        now = self._clock()
        tokens = bucket.refilled(now) - 1.0
        bucket.tokens, bucket.at = tokens, now
        if tokens >= 0:
            return 0.0
        return min(-tokens * 60.0 / bucket.limit, MAX_TOKEN_WAIT)

    def observe(self, tier: Tier, headers: Mapping[str, str]) -> None:
        """Remember the bucket figures of an answer, if it has them."""
        limit = _number(headers, HEADER_RATE_LIMIT)
        remaining = _number(headers, HEADER_RATE_REMAINING)
        if limit is None or remaining is None or limit <= 0:
            return
        tokens = max(remaining, 0.0)
        if (reset := _number(headers, HEADER_RATE_RESET)) is not None:
            until_full = max(reset - self._wall_clock(), 0.0)
            exact = limit - until_full * limit / 60.0
            # Trusted only where it agrees with Remaining (clocks may differ).
            if tokens <= exact < tokens + 1.0:
                tokens = exact
        self._buckets[tier] = _Bucket(limit, tokens, self._clock())

    def snapshot(self) -> dict[str, float]:
        """Return the tokens each known tier has left now (for diagnostics)."""
        now = self._clock()
        return {
            str(tier): round(bucket.refilled(now), 1)
            for tier, bucket in self._buckets.items()
        }
