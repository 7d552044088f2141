"""The poll schedule: which reads each poll makes, and when the next one is."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from custom_components.bithuman.api import Agent, Dynamics, RuntimeSessions
from custom_components.bithuman.schedule import (
    ACCOUNT,
    DYNAMICS,
    FAST,
    PUSHED,
    SESSIONS_LIVE,
    STEADY,
    WATCH,
    Picture,
    PollSchedule,
    Read,
)

START = 1_000_000.0
CODES = ("A1", "A2")


def _agent(code: str, status: str = "ready", progress: float | None = 1.0) -> Agent:
    return Agent.model_validate({"code": code, "status": status, "progress": progress})


def _dynamics(code: str, status: str = "ready", url: str | None = "u") -> Dynamics:
    return Dynamics.model_validate({"agent_id": code, "status": status, "url": url})


def _picture(
    agents: dict[str, Agent] | None = None,
    dynamics: dict[str, Dynamics] | None = None,
    live: bool = False,
) -> Picture:
    sessions: dict[str, Any] = {
        "sessions": [{"id": "s1", "agent_code": "A1", "status": "live"}] if live else []
    }
    return Picture(
        agents=agents if agents is not None else {c: _agent(c) for c in CODES},
        dynamics=dynamics if dynamics is not None else {c: _dynamics(c) for c in CODES},
        sessions=RuntimeSessions.model_validate(sessions),
    )


def _settled(schedule: PollSchedule, picture: Picture) -> None:
    """Make every read once, at START."""
    schedule.account_read(START)
    plan = schedule.plan(START, None, CODES)
    schedule.done(plan, START)
    for code in plan.dynamics:
        schedule.dynamics_read(code, START)


def test_first_poll_reads_everything_but_the_account_read_at_setup() -> None:
    schedule = PollSchedule()
    schedule.account_read(START)
    plan = schedule.plan(START, None, CODES)
    assert plan.reads == {Read.AGENTS, Read.SESSIONS}
    assert plan.dynamics == set(CODES)


@pytest.mark.parametrize(
    ("after", "reads", "dynamics"),
    [
        (STEADY - 10, set(), set()),
        (STEADY, {Read.AGENTS, Read.SESSIONS}, set()),
        (ACCOUNT, {Read.AGENTS, Read.SESSIONS, Read.ACCOUNT}, set()),
        (DYNAMICS, {Read.AGENTS, Read.SESSIONS, Read.ACCOUNT}, set(CODES)),
    ],
)
def test_steady_cadence(after: float, reads: set[Read], dynamics: set[str]) -> None:
    """Ready agents: list and sessions every 2 min, account 15 min, dynamics hourly."""
    schedule = PollSchedule()
    picture = _picture()
    _settled(schedule, picture)
    plan = schedule.plan(START + after, picture, CODES)
    assert plan.reads == reads
    assert plan.dynamics == dynamics
    assert schedule.interval(START, picture) == timedelta(seconds=STEADY)


@pytest.mark.parametrize(
    ("status", "push", "interval"),
    [
        ("generating", False, FAST),
        ("generating", True, PUSHED),
        # `success` mid-run (progress below 1) is not the end.
        ("success", False, FAST),
        # Nobody documented these: shown as unknown, polled at the steady pace.
        ("queued", False, STEADY),
        ("READY", False, STEADY),
    ],
)
def test_agent_generation_cadence(status: str, push: bool, interval: float) -> None:
    schedule = PollSchedule(push_active=push)
    picture = _picture(agents={"A1": _agent("A1", status, 0.5), "A2": _agent("A2")})
    _settled(schedule, picture)
    assert schedule.interval(START, picture) == timedelta(seconds=interval)
    assert Read.AGENTS in schedule.plan(START + interval, picture, CODES).reads


def test_dynamics_in_motion_is_read_fast_alone() -> None:
    """A dynamics job (no event reports it) is followed every 5 s, push or not."""
    schedule = PollSchedule(push_active=True)
    picture = _picture(
        dynamics={"A1": _dynamics("A1", "generating"), "A2": _dynamics("A2")}
    )
    _settled(schedule, picture)
    assert schedule.interval(START, picture) == timedelta(seconds=FAST)
    plan = schedule.plan(START + FAST, picture, CODES)
    assert plan.reads == set()
    assert plan.dynamics == {"A1"}


def test_live_session_reads_sessions_every_minute() -> None:
    schedule = PollSchedule()
    picture = _picture(live=True)
    _settled(schedule, picture)
    assert schedule.interval(START, picture) == timedelta(seconds=SESSIONS_LIVE)
    assert schedule.plan(START + SESSIONS_LIVE, picture, CODES).reads == {Read.SESSIONS}


@pytest.mark.parametrize("read", [Read.AGENTS, Read.SESSIONS])
def test_watch_reads_now_then_fast_for_a_minute(read: Read) -> None:
    schedule = PollSchedule()
    picture = _picture()
    _settled(schedule, picture)
    schedule.watch(read, START + 30)
    assert read in schedule.plan(START + 30, picture, CODES).reads
    schedule.done(schedule.plan(START + 30, picture, CODES), START + 30)
    assert schedule.interval(START + 30, picture) == timedelta(seconds=FAST)
    # The watch is over: the next read due is the other one, at the steady pace.
    assert schedule.interval(START + 30 + WATCH, picture) == timedelta(
        seconds=STEADY - 30 - WATCH
    )


def test_watch_dynamics_and_agent_changed() -> None:
    schedule = PollSchedule()
    picture = _picture()
    _settled(schedule, picture)
    schedule.watch_dynamics("A1", START + 10)
    assert schedule.plan(START + 10, picture, CODES).dynamics == {"A1"}
    schedule.agent_changed("A2")
    plan = schedule.plan(START + 10, picture, CODES)
    assert Read.AGENTS in plan.reads
    assert plan.dynamics == {"A1", "A2"}


def test_failed_dynamics_read_is_retried_at_the_steady_pace() -> None:
    """One agent's failing read never makes the whole account poll fast."""
    schedule = PollSchedule()
    picture = _picture()
    _settled(schedule, picture)
    schedule.dynamics_failed("A1", START)
    assert schedule.interval(START, picture) == timedelta(seconds=STEADY)
    assert schedule.plan(START + STEADY, picture, CODES).dynamics == {"A1"}


def test_never_readable_dynamics_are_not_re_read_on_every_fast_poll() -> None:
    """A2 generates (polls every 5 s); A1's dynamics, never read, keep failing."""
    schedule = PollSchedule()
    picture = _picture(
        agents={"A1": _agent("A1"), "A2": _agent("A2", "generating", 0.2)},
        dynamics={"A2": _dynamics("A2")},
    )
    _settled(schedule, picture)
    schedule.dynamics_failed("A1", START)
    assert schedule.interval(START, picture) == timedelta(seconds=FAST)
    for step in range(1, int(STEADY // FAST)):
        assert schedule.plan(START + step * FAST, picture, CODES).dynamics == set()
    assert schedule.plan(START + STEADY, picture, CODES).dynamics == {"A1"}


def test_a_poll_a_moment_early_still_does_its_reads() -> None:
    """Home Assistant schedules polls on whole loop seconds."""
    schedule = PollSchedule()
    picture = _picture()
    _settled(schedule, picture)
    assert Read.AGENTS in schedule.plan(START + STEADY - 1, picture, CODES).reads


def test_forgotten_agents_are_read_again_when_back() -> None:
    schedule = PollSchedule()
    picture = _picture()
    _settled(schedule, picture)
    schedule.forget(["A1"])
    assert schedule.plan(START + 1, picture, CODES).dynamics == {"A1"}
