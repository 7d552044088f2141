"""Demo data: one account and agents in the states worth looking at."""

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .agent_store import DynamicsSetup
    from .records import Account
    from .simulator import Simulator

DEMO_SECRET = "demo-secret-bithuman"
DEMO_USER_ID = "demo-user"
DEMO_EMAIL = "demo@example.com"
DEMO_ROOM = "demo-room"


@dataclass(frozen=True, slots=True)
class DemoAgent:
    """One demo agent and the state it starts in."""

    code: str
    name: str
    status: str
    model: str
    dynamics: DynamicsSetup
    live: bool
    summary: str


DEMO_AGENTS: tuple[DemoAgent, ...] = (
    DemoAgent(
        "A10RDY0001",
        "Front Door",
        "ready",
        "essence-2",
        "ready",
        True,
        "ready, dynamics ready with gestures, live in 'demo-room' "
        "(a live session: speak works, 4 credits a minute)",
    ),
    DemoAgent(
        "A20NDY0002",
        "Kitchen Helper",
        "ready",
        "expression-1",
        "none",
        False,
        "ready, dynamics never generated",
    ),
    DemoAgent(
        "A30GEN0003",
        "Garden Guide",
        "processing",
        "expression-1",
        "none",
        False,
        "generating, ready in a few minutes",
    ),
    DemoAgent(
        "A40FAI0004",
        "Broken Bot",
        "failed",
        "essence-1",
        "none",
        False,
        "failed generation",
    ),
    DemoAgent(
        "A50DYN0005",
        "Living Room Host",
        "ready",
        "expression-2",
        "generating",
        False,
        "ready, dynamics generating",
    ),
)


def seed_demo(sim: Simulator) -> Account:
    """Create the demo account (secret `DEMO_SECRET`) and the demo agents."""
    account = sim.add_account(
        DEMO_SECRET, user_id=DEMO_USER_ID, email=DEMO_EMAIL, plan="pro", credits=5_000
    )
    for demo in DEMO_AGENTS:
        sim.add_agent(
            DEMO_SECRET,
            code=demo.code,
            name=demo.name,
            status=demo.status,
            model=demo.model,
            dynamics=demo.dynamics,
            dynamics_enabled=demo.dynamics == "ready",
            live_rooms=[DEMO_ROOM] if demo.live else [],
            system_prompt=f"You are {demo.name}, a helpful home assistant avatar.",
        )
    return account
