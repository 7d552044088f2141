"""When the client retries, how long it waits, and the Retry-After parser."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import aiohttp
from hypothesis import given, strategies as st
import pytest

from custom_components.bithuman.api import (
    DEFAULT_REQUEST_TIMEOUT,
    RETRY_AFTER_CAP,
    BithumanClient,
    BithumanConnectionError,
    BithumanError,
    BithumanNotFoundError,
    BithumanRateLimitError,
    BithumanServerError,
    BithumanTimeoutError,
    BithumanUnavailableError,
    RetryPolicy,
    parse_retry_after,
    retry as retry_module,
)

from .conftest import SECRET, RecordingSleep, Reply, Stub

type Call = Callable[[BithumanClient], Awaitable[object]]

NOW = datetime(2026, 5, 1, 12, 0, tzinfo=UTC)
ACCOUNT_BODY = {"user_id": "u"}
DELIVERY_BODY = {"agent_code": "A1", "delivered_to_rooms": 1}
ACCOUNT = Reply(body=ACCOUNT_BODY)
DELIVERY = Reply(body=DELIVERY_BODY)
SERVER_ERROR = Reply(500, {"error": {"code": "INTERNAL_ERROR", "message": "Oops"}})
UNAVAILABLE = Reply(503, {"error": {"code": "NO_AVAILABLE_WORKERS", "message": "Busy"}})
# A gateway's own 503 (its timeout): the request may have reached bitHuman.
PROXY_UNAVAILABLE = Reply(503, {"message": "upstream request timeout"})
NOT_FOUND = Reply(404, {"error": {"code": "NOT_FOUND", "message": "Agent not found"}})
DROP = Reply(drop=True)

UNSAFE_CALLS: dict[str, Call] = {
    "speak": lambda c: c.speak("A1", "Hello"),
    "add_context": lambda c: c.add_context("A1", "Fact"),
    "update_prompt": lambda c: c.update_prompt("A1", "Be kind"),
    "create_webhook": lambda c: c.create_webhook("https://e.com/h", description="d"),
}


def rate_limited(retry_after: str | None = None) -> Reply:
    headers = {} if retry_after is None else {"Retry-After": retry_after}
    body = {"error": {"code": "RATE_LIMITED", "message": "Too many"}}
    return Reply(429, body, headers)


def attempting_client(
    session: aiohttp.ClientSession,
    url: str,
    sleep: RecordingSleep,
    attempts: int,
    timeout: float = DEFAULT_REQUEST_TIMEOUT,
) -> BithumanClient:
    """Return a client of `url` making `attempts` attempts, sleeping on `sleep`."""
    retry = RetryPolicy(attempts=attempts, sleep=sleep)
    return BithumanClient(
        session, SECRET, base_url=url, request_timeout=timeout, retry=retry
    )


# The policy


@given(
    retry=st.integers(min_value=1, max_value=1000),
    base=st.floats(min_value=0, max_value=100),
    cap=st.floats(min_value=0, max_value=1_000),
    jitter=st.floats(min_value=-1, max_value=2),
)
def test_backoff_stays_in_the_upper_half_of_its_window(
    retry: int, base: float, cap: float, jitter: float
) -> None:
    policy = RetryPolicy(base_delay=base, max_delay=cap, random=lambda: jitter)
    delay = policy.backoff(retry)
    ceiling = min(cap, base * 2.0 ** (retry - 1))
    assert ceiling / 2 <= delay <= ceiling
    assert delay <= cap


def test_backoff_of_a_huge_retry_number_is_the_cap() -> None:
    policy = RetryPolicy(base_delay=100, max_delay=7, random=lambda: 1.0)
    assert policy.backoff(10**6) == 7


@pytest.mark.parametrize(
    ("jitter", "delays"),
    [(1.0, [1, 2, 4, 5, 5]), (0.0, [0.5, 1, 2, 2.5, 2.5])],
    ids=["top-of-window", "bottom-of-window"],
)
def test_backoff_grows_exponentially_to_the_cap(
    jitter: float, delays: list[float]
) -> None:
    policy = RetryPolicy(base_delay=1, max_delay=5, random=lambda: jitter)
    assert [policy.backoff(n) for n in range(1, 6)] == delays


def test_default_jitter_varies() -> None:
    policy = RetryPolicy()
    delays = {policy.backoff(3) for _ in range(50)}
    assert len(delays) > 1
    assert all(2.0 <= delay <= 4.0 for delay in delays)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"attempts": 0},
        {"base_delay": -1},
        {"max_delay": float("inf")},
        {"max_retry_after": float("nan")},
    ],
)
def test_a_policy_that_cannot_work_is_refused(kwargs: dict[str, float]) -> None:
    with pytest.raises(ValueError, match="must be"):
        RetryPolicy(**kwargs)  # type: ignore[arg-type]


async def test_policy_without_sleep_waits_with_the_module_sleep(
    monkeypatch: pytest.MonkeyPatch, recorded_sleep: RecordingSleep
) -> None:
    monkeypatch.setattr(retry_module, "sleep", recorded_sleep)
    await RetryPolicy().wait(2.5)
    assert recorded_sleep.delays == [2.5]


async def test_module_sleep_gives_the_loop_to_other_work() -> None:
    ran = asyncio.Event()
    asyncio.get_running_loop().call_soon(ran.set)
    await retry_module.sleep(0)
    assert ran.is_set()


# Retry-After


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("6", 6.0),
        (" 120 ", 120.0),
        ("1.5", 1.5),
        ("0", 0.0),
        ("-3", 0.0),
        ("600", 600.0),
        ("3600", 600.0),
        ("1e400", 600.0),
        ("inf", 600.0),
        (format_datetime(NOW + timedelta(seconds=30), usegmt=True), 30.0),
        ("Fri, 01 May 2026 12:00:45 GMT", 45.0),
        ("Fri, 01 May 2026 12:00:45 -0000", 45.0),
        ("Thu, 01 Jan 2099 00:00:00 GMT", 600.0),
        (format_datetime(NOW - timedelta(hours=1), usegmt=True), 0.0),
        (None, None),
        ("", None),
        ("soon", None),
        ("nan", None),
        ("Fri, 99 Foo 2026 99:99:99 GMT", None),
        ("Fri, 01 May 99999 12:00:45 GMT", None),
        ("Mon, 01 Jan 0001 00:00:00 GMT", 0.0),
        ("Fri, 01 May 2026 12:00:45 +9900", None),
    ],
)
def test_parse_retry_after_reads_seconds_and_dates_capped(
    header: str | None, expected: float | None
) -> None:
    assert parse_retry_after(header, now=NOW.timestamp()) == expected


def test_parse_retry_after_date_uses_the_clock() -> None:
    future = datetime.now(UTC) + timedelta(seconds=100)
    parsed = parse_retry_after(format_datetime(future, usegmt=True))
    assert parsed is not None
    assert 90 <= parsed <= 100


retry_after_headers = (
    st.text()
    | st.integers().map(str)
    | st.floats().map(str)
    | st.datetimes(timezones=st.just(UTC)).map(
        lambda when: format_datetime(when, usegmt=True)
    )
)


@given(retry_after_headers)
def test_parse_retry_after_is_none_or_between_zero_and_the_cap(header: str) -> None:
    parsed = parse_retry_after(header, now=NOW.timestamp())
    assert parsed is None or 0 <= parsed <= RETRY_AFTER_CAP


# Retries against the stub


async def test_safe_request_retries_with_growing_backoff_then_gives_up(
    stub: Stub, stub_client: BithumanClient, recorded_sleep: RecordingSleep
) -> None:
    stub.script(SERVER_ERROR)
    with pytest.raises(BithumanServerError) as err:
        await stub_client.get_account()
    assert (err.value.status, err.value.code) == (500, "INTERNAL_ERROR")
    assert len(stub.requests) == 3
    assert recorded_sleep.delays == [1.0, 2.0]


async def test_safe_request_retries_then_succeeds(
    stub: Stub, stub_client: BithumanClient, recorded_sleep: RecordingSleep
) -> None:
    stub.script(Reply(502, b"<html>Bad gateway</html>"), ACCOUNT)
    assert (await stub_client.get_account()).user_id == "u"
    assert recorded_sleep.delays == [1.0]


async def test_503_is_retried_with_backoff_for_a_safe_request(
    stub: Stub, stub_client: BithumanClient, recorded_sleep: RecordingSleep
) -> None:
    stub.script(UNAVAILABLE, UNAVAILABLE, ACCOUNT)
    assert (await stub_client.get_account()).user_id == "u"
    assert recorded_sleep.delays == [1.0, 2.0]


@pytest.mark.parametrize("call", UNSAFE_CALLS.values(), ids=UNSAFE_CALLS)
@pytest.mark.parametrize(
    "failure",
    [SERVER_ERROR, PROXY_UNAVAILABLE, DROP],
    ids=["500", "503-from-a-proxy", "drop"],
)
async def test_unsafe_writes_are_not_retried_after_the_server_may_have_acted(
    stub: Stub,
    stub_client: BithumanClient,
    recorded_sleep: RecordingSleep,
    call: Call,
    failure: Reply,
) -> None:
    stub.script(failure, DELIVERY)
    with pytest.raises((BithumanServerError, BithumanConnectionError)):
        await call(stub_client)
    assert len(stub.requests) == 1
    assert recorded_sleep.delays == []


@pytest.mark.parametrize("call", UNSAFE_CALLS.values(), ids=UNSAFE_CALLS)
async def test_unsafe_writes_are_retried_when_all_workers_were_busy(
    stub: Stub,
    stub_client: BithumanClient,
    recorded_sleep: RecordingSleep,
    call: Call,
) -> None:
    """BitHuman's 503 "all workers busy" took nothing on: even speak is sent again."""
    answer = DELIVERY_BODY | {"id": "wh_1", "secret": "whsec_1"}
    stub.script(UNAVAILABLE, UNAVAILABLE, Reply(body=answer))
    await call(stub_client)
    assert len(stub.requests) == 3
    assert recorded_sleep.delays == [1.0, 2.0]


