"""Tolerant field types shared by the response models.

bitHuman's answers vary between endpoints and over time, so a missing, null or
wrong-typed value reads as unknown (``None`` or empty) instead of failing the
whole record.
"""

from __future__ import annotations

import contextlib
from datetime import UTC, datetime
import math
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    StringConstraints,
    ValidationError,
    ValidatorFunctionWrapHandler,
    WrapValidator,
)

_TRUE_WORDS = ("true", "yes", "on", "1")
_FALSE_WORDS = ("false", "no", "off", "0")
_BOOLEAN_WORDS = dict.fromkeys(_TRUE_WORDS, True) | dict.fromkeys(_FALSE_WORDS, False)
# A fraction a little above 1 is rounding, not a percentage.
_PROGRESS_ROUNDING = 1e-3


def _or_none(value: Any, handler: ValidatorFunctionWrapHandler) -> Any:
    try:
        return handler(value)
    except ValidationError:
        return None


def _in_utc_if_unzoned(value: datetime | None) -> datetime | None:
    # bitHuman's times are UTC; one without an offset must still compare.
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value.strip() else None


def finite_float(value: Any) -> float | None:
    """Return value as a finite float, or None (booleans are not numbers)."""
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return None
    try:
        number = float(value)
    except ValueError, OverflowError:
        return None
    return number if math.isfinite(number) else None


def _whole_number(value: Any) -> int | None:
    number = finite_float(value)
    return int(number) if number is not None and number.is_integer() else None


def _boolean(value: Any) -> bool | None:
    """Read JSON booleans, and the strings and 0/1 some answers use for them."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    return _BOOLEAN_WORDS.get(value.strip().lower()) if isinstance(value, str) else None


def _progress(value: Any) -> float | None:
    number = finite_float(value)
    if number is None or number < 0 or number > 100:
        return None
    if number <= 1 + _PROGRESS_ROUNDING:
        return min(number, 1.0)
    # The contract says 0.0-1.0; a value well above 1 can only be a percentage.
    return number / 100


def _string_list(value: Any) -> list[str]:
    return [i for i in value if isinstance(i, str)] if isinstance(value, list) else []


def _gestures(value: Any) -> dict[str, str]:
    """Read the gesture map; a null or odd value never hides gesture names."""
    if isinstance(value, list):
        return {item: "" for item in value if isinstance(item, str) and item}
    if not isinstance(value, dict):
        return {}
    gestures: dict[str, str] = {}
    for name, target in value.items():
        if not isinstance(name, str) or not name:
            continue
        url = target.get("url") if isinstance(target, dict) else target
        gestures[name] = url if isinstance(url, str) else ""
    return gestures


def first_identifier(*candidates: Any) -> Any:
    """Return the first usable identifier among candidates (else the first)."""
    for candidate in candidates:
        if isinstance(candidate, str) and candidate.strip():
            return candidate
    return candidates[0]


Identifier = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
OptStr = Annotated[str | None, BeforeValidator(_text)]
OptFloat = Annotated[float | None, BeforeValidator(finite_float)]
OptInt = Annotated[int | None, BeforeValidator(_whole_number)]
OptBool = Annotated[bool | None, BeforeValidator(_boolean)]
OptDatetime = Annotated[
    datetime | None, AfterValidator(_in_utc_if_unzoned), WrapValidator(_or_none)
]
OptDict = Annotated[dict[str, Any] | None, WrapValidator(_or_none)]
StrList = Annotated[list[str], BeforeValidator(_string_list)]
Progress = Annotated[float | None, BeforeValidator(_progress)]
Gestures = Annotated[dict[str, str], BeforeValidator(_gestures)]


class BithumanModel(BaseModel):
    """Base of every response model: tolerant of unknown fields."""

    model_config = ConfigDict(extra="allow")


def readable_items(model: type[BaseModel]) -> BeforeValidator:
    """Keep the items of a list that validate as model; drop the others.

    One odd session or voice must not hide the rest of its list; a value
    that is no list at all is not a list of them, though.
    """

    def keep(value: Any) -> list[Any]:
        if value is None:
            return []
        if not isinstance(value, list):
            raise ValueError("not a list")  # noqa: TRY004 - pydantic wants ValueError
        kept: list[Any] = []
        for item in value:
            with contextlib.suppress(ValidationError):
                kept.append(model.model_validate(item))
        return kept

    return BeforeValidator(keep)
