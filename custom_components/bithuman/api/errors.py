"""Turn a bitHuman error response into the matching exception."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from .const import HEADER_RETRY_AFTER
from .exceptions import (
    BithumanAgentNotFoundError,
    BithumanAuthenticationError,
    BithumanConflictError,
    BithumanError,
    BithumanInsufficientCreditsError,
    BithumanNoLiveSessionError,
    BithumanNotFoundError,
    BithumanRateLimitError,
    BithumanResponseError,
    BithumanServerError,
    BithumanUnavailableError,
    BithumanValidationError,
)
from .retry import parse_retry_after

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

AUTH_CODES = frozenset({"UNAUTHORIZED", "MISSING_AUTH", "ACCOUNT_SUSPENDED"})
CODE_NOT_FOUND = "NOT_FOUND"

_MAX_MESSAGE_LENGTH = 500


def _text(value: Any) -> str | None:
    if not isinstance(value, str) or not (text := value.strip()):
        return None
    return text[:_MAX_MESSAGE_LENGTH]


def decode_json(body: bytes) -> Any:
    """Decode a JSON body, raising ``ValueError`` if it is not JSON."""
    try:
        return json.loads(body)
    except RecursionError as err:
        raise ValueError("JSON nested too deeply") from err


def parse_error_body(body: bytes) -> tuple[str | None, str | None] | None:
    """Return ``(code, message)`` from an error body, or ``None`` if it has none.

    Understands the documented envelope ``{"error": {"code", "message"}}`` as
    well as ``{"error": "message"}`` and flat ``{"code", "message"}`` bodies.
    """
    try:
        data = decode_json(body)
    except ValueError:
        return None
    if not isinstance(data, dict):
        return None
    error = data.get("error")
    if isinstance(error, dict):
        code, message = _text(error.get("code")), _text(error.get("message"))
    else:
        code = _text(data.get("code"))
        message = (
            _text(error) or _text(data.get("message")) or _text(data.get("detail"))
        )
    if code is None and message is None:
        return None
    return code, message


def error_from_response(
    status: int,
    body: bytes,
    headers: Mapping[str, str],
    *,
    agent_scoped: bool = False,
    redact: Callable[[str], str] = str,
) -> BithumanError:
    """Build the exception for a non-2xx response.

    The HTTP status decides the family (the API documents that it always
    matches the body's code); the code refines it where the docs say so.
    ``agent_scoped`` marks calls addressing one agent, where a bare
    ``NOT_FOUND`` means the agent is gone. ``redact`` scrubs the message.
    """
    parsed = parse_error_body(body)
    code, message = parsed if parsed is not None else (None, None)
    if message is None:
        message = f"HTTP {status}" + (f" {code}" if code else "")
    message = redact(message)
    kwargs: dict[str, Any] = {"status": status, "code": code}
    lowered = message.lower()

    if status == 401 or (status == 403 and code in AUTH_CODES):
        return BithumanAuthenticationError(message, **kwargs)
    if status == 402:
        return BithumanInsufficientCreditsError(message, **kwargs)
    if status == 404:
        if "no active rooms" in lowered:
            return BithumanNoLiveSessionError(message, **kwargs)
        if "agent not found" in lowered or (agent_scoped and code == CODE_NOT_FOUND):
            return BithumanAgentNotFoundError(message, **kwargs)
        return BithumanNotFoundError(message, **kwargs)
    if status == 409:
        return BithumanConflictError(message, **kwargs)
    if status in (400, 422):
        return BithumanValidationError(message, **kwargs)
    retry_after = parse_retry_after(headers.get(HEADER_RETRY_AFTER))
    if status == 429:
        return BithumanRateLimitError(message, retry_after=retry_after, **kwargs)
    if status == 503:
        return BithumanUnavailableError(message, retry_after=retry_after, **kwargs)
    if 500 <= status <= 599:
        return BithumanServerError(message, retry_after=retry_after, **kwargs)
    if parsed is None:
        return BithumanResponseError(message, **kwargs)
    return BithumanError(message, **kwargs)
