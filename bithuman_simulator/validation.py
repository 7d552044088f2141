"""Request-body checks that answer bitHuman's 400s."""

import json
from typing import TYPE_CHECKING

from .errors import missing_param, validation_error

if TYPE_CHECKING:
    from .json_types import JSONObject, JSONValue


def parse_object(raw: bytes) -> JSONObject:
    """Parse a request body that must be a JSON object (empty counts as `{}`)."""
    if not raw.strip():
        return {}
    try:
        value: JSONValue = json.loads(raw)
    except ValueError:
        raise validation_error("Request body must be valid JSON") from None
    if not isinstance(value, dict):
        raise validation_error("Request body must be a JSON object")
    return value


def _optional[T](
    body: JSONObject, name: str, kind: type[T] | tuple[type[T], ...], what: str
) -> T | None:
    """Return an optional field of `kind` (null: absent; a bool is no number)."""
    value = body.get(name)
    if value is None:
        return None
    if not isinstance(value, kind) or (isinstance(value, bool) and kind is not bool):
        raise validation_error(f"'{name}' must be {what}")
    return value


def optional_str(body: JSONObject, name: str) -> str | None:
    """Return an optional string field (null counts as absent)."""
    return _optional(body, name, str, "a string")


def required_str(body: JSONObject, name: str, *, allow_blank: bool = False) -> str:
    """Return a required string field: MISSING_PARAM when absent."""
    value = optional_str(body, name)
    if value is None:
        raise missing_param(name)
    if not allow_blank and not value.strip():
        raise validation_error(f"'{name}' must not be empty")
    return value


def optional_bool(body: JSONObject, name: str) -> bool | None:
    """Return an optional boolean field."""
    return _optional(body, name, bool, "a boolean")


def optional_number(body: JSONObject, name: str) -> float | None:
    """Return an optional number field."""
    value = _optional(body, name, (int, float), "a number")
    return None if value is None else float(value)


def optional_choice(
    body: JSONObject, name: str, choices: tuple[str, ...]
) -> str | None:
    """Return an optional string field that must be one of `choices`."""
    value = optional_str(body, name)
    if value is not None and value not in choices:
        raise validation_error(
            f"Invalid {name} '{value}'; must be one of: {', '.join(choices)}"
        )
    return value


def query_int(
    raw: str | None, name: str, *, default: int, minimum: int, maximum: int | None
) -> int:
    """Parse an integer query parameter within bounds."""
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise validation_error(f"'{name}' must be an integer") from None
    if value < minimum or (maximum is not None and value > maximum):
        limits = (
            f">= {minimum}" if maximum is None else f"between {minimum} and {maximum}"
        )
        raise validation_error(f"'{name}' must be {limits}")
    return value
