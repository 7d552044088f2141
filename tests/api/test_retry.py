"""The retry policy's backoff and the Retry-After parser."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

from hypothesis import given, strategies as st
import pytest

from custom_components.bithuman.api import RetryPolicy, parse_retry_after

NOW = datetime(2026, 5, 1, 12, 0, tzinfo=UTC)


@given(
    retry=st.integers(min_value=1, max_value=1000),
    base=st.floats(min_value=0, max_value=100),
    cap=st.floats(min_value=0, max_value=1_000),
    jitter=st.floats(min_value=-1, max_value=2),
)
def test_backoff_is_bounded(retry: int, base: float, cap: float, jitter: float) -> None:
    policy = RetryPolicy(base_delay=base, max_delay=cap, random=lambda: jitter)
    delay = policy.backoff(retry)
    ceiling = min(cap, base * 2.0 ** (retry - 1))
    assert ceiling / 2 <= delay <= ceiling
    assert delay <= cap


def test_backoff_of_a_huge_retry_number_is_the_cap() -> None:
    policy = RetryPolicy(base_delay=100, max_delay=7, random=lambda: 1.0)
    assert policy.backoff(10**6) == 7


def test_backoff_grows_exponentially_to_the_cap() -> None:
    policy = RetryPolicy(base_delay=1, max_delay=5, random=lambda: 1.0)
    assert [policy.backoff(n) for n in range(1, 6)] == [1, 2, 4, 5, 5]
    low = RetryPolicy(base_delay=1, max_delay=5, random=lambda: 0.0)
    assert [low.backoff(n) for n in range(1, 4)] == [0.5, 1, 2]


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
def test_invalid_policy(kwargs: dict[str, float]) -> None:
    with pytest.raises(ValueError, match="must be"):
        RetryPolicy(**kwargs)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("6", 6.0),
        (" 120 ", 120.0),
        ("1.5", 1.5),
        ("0", 0.0),
        ("-3", 0.0),
        (format_datetime(NOW + timedelta(seconds=30), usegmt=True), 30.0),
        ("Fri, 01 May 2026 12:00:45 GMT", 45.0),
        ("Fri, 01 May 2026 12:00:45 -0000", 45.0),
        (format_datetime(NOW - timedelta(hours=1), usegmt=True), 0.0),
        (None, None),
        ("", None),
        ("soon", None),
        ("inf", None),
        ("nan", None),
        ("Fri, 99 Foo 2026 99:99:99 GMT", None),
        ("Fri, 01 May 99999 12:00:45 GMT", None),
        ("Mon, 01 Jan 0001 00:00:00 GMT", 0.0),
        ("Fri, 01 May 2026 12:00:45 +9900", None),
    ],
)
def test_parse_retry_after(header: str | None, expected: float | None) -> None:
    assert parse_retry_after(header, now=NOW.timestamp()) == expected


def test_parse_retry_after_date_uses_the_clock() -> None:
    future = datetime.now(UTC) + timedelta(seconds=100)
    parsed = parse_retry_after(format_datetime(future, usegmt=True))
    assert parsed is not None
    assert 90 <= parsed <= 100


@given(st.text())
def test_parse_retry_after_never_raises(header: str) -> None:
    parsed = parse_retry_after(header, now=NOW.timestamp())
    assert parsed is None or parsed >= 0
