"""Fault injection: every way the bitHuman API fails, one named test each.

Home Assistant is set up for real against the simulator over HTTP. For each
fault the test checks, as SPEC "Data updates" asks:

- nothing reaches Home Assistant's log as a traceback (no record at INFO or
  above carries an exception, none says "Traceback" or "Unexpected error");
  the coordinator's own DEBUG "Full error:" record is the one exception,
  shown only with debug logging on;
- the entities are unavailable, or keep their last good state where SPEC
  says so (a 429 within its grace, a single dropped connection retried);
- they come back by themselves within one steady interval (2 minutes) of
  the fault clearing (a 401 needs the user's new secret: reauth);
- an action called during the fault either does what it was asked or
  raises a HomeAssistantError to the caller (`bithuman.speak` and
  `bithuman.generate_dynamics` are called in every test);
- no generation is charged twice (one charge per Idempotency-Key in the
  simulator's ledger, and the exact number of charges expected).

Every test but the timeout one runs on frozen clocks moved together by
`advance`; the client's retry waits pass on the simulator's clock. The
account's credit sensors are left out of "as before": Front Door is live in
the hall, and a live session bills every minute.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
import itertools
import logging
from typing import TYPE_CHECKING, Any
from unittest.mock import patch

from homeassistant.config_entries import SOURCE_REAUTH, ConfigEntryState
from homeassistant.const import ATTR_ENTITY_ID, STATE_UNAVAILABLE
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import entity_registry as er, issue_registry as ir
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from bithuman_simulator import Fault
from custom_components.bithuman.api import BithumanClient
from custom_components.bithuman.const import CONF_API_SECRET, DOMAIN
from custom_components.bithuman.repairs import (
    ISSUE_AGENT_DELETED,
    ISSUE_INSUFFICIENT_CREDITS,
    issue_id,
)
from custom_components.bithuman.schedule import STEADY

from .conftest import ACCOUNT_KEY, FRONT_DOOR, KITCHEN, USER_ID, Advance

if TYPE_CHECKING:
    from bithuman_simulator import Simulator

# SPEC: every entity unavailable within 3 minutes of the API going away.
UNAVAILABLE_WITHIN = 180.0
STEP = 5.0
SPEAK_TARGET = {ATTR_ENTITY_ID: "sensor.front_door_status"}
GENERATE_TARGET = {ATTR_ENTITY_ID: "sensor.kitchen_status"}
MESSAGE = "Someone is at the door"
OK = "ok"
CREDIT_BALANCE = "sensor.ada_example_com_credit_balance"
# Change with every minute a session is live, or with an agent's record.
VOLATILE = (CREDIT_BALANCE, "sensor.ada_example_com_credits_this_hour", "image.")

type States = dict[str, str]


@pytest.fixture(autouse=True)
def _log_info(caplog: pytest.LogCaptureFixture) -> None:
    """Capture INFO and above: what a user's log would show and more."""
    caplog.set_level(logging.INFO)


# Helpers


def entity_ids(hass: HomeAssistant, entry: MockConfigEntry) -> list[str]:
    """Return the entry's enabled entities (agents' and the account's)."""
    return sorted(
        item.entity_id
        for item in er.async_entries_for_config_entry(
            er.async_get(hass), entry.entry_id
        )
        if item.disabled_by is None
    )


def states(hass: HomeAssistant, entry: MockConfigEntry) -> States:
    """Return every entity's state by entity id (but the volatile ones)."""
    result: States = {}
    for entity_id in entity_ids(hass, entry):
        if entity_id.startswith(VOLATILE):
            continue
        state = hass.states.get(entity_id)
        result[entity_id] = state.state if state else "missing"
    return result


def all_unavailable(hass: HomeAssistant, entry: MockConfigEntry) -> bool:
    """Tell whether every entity of the entry is unavailable."""
    current = states(hass, entry)
    return bool(current) and set(current.values()) == {STATE_UNAVAILABLE}


