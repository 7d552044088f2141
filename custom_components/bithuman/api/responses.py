"""Turn bitHuman's HTTP answers into models or exceptions.

Successful bodies come as ``{"success": true, "data": {...}}``, as flat
fields, as ``{"data": ..., "status": "success", "status_code": 200}``, or with
no envelope at all. Error bodies follow the documented envelope
``{"error": {"code", "message", "httpStatus"}, "status": "error", ...}``, or
something simpler from a gateway in front of the API.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any, Final

from pydantic import BaseModel, ValidationError

from .const import HEADER_REQUEST_ID, HEADER_RETRY_AFTER
from .exceptions import (
    BithumanAccountSuspendedError,
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
from .models import Pagination
from .retry import parse_retry_after

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

CODE_ACCOUNT_SUSPENDED: Final = "ACCOUNT_SUSPENDED"
# errors.md: the message, not the code, tells these 404s apart. A gateway's
# "Endpoint not found" (or any other 404) says nothing about the agent.
_NOT_FOUND_BY_MESSAGE: Final = (
    ("no active rooms", BithumanNoLiveSessionError),
    ("agent not found", BithumanAgentNotFoundError),
)
# The HTTP status decides the family (the API documents that it always
# matches the body's code); 404 and the account's suspension are refined.
_ERROR_BY_STATUS: Final[dict[int, type[BithumanError]]] = {
    400: BithumanValidationError,
    401: BithumanAuthenticationError,
    402: BithumanInsufficientCreditsError,
    409: BithumanConflictError,
    422: BithumanValidationError,
    429: BithumanRateLimitError,
    503: BithumanUnavailableError,
}
_MAX_MESSAGE_LENGTH: Final = 500
_ENVELOPE_KEYS: Final = frozenset(
    {"success", "data", "error", "status_code", "pagination"}
)
_ENVELOPE_STATUSES: Final = frozenset({"success", "error", "ok"})


def decode_body(body: bytes) -> Any:
    """Decode a response body as JSON."""
    try:
        return json.loads(body)
    except ValueError, RecursionError:  # RecursionError: nested too deeply
        raise BithumanResponseError("The bitHuman API answered with non-JSON") from None


def unwrap_payload(payload: Any) -> Any:
    """Return the payload of a response, without its envelope.

    When ``data`` is an object, it is the payload; the non-envelope fields
    beside it (``message``, say) are kept where ``data`` lacks them.
    """
    if not isinstance(payload, dict) or "data" not in payload:
        return payload
    data = payload["data"]
    if isinstance(data, list):
        return data
    if not isinstance(data, dict):
        return payload
    outer = {
        key: value
        for key, value in payload.items()
        if key not in _ENVELOPE_KEYS
        and not (
            key == "status"
            and ("status_code" in payload or value in _ENVELOPE_STATUSES)
        )
    }
    return outer | data


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def parse_model[M: BaseModel](
    model: type[M], payload: Any, defaults: Mapping[str, Any] | None = None
) -> M:
    """Validate ``payload`` as ``model``; ``defaults`` fill missing fields."""
    data = unwrap_payload(payload)
    if defaults and isinstance(data, dict):
        data = data | {
            key: value for key, value in defaults.items() if _missing(data.get(key))
        }
    try:
        return model.model_validate(data)
    except ValidationError as err:
        fields = sorted({".".join(map(str, error["loc"])) for error in err.errors()})
        raise BithumanResponseError(
            f"Unexpected {model.__name__} in the bitHuman API response"
            + (f" (fields: {', '.join(fields)[:200]})" if any(fields) else "")
        ) from err


def parse_items[M: BaseModel](
    model: type[M], payload: Any
) -> tuple[list[M], list[Any]]:
    """Validate each item of a list response; return the good and the bad ones.

    One odd record must not hide the others, so an item that does not
    validate is handed back as it came instead of failing the list.
    """
    items = unwrap_payload(payload)
    # Not a list of records at all: the whole answer is broken.
    if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
        raise BithumanResponseError(
            f"Expected a list of {model.__name__} in the bitHuman API response"
        )
    parsed: list[M] = []
    unreadable: list[Any] = []
    for item in items:
        try:
            parsed.append(parse_model(model, item))
        except BithumanResponseError:
            unreadable.append(item)
    return parsed, unreadable


def parse_pagination(payload: Any) -> Pagination:
    """Return the pagination block of a list response (empty when absent)."""
    block = payload.get("pagination") if isinstance(payload, dict) else None
    return parse_model(Pagination, block) if isinstance(block, dict) else Pagination()


def _text(value: Any) -> str | None:
    if not isinstance(value, str) or not (text := value.strip()):
        return None
    return text[:_MAX_MESSAGE_LENGTH]


def parse_error_body(body: bytes) -> tuple[str | None, str | None] | None:
    """Return ``(code, message)`` from an error body, or ``None`` if it has none.

    Understands the documented envelope ``{"error": {"code", "message"}}`` as
    well as ``{"error": "message"}``, ``{"detail": "..."}`` and flat
    ``{"code", "message"}`` bodies.
    """
    try:
        data = decode_body(body)
    except BithumanResponseError:
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
    redact: Callable[[str], str] = str,
) -> BithumanError:
    """Build the exception for a non-2xx response; ``redact`` scrubs its texts."""
    code, api_message = parse_error_body(body) or (None, None)
    message = redact(api_message or f"HTTP {status}" + (f" {code}" if code else ""))
    request_id = headers.get(HEADER_REQUEST_ID)
    kwargs: dict[str, Any] = {
        "api_message": message if api_message else None,
        "status": status,
        "code": redact(code) if code else None,
        "request_id": redact(request_id) if request_id else None,
    }
    if code == CODE_ACCOUNT_SUSPENDED and status in (401, 403):
        return BithumanAccountSuspendedError(message, **kwargs)
    error = _ERROR_BY_STATUS.get(status)
    if status == 404:
        lowered = message.lower()
        error = next(
            (cls for text, cls in _NOT_FOUND_BY_MESSAGE if text in lowered),
            BithumanNotFoundError,
        )
    elif error is None and 500 <= status <= 599:
        error = BithumanServerError
    if error is None:
        # A body that names an error is bitHuman's answer; any other is not.
        error = BithumanError if code or api_message else BithumanResponseError
    elif issubclass(error, BithumanRateLimitError | BithumanServerError):
        kwargs["retry_after"] = parse_retry_after(headers.get(HEADER_RETRY_AFTER))
    return error(message, **kwargs)