@pytest.mark.parametrize("failure", [SERVER_ERROR, DROP], ids=["500", "drop"])
async def test_billed_generation_is_retried_with_the_same_idempotency_key(
    stub: Stub,
    stub_client: BithumanClient,
    recorded_sleep: RecordingSleep,
    failure: Reply,
) -> None:
    stub.script(failure, Reply(body={"agent_id": "A9", "status": "processing"}))
    started = await stub_client.generate_agent(prompt="Hi")
    assert started.agent_id == "A9"
    assert len(stub.requests) == 2
    assert len({seen.headers["Idempotency-Key"] for seen in stub.requests}) == 1
    assert recorded_sleep.delays == [1.0]


@pytest.mark.parametrize(
    ("retry_after", "delay"), [("7", 7.0), ("0", 1.0)], ids=["longer", "shorter"]
)
async def test_server_retry_after_within_the_limit_lengthens_the_backoff(
    stub: Stub,
    stub_client: BithumanClient,
    recorded_sleep: RecordingSleep,
    retry_after: str,
    delay: float,
) -> None:
    busy = Reply(503, {"error": {"code": "NO_AVAILABLE_WORKERS"}})
    stub.script(Reply(503, busy.body, {"Retry-After": retry_after}), ACCOUNT)
    await stub_client.get_account()
    assert recorded_sleep.delays == [delay]