def available_again(
    hass: HomeAssistant, entry: MockConfigEntry, before: States
) -> bool:
    """Tell whether every entity available before the fault is available again.

    Some are unavailable by design: the satellite of an agent nobody can
    hear, gesture buttons without the LiveKit options.
    """
    current = states(hass, entry)
    return all(
        current[entity_id] != STATE_UNAVAILABLE
        for entity_id, state in before.items()
        if state != STATE_UNAVAILABLE
    )


async def seconds_until(
    advance: Advance, condition: Callable[[], bool], limit: float
) -> float:
    """Advance both clocks in steps until `condition` holds; return the time taken.

    Fails the test when it does not hold after `limit` seconds.
    """
    waited = 0.0
    while not condition():
        assert waited < limit, f"not reached within {limit:g} s"
        await advance(STEP)
        waited += STEP
    return waited


async def action(
    hass: HomeAssistant, service: str, data: dict[str, Any], target: dict[str, Any]
) -> str:
    """Call a bitHuman action: "ok", or the translation key of its error.

    Any exception other than a HomeAssistantError fails the test.
    """
    error: HomeAssistantError | None = None
    try:
        await hass.services.async_call(
            DOMAIN, service, data, target=target, blocking=True
        )
    except HomeAssistantError as err:
        error = err
    if error is None:
        return OK
    assert error.translation_domain == DOMAIN
    assert error.translation_key
    return error.translation_key


async def speak(hass: HomeAssistant) -> str:
    """Ask Front Door (live in the hall) to speak."""
    return await action(hass, "speak", {"message": MESSAGE}, SPEAK_TARGET)


async def generate(hass: HomeAssistant) -> str:
    """Ask for Kitchen's dynamics (250 credits)."""
    return await action(hass, "generate_dynamics", {}, GENERATE_TARGET)


def spoken(simulator: Simulator) -> int:
    """Count the messages Front Door was made to say."""
    return len(simulator.messages_for(FRONT_DOOR, kind="speak"))


def assert_charged(simulator: Simulator, expected: int) -> None:
    """Exactly `expected` charges, each with its own Idempotency-Key."""
    charges = simulator.charges(USER_ID)
    keys = [charge.idempotency_key for charge in charges]
    assert None not in keys
    assert len(set(keys)) == len(keys), "a generate was charged twice"
    assert len(charges) == expected


def assert_clean_log(caplog: pytest.LogCaptureFixture) -> None:
    """No exception reached the log as a traceback, and no secret at all."""
    for record in caplog.records:
        message = record.getMessage()
        if record.levelno >= logging.INFO:
            assert record.exc_info is None, f"traceback logged: {message}"
        assert "Traceback" not in message
        assert "Unexpected error" not in message
        assert ACCOUNT_KEY not in message


def log_lines(caplog: pytest.LogCaptureFixture, text: str) -> int:
    """Count the log records that contain `text`."""
    return sum(text in record.getMessage() for record in caplog.records)


def changed_by_generation(entity_id: str) -> bool:
    """Tell whether a generation for Kitchen may have changed this entity."""
    return entity_id == CREDIT_BALANCE or (
        entity_id.startswith(
            (
                "sensor.kitchen_dynamics_status",
                "sensor.kitchen_gestures",
                "binary_sensor.kitchen_dynamics_ready",
                "button.kitchen_",
            )
        )
        and entity_id != "button.kitchen_generate_dynamics"
    )


def assert_recovered(
    hass: HomeAssistant, entry: MockConfigEntry, before: States, simulator: Simulator
) -> None:
    """Everything available and as before, but for a generation that was charged.

    A charged generation must show: its dynamics in motion or done, and the
    credits spent (SPEC: work started from Home Assistant is followed).
    """
    after = states(hass, entry)
    assert available_again(hass, entry, before)
    if not simulator.charges(USER_ID):
        assert after == before
        return
    assert after["sensor.kitchen_dynamics_status"] in {
        "processing",
        "generating",
        "ready",
    }
    assert {k: v for k, v in after.items() if not changed_by_generation(k)} == {
        k: v for k, v in before.items() if not changed_by_generation(k)
    }


async def back_as_before(
    hass: HomeAssistant, entry: MockConfigEntry, advance: Advance, before: States
) -> None:
    """Within one interval every entity is available again, as it was before."""
    await seconds_until(advance, lambda: available_again(hass, entry, before), STEADY)
    assert states(hass, entry) == before


