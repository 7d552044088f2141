"""Response models of the bitHuman API.

The API's shapes vary between endpoints and over time, so the models are
tolerant: unknown fields are kept (``extra="allow"``), optional fields with a
value of the wrong type read as ``None``, and only the fields a caller cannot
do without (identifiers, statuses, tokens) are required.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
import logging
import math
from typing import Annotated, Any, Final

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    ValidatorFunctionWrapHandler,
    WrapValidator,
    field_validator,
    model_validator,
)

_LOGGER = logging.getLogger(__name__)


def _or_none(value: Any, handler: ValidatorFunctionWrapHandler) -> Any:
    try:
        return handler(value)
    except ValidationError:
        return None


def _blank_to_none(value: Any) -> Any:
    if isinstance(value, str) and not value.strip():
        return None
    return value


def _finite_float(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return None
    try:
        number = float(value)
    except ValueError, OverflowError:
        return None
    return number if math.isfinite(number) else None


def _whole_number(value: Any) -> int | None:
    number = _finite_float(value)
    if number is None or not number.is_integer():
        return None
    return int(number)


def _progress(value: Any) -> float | None:
    number = _finite_float(value)
    if number is None or number < 0 or number > 100:
        return None
    # The contract says 0.0-1.0; a value above 1 can only be a percentage.
    return number / 100 if number > 1 else number


def _string_list(value: Any) -> list[str]:
    if not isinstance(value, list):
        return []
    return [item for item in value if isinstance(item, str)]


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


def _number_map(value: Any) -> dict[str, float]:
    if not isinstance(value, dict):
        return {}
    numbers = {key: _finite_float(item) for key, item in value.items()}
    return {key: item for key, item in numbers.items() if item is not None}


def _identifier(*candidates: Any) -> Any:
    """Return the first usable identifier among ``candidates``."""
    for candidate in candidates:
        if isinstance(candidate, str) and candidate.strip():
            return candidate
    return candidates[0]


Identifier = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
OptStr = Annotated[str | None, BeforeValidator(_blank_to_none), WrapValidator(_or_none)]
OptFloat = Annotated[float | None, BeforeValidator(_finite_float)]
OptInt = Annotated[int | None, BeforeValidator(_whole_number)]
OptBool = Annotated[bool | None, WrapValidator(_or_none)]
OptDatetime = Annotated[datetime | None, WrapValidator(_or_none)]
OptDict = Annotated[dict[str, Any] | None, WrapValidator(_or_none)]
StrList = Annotated[list[str], BeforeValidator(_string_list)]
Progress = Annotated[float | None, BeforeValidator(_progress)]
Gestures = Annotated[dict[str, str], BeforeValidator(_gestures)]
NumberMap = Annotated[dict[str, float], BeforeValidator(_number_map)]


class BithumanModel(BaseModel):
    """Base of every response model: tolerant of unknown fields."""

    model_config = ConfigDict(extra="allow")


class AgentStatus(StrEnum):
    """Documented agent generation statuses."""

    PROCESSING = "processing"
    GENERATING = "generating"
    COMPLETED = "completed"
    SUCCESS = "success"
    READY = "ready"
    FAILED = "failed"


_KNOWN_STATUSES: Final = frozenset(AgentStatus)
_MAX_LOGGED_STATUSES: Final = 100
_logged_unknown_statuses: set[str] = set()


def _note_unknown_status(status: str) -> None:
    if (
        status in _KNOWN_STATUSES
        or status in _logged_unknown_statuses
        or len(_logged_unknown_statuses) >= _MAX_LOGGED_STATUSES
    ):
        return
    _logged_unknown_statuses.add(status)
    _LOGGER.warning("Unknown bitHuman agent status %r, keeping it as is", status[:64])


class Agent(BithumanModel):
    """An agent, from the agent, agent list or generation status endpoints."""

    code: Identifier
    agent_id: Identifier
    status: str
    name: OptStr = None
    description: OptStr = None
    model: OptStr = None
    supported_models: StrList = Field(default_factory=list)
    system_prompt: OptStr = None
    image_url: OptStr = None
    video_url: OptStr = None
    model_url: OptStr = None
    voice_id: OptStr = None
    progress: Progress = None
    progress_msg: OptStr = None
    current_step: OptStr = None
    error_message: OptStr = None
    event_type: OptStr = None
    created_at: OptDatetime = None
    updated_at: OptDatetime = None
    dynamics: OptDict = None
    dynamics_enabled: OptBool = None

    @model_validator(mode="before")
    @classmethod
    def _fill_identifiers(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        data = dict(data)
        code, agent_id = data.get("code"), data.get("agent_id")
        data["code"] = _identifier(code, agent_id)
        data["agent_id"] = _identifier(agent_id, code)
        dynamics = data.get("dynamics")
        if (
            data.get("dynamics_enabled") is None
            and isinstance(dynamics, dict)
            and isinstance(dynamics.get("enabled"), bool)
        ):
            data["dynamics_enabled"] = dynamics["enabled"]
        return data

    @field_validator("status")
    @classmethod
    def _log_unknown_status(cls, value: str) -> str:
        _note_unknown_status(value)
        return value

    @property
    def known_status(self) -> AgentStatus | None:
        """Return the status as an ``AgentStatus``, or ``None`` if unknown."""
        return AgentStatus(self.status) if self.status in _KNOWN_STATUSES else None

    @property
    def is_generation_terminal(self) -> bool:
        """Return whether generation has finished (``ready`` or ``failed``).

        ``success`` is a step marker written mid-run; it only ends the run
        together with ``progress`` 1.0.
        """
        if self.status in (AgentStatus.READY, AgentStatus.FAILED):
            return True
        return (
            self.status == AgentStatus.SUCCESS
            and self.progress is not None
            and self.progress >= 1.0
        )


class AgentGeneration(BithumanModel):
    """The answer to starting an agent generation."""

    agent_id: Identifier
    status: OptStr = None
    message: OptStr = None


class PromptUpdate(BithumanModel):
    """The answer to updating an agent's system prompt."""

    agent_code: Identifier
    updated: OptBool = None


