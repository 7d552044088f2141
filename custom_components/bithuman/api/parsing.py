"""Turn successful bitHuman response bodies into models.

Successful bodies come as ``{"success": true, "data": {...}}``, as flat
fields, as ``{"data": ..., "status": "success", "status_code": 200}``, or
with no envelope at all. Everything that does not fit becomes a
``BithumanResponseError``; nothing else escapes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ValidationError

from .errors import decode_json
from .exceptions import BithumanResponseError
from .models import Pagination

if TYPE_CHECKING:
    from collections.abc import Mapping

_ENVELOPE_KEYS = frozenset({"success", "data", "error", "status_code", "pagination"})
_ENVELOPE_STATUSES = frozenset({"success", "error", "ok"})


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def decode_body(body: bytes) -> Any:
    """Decode a successful response body as JSON."""
    try:
        return decode_json(body)
    except ValueError:
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


def parse_model_list[M: BaseModel](model: type[M], payload: Any) -> list[M]:
    """Validate a list response (``data`` array or bare array) as ``model``s."""
    items = unwrap_payload(payload)
    if not isinstance(items, list):
        raise BithumanResponseError(
            f"Expected a list of {model.__name__} in the bitHuman API response"
        )
    return [parse_model(model, item) for item in items]


def parse_pagination(payload: Any) -> Pagination:
    """Return the pagination block of a list response (empty when absent)."""
    block = payload.get("pagination") if isinstance(payload, dict) else None
    if not isinstance(block, dict):
        return Pagination()
    return parse_model(Pagination, block)
