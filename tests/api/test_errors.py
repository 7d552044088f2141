"""Mapping of HTTP statuses and error bodies to the exception hierarchy."""

from __future__ import annotations

import json
from typing import Any

import pytest

from custom_components.bithuman.api import (
    BithumanAgentNotFoundError,
    BithumanAuthenticationError,
    BithumanConflictError,
    BithumanConnectionError,
    BithumanError,
    BithumanInsufficientCreditsError,
    BithumanNoLiveSessionError,
    BithumanNotFoundError,
    BithumanRateLimitError,
    BithumanResponseError,
    BithumanServerError,
    BithumanTimeoutError,
    BithumanUnavailableError,
    BithumanValidationError,
    error_from_response,
)
from custom_components.bithuman.api.errors import parse_error_body


def envelope(status: int, code: str, message: str) -> bytes:
    return json.dumps(
        {
            "error": {"code": code, "message": message, "httpStatus": status},
            "status": "error",
            "status_code": status,
        }
    ).encode()


@pytest.mark.parametrize(
    ("status", "code", "message", "expected"),
    [
        (401, "UNAUTHORIZED", "Invalid API secret", BithumanAuthenticationError),
        (401, "MISSING_AUTH", "Missing api-secret", BithumanAuthenticationError),
        (401, "ACCOUNT_SUSPENDED", "Suspended", BithumanAuthenticationError),
        (403, "ACCOUNT_SUSPENDED", "Suspended", BithumanAuthenticationError),
        (403, "CONCURRENCY_LIMIT_REACHED", "Too many sessions", BithumanError),
        (
            402,
            "INSUFFICIENT_BALANCE",
            "Insufficient credits",
            BithumanInsufficientCreditsError,
        ),
        (404, "NOT_FOUND", "Agent not found for code: A1", BithumanAgentNotFoundError),
        (404, "NOT_FOUND", "Agent not found", BithumanAgentNotFoundError),
        (
            404,
            "NOT_FOUND",
            "No active rooms found for agent A1",
            BithumanNoLiveSessionError,
        ),
        (404, "MODEL_ARTIFACT_NOT_READY", "Retry in 5 min", BithumanNotFoundError),
        (404, "NOT_FOUND", "Webhook not found", BithumanNotFoundError),
        (409, "AGENT_NOT_READY", "Still generating", BithumanConflictError),
        (409, "MODEL_NOT_GENERATED", "Not generated yet", BithumanConflictError),
        (400, "VALIDATION_ERROR", "Invalid model", BithumanValidationError),
        (400, "MISSING_PARAM", "Missing required field: text", BithumanValidationError),
        (422, "MODEL_SUBJECT_MISMATCH", "Cartoon", BithumanValidationError),
        (429, "RATE_LIMITED", "Too many requests", BithumanRateLimitError),
        (429, "SESSION_LIMIT", "Too many sessions", BithumanRateLimitError),
        (500, "INTERNAL_ERROR", "Oops", BithumanServerError),
        (502, "BAD_GATEWAY", "Upstream", BithumanServerError),
        (503, "NO_AVAILABLE_WORKERS", "Busy", BithumanUnavailableError),
        (503, "MODEL_NOT_YET_AVAILABLE", "Paused", BithumanUnavailableError),
        (413, "FILE_TOO_LARGE", "Too big", BithumanError),
    ],
)
def test_documented_errors(
    status: int, code: str, message: str, expected: type[BithumanError]
) -> None:
    error = error_from_response(status, envelope(status, code, message), {})
    assert type(error) is expected
    assert error.status == status
    assert error.code == code
    assert error.message == message
    assert str(error) == message


