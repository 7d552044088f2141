"""Waiting for a rate-limit token before the API has to answer 429."""

from __future__ import annotations

import asyncio

import aiohttp
import pytest

from custom_components.bithuman.api import BithumanClient, RetryPolicy
from custom_components.bithuman.api.rate_limit import (
    MAX_TOKEN_WAIT,
    RateLimitTracker,
    Tier,
    tier_of,
)

from .conftest import SECRET, Reply, Stub


def bucket(limit: str, remaining: str) -> dict[str, str]:
    return {"X-RateLimit-Limit": limit, "X-RateLimit-Remaining": remaining}


class ManualClock:
    """A monotonic clock the test moves by hand."""

    def __init__(self) -> None:
        """Start at zero."""
        self.now = 0.0

    def __call__(self) -> float:
        """Return the current time."""
        return self.now


class SendOrder:
    """A sleep that notes how many requests the stub had seen when it waited."""

    def __init__(self, stub: Stub) -> None:
        """Watch ``stub``."""
        self.stub = stub
        self.waits: list[tuple[float, int]] = []

    async def __call__(self, delay: float) -> None:
        """Record the delay and the requests sent so far."""
        self.waits.append((delay, len(self.stub.requests)))
        await asyncio.sleep(0)


@pytest.fixture
def send_order(stub: Stub) -> SendOrder:
    return SendOrder(stub)


@pytest.fixture
def metered_client(
    stub: Stub, session: aiohttp.ClientSession, send_order: SendOrder
) -> BithumanClient:
    return BithumanClient(
        session,
        SECRET,
        base_url=stub.url,
        retry=RetryPolicy(sleep=send_order, random=lambda: 1.0),
    )


@pytest.mark.parametrize(
    ("method", "path", "tier"),
    [
        ("POST", "/v1/agent/generate", Tier.GENERATE),
        ("POST", "/v1/dynamics/generate", Tier.GENERATE),
        ("GET", "/v1/agents", Tier.READ),
        ("GET", "/v1/voices", Tier.READ),
        ("POST", "/v1/tts", Tier.WRITE),
        ("POST", "/v1/agent/A1/speak", Tier.WRITE),
        ("PUT", "/v1/dynamics/A1", Tier.WRITE),
        ("DELETE", "/v1/webhooks/W1", Tier.WRITE),
    ],
)
def test_each_request_is_metered_in_its_documented_tier(
    method: str, path: str, tier: Tier
) -> None:
    assert tier_of(method, path) is tier


def test_a_tier_never_reported_never_waits() -> None:
    tracker = RateLimitTracker(clock=ManualClock())
    assert [tracker.take(Tier.READ) for _ in range(1000)] == [0.0] * 1000


def test_an_empty_bucket_waits_for_one_token() -> None:
    clock = ManualClock()
    tracker = RateLimitTracker(clock=clock)
    tracker.observe(Tier.WRITE, bucket("30", "0"))
    assert tracker.take(Tier.WRITE) == pytest.approx(2.0)


def test_the_tracker_counts_its_own_requests_against_the_remaining_tokens() -> None:
    tracker = RateLimitTracker(clock=ManualClock())
    tracker.observe(Tier.READ, bucket("120", "2"))
    assert [tracker.take(Tier.READ) for _ in range(4)] == pytest.approx(
        [0.0, 0.0, 0.5, 1.0]
    )


def test_the_bucket_refills_at_the_limit_per_minute() -> None:
    clock = ManualClock()
    tracker = RateLimitTracker(clock=clock)
    tracker.observe(Tier.READ, bucket("60", "0"))
    clock.now = 1.0
    assert tracker.take(Tier.READ) == 0.0
    assert tracker.take(Tier.READ) == pytest.approx(1.0)


