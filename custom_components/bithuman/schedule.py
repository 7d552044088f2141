"""When each read of a bitHuman account is due: the coordinator's cadence.

One poll may read four things, each on its own clock:

- the agent list (one request per 100 agents): every 2 minutes, every 5
  seconds while an agent generation runs, or every minute while a webhook
  reports generations (bitHuman pushes ``agent.ready``/``agent.failed``);
- the live sessions: every 2 minutes, every minute while one is live;
- the account (credits): every 15 minutes, or at once after paid work;
- each agent's dynamics: hourly, when the agent's record changed, and every
  5 seconds while a dynamics job runs (no event reports those).

Work started from Home Assistant makes the reads it affects due at once and
fast for a minute, since a queued job may not show on the very next read.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from enum import Enum, auto
import math
from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

    from .api import Agent, Dynamics, RuntimeSessions

FAST: Final = 5.0
PUSHED: Final = 60.0
SESSIONS_LIVE: Final = 60.0
STEADY: Final = 120.0
ACCOUNT: Final = 900.0
DYNAMICS: Final = 3600.0
WATCH: Final = 60.0
# Home Assistant schedules polls on whole loop seconds (up to a second
# early): such a poll still does what it was scheduled for.
EARLY: Final = 1.5
NEVER: Final = -math.inf


class Read(Enum):
    """One kind of read a poll can make."""

    AGENTS = auto()
    SESSIONS = auto()
    ACCOUNT = auto()


@dataclass(frozen=True, slots=True)
class Plan:
    """What one poll reads."""

    reads: frozenset[Read]
    dynamics: frozenset[str]


@dataclass(frozen=True, slots=True, kw_only=True)
class Picture:
    """What the schedule needs to know of the account as last read."""

    agents: Mapping[str, Agent]
    dynamics: Mapping[str, Dynamics]
    sessions: RuntimeSessions | None


@dataclass(slots=True)
class PollSchedule:
    """The last time each read was made, and what is being watched."""

    push_active: bool = False
    _read_at: dict[Read, float] = field(default_factory=dict)
    _dynamics_read_at: dict[str, float] = field(default_factory=dict)
    _watch_until: dict[Read, float] = field(default_factory=dict)
    _dynamics_watch_until: dict[str, float] = field(default_factory=dict)
    _dynamics_failed: set[str] = field(default_factory=set)

    def account_read(self, now: float) -> None:
        """Note that the account was just read (at setup)."""
        self._read_at[Read.ACCOUNT] = now

    def watch(self, read: Read, now: float) -> None:
        """Home Assistant just changed what this read shows: read it soon, often."""
        self._read_at[read] = NEVER
        self._watch_until[read] = now + WATCH

    def watch_dynamics(self, code: str, now: float) -> None:
        """Home Assistant just started dynamics work for the agent."""
        self._dynamics_read_at.pop(code, None)
        self._dynamics_watch_until[code] = now + WATCH

    def refresh_requested(self) -> None:
        """Someone asked for fresh data: read the agents and sessions now."""
        self._read_at[Read.AGENTS] = self._read_at[Read.SESSIONS] = NEVER

    def agent_changed(self, code: str) -> None:
        """BitHuman said the agent changed: read it (and its dynamics) now."""
        self._read_at[Read.AGENTS] = NEVER
        self._dynamics_read_at.pop(code, None)

    def plan(self, now: float, picture: Picture | None, tracked: Iterable[str]) -> Plan:
        """Return what is due now."""
        return Plan(
            frozenset(
                read for read in Read if now + EARLY >= self._due(read, now, picture)
            ),
            frozenset(
                code for code in tracked if self._dynamics_due(code, now, picture)
            ),
        )

    def done(self, plan: Plan, now: float) -> None:
        """Note the reads of a successful poll."""
        for read in plan.reads:
            self._read_at[read] = now

    def dynamics_read(self, code: str, now: float) -> None:
        """Note one agent's dynamics read."""
        self._dynamics_read_at[code] = now
        self._dynamics_failed.discard(code)

    def dynamics_failed(self, code: str, now: float) -> None:
        """One agent's dynamics read failed: try again at the steady pace."""
        self._dynamics_read_at[code] = now - DYNAMICS + STEADY
        self._dynamics_failed.add(code)

    def forget(self, codes: Iterable[str]) -> None:
        """Drop what is kept about agents no longer read."""
        for code in codes:
            self._dynamics_read_at.pop(code, None)
            self._dynamics_watch_until.pop(code, None)
            self._dynamics_failed.discard(code)

    def interval(self, now: float, picture: Picture) -> timedelta:
        """Return how long to wait until the next read is due (5 s to 2 min)."""
        due = [self._due(read, now, picture) for read in Read]
        due.extend(
            self._dynamics_read_at.get(code, NEVER)
            + self._dynamics_period(code, now, picture)
            for code in picture.agents
        )
        return timedelta(seconds=min(max(min(due) - now, FAST), STEADY))

    def _due(self, read: Read, now: float, picture: Picture | None) -> float:
        return self._read_at.get(read, NEVER) + self._period(read, now, picture)

    def _watching(self, read: Read, now: float) -> bool:
        return self._watch_until.get(read, NEVER) > now

    def _period(self, read: Read, now: float, picture: Picture | None) -> float:
        if read is Read.ACCOUNT:
            return ACCOUNT
        if read is Read.SESSIONS:
            if self._watching(Read.SESSIONS, now):
                return FAST
            if picture is None:
                return STEADY
            # Unreadable last time: one may be live, and billing meanwhile.
            maybe_live = picture.sessions is None or any(
                session.is_live for session in picture.sessions.sessions
            )
            return SESSIONS_LIVE if maybe_live else STEADY
        generating = picture is not None and any(
            agent.is_generating for agent in picture.agents.values()
        )
        if not (generating or self._watching(Read.AGENTS, now)):
            return STEADY
        return PUSHED if self.push_active else FAST

    def _dynamics_period(self, code: str, now: float, picture: Picture) -> float:
        dynamics = picture.dynamics.get(code)
        if self._dynamics_watch_until.get(code, NEVER) > now or (
            dynamics is not None and dynamics.in_motion
        ):
            return FAST
        return DYNAMICS

    def _dynamics_due(self, code: str, now: float, picture: Picture | None) -> bool:
        read_at = self._dynamics_read_at.get(code)
        if read_at is None or picture is None:
            return True
        # Never read yet (or dropped while its record was unreadable): read it,
        # unless the last try failed, which is retried at its own pace.
        if code not in picture.dynamics and code not in self._dynamics_failed:
            return True
        return now + EARLY >= read_at + self._dynamics_period(code, now, picture)
