"""Token buckets per account and cost tier, sized by plan (rate-limits.md).

Each bucket holds its plan's per-minute limit and refills continuously at that
rate, computed from the injected clock. Failed authentication is throttled per
client address at 30 failures a minute.
"""

from dataclasses import dataclass
from enum import StrEnum
import math
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .clock import Clock


class Tier(StrEnum):
    """The cost tier an endpoint is metered in."""

    GENERATE = "generate"
    WRITE = "write"
    READ = "read"


PLAN_LIMITS: dict[str, dict[Tier, int]] = {
    "free": {Tier.GENERATE: 4, Tier.WRITE: 30, Tier.READ: 120},
    "creator": {Tier.GENERATE: 10, Tier.WRITE: 60, Tier.READ: 240},
    "pro": {Tier.GENERATE: 30, Tier.WRITE: 180, Tier.READ: 720},
    "business": {Tier.GENERATE: 60, Tier.WRITE: 360, Tier.READ: 1440},
    "enterprise": {Tier.GENERATE: 120, Tier.WRITE: 720, Tier.READ: 2880},
}
AUTH_FAILURES_PER_MINUTE = 30


def limit_for(plan: str, tier: Tier) -> int:
    """Return the per-minute limit of `tier` on `plan` (unknown plans: Free)."""
    return PLAN_LIMITS.get(plan, PLAN_LIMITS["free"])[tier]


@dataclass(frozen=True, slots=True)
class Decision:
    """The outcome of taking one token, with the values for the headers."""

    allowed: bool
    limit: int
    remaining: int
    reset_at: int
    retry_after: int

    def headers(self) -> dict[str, str]:
        """Return the X-RateLimit-* headers (and Retry-After when refused)."""
        headers = {
            "X-RateLimit-Limit": str(self.limit),
            "X-RateLimit-Remaining": str(self.remaining),
            "X-RateLimit-Reset": str(self.reset_at),
        }
        if not self.allowed:
            headers["Retry-After"] = str(self.retry_after)
        return headers


@dataclass(slots=True)
class _Bucket:
    capacity: int
    tokens: float
    updated_at: float


class RateLimiter:
    """Continuous-refill token buckets keyed by an owner and a tier."""

    def __init__(self, clock: Clock) -> None:
        """Measure refills with `clock`."""
        self._clock = clock
        self._buckets: dict[tuple[str, str], _Bucket] = {}

    def take(self, owner: str, tier: str, limit: int) -> Decision:
        """Take one token from `owner`'s `tier` bucket holding `limit` a minute."""
        now = self._clock.now()
        rate = limit / 60.0
        bucket = self._buckets.get((owner, tier))
        if bucket is None or bucket.capacity != limit:
            bucket = _Bucket(capacity=limit, tokens=float(limit), updated_at=now)
            self._buckets[(owner, tier)] = bucket
        elapsed = max(0.0, now - bucket.updated_at)
        bucket.tokens = min(float(limit), bucket.tokens + elapsed * rate)
        bucket.updated_at = now
        allowed = bucket.tokens >= 1.0
        if allowed:
            bucket.tokens -= 1.0
        missing = limit - bucket.tokens
        return Decision(
            allowed=allowed,
            limit=limit,
            remaining=math.floor(bucket.tokens + 1e-9),
            reset_at=math.ceil(now + missing / rate),
            retry_after=0
            if allowed
            else max(1, math.ceil((1.0 - bucket.tokens) / rate)),
        )

    def reset(self) -> None:
        """Refill every bucket."""
        self._buckets.clear()