@pytest.mark.parametrize(
    ("reset_in", "wait"),
    [
        pytest.param(59.5, 0.5, id="half-a-token-left"),
        pytest.param(60.0, 1.0, id="just-emptied"),
        # Disagrees with Remaining (another clock): Remaining decides.
        pytest.param(30.0, 1.0, id="clock-skew"),
    ],
)
def test_reset_tells_the_fraction_of_a_token_left(reset_in: float, wait: float) -> None:
    """Remaining says 0 whole tokens; Reset says how close the next one is."""
    wall = 1_800_000_000.0
    tracker = RateLimitTracker(clock=ManualClock(), wall_clock=lambda: wall)
    tracker.observe(
        Tier.READ, {**bucket("60", "0"), "X-RateLimit-Reset": str(wall + reset_in)}
    )
    assert tracker.take(Tier.READ) == pytest.approx(wait)


def test_the_wait_never_exceeds_the_cap() -> None:
    tracker = RateLimitTracker(clock=ManualClock())
    tracker.observe(Tier.GENERATE, bucket("1", "0"))
    assert tracker.take(Tier.GENERATE) == MAX_TOKEN_WAIT


def test_an_empty_bucket_holds_back_only_its_own_tier() -> None:
    tracker = RateLimitTracker(clock=ManualClock())
    tracker.observe(Tier.READ, bucket("120", "0"))
    assert tracker.take(Tier.WRITE) == 0.0


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"X-RateLimit-Limit": "120"},
        {"X-RateLimit-Remaining": "0"},
        bucket("many", "0"),
        bucket("120", "none"),
        bucket("0", "0"),
        bucket("-5", "0"),
        bucket("nan", "0"),
        bucket("inf", "0"),
        bucket("120", "nan"),
    ],
    ids=[
        "none",
        "limit-only",
        "remaining-only",
        "odd-limit",
        "odd-remaining",
        "0",
        "-5",
        "nan-limit",
        "inf-limit",
        "nan-remaining",
    ],
)
def test_answers_without_usable_figures_change_nothing(
    headers: dict[str, str],
) -> None:
    tracker = RateLimitTracker(clock=ManualClock())
    tracker.observe(Tier.READ, headers)
    assert tracker.take(Tier.READ) == 0.0
    assert tracker.snapshot() == {}


def test_negative_remaining_reads_as_empty() -> None:
    tracker = RateLimitTracker(clock=ManualClock())
    tracker.observe(Tier.READ, bucket("60", "-3"))
    assert tracker.snapshot() == {"read": 0.0}


def test_snapshot_shows_the_refilled_tokens_per_tier() -> None:
    clock = ManualClock()
    tracker = RateLimitTracker(clock=clock)
    tracker.observe(Tier.READ, bucket("120", "10"))
    tracker.observe(Tier.GENERATE, bucket("4", "4"))
    clock.now = 3.0
    assert tracker.snapshot() == {"read": 16.0, "generate": 4.0}


async def test_an_empty_bucket_delays_the_next_request_of_its_tier(
    stub: Stub, metered_client: BithumanClient, send_order: SendOrder
) -> None:
    stub.script(Reply(body={"user_id": "u"}, headers=bucket("120", "0")))
    await metered_client.get_account()
    await metered_client.get_account()
    assert len(send_order.waits) == 1
    delay, sent_before = send_order.waits[0]
    assert delay == pytest.approx(60 / 120, abs=0.05)
    assert sent_before == 1
    assert len(stub.requests) == 2


async def test_an_empty_read_bucket_does_not_delay_a_write(
    stub: Stub, metered_client: BithumanClient, send_order: SendOrder
) -> None:
    stub.script(
        Reply(body={"user_id": "u"}, headers=bucket("120", "0")),
        Reply(body={"agent_code": "A1"}),
    )
    await metered_client.get_account()
    await metered_client.speak("A1", "Hello")
    assert send_order.waits == []


async def test_answers_without_rate_limit_headers_never_cause_a_wait(
    stub: Stub, metered_client: BithumanClient, send_order: SendOrder
) -> None:
    stub.script(Reply(body={"user_id": "u"}))
    for _ in range(5):
        await metered_client.get_account()
    assert send_order.waits == []
    assert metered_client.rate_limits() == {}


async def test_the_client_reports_the_tokens_left(
    stub: Stub, metered_client: BithumanClient
) -> None:
    stub.script(Reply(body={"user_id": "u"}, headers=bucket("720", "719")))
    await metered_client.get_account()
    assert metered_client.rate_limits() == {"read": pytest.approx(719, abs=1)}
