"""The naive design the request budget is compared with: one request per entity.

Integrations built one-entity-one-endpoint poll every entity on its own,
every 30 s. For this integration's entities that is, per agent: Status,
Generation progress and Portrait (`GET /v1/agent/...`); Dynamics ready,
Dynamics status, Gestures and the Dynamics switch (`GET /v1/dynamics/...`);
Live (`GET /v2/{user}/runtime-sessions`). Per account: Credit balance and
Plan (`GET /v1/me`); Live sessions, Credit burn rate and Credits this hour
(the runtime sessions). Buttons, Speak, the satellite and the TTS engine do
not poll.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING

import aiohttp

from .harness import ACCOUNT_KEY, USER_ID

if TYPE_CHECKING:
    from collections.abc import Sequence

    from bithuman_simulator import ManualClock

NAIVE_INTERVAL = 30.0
SESSIONS_PATH = f"/v2/{USER_ID}/runtime-sessions?window=live"
NAIVE_AGENT_PATHS = (
    "/v1/agent/{code}",
    "/v1/agent/status/{code}",
    "/v1/agent/{code}",
    "/v1/dynamics/{code}",
    "/v1/dynamics/{code}",
    "/v1/dynamics/{code}",
    "/v1/dynamics/{code}",
    SESSIONS_PATH,
)
NAIVE_ACCOUNT_PATHS = ("/v1/me", "/v1/me", SESSIONS_PATH, SESSIONS_PATH, SESSIONS_PATH)


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
