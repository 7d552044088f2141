"""Error families and retry rules against the bitHuman API simulator."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import aiohttp
import pytest

from bithuman_simulator import Fault, ManualClock, Simulator
from custom_components.bithuman.api import (
    BithumanAgentNotFoundError,
    BithumanAuthenticationError,
    BithumanClient,
    BithumanConflictError,
    BithumanConnectionError,
    BithumanError,
    BithumanInsufficientCreditsError,
    BithumanNoLiveSessionError,
    BithumanRateLimitError,
    BithumanResponseError,
    BithumanServerError,
    BithumanTimeoutError,
    BithumanUnavailableError,
    BithumanValidationError,
    RetryPolicy,
)

from .conftest import SIM_SECRET, ClockSleep, LossyProxy, sim_client

type Call = Callable[[BithumanClient], Awaitable[Any]]


def keys(simulator: Simulator, path: str) -> list[str]:
    """Return the Idempotency-Key of every request to ``path``."""
    return [
        request.headers.get("Idempotency-Key", "")
        for request in simulator.requests
        if request.path == path
    ]


# Authentication


async def test_invalid_secret(
    simulator_url: str, simulator: Simulator, session: aiohttp.ClientSession
) -> None:
    simulator.add_account(SIM_SECRET)
    client = BithumanClient(session, "sk_wrong_secret", base_url=simulator_url)
    with pytest.raises(BithumanAuthenticationError) as err:
        await client.get_account()
    assert (err.value.status, err.value.code) == (401, "UNAUTHORIZED")
    assert "sk_wrong_secret" not in str(err.value)
    assert "sk_wrong_secret" not in repr(err.value)


async def test_missing_secret(
    simulator_url: str, session: aiohttp.ClientSession
) -> None:
    client = BithumanClient(session, "", base_url=simulator_url)
    with pytest.raises(BithumanAuthenticationError) as err:
        await client.list_agents()
    assert (err.value.status, err.value.code) == (401, "MISSING_AUTH")


@pytest.mark.parametrize("status", [401, 403])
async def test_suspended_account(
    client: BithumanClient, simulator: Simulator, status: int
) -> None:
    simulator.set_account_status(SIM_SECRET, "suspended", http_status=status)
    with pytest.raises(BithumanError) as err:
        await client.get_account()
    assert (err.value.status, err.value.code) == (status, "ACCOUNT_SUSPENDED")
    assert await client.validate() is False


# Credits, not found, conflict, validation


async def test_insufficient_credits(
    client: BithumanClient, simulator: Simulator, clock_sleep: ClockSleep
) -> None:
    simulator.add_agent(SIM_SECRET, code="A1")
    simulator.set_credits(SIM_SECRET, 100)
    with pytest.raises(BithumanInsufficientCreditsError) as err:
        await client.generate_dynamics("A1")
    assert (err.value.status, err.value.code) == (402, "INSUFFICIENT_BALANCE")
    with pytest.raises(BithumanInsufficientCreditsError):
        await client.generate_agent(prompt="Hi")
    assert simulator.charges(SIM_SECRET) == []
    assert clock_sleep.delays == []


@pytest.mark.parametrize(
    "call",
    [
        lambda c: c.get_agent("A404"),
        lambda c: c.update_prompt("A404", "x"),
        lambda c: c.speak("A404", "x"),
        lambda c: c.add_context("A404", "x"),
        lambda c: c.get_dynamics("A404"),
        lambda c: c.generate_dynamics("A404"),
        lambda c: c.set_dynamics_enabled("A404", True),
        lambda c: c.request_embed_token("A404", "abc"),
    ],
)
async def test_agent_not_found(client: BithumanClient, call: Call) -> None:
    with pytest.raises(BithumanAgentNotFoundError) as err:
        await call(client)
    assert (err.value.status, err.value.code) == (404, "NOT_FOUND")
    assert err.value.message == "Agent not found for code: A404"


@pytest.mark.parametrize(
    ("rooms", "call"),
    [
        ([], lambda c: c.speak("A1", "Hello")),
        ([], lambda c: c.add_context("A1", "Fact")),
        (["lobby"], lambda c: c.speak("A1", "Hello", room_id="elsewhere")),
    ],
)
async def test_no_live_session(
    client: BithumanClient, simulator: Simulator, rooms: list[str], call: Call
) -> None:
    simulator.add_agent(SIM_SECRET, code="A1", live_rooms=rooms)
    with pytest.raises(BithumanNoLiveSessionError) as err:
        await call(client)
    assert not isinstance(err.value, BithumanAgentNotFoundError)
    assert err.value.message == "No active rooms found for agent A1"
    assert simulator.messages == []


async def test_conflict(client: BithumanClient, simulator: Simulator) -> None:
    simulator.add_agent(SIM_SECRET, code="A1", model="expression-1")
    simulator.add_fault(
        Fault(
            path="/v1/embed-tokens/request",
            status=409,
            code="MODEL_NOT_GENERATED",
            times=1,
        )
    )
    with pytest.raises(BithumanConflictError) as err:
        await client.request_embed_token("A1", "abc")
    assert (err.value.status, err.value.code) == (409, "MODEL_NOT_GENERATED")
    simulator.add_fault(Fault(status=409, code="AGENT_NOT_READY", times=1))
    with pytest.raises(BithumanConflictError) as err:
        await client.get_agent("A1")
    assert err.value.code == "AGENT_NOT_READY"


@pytest.mark.parametrize(
    ("call", "status", "code"),
    [
        (
            lambda c: c.generate_agent(prompt="Hi", model="essence-9"),
            400,
            "VALIDATION_ERROR",
        ),
        (
            lambda c: c.generate_agent(prompt="Hi", aspect_ratio="4:3"),
            400,
            "VALIDATION_ERROR",
        ),
        (
            lambda c: c.generate_agent(prompt="A cartoon dragon", model="essence-2"),
            422,
            "MODEL_SUBJECT_MISMATCH",
        ),
        (lambda c: c.generate_dynamics("A1", duration=60), 400, "VALIDATION_ERROR"),
        (lambda c: c.speak("A1", "   "), 400, "VALIDATION_ERROR"),
        (
            lambda c: c.create_webhook("ftp://example.com", description="x"),
            400,
            "VALIDATION_ERROR",
        ),
        (
            lambda c: c.create_webhook("http://example.com/h", description="x"),
            400,
            "VALIDATION_ERROR",
        ),
        (lambda c: c.synthesize("Hi", voice="Z9"), 400, "VALIDATION_ERROR"),
        (lambda c: c.synthesize("Hi", speed=3.0), 400, "VALIDATION_ERROR"),
        (lambda c: c.synthesize("Hi", language="xx"), 400, "VALIDATION_ERROR"),
    ],
)
async def test_validation_errors(
    client: BithumanClient,
    simulator: Simulator,
    call: Call,
    status: int,
    code: str,
) -> None:
    simulator.add_agent(SIM_SECRET, code="A1", live_rooms=["lobby"])
    with pytest.raises(BithumanValidationError) as err:
        await call(client)
    assert (err.value.status, err.value.code) == (status, code)
    assert simulator.charges(SIM_SECRET) == []


# Rate limits


async def test_rate_limit_waits_retry_after_then_retries_once(
    client: BithumanClient, simulator: Simulator, clock_sleep: ClockSleep
) -> None:
    simulator.set_account_status(SIM_SECRET, "active")
    simulator.accounts[simulator.account(SIM_SECRET).user_id].plan = "free"
    for _ in range(4):
        await client.generate_agent(prompt="Hi")
    assert clock_sleep.delays == []
    started = await client.generate_agent(prompt="Hi")
    # The free generate bucket holds 4 and refills one every 15 s: the fifth
    # waits (for a token, or for the 429's Retry-After) and is charged once.
    assert sum(clock_sleep.delays) >= 15.0
    fifth = [r for r in simulator.requests if r.path == "/v1/agent/generate"][4:]
    assert len({r.headers["Idempotency-Key"] for r in fifth}) == 1
    charges = simulator.charges(SIM_SECRET)
    assert len(charges) == 5
    assert charges[-1].agent_code == started.agent_id


async def test_rate_limit_after_the_one_retry_is_raised(
    client: BithumanClient, simulator: Simulator, clock_sleep: ClockSleep
) -> None:
    simulator.add_agent(SIM_SECRET, code="A1", live_rooms=["lobby"])
    simulator.add_fault(
        Fault(path="/v1/agent/*/speak", status=429, code="RATE_LIMITED", retry_after=3)
    )
    with pytest.raises(BithumanRateLimitError) as err:
        await client.speak("A1", "Hello")
    assert err.value.retry_after == 3.0
    attempts = simulator.count("POST", "/v1/agent/A1/speak")
    assert 2 <= attempts <= 3
    assert clock_sleep.delays == [3.0] * (attempts - 1)
    assert simulator.messages == []


async def test_rate_limit_beyond_the_cap_is_raised_at_once(
    client: BithumanClient, simulator: Simulator, clock_sleep: ClockSleep
) -> None:
    simulator.add_fault(Fault(status=429, code="RATE_LIMITED", retry_after=120))
    with pytest.raises(BithumanRateLimitError) as err:
        await client.get_account()
    assert (err.value.status, err.value.code, err.value.retry_after) == (
        429,
        "RATE_LIMITED",
        120.0,
    )
    assert clock_sleep.delays == []
    assert simulator.count("GET", "/v1/me") == 1


# Server errors and retries


async def test_get_retried_on_5xx_then_succeeding(
    client: BithumanClient, simulator: Simulator, clock_sleep: ClockSleep
) -> None:
    simulator.add_agent(SIM_SECRET, code="A1")
    simulator.add_fault(Fault(path="/v1/agent/A1", method="GET", status=500, times=2))
    agent = await client.get_agent("A1")
    assert agent.code == "A1"
    assert simulator.count("GET", "/v1/agent/A1") == 3
    assert clock_sleep.delays == [1.0, 2.0]


async def test_server_error_after_every_attempt(
    client: BithumanClient, simulator: Simulator
) -> None:
    simulator.add_fault(
        Fault(status=500, code="INTERNAL_ERROR", message="Database down")
    )
    with pytest.raises(BithumanServerError) as err:
        await client.list_webhooks()
    assert type(err.value) is BithumanServerError
    assert (err.value.status, err.value.code, err.value.message) == (
        500,
        "INTERNAL_ERROR",
        "Database down",
    )
    assert simulator.count("GET", "/v1/webhooks") == 3


async def test_unavailable(client: BithumanClient, simulator: Simulator) -> None:
    simulator.set_outage(True, mode="503")
    with pytest.raises(BithumanUnavailableError) as err:
        await client.get_account()
    assert (err.value.status, err.value.code) == (503, "NO_AVAILABLE_WORKERS")
    assert simulator.count("GET", "/v1/me") == 3
    simulator.set_outage(False)
    assert (await client.get_account()).credit_balance == 10_000


@pytest.mark.parametrize(
    ("call", "path"),
    [
        (lambda c: c.speak("A1", "Hello"), "/v1/agent/A1/speak"),
        (lambda c: c.add_context("A1", "Fact"), "/v1/agent/A1/add-context"),
        (lambda c: c.update_prompt("A1", "New"), "/v1/agent/A1"),
        (
            lambda c: c.create_webhook("https://example.com/h", description="x"),
            "/v1/webhooks",
        ),
    ],
)
async def test_unsafe_writes_not_retried_on_500(
    client: BithumanClient,
    simulator: Simulator,
    clock_sleep: ClockSleep,
    call: Call,
    path: str,
) -> None:
    simulator.add_agent(SIM_SECRET, code="A1", live_rooms=["lobby"])
    simulator.add_fault(Fault(path=path, method="POST", status=500, times=1))
    with pytest.raises(BithumanServerError):
        await call(client)
    assert simulator.count("POST", path) == 1
    assert clock_sleep.delays == []


async def test_generate_after_a_lost_500_is_charged_once(
    client: BithumanClient, simulator: Simulator, clock_sleep: ClockSleep
) -> None:
    """The simulator processes (and charges) the request, then answers a 500."""
    simulator.add_fault(
        Fault(
            path="/v1/agent/generate",
            malformed="invalid_json",
            status=500,
            times=1,
        )
    )
    started = await client.generate_agent(prompt="Hi")
    sent = keys(simulator, "/v1/agent/generate")
    assert len(sent) == 2
    assert sent[0] == sent[1] != ""
    [charge] = simulator.charges(SIM_SECRET)
    assert (charge.amount, charge.idempotency_key) == (250, sent[0])
    assert charge.agent_code == started.agent_id
    assert len(simulator.agents) == 1
    assert clock_sleep.delays == [1.0]


async def test_generate_dynamics_after_a_lost_500_is_charged_once(
    client: BithumanClient, simulator: Simulator
) -> None:
    simulator.add_agent(SIM_SECRET, code="A1")
    simulator.add_fault(
        Fault(
            path="/v1/dynamics/generate", malformed="invalid_json", status=502, times=1
        )
    )
    started = await client.generate_dynamics("A1")
    assert started.agent_id == "A1"
    sent = keys(simulator, "/v1/dynamics/generate")
    assert len(sent) == 2
    assert sent[0] == sent[1]
    assert [entry.amount for entry in simulator.charges(SIM_SECRET)] == [250]


@pytest.fixture
def proxied_client(
    lossy_proxy: LossyProxy,
    sim_account: Any,
    session: aiohttp.ClientSession,
    sim_policy: RetryPolicy,
) -> BithumanClient:
    """Return a client reaching the simulator through the lossy proxy."""
    return BithumanClient(
        session, SIM_SECRET, base_url=lossy_proxy.url, retry=sim_policy
    )


@pytest.fixture
def impatient_client(
    simulator_url: str,
    sim_account: Any,
    session: aiohttp.ClientSession,
    sim_policy: RetryPolicy,
) -> BithumanClient:
    """Return a client of the simulator that waits 0.1 s for each answer."""
    return sim_client(session, simulator_url, sim_policy, 0.1)


@pytest.mark.parametrize(
    ("path", "call"),
    [
        ("/v1/agent/generate", lambda c: c.generate_agent(prompt="Hi")),
        ("/v1/dynamics/generate", lambda c: c.generate_dynamics("A1")),
    ],
)
async def test_generate_after_a_dropped_answer_is_charged_once(
    proxied_client: BithumanClient,
    lossy_proxy: LossyProxy,
    simulator: Simulator,
    path: str,
    call: Call,
) -> None:
    """The request reaches the simulator; its answer is lost on the way back."""
    simulator.add_agent(SIM_SECRET, code="A1")
    lossy_proxy.lose[path] = 1
    await call(proxied_client)
    sent = keys(simulator, path)
    assert len(sent) == 2
    assert sent[0] == sent[1]
    assert len(simulator.charges(SIM_SECRET)) == 1


async def test_generate_first_attempt_dropped_before_processing(
    client: BithumanClient, simulator: Simulator
) -> None:
    simulator.add_fault(Fault(path="/v1/agent/generate", drop=True, times=1))
    await client.generate_agent(prompt="Hi")
    sent = keys(simulator, "/v1/agent/generate")
    assert len(sent) == 2
    assert sent[0] == sent[1]
    assert len(simulator.charges(SIM_SECRET)) == 1


# Transport failures


async def test_timeout(
    impatient_client: BithumanClient, simulator: Simulator, clock_sleep: ClockSleep
) -> None:
    simulator.add_fault(Fault(path="/v1/me", delay=5.0))
    with pytest.raises(BithumanTimeoutError) as err:
        await impatient_client.get_account()
    assert err.value.status is None
    assert simulator.count("GET", "/v1/me") == 3
    assert clock_sleep.delays == [1.0, 2.0]


async def test_timeout_then_answer(
    impatient_client: BithumanClient, simulator: Simulator
) -> None:
    simulator.add_fault(Fault(path="/v1/me", delay=5.0, times=1))
    assert (await impatient_client.get_account()).email == "ada@example.com"


async def test_speak_timeout_is_not_retried(
    impatient_client: BithumanClient, simulator: Simulator
) -> None:
    simulator.add_agent(SIM_SECRET, code="A1", live_rooms=["lobby"])
    simulator.add_fault(Fault(path="/v1/agent/A1/speak", delay=5.0, times=1))
    with pytest.raises(BithumanTimeoutError):
        await impatient_client.speak("A1", "Hello")
    assert simulator.count("POST", "/v1/agent/A1/speak") == 1


async def test_dropped_connection_is_retried(
    client: BithumanClient, simulator: Simulator
) -> None:
    simulator.add_fault(Fault(path="/v1/me", drop=True, times=1))
    assert (await client.get_account()).email == "ada@example.com"
    assert simulator.count("GET", "/v1/me") == 2


async def test_outage(client: BithumanClient, simulator: Simulator) -> None:
    simulator.set_outage(True)
    with pytest.raises(BithumanConnectionError) as err:
        await client.list_agents()
    assert not isinstance(err.value, BithumanTimeoutError)
    assert err.value.status is None
    assert SIM_SECRET not in str(err.value)
    with pytest.raises(BithumanConnectionError):
        await client.speak("A1", "Hello")
    simulator.set_outage(False)
    assert (await client.list_agents()).agents == {}


async def test_server_gone(
    session: aiohttp.ClientSession, sim_policy: RetryPolicy
) -> None:
    client = BithumanClient(
        session, SIM_SECRET, base_url="http://127.0.0.1:1", retry=sim_policy
    )
    with pytest.raises(BithumanConnectionError):
        await client.validate()


# Malformed bodies


@pytest.mark.parametrize(
    "malformed", ["invalid_json", "html", "wrong_types", "empty", "not_object"]
)
@pytest.mark.parametrize(
    "call",
    [
        lambda c: c.get_agent("A1"),
        lambda c: c.list_agents(),
        lambda c: c.get_dynamics("A1"),
        lambda c: c.get_account(),
        lambda c: c.list_live_sessions("user-1"),
        lambda c: c.list_voices(),
        lambda c: c.speak("A1", "Hello"),
        lambda c: c.validate(),
        lambda c: c.create_webhook("https://example.com/h", description="x"),
    ],
)
async def test_malformed_success_bodies(
    client: BithumanClient,
    simulator: Simulator,
    clock_sleep: ClockSleep,
    malformed: Any,
    call: Call,
) -> None:
    simulator.add_agent(SIM_SECRET, code="A1", live_rooms=["lobby"], dynamics="ready")
    simulator.add_fault(Fault(malformed=malformed))
    with pytest.raises(BithumanResponseError) as err:
        await call(client)
    assert err.value.status is None
    assert clock_sleep.delays == []


async def test_retyped_generate_answer_reads_as_started_unnamed(
    client: BithumanClient, simulator: Simulator
) -> None:
    """The docs show a 200 without agent_id: a retyped one is read the same way."""
    simulator.add_fault(Fault(malformed="wrong_types"))
    generation = await client.generate_agent(prompt="Hi")
    assert generation.agent_id is None


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        (502, BithumanServerError),
        (503, BithumanUnavailableError),
        (404, BithumanError),
        (401, BithumanAuthenticationError),
    ],
)
async def test_html_error_pages(
    client: BithumanClient,
    simulator: Simulator,
    status: int,
    expected: type[BithumanError],
) -> None:
    simulator.add_fault(Fault(malformed="html", status=status))
    with pytest.raises(expected) as err:
        await client.get_agent("A1")
    assert err.value.status == status
    assert err.value.code is None
    assert not isinstance(err.value, BithumanAgentNotFoundError)


async def test_wrong_types_in_a_list_keep_what_can_be_read(
    client: BithumanClient, simulator: Simulator, sim_clock: ManualClock
) -> None:
    simulator.add_agent(SIM_SECRET, code="A1")
    simulator.add_fault(Fault(path="/v1/agents", malformed="wrong_types", times=1))
    with pytest.raises(BithumanResponseError):
        await client.list_agents()
    assert list((await client.list_agents()).agents) == ["A1"]
