"""Agents and their gesture dynamics, as the agent and dynamics endpoints answer."""

from __future__ import annotations

from enum import StrEnum
import logging
from typing import Any, Final

from pydantic import Field, field_validator, model_validator

from .fields import (
    BithumanModel,
    Gestures,
    Identifier,
    OptBool,
    OptDatetime,
    OptDict,
    OptInt,
    OptStr,
    Progress,
    StrList,
    first_identifier,
)

_LOGGER = logging.getLogger(__name__)


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


def _enabled_flag(data: dict[str, Any], *keys: str) -> Any:
    """Return the first of data[key] or data[key]["enabled"] that is set."""
    for key in keys:
        value = data.get(key)
        if isinstance(value, dict):
            value = value.get("enabled")
        if value is not None:
            return value
    return None


class Agent(BithumanModel):
    """An agent, from the agent list or the agent endpoint."""

    code: Identifier
    agent_id: Identifier
    status: OptStr = None
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
        data["code"] = first_identifier(code, agent_id)
        data["agent_id"] = first_identifier(agent_id, code)
        if data.get("dynamics_enabled") is None:
            data["dynamics_enabled"] = _enabled_flag(data, "dynamics")
        return data

    @field_validator("status")
    @classmethod
    def _log_unknown_status(cls, value: str | None) -> str | None:
        if (
            value is not None
            and value not in _KNOWN_STATUSES
            and value not in _logged_unknown_statuses
            and len(_logged_unknown_statuses) < _MAX_LOGGED_STATUSES
        ):
            _logged_unknown_statuses.add(value)
            _LOGGER.warning(
                "Unknown bitHuman agent status %r, shown as unknown", value[:64]
            )
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
        status = self.known_status
        if status in (AgentStatus.READY, AgentStatus.FAILED):
            return True
        return (
            status is AgentStatus.SUCCESS
            and self.progress is not None
            and self.progress >= 1.0
        )

    @property
    def is_generating(self) -> bool:
        """Return whether a known status says a generation is running."""
        return self.known_status is not None and not self.is_generation_terminal


class AgentGeneration(BithumanModel):
    """The answer to starting an agent generation (the docs show it without id, too)."""

    agent_id: OptStr = None
    status: OptStr = None
    message: OptStr = None


class PromptUpdate(BithumanModel):
    """The answer to updating an agent's system prompt."""

    agent_code: Identifier
    updated: OptBool = None


class ContextDelivery(BithumanModel):
    """The answer to ``speak`` or ``add-context`` (a 2xx means it was accepted)."""

    agent_code: Identifier
    context_type: OptStr = None
    delivered_to_rooms: OptInt = None
    rooms_skipped_no_worker: OptInt = None


class DynamicsState(StrEnum):
    """An agent's dynamics status, as Home Assistant shows it."""

    NOT_GENERATED = "not_generated"
    PROCESSING = "processing"
    GENERATING = "generating"
    READY = "ready"
    FAILED = "failed"


_DYNAMICS_STATES: Final = frozenset(DynamicsState)


class Dynamics(BithumanModel):
    """An agent's gesture dynamics.

    The API reports ``status: ready`` with ``url: null`` for an agent whose
    dynamics were never generated, so the url, not the status, says whether
    there are dynamics.
    """

    agent_id: Identifier
    status: OptStr = None
    url: OptStr = None
    gestures: Gestures = Field(default_factory=dict)
    enabled: OptBool = None
    error_message: OptStr = None

    @model_validator(mode="before")
    @classmethod
    def _find_enabled(cls, data: Any) -> Any:
        if not isinstance(data, dict) or data.get("enabled") is not None:
            return data
        return {**data, "enabled": _enabled_flag(data, "dynamics", "toggle_enabled")}

    @property
    def has_dynamics(self) -> bool:
        """Return whether a dynamics model exists (``url`` set; never ``status``)."""
        return self.url is not None

    @property
    def gesture_names(self) -> list[str]:
        """Return the gesture action names, sorted."""
        return sorted(self.gestures)

    @property
    def state(self) -> DynamicsState | None:
        """Return the status to show, or None for a status nobody documented."""
        if self.status not in _DYNAMICS_STATES:
            return None
        if self.status == DynamicsState.READY and not self.has_dynamics:
            return DynamicsState.NOT_GENERATED
        return DynamicsState(self.status)

    @property
    def in_motion(self) -> bool:
        """Return whether a dynamics job is running for the agent."""
        return self.state in (DynamicsState.PROCESSING, DynamicsState.GENERATING)


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
