"""Mapping of HTTP statuses and error bodies to the exception hierarchy."""

from __future__ import annotations

import json
from typing import Any

import pytest

from custom_components.bithuman.api import (
    BithumanAccountSuspendedError,
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
)
from custom_components.bithuman.api.responses import (
    error_from_response,
    parse_error_body,
)


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
        (401, "ACCOUNT_SUSPENDED", "Suspended", BithumanAccountSuspendedError),
        (403, "ACCOUNT_SUSPENDED", "Suspended", BithumanAccountSuspendedError),
        (403, "CONCURRENCY_LIMIT_REACHED", "Too many sessions", BithumanError),
        (
            402,
            "INSUFFICIENT_BALANCE",
            "Insufficient credits",
            BithumanInsufficientCreditsError,
        ),
        (402, "ACCOUNT_SUSPENDED", "Top up", BithumanInsufficientCreditsError),
        (404, "NOT_FOUND", "Agent not found for code: A1", BithumanAgentNotFoundError),
        (404, "NOT_FOUND", "Agent not found", BithumanAgentNotFoundError),
        (404, "NOT_FOUND", "agent NOT FOUND", BithumanAgentNotFoundError),
        (
            404,
            "NOT_FOUND",
            "No active rooms found for agent A1",
            BithumanNoLiveSessionError,
        ),
        (404, "MODEL_ARTIFACT_NOT_READY", "Retry in 5 min", BithumanNotFoundError),
        (404, "NOT_FOUND", "Webhook not found", BithumanNotFoundError),
        (404, "NOT_FOUND", "Resource missing", BithumanNotFoundError),
        (404, "NOT_FOUND", "Endpoint not found", BithumanNotFoundError),
        (404, "VOICE_NOT_FOUND", "Unknown voice_code", BithumanNotFoundError),
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
def test_documented_errors_map_to_their_exception(
    status: int, code: str, message: str, expected: type[BithumanError]
) -> None:
    error = error_from_response(status, envelope(status, code, message), {})
    assert type(error) is expected
    assert error.status == status
    assert error.code == code
    assert error.message == message
    assert str(error) == message


def test_account_suspended_is_not_an_authentication_error() -> None:
    """A suspended account needs a top-up, not a new API secret."""
    body = envelope(401, "ACCOUNT_SUSPENDED", "Balance below the floor")
    error = error_from_response(401, body, {})
    assert not isinstance(error, BithumanAuthenticationError)


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        (401, BithumanAuthenticationError),
        (402, BithumanInsufficientCreditsError),
        (404, BithumanNotFoundError),
        (409, BithumanConflictError),
        (400, BithumanValidationError),
        (422, BithumanValidationError),
        (429, BithumanRateLimitError),
        (500, BithumanServerError),
        (503, BithumanUnavailableError),
        (504, BithumanServerError),
        (302, BithumanResponseError),
        (403, BithumanResponseError),
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


def test_a_404_without_an_envelope_is_not_an_agent_gone() -> None:
    """A proxy's HTML 404 (wrong base URL) must not read as a deleted agent."""
    error = error_from_response(404, b"<html>404</html>", {})
    assert type(error) is BithumanNotFoundError


def test_message_names_the_code_when_the_body_has_no_message() -> None:
    body = json.dumps({"error": {"code": "RATE_LIMITED"}}).encode()
    error = error_from_response(429, body, {})
    assert (error.code, error.message) == ("RATE_LIMITED", "HTTP 429 RATE_LIMITED")


@pytest.mark.parametrize(
    ("status", "header", "expected"),
    [
        (429, "6", 6.0),
        (429, None, None),
        (429, "3600", 600.0),
        (503, "2", 2.0),
        (500, "1", 1.0),
        (401, "6", None),
    ],
)
def test_retry_after_is_read_for_rate_limits_and_server_errors(
    status: int, header: str | None, expected: float | None
) -> None:
    headers = {} if header is None else {"Retry-After": header}
    error = error_from_response(status, envelope(status, "X", "m"), headers)
    assert error.retry_after == expected


@pytest.mark.parametrize("status", [400, 401, 404, 429, 500, 503, 418])
def test_request_id_is_kept(status: int) -> None:
    error = error_from_response(status, b"", {"X-Request-Id": "req-42"})
    assert error.request_id == "req-42"


def test_request_id_is_none_without_the_header() -> None:
    assert error_from_response(500, b"", {}).request_id is None


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
        ({"error": {"code": " X ", "message": " m "}}, ("X", "m")),
        ({"error": "Something broke"}, (None, "Something broke")),
        ({"code": "X", "message": "m"}, ("X", "m")),
        ({"message": "m"}, (None, "m")),
        ({"detail": "Not Found"}, (None, "Not Found")),
        ({"error": {"code": 5, "message": ["x"]}}, None),
        ({"error": {"code": "  ", "message": ""}}, None),
        ({"status": "error"}, None),
        ([], None),
        ("error", None),
    ],
)
def test_parse_error_body_reads_code_and_message_of_every_shape(
    body: Any, expected: tuple[str | None, str | None] | None
) -> None:
    assert parse_error_body(json.dumps(body).encode()) == expected


@pytest.mark.parametrize("body", [b"", b"<html>", b"[" * 100_000])
def test_parse_error_body_of_non_json_is_none(body: bytes) -> None:
    assert parse_error_body(body) is None


def test_long_messages_are_truncated() -> None:
    error = error_from_response(500, envelope(500, "X", "y" * 10_000), {})
    assert len(error.message) == 500


@pytest.mark.parametrize(
    ("error", "parent"),
    [
        (BithumanTimeoutError, BithumanConnectionError),
        (BithumanAgentNotFoundError, BithumanNotFoundError),
        (BithumanNoLiveSessionError, BithumanNotFoundError),
        (BithumanUnavailableError, BithumanServerError),
        (BithumanConnectionError, BithumanError),
        (BithumanResponseError, BithumanError),
        (BithumanAuthenticationError, BithumanError),
        (BithumanAccountSuspendedError, BithumanError),
        (BithumanInsufficientCreditsError, BithumanError),
        (BithumanNotFoundError, BithumanError),
        (BithumanConflictError, BithumanError),
        (BithumanValidationError, BithumanError),
        (BithumanRateLimitError, BithumanError),
        (BithumanServerError, BithumanError),
    ],
)
def test_exception_hierarchy(
    error: type[BithumanError], parent: type[BithumanError]
) -> None:
    assert issubclass(error, parent)


def test_exception_text_is_the_message() -> None:
    error = BithumanRateLimitError("slow down", status=429, code="RATE_LIMITED")
    assert str(error) == "slow down"


def test_exception_repr_names_status_code_and_request_id() -> None:
    error = BithumanRateLimitError(
        "slow down", status=429, code="RATE_LIMITED", request_id="req-1"
    )
    assert repr(error) == (
        "BithumanRateLimitError(message='slow down', status=429, "
        "code='RATE_LIMITED', request_id='req-1')"
    )


def test_exception_defaults() -> None:
    default = BithumanTimeoutError()
    assert default.message == "The bitHuman API did not answer in time"
    assert (default.status, default.code, default.retry_after) == (None, None, None)
    assert default.request_id is None
