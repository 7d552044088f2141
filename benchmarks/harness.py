"""Shared pieces of the benchmarks: the account, its agents, entries and entities."""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

from homeassistant.helpers import entity_registry as er
from homeassistant.setup import async_setup_component
from pytest_homeassistant_custom_component.common import MockConfigEntry  # type: ignore[import-untyped]

from custom_components.bithuman import PLATFORMS
from custom_components.bithuman.const import (
    CONF_AGENT_CODE,
    CONF_API_SECRET,
    CONF_API_URL,
    DOMAIN,
    SUBENTRY_TYPE_AGENT,
)
from custom_components.bithuman.flow_helpers import new_entry_ids

if TYPE_CHECKING:
    from collections.abc import Sequence

    from homeassistant.core import HomeAssistant

    from bithuman_simulator import Simulator

ACCOUNT_KEY = "sk_benchmark_secret_5e2a91c7"
USER_ID = "bench-user-0001"
EMAIL = "bench@example.com"
GESTURES = ("mini_wave_hello", "talk_head_nod_subtle", "blow_kiss_heart")
# What a running Home Assistant has loaded before an entry is added: the
# core, this integration (its actions, card and websocket command) and the
# platforms' own components (Assist's pipeline and conversation with them).
COMPONENTS = ("homeassistant", DOMAIN, *(platform.value for platform in PLATFORMS))


def agent_code(number: int) -> str:
    """Return the code of benchmark agent `number`."""
    return f"A7{number:07d}"


def add_account(simulator: Simulator) -> None:
    """Create the benchmark account (Pro plan, plenty of credits)."""
    simulator.add_account(
        ACCOUNT_KEY, user_id=USER_ID, email=EMAIL, plan="pro", credits=1_000_000
    )


def add_ready_agents(
    simulator: Simulator, count: int, *, live_rooms: Sequence[str] = ()
) -> dict[str, str]:
    """Create `count` ready agents with ready dynamics; return code -> name."""
    agents: dict[str, str] = {}
    for number in range(count):
        code = agent_code(number)
        name = f"Agent {number}"
        simulator.add_agent(
            ACCOUNT_KEY,
            code=code,
            name=name,
            status="ready",
            dynamics="ready",
            gestures=list(GESTURES),
            live_rooms=list(live_rooms),
        )
        agents[code] = name
    return agents


def make_entry(url: str, agents: dict[str, str]) -> MockConfigEntry:
    """Return a bitHuman entry for the benchmark account with these agents."""
    return MockConfigEntry(
        domain=DOMAIN,
        title=EMAIL,
        unique_id=USER_ID,
        minor_version=2,
        data={CONF_API_SECRET: ACCOUNT_KEY, CONF_API_URL: url, **new_entry_ids()},
        subentries_data=[
            {
                "subentry_type": SUBENTRY_TYPE_AGENT,
                "data": {CONF_AGENT_CODE: code},
                "title": name,
                "unique_id": code,
            }
            for code, name in agents.items()
        ],
    )


async def prepare(hass: HomeAssistant) -> None:
    """Load what a running Home Assistant has before the entry is added."""
    for domain in COMPONENTS:
        if not await async_setup_component(hass, domain, {}):
            raise RuntimeError(f"setting up {domain} failed")
    await hass.async_block_till_done()


async def setup_entry(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    """Add the entry to Home Assistant and set it up; fail loudly if it fails."""
    entry.add_to_hass(hass)
    if not await hass.config_entries.async_setup(entry.entry_id):
        raise RuntimeError(f"setting up the entry failed: {entry.state}")
    await hass.async_block_till_done()


async def prepare_and_setup(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    """`prepare`, then `setup_entry`."""
    await prepare(hass)
    await setup_entry(hass, entry)


async def set_up_one_agent(
    hass: HomeAssistant,
    simulator: Simulator,
    url: str,
    *,
    live_rooms: Sequence[str] = (),
) -> tuple[str, MockConfigEntry]:
    """Set up an entry with one ready agent; return its code and the entry."""
    add_account(simulator)
    agents = add_ready_agents(simulator, 1, live_rooms=live_rooms)
    entry = make_entry(url, agents)
    await prepare_and_setup(hass, entry)
    return agent_code(0), entry


def entity_count(hass: HomeAssistant, entry: MockConfigEntry) -> int:
    """Count the entry's entities that have a state."""
    registry = er.async_get(hass)
    return sum(
        1
        for item in er.async_entries_for_config_entry(registry, entry.entry_id)
        if hass.states.get(item.entity_id) is not None
    )


def entity_of(hass: HomeAssistant, entry: MockConfigEntry, domain: str) -> str:
    """Return the entity id of the entry's first entity of a platform."""
    for item in er.async_entries_for_config_entry(er.async_get(hass), entry.entry_id):
        if item.domain == domain:
            return item.entity_id
    raise RuntimeError(f"the entry has no {domain} entity")


def state_of(hass: HomeAssistant, entity_id: str) -> str:
    """Return an entity's state, or "missing"."""
    state = hass.states.get(entity_id)
    return state.state if state is not None else "missing"


def request_breakdown(simulator: Simulator) -> dict[str, int]:
    """Count the recorded requests by kind of endpoint."""
    kinds: Counter[str] = Counter()
    for request in simulator.requests:
        path = request.path
        if path.startswith("/v1/agents"):
            kinds["agent list"] += 1
        elif path.startswith("/v1/me"):
            kinds["account"] += 1
        elif path.startswith("/v2/") and path.endswith("/runtime-sessions"):
            kinds["sessions"] += 1
        elif path == "/v1/dynamics/generate":
            kinds["generate"] += 1
        elif path.startswith("/v1/dynamics/"):
            kinds["dynamics"] += 1
        elif path.startswith("/v1/agent/"):
            kinds["agent"] += 1
        else:
            kinds["other"] += 1
    return dict(kinds)
