"""Detection latency: from a state change on the simulator to the entity state.

All on simulated time, both clocks moved together in small steps; latency
is the simulator's time when Home Assistant's entity first shows the new
state minus the simulator's time of the change.

- From Home Assistant: `bithuman.generate_dynamics`, then the dynamics
  finishing on the simulator (its job's end) until the Dynamics status
  sensor reads `ready`. Trials with the job's length shifted by 0.5-4.5 s so
  the change falls at every point of the 5 s fast-poll cycle; 0.1 s steps.
- From outside: an agent rebuilt upstream (its Status goes from `ready` to
  `processing`) and an agent deleted upstream (its entities go
  unavailable), each changed 10-110 s after the last poll; 1 s steps.
- Dynamics generated outside Home Assistant (by another API client): until
  the Dynamics status sensor leaves `not_generated`; 10 s steps.
"""

from __future__ import annotations

from homeassistant.const import ATTR_ENTITY_ID, STATE_UNAVAILABLE
from homeassistant.core import HomeAssistant

from bithuman_simulator import Simulator
from custom_components.bithuman.const import DOMAIN
from custom_components.bithuman.schedule import FAST, STEADY

from .harness import (
    ACCOUNT_KEY,
    add_account,
    agent_code,
    make_entry,
    prepare_and_setup,
    state_of,
)
from .results import RESULTS
from .simtime import Advance, is_agent_list, reads, steady_read, until

DYNAMICS_SECONDS = 30.0
FAST_OFFSETS = (0.5, 1.5, 2.5, 3.5, 4.5)
STEADY_OFFSETS = (10.0, 30.0, 50.0, 70.0, 90.0, 110.0)
# Longer than two steady intervals, so the rebuild is still on when seen.
REBUILD_SECONDS = 300.0


async def _settle(advance: Advance, simulator: Simulator) -> float:
    """Wait for the agent list to be read at the steady pace; return that read's time."""
    return await steady_read(advance, simulator, is_agent_list, STEADY)


def _add_agents(simulator: Simulator, count: int, dynamics: str) -> dict[str, str]:
    agents: dict[str, str] = {}
    for number in range(count):
        code = agent_code(number)
        simulator.add_agent(
            ACCOUNT_KEY,
            code=code,
            name=f"Agent {number}",
            dynamics="none" if dynamics == "none" else "ready",
        )
        agents[code] = f"Agent {number}"
    return agents


async def test_latency_from_home_assistant(
    hass: HomeAssistant, simulator: Simulator, simulator_url: str, advance: Advance
) -> None:
    """Generate dynamics from Home Assistant: job done -> sensor `ready`."""
    add_account(simulator)
    agents = _add_agents(simulator, len(FAST_OFFSETS), "none")
    entry = make_entry(simulator_url, agents)
    await prepare_and_setup(hass, entry)
    latencies: list[float] = []
    for number, offset in enumerate(FAST_OFFSETS):
        await _settle(advance, simulator)
        sensor = f"sensor.agent_{number}_dynamics_status"
        simulator.dynamics_seconds = DYNAMICS_SECONDS + offset
        await hass.services.async_call(
            DOMAIN,
            "generate_dynamics",
            {},
            target={ATTR_ENTITY_ID: f"sensor.agent_{number}_status"},
            blocking=True,
        )
        job = simulator.agent(agent_code(number)).dynamics.job
        if job is None:
            raise RuntimeError("no dynamics job started")
        flipped = job.ends_at
        seen = await until(
            advance,
            simulator,
            reads(hass, sensor, "ready"),
            step=0.1,
            limit=DYNAMICS_SECONDS + 60,
        )
        latencies.append(seen - flipped)
    RESULTS.add(
        "latency",
        {
            "case": "from Home Assistant: generate dynamics -> ready",
            "target": f"< {FAST + 1:g} s",
            "target_seconds": FAST + 1,
            "trials": latencies,
            "step": 0.1,
        },
    )


async def test_latency_from_outside(
    hass: HomeAssistant, simulator: Simulator, simulator_url: str, advance: Advance
) -> None:
    """Agents rebuilt and deleted upstream: change -> entity state."""
    add_account(simulator)
    count = len(STEADY_OFFSETS)
    agents = _add_agents(simulator, 2 * count, "ready")
    entry = make_entry(simulator_url, agents)
    await prepare_and_setup(hass, entry)
    steady = STEADY

    rebuilt: list[float] = []
    for number, offset in enumerate(STEADY_OFFSETS):
        last_poll = await _settle(advance, simulator)
        await advance(last_poll + offset - simulator.now())
        code = agent_code(number)
        simulator.delete_agent(code)
        simulator.add_agent(
            ACCOUNT_KEY,
            code=code,
            name=f"Agent {number}",
            status="processing",
            generation_seconds=REBUILD_SECONDS,
        )
        flipped = simulator.now()
        sensor = f"sensor.agent_{number}_status"
        seen = await until(
            advance,
            simulator,
            reads(hass, sensor, "ready", negate=True),
            step=1.0,
            limit=2 * steady,
        )
        rebuilt.append(seen - flipped)

    deleted: list[float] = []
    for index, offset in enumerate(STEADY_OFFSETS):
        number = count + index
        last_poll = await _settle(advance, simulator)
        await advance(last_poll + offset - simulator.now())
        simulator.delete_agent(agent_code(number))
        flipped = simulator.now()
        sensor = f"sensor.agent_{number}_status"
        seen = await until(
            advance,
            simulator,
            reads(hass, sensor, STATE_UNAVAILABLE),
            step=1.0,
            limit=2 * steady,
        )
        deleted.append(seen - flipped)

    for case, trials in (
        ("from outside: agent rebuilt upstream (ready -> processing)", rebuilt),
        ("from outside: agent deleted upstream (-> unavailable)", deleted),
    ):
        RESULTS.add(
            "latency",
            {
                "case": case,
                "target": f"<= {steady:g} s (steady interval)",
                "target_seconds": steady,
                "trials": trials,
                "step": 1.0,
            },
        )


async def test_latency_dynamics_generated_outside(
    hass: HomeAssistant, simulator: Simulator, simulator_url: str, advance: Advance
) -> None:
    """Dynamics generated by another API client: job start -> sensor leaves."""
    add_account(simulator)
    agents = _add_agents(simulator, 1, "none")
    entry = make_entry(simulator_url, agents)
    await prepare_and_setup(hass, entry)
    await _settle(advance, simulator)
    await advance(10)
    code = agent_code(0)
    simulator.generate_dynamics(
        simulator.account(ACCOUNT_KEY), simulator.agent(code), "outside-client"
    )
    flipped = simulator.now()
    seen = await until(
        advance,
        simulator,
        lambda: state_of(hass, "sensor.agent_0_dynamics_status") != "not_generated",
        step=10.0,
        limit=2 * 3600,
    )
    RESULTS.add(
        "latency",
        {
            "case": "from outside: dynamics generated by another client",
            "target": f"<= {STEADY:g} s (steady interval)",
            "target_seconds": STEADY,
            "trials": [seen - flipped],
            "step": 10.0,
        },
    )