@pytest.mark.parametrize(
    ("failure", "expected"),
    [
        (Reply(503, b"", {"Retry-After": "3600"}), BithumanUnavailableError),
        (
            Reply(503, b"", {"Retry-After": "Thu, 01 Jan 2099 00:00:00 GMT"}),
            BithumanUnavailableError,
        ),
        (rate_limited("3600"), BithumanRateLimitError),
        (rate_limited("Thu, 01 Jan 2099 00:00:00 GMT"), BithumanRateLimitError),
    ],
    ids=["503-seconds", "503-date", "429-seconds", "429-date"],
)
async def test_retry_after_over_the_limit_is_capped_and_raised_at_once(
    stub: Stub,
    stub_client: BithumanClient,
    recorded_sleep: RecordingSleep,
    failure: Reply,
    expected: type[BithumanError],
) -> None:
    stub.script(failure, ACCOUNT)
    with pytest.raises(expected) as err:
        await stub_client.get_account()
    assert err.value.retry_after == RETRY_AFTER_CAP
    assert len(stub.requests) == 1
    assert recorded_sleep.delays == []


async def test_rate_limit_just_over_max_retry_after_is_raised_at_once(
    stub: Stub, stub_client: BithumanClient, recorded_sleep: RecordingSleep
) -> None:
    stub.script(rate_limited("31"), ACCOUNT)
    with pytest.raises(BithumanRateLimitError) as err:
        await stub_client.get_account()
    assert (err.value.status, err.value.code) == (429, "RATE_LIMITED")
    assert err.value.retry_after == 31.0
    assert len(stub.requests) == 1
    assert recorded_sleep.delays == []