class ContextDelivery(BithumanModel):
    """The answer to ``speak`` or ``add-context``."""

    agent_code: Identifier
    context_type: OptStr = None
    delivered_to_rooms: int
    rooms_skipped_no_worker: OptInt = None


class Dynamics(BithumanModel):
    """An agent's gesture dynamics."""

    agent_id: Identifier
    status: str
    url: OptStr = None
    gestures: Gestures = Field(default_factory=dict)
    enabled: OptBool = None

    @model_validator(mode="before")
    @classmethod
    def _find_enabled(cls, data: Any) -> Any:
        if not isinstance(data, dict) or data.get("enabled") is not None:
            return data
        data = dict(data)
        nested = data.get("dynamics")
        if isinstance(nested, dict) and isinstance(nested.get("enabled"), bool):
            data["enabled"] = nested["enabled"]
        elif isinstance(data.get("toggle_enabled"), bool):
            data["enabled"] = data["toggle_enabled"]
        return data

    @property
    def has_dynamics(self) -> bool:
        """Return whether a dynamics model exists (``url`` set; never ``status``)."""
        return self.url is not None

    @property
    def gesture_names(self) -> list[str]:
        """Return the gesture action names, sorted."""
        return sorted(self.gestures)


class DynamicsGeneration(BithumanModel):
    """The answer to starting a dynamics generation."""

    agent_id: Identifier
    status: OptStr = None
    message: OptStr = None


class DynamicsUpdate(BithumanModel):
    """The answer to updating an agent's dynamics configuration."""

    agent_id: OptStr = None
    regeneration_status: OptStr = None
    regeneration_error: OptStr = None
    message: OptStr = None


class Account(BithumanModel):
    """The account behind the API secret (``GET /v1/me``)."""

    user_id: Identifier
    email: OptStr = None
    plan: OptStr = None
    plan_code: OptStr = None
    credit_balance: OptFloat = None
    plan_credits_remaining: OptFloat = None
    topup_credits_remaining: OptFloat = None
    account_status: OptStr = None
    upgrade_url: OptStr = None
    pricing_url: OptStr = None


class CreditSummary(BithumanModel):
    """The account's credit balance (``GET /v2/credit-summaries``)."""

    balance: Annotated[float, BeforeValidator(_finite_float)]
    user_id: OptStr = None
    plan_credits: OptFloat = None
    topup_credits: OptFloat = None
    is_enterprise: OptBool = None
    minutes_estimate: NumberMap = Field(default_factory=dict)

    @model_validator(mode="before")
    @classmethod
    def _enterprise_alias(cls, data: Any) -> Any:
        if isinstance(data, dict) and data.get("is_enterprise") is None:
            return {**data, "is_enterprise": data.get("isEnterprisePlanUser")}
        return data


class Webhook(BithumanModel):
    """A registered webhook (its signing secret redacted)."""

    id: Identifier
    url: OptStr = None
    events: StrList = Field(default_factory=list)
    description: OptStr = None
    active: OptBool = None
    created_at: OptDatetime = None
    updated_at: OptDatetime = None


class WebhookWithSecret(Webhook):
    """A newly created webhook, with its one-time signing secret."""

    secret: Identifier = Field(repr=False)


class EmbedToken(BithumanModel):
    """A short-lived embed token for an agent."""

    token: Identifier = Field(repr=False)
    sid: OptStr = None
    model: OptStr = None
    supported_models: StrList = Field(default_factory=list)


class Validation(BithumanModel):
    """The answer of ``POST /v1/validate``."""

    valid: bool


class Pagination(BithumanModel):
    """Pagination block of a list response."""

    has_more: Annotated[bool, BeforeValidator(lambda value: value is True)] = False
    offset: OptInt = None
    limit: OptInt = None
    total: OptInt = None
