"""Session detection: a session started or ended outside Home Assistant -> Live.

On simulated time, 1 s steps. The session is started (`start_session`) or
ended (`end_session`) on the simulator at an offset after the last read of
the live sessions, so the trials cover the whole read cycle; the latency is
the simulator's time when the agent's Live sensor first shows it minus the
time of the change.

- Started with no other session live: sessions are read every 2 minutes;
  offsets 10-110 s.
- Started while another agent's session is live: read every minute;
  offsets 5-55 s.
- Ended (the agent was live, so read every minute), with and without
  another session still live; offsets 5-55 s.

The baseline is the same run with the one-minute cadence while a session is
live switched off (`schedule.SESSIONS_LIVE` set to the steady 2 minutes):
what the live speed-up buys.
"""

from __future__ import annotations

from collections.abc import Generator
from unittest.mock import patch

from homeassistant.core import HomeAssistant
import pytest

from bithuman_simulator import Simulator
from custom_components.bithuman.schedule import SESSIONS_LIVE, STEADY

from .harness import (
    add_account,
    add_ready_agents,
    agent_code,
    make_entry,
    prepare_and_setup,
)
from .results import RESULTS
from .simtime import Advance, is_sessions_read, reads, steady_read, until

IDLE_OFFSETS = (10.0, 30.0, 50.0, 70.0, 90.0, 110.0)
LIVE_OFFSETS = (5.0, 15.0, 25.0, 35.0, 45.0, 55.0)
SUBJECT = "binary_sensor.agent_0_live"
OTHER = "binary_sensor.agent_1_live"
CADENCES = {"ours": SESSIONS_LIVE, "baseline": STEADY}


@pytest.fixture(params=list(CADENCES))
def cadence(request: pytest.FixtureRequest) -> Generator[str]:
    """Run with the integration's cadence, or the baseline's (no speed-up while live)."""
    name: str = request.param
    with patch("custom_components.bithuman.schedule.SESSIONS_LIVE", CADENCES[name]):
        yield name


class Trials:
    """Start and end the subject's sessions at offsets after a sessions read."""

    def __init__(
        self, hass: HomeAssistant, simulator: Simulator, advance: Advance
    ) -> None:
        """Drive agent 0's sessions; agent 1 is the other agent."""
        self.hass = hass
        self.simulator = simulator
        self.advance = advance
        self.session_id: str | None = None

    async def _at_offset(self, period: float, offset: float) -> None:
        last = await steady_read(self.advance, self.simulator, is_sessions_read, period)
        await self.advance(last + offset - self.simulator.now())

    async def _seen(self, entity_id: str, state: str) -> float:
        return await until(
            self.advance,
            self.simulator,
            reads(self.hass, entity_id, state),
            step=1.0,
            limit=2 * STEADY + 10,
        )

    async def start(self, period: float, offset: float) -> float:
        """Start the subject's session `offset` s after a read; return the latency."""
        await self._at_offset(period, offset)
        session = self.simulator.start_session(agent_code(0), "hall")
        self.session_id = session.id
        started = self.simulator.now()
        return await self._seen(SUBJECT, "on") - started

    async def end(self, period: float, offset: float) -> float:
        """End the subject's session `offset` s after a read; return the latency."""
        if self.session_id is None:
            raise RuntimeError("no session to end")
        await self._at_offset(period, offset)
        self.simulator.end_session(self.session_id)
        self.session_id = None
        ended = self.simulator.now()
        return await self._seen(SUBJECT, "off") - ended


async def test_session_detection(
    hass: HomeAssistant,
    simulator: Simulator,
    simulator_url: str,
    advance: Advance,
    cadence: str,
) -> None:
    """Live on and off after sessions start and end outside Home Assistant."""
    add_account(simulator)
    codes = add_ready_agents(simulator, 2)
    await prepare_and_setup(hass, make_entry(simulator_url, codes))
    live_period = CADENCES[cadence]
    trials = Trials(hass, simulator, advance)

    started_idle: list[float] = []
    ended_alone: list[float] = []
    for idle_offset, live_offset in zip(IDLE_OFFSETS, LIVE_OFFSETS, strict=True):
        started_idle.append(await trials.start(STEADY, idle_offset))
        ended_alone.append(await trials.end(live_period, live_offset))

    other = simulator.start_session(agent_code(1), "kitchen")
    await until(
        advance, simulator, reads(hass, OTHER, "on"), step=1.0, limit=2 * STEADY
    )
    started_live: list[float] = []
    ended_live: list[float] = []
    for offset in LIVE_OFFSETS:
        started_live.append(await trials.start(live_period, offset))
        ended_live.append(await trials.end(live_period, offset))
    simulator.end_session(other.id)

    for case, trials_s, target in (
        ("started, no other session live", started_idle, STEADY),
        ("started while another session is live", started_live, SESSIONS_LIVE),
        ("ended, no other session live", ended_alone, SESSIONS_LIVE),
        ("ended while another session is live", ended_live, SESSIONS_LIVE),
    ):
        RESULTS.add(
            "sessions",
            {
                "case": case,
                "cadence": cadence,
                "trials": trials_s,
                "target_seconds": target,
                "step": 1.0,
            },
        )