def test_bare_not_found_code_means_agent_gone_only_for_agent_calls() -> None:
    body = envelope(404, "NOT_FOUND", "Resource missing")
    scoped = error_from_response(404, body, {}, agent_scoped=True)
    assert type(scoped) is BithumanAgentNotFoundError
    assert type(error_from_response(404, body, {})) is BithumanNotFoundError


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        (401, BithumanAuthenticationError),
        (402, BithumanInsufficientCreditsError),
        (404, BithumanNotFoundError),
        (409, BithumanConflictError),
        (422, BithumanValidationError),
        (429, BithumanRateLimitError),
        (500, BithumanServerError),
        (503, BithumanUnavailableError),
        (504, BithumanServerError),
        (302, BithumanResponseError),
        (418, BithumanResponseError),
    ],
)
@pytest.mark.parametrize("body", [b"<html>Bad Gateway</html>", b"", b"[1, 2]", b"{}"])
def test_status_decides_when_the_body_is_not_an_envelope(
    status: int, expected: type[BithumanError], body: bytes
) -> None:
    error = error_from_response(status, body, {})
    assert type(error) is expected
    assert error.status == status
    assert error.code is None
    assert error.message == f"HTTP {status}"


def test_agent_scoped_404_without_envelope_is_not_agent_gone() -> None:
    """A proxy's HTML 404 (wrong base URL) must not read as a deleted agent."""
    error = error_from_response(404, b"<html>404</html>", {}, agent_scoped=True)
    assert type(error) is BithumanNotFoundError


def test_rate_limit_carries_retry_after() -> None:
    body = envelope(429, "RATE_LIMITED", "Retry in ~6s.")
    error = error_from_response(429, body, {"Retry-After": "6"})
    assert isinstance(error, BithumanRateLimitError)
    assert error.retry_after == 6.0
    assert error_from_response(429, body, {}).retry_after is None
    unavailable = error_from_response(503, b"", {"Retry-After": "2"})
    assert unavailable.retry_after == 2.0


def test_message_is_redacted() -> None:
    body = envelope(401, "UNAUTHORIZED", "Invalid API secret sk-123")
    error = error_from_response(
        401, body, {}, redact=lambda t: t.replace("sk-123", "*")
    )
    assert error.message == "Invalid API secret *"


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ({"error": {"code": "X", "message": "m"}}, ("X", "m")),
        ({"error": {"code": "X"}}, ("X", None)),
        ({"error": "Something broke"}, (None, "Something broke")),
        ({"code": "X", "message": "m"}, ("X", "m")),
        ({"detail": "Not Found"}, (None, "Not Found")),
        ({"error": {"code": 5, "message": ["x"]}}, None),
        ({"error": {"code": "  ", "message": ""}}, None),
        ({"status": "error"}, None),
        ([], None),
    ],
)
def test_parse_error_body(
    body: Any, expected: tuple[str | None, str | None] | None
) -> None:
    assert parse_error_body(json.dumps(body).encode()) == expected


def test_long_messages_are_truncated() -> None:
    error = error_from_response(500, envelope(500, "X", "y" * 10_000), {})
    assert len(error.message) == 500


def test_hierarchy() -> None:
    assert issubclass(BithumanTimeoutError, BithumanConnectionError)
    assert issubclass(BithumanAgentNotFoundError, BithumanNotFoundError)
    assert issubclass(BithumanNoLiveSessionError, BithumanNotFoundError)
    assert issubclass(BithumanUnavailableError, BithumanServerError)
    for error in (
        BithumanConnectionError,
        BithumanResponseError,
        BithumanAuthenticationError,
        BithumanInsufficientCreditsError,
        BithumanNotFoundError,
        BithumanConflictError,
        BithumanValidationError,
        BithumanRateLimitError,
        BithumanServerError,
    ):
        assert issubclass(error, BithumanError)


def test_exception_text() -> None:
    error = BithumanRateLimitError("slow down", status=429, code="RATE_LIMITED")
    assert str(error) == "slow down"
    assert repr(error) == (
        "BithumanRateLimitError(message='slow down', status=429, code='RATE_LIMITED')"
    )
    default = BithumanTimeoutError()
    assert default.message == "The bitHuman API did not answer in time"
    assert (default.status, default.code, default.retry_after) == (None, None, None)