def poll_starts(simulator: Simulator) -> list[float]:
    """Return when each poll began (its agent-list request and retries grouped)."""
    starts: list[float] = []
    last = float("-inf")
    for request in simulator.requests:
        if request.path == "/v1/agents":
            if request.time - last > 4:
                starts.append(request.time)
            last = request.time
    return starts


async def api_wide_fault(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    simulator: Simulator,
    advance: Advance,
    caplog: pytest.LogCaptureFixture,
    *,
    start: Callable[[], object],
    stop: Callable[[], object],
) -> tuple[str, str]:
    """Run a fault that hits every request; return (speak, generate) outcomes.

    Checks: unavailable within 3 minutes, said once in the log, the actions
    answered, back to the same states within one interval of `stop`.
    """
    before = states(hass, entry)
    start()
    await seconds_until(advance, lambda: all_unavailable(hass, entry), STEADY)
    outcomes = (await speak(hass), await generate(hass))
    # A while longer: still unavailable, and the log says it once only.
    await advance(STEADY)
    await advance(STEADY)
    assert all_unavailable(hass, entry)
    stop()
    await seconds_until(advance, lambda: available_again(hass, entry, before), STEADY)
    assert_recovered(hass, entry, before, simulator)
    assert log_lines(caplog, "Error fetching bithuman data") == 1
    assert log_lines(caplog, "Fetching bithuman data recovered") == 1
    assert_clean_log(caplog)
    return outcomes


# Faults on every request


@pytest.mark.parametrize(
    ("fault", "outcome", "done"),
    [
        pytest.param(
            Fault(path="*", status=500, code="INTERNAL_ERROR"), "api_error", 0, id="500"
        ),
        pytest.param(
            Fault(path="*", status=503, code="NO_AVAILABLE_WORKERS", retry_after=5),
            "api_error",
            0,
            id="503",
        ),
        pytest.param(Fault(path="*", drop=True), "cannot_connect", 0, id="dropped"),
        # Truncated and retyped bodies are real answers spoiled on the way
        # back: the work was done, the caller was told it may not have been.
        *(
            pytest.param(
                Fault(path="*", malformed=kind), "unreadable_answer", done, id=kind
            )
            for kind, done in (
                ("invalid_json", 1),
                ("wrong_types", 1),
                ("html", 0),
                ("empty", 0),
                ("not_object", 0),
            )
        ),
    ],
)
async def test_fault_on_every_request(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: Simulator,
    advance: Advance,
    caplog: pytest.LogCaptureFixture,
    fault: Fault,
    outcome: str,
    done: int,
) -> None:
    """Every request fails: unavailable, actions fail, back after; charged once at most."""
    outcomes = await api_wide_fault(
        hass,
        init_integration,
        simulator,
        advance,
        caplog,
        start=lambda: simulator.add_fault(fault),
        stop=lambda: simulator.remove_fault(fault),
    )
    assert outcomes == (outcome, outcome)
    assert spoken(simulator) == done
    assert_charged(simulator, done)
    if fault.status == 500:
        # Generate is retried (same Idempotency-Key); speak never is.
        generates = [r for r in simulator.requests if r.path == "/v1/dynamics/generate"]
        assert len(generates) == 3
        assert len({r.headers["Idempotency-Key"] for r in generates}) == 1
        assert simulator.count("POST", f"/v1/agent/{FRONT_DOOR}/speak") == 1