@pytest.mark.parametrize("call", [lambda c: c.get_account(), UNSAFE_CALLS["speak"]])
async def test_rate_limit_waits_retry_after_then_retries(
    stub: Stub, stub_client: BithumanClient, recorded_sleep: RecordingSleep, call: Call
) -> None:
    """A 429 means the request was not processed: even speak is retried."""
    stub.script(rate_limited("6"), Reply(body=ACCOUNT_BODY | DELIVERY_BODY))
    await call(stub_client)
    assert recorded_sleep.delays == [6.0]
    assert len(stub.requests) == 2


@pytest.mark.parametrize("retry_after", [None, "tomorrow"], ids=["missing", "garbage"])
async def test_rate_limit_without_usable_retry_after_backs_off_up_to_attempts(
    stub: Stub,
    stub_client: BithumanClient,
    recorded_sleep: RecordingSleep,
    retry_after: str | None,
) -> None:
    stub.script(rate_limited(retry_after))
    with pytest.raises(BithumanRateLimitError) as err:
        await stub_client.speak("A1", "Hello")
    assert err.value.retry_after is None
    assert len(stub.requests) == 3
    assert recorded_sleep.delays == [1.0, 2.0]


@pytest.mark.parametrize(
    ("script", "call", "expected", "requests", "delays"),
    [
        pytest.param(
            [rate_limited("2")],
            lambda c: c.get_account(),
            BithumanRateLimitError,
            3,
            [2.0, 2.0],
            id="repeated-rate-limits-until-attempts-run-out",
        ),
        pytest.param(
            [rate_limited("1"), SERVER_ERROR, SERVER_ERROR, ACCOUNT],
            lambda c: c.get_account(),
            BithumanServerError,
            3,
            [1.0, 2.0],
            id="rate-limits-and-server-errors-share-the-attempts",
        ),
        pytest.param(
            [NOT_FOUND, ACCOUNT],
            lambda c: c.get_agent("A1"),
            BithumanNotFoundError,
            1,
            [],
            id="not-found-is-not-retried",
        ),
    ],
)
async def test_failures_are_retried_only_while_attempts_last(
    stub: Stub,
    stub_client: BithumanClient,
    recorded_sleep: RecordingSleep,
    script: list[Reply],
    call: Call,
    expected: type[BithumanError],
    requests: int,
    delays: list[float],
) -> None:
    stub.script(*script)
    with pytest.raises(expected):
        await call(stub_client)
    assert recorded_sleep.delays == delays
    assert len(stub.requests) == requests


async def test_timeout_is_retried_then_raised(
    stub: Stub, session: aiohttp.ClientSession, recorded_sleep: RecordingSleep
) -> None:
    client = attempting_client(session, stub.url, recorded_sleep, 2, timeout=0.05)
    stub.script(Reply(delay=1.0))
    with pytest.raises(BithumanTimeoutError) as err:
        await client.get_account()
    assert err.value.status is None
    assert "0.05 s" in err.value.message
    assert len(stub.requests) == 2
    assert len(recorded_sleep.delays) == 1


async def test_refused_connection_is_retried_then_raised(
    session: aiohttp.ClientSession, recorded_sleep: RecordingSleep
) -> None:
    client = attempting_client(session, "http://127.0.0.1:9", recorded_sleep, 2)
    with pytest.raises(BithumanConnectionError) as err:
        await client.list_webhooks()
    assert not isinstance(err.value, BithumanTimeoutError)
    assert err.value.__cause__ is None
    assert len(recorded_sleep.delays) == 1


async def test_single_attempt_policy_never_retries(
    stub: Stub, session: aiohttp.ClientSession, recorded_sleep: RecordingSleep
) -> None:
    client = attempting_client(session, stub.url, recorded_sleep, 1)
    stub.script(rate_limited("1"), ACCOUNT)
    with pytest.raises(BithumanRateLimitError):
        await client.get_account()
    assert recorded_sleep.delays == []