async def test_fault_500_transient_is_absorbed(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: Simulator,
    advance: Advance,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """One 500 on a poll and one on a generate: retried, nobody notices."""
    before = states(hass, init_integration)
    simulator.add_fault(Fault(path="/v1/agents", status=500, times=1))
    await advance(STEADY)
    assert simulator.count("GET", "/v1/agents") >= 2
    assert states(hass, init_integration) == before

    simulator.add_fault(Fault(path="/v1/dynamics/generate", status=500, times=1))
    assert await generate(hass) == OK
    assert_charged(simulator, 1)

    # A 500 on speak is reported, not resent (it may have been said).
    simulator.add_fault(Fault(path="*/speak", status=500, times=1))
    assert await speak(hass) == "api_error"
    assert await speak(hass) == OK
    assert spoken(simulator) == 1
    assert log_lines(caplog, "Error fetching") == 0
    assert_clean_log(caplog)


# The network


async def test_fault_single_dropped_connection_is_retried(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: Simulator,
    advance: Advance,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """One dropped poll is retried unseen; a dropped speak is reported, not resent."""
    before = states(hass, init_integration)
    simulator.add_fault(Fault(path="/v1/agents", drop=True, times=1))
    await advance(STEADY)
    assert states(hass, init_integration) == before

    # Speaking twice would be worse than not at all: the caller is told.
    simulator.add_fault(Fault(path="*/speak", drop=True, times=1))
    assert await speak(hass) == "cannot_connect"
    assert spoken(simulator) == 0
    assert await speak(hass) == OK
    assert spoken(simulator) == 1

    simulator.add_fault(Fault(path="/v1/dynamics/generate", drop=True, times=2))
    assert await generate(hass) == OK
    assert_charged(simulator, 1)
    assert log_lines(caplog, "Error fetching") == 0
    assert_clean_log(caplog)


@pytest.mark.real_time
async def test_fault_timeouts(
    hass: HomeAssistant,
    config_entry_factory: Callable[..., MockConfigEntry],
    agents: dict[str, str],
    simulator: Simulator,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Answers slower than the client's timeout: unavailable, back after.

    Real time, not frozen (a frozen loop clock never times out): the client's
    timeout is cut to 0.2 s and polls are run by `async_refresh`. A request
    the client gave up on is still carried out by the server, as a real one
    would, so this is also where a lost answer to a generate is retried with
    the same Idempotency-Key and charged once.
    """
    with patch(
        "custom_components.bithuman.BithumanClient",
        partial(BithumanClient, request_timeout=0.2),
    ):
        entry = config_entry_factory(agents=agents)
        entry.add_to_hass(hass)
        assert await hass.config_entries.async_setup(entry.entry_id)
        await hass.async_block_till_done()
    coordinator = entry.runtime_data.coordinator
    before = states(hass, entry)

    slow = simulator.add_fault(Fault(path="*", delay=3.0))
    # As if bitHuman had pushed a change: the next refresh reads the agents.
    coordinator.schedule.agent_changed(FRONT_DOOR)
    await coordinator.async_refresh()
    await hass.async_block_till_done()
    assert all_unavailable(hass, entry)
    assert log_lines(caplog, "Error fetching bithuman data") == 1

    # Speak is not resent after a timeout (it may have been said): the
    # caller hears of it, and it is said at most once.
    assert await speak(hass) == "cannot_connect"
    # Generate is resent with the same key: charged once at most.
    assert await generate(hass) == "cannot_connect"
    generates = [r for r in simulator.requests if r.path == "/v1/dynamics/generate"]
    assert len(generates) == 3
    assert len({r.headers["Idempotency-Key"] for r in generates}) == 1

    simulator.remove_fault(slow)
    coordinator.schedule.agent_changed(FRONT_DOOR)
    await coordinator.async_refresh()
    await hass.async_block_till_done()
    assert available_again(hass, entry, before)
    assert spoken(simulator) <= 1
    assert_charged(simulator, 1)
    # The generation the lost answer started shows up as soon as the API is
    # back, and its credits with it.
    assert_recovered(hass, entry, before, simulator)
    assert log_lines(caplog, "Fetching bithuman data recovered") == 1
    assert_clean_log(caplog)


# Rate limits


async def test_fault_429_storm_with_retry_after(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: Simulator,
    advance: Advance,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Ten minutes of 429 with Retry-After 60.

    Last good state kept for up to 3 minutes, then unavailable; nothing asked
    before Retry-After; back within one interval of the storm ending.
    """
    before = states(hass, init_integration)
    storm = simulator.add_fault(
        Fault(path="*", status=429, code="RATE_LIMITED", retry_after=60)
    )
    simulator.clear_requests()

    # The first rate-limited poll keeps the last good state.
    first = await seconds_until(advance, lambda: simulator.count() > 0, STEADY)
    assert states(hass, init_integration) == before
    assert await speak(hass) == "rate_limited"
    assert await generate(hass) == "rate_limited"

    # Shown at most 3 minutes past the last good read (at setup, just before).
    kept = first + await seconds_until(
        advance, lambda: all_unavailable(hass, init_integration), 2 * STEADY
    )
    assert kept <= UNAVAILABLE_WITHIN + STEP
    for _ in range(int((600 - kept) // STEP)):
        await advance(STEP)
    assert all_unavailable(hass, init_integration)

    polls = [r.time for r in simulator.requests if r.path == "/v1/agents"]
    gaps = [later - earlier for earlier, later in itertools.pairwise(polls)]
    assert len(polls) >= 5
    assert min(gaps) >= 60, "asked again before Retry-After"

    simulator.remove_fault(storm)
    await back_as_before(hass, init_integration, advance, before)
    assert spoken(simulator) == 0
    assert_charged(simulator, 0)
    assert_clean_log(caplog)


async def test_fault_429_short_retry_after_is_waited_out(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: Simulator,
    advance: Advance,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A 429 with a short Retry-After on an action: waited, then done once."""
    before = states(hass, init_integration)
    simulator.add_fault(
        Fault(path="*/speak", status=429, code="RATE_LIMITED", retry_after=2, times=1)
    )
    simulator.add_fault(
        Fault(
            path="/v1/dynamics/generate",
            status=429,
            code="RATE_LIMITED",
            retry_after=2,
            times=1,
        )
    )
    assert await speak(hass) == OK
    assert await generate(hass) == OK
    assert spoken(simulator) == 1
    assert_charged(simulator, 1)
    speaks = [r.time for r in simulator.requests if r.path.endswith("/speak")]
    assert len(speaks) == 2
    assert speaks[1] - speaks[0] >= 2
    await advance(STEADY)
    assert available_again(hass, init_integration, before)
    assert_clean_log(caplog)


# Account


async def test_fault_401_in_the_middle_of_a_run(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: Simulator,
    advance: Advance,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The secret is revoked: reauth starts, polling stops; a new secret heals."""
    before = states(hass, init_integration)
    simulator.revoke_secret(ACCOUNT_KEY)
    await seconds_until(
        advance, lambda: all_unavailable(hass, init_integration), STEADY
    )
    flows = hass.config_entries.flow.async_progress_by_handler(DOMAIN)
    assert [flow["context"]["source"] for flow in flows] == [SOURCE_REAUTH]

    assert await speak(hass) == "auth_failed"
    assert await generate(hass) == "auth_failed"
    # A rejected secret is not tried again and again until the user acts.
    simulator.clear_requests()
    for _ in range(10):
        await advance(60)
    assert simulator.count() == 0
    assert all_unavailable(hass, init_integration)
    # Still one reauth flow, however often the secret was refused.
    assert len(hass.config_entries.flow.async_progress_by_handler(DOMAIN)) == 1

    rotated = "sk_integration_rotated_after_401"
    simulator.add_secret(USER_ID, rotated)
    result = await hass.config_entries.flow.async_configure(
        flows[0]["flow_id"], {CONF_API_SECRET: rotated}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reauth_successful"
    await hass.async_block_till_done()
    assert init_integration.state is ConfigEntryState.LOADED
    assert states(hass, init_integration) == before
    assert await speak(hass) == OK
    assert spoken(simulator) == 1
    assert_charged(simulator, 0)
    assert_clean_log(caplog)


async def test_fault_402_on_generate(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: Simulator,
    advance: Advance,
    caplog: pytest.LogCaptureFixture,
    issue_registry: ir.IssueRegistry,
) -> None:
    """Out of credits: the caller is told, a repair is raised, nothing else moves."""
    before = states(hass, init_integration)
    simulator.set_credits(USER_ID, 100)
    assert await generate(hass) == "insufficient_credits"
    credits_issue = issue_id(ISSUE_INSUFFICIENT_CREDITS, init_integration.entry_id)
    assert issue_registry.async_get_issue(DOMAIN, credits_issue) is not None
    assert_charged(simulator, 0)
    # Speaking costs nothing and still works; the entities stay as they were.
    assert await speak(hass) == OK
    await advance(STEADY)
    current = states(hass, init_integration)
    assert available_again(hass, init_integration, before)
    assert {k: v for k, v in current.items() if "credit" not in k} == {
        k: v for k, v in before.items() if "credit" not in k
    }

    # Topped up: the repair goes at the next account read, and the next
    # generate goes through, once.
    simulator.set_credits(USER_ID, 10_000)
    await advance(900)
    assert issue_registry.async_get_issue(DOMAIN, credits_issue) is None
    assert await generate(hass) == OK
    assert_charged(simulator, 1)
    assert_clean_log(caplog)


# Agents


async def test_fault_agent_deleted_upstream(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: Simulator,
    advance: Advance,
    caplog: pytest.LogCaptureFixture,
    issue_registry: ir.IssueRegistry,
) -> None:
    """Kitchen deleted upstream: its entities go, Front Door's stay; undone, back."""
    before = states(hass, init_integration)
    simulator.delete_agent(KITCHEN)

    def kitchen_gone() -> bool:
        current = states(hass, init_integration)
        return all(
            value == STATE_UNAVAILABLE
            for key, value in current.items()
            if "kitchen" in key
        )

    await seconds_until(advance, kitchen_gone, UNAVAILABLE_WITHIN)
    current = states(hass, init_integration)
    assert {k: v for k, v in current.items() if "kitchen" not in k} == {
        k: v for k, v in before.items() if "kitchen" not in k
    }
    deleted = issue_id(ISSUE_AGENT_DELETED, init_integration.entry_id, KITCHEN)
    assert issue_registry.async_get_issue(DOMAIN, deleted) is not None

    assert await generate(hass) == "agent_not_found"
    assert await speak(hass) == OK
    assert spoken(simulator) == 1
    assert_charged(simulator, 0)

    # Restored upstream (same code): back within one interval, repair withdrawn.
    simulator.add_agent(ACCOUNT_KEY, code=KITCHEN, name="Kitchen", dynamics="none")
    await back_as_before(hass, init_integration, advance, before)
    assert issue_registry.async_get_issue(DOMAIN, deleted) is None
    assert_clean_log(caplog)


# The whole API


@pytest.mark.parametrize("mode", ["drop", "503"])
async def test_fault_api_down_for_10_minutes(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: Simulator,
    advance: Advance,
    caplog: pytest.LogCaptureFixture,
    mode: Any,
) -> None:
    """Ten simulated minutes down: unavailable within 3, back within one poll."""
    before = states(hass, init_integration)
    simulator.set_outage(True, mode=mode)
    down_at = simulator.now()
    waited = await seconds_until(
        advance, lambda: all_unavailable(hass, init_integration), UNAVAILABLE_WITHIN
    )
    assert waited <= UNAVAILABLE_WITHIN

    outcomes = (await speak(hass), await generate(hass))
    expected = "cannot_connect" if mode == "drop" else "api_error"
    assert outcomes == (expected, expected)
    # Every poll during the outage asks once (plus the client's retries),
    # at the steady pace: no hammering of an API that is down.
    simulator.clear_requests()
    while simulator.now() - down_at < 600:
        await advance(STEP)
        assert all_unavailable(hass, init_integration)
    # However Home Assistant is asked meanwhile, polls stay at the steady pace.
    polls = poll_starts(simulator)
    assert len(polls) <= 600 / STEADY + 1
    # Three tries a poll; aiohttp itself resends a GET once when a kept-alive
    # connection is closed under it, so a dropped one may count twice.
    per_poll = 6 if mode == "drop" else 3
    assert simulator.count("GET", "/v1/agents") <= per_poll * len(polls)

    simulator.set_outage(False)
    await back_as_before(hass, init_integration, advance, before)
    assert spoken(simulator) == 0
    assert_charged(simulator, 0)
    assert log_lines(caplog, "Error fetching bithuman data") == 1
    assert log_lines(caplog, "Fetching bithuman data recovered") == 1
    assert_clean_log(caplog)
