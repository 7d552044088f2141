"""Live avatar sessions and the embed tokens that start them in a browser."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from .fields import (
    BithumanModel,
    Identifier,
    OptBool,
    OptDatetime,
    OptFloat,
    OptInt,
    OptStr,
    StrList,
    readable_items,
)


class RuntimeSession(BithumanModel):
    """One avatar session (``GET /v2/{user_id}/runtime-sessions``)."""

    id: Identifier
    agent_code: OptStr = None
    agent_name: OptStr = None
    room_name: OptStr = None
    status: OptStr = None
    started: OptDatetime = None
    last_seen: OptDatetime = None
    minutes: OptFloat = None
    credits: OptFloat = None
    burn_rate_cr_per_min: OptFloat = None

    @property
    def is_live(self) -> bool:
        """Return whether bitHuman reports the session as running."""
        return self.status == "live"


class RuntimeSessions(BithumanModel):
    """The account's sessions and its live KPIs over the last hour."""

    active_count: OptInt = None
    live_burn_rate_cr_per_min: OptFloat = None
    credits_this_hour: OptFloat = None
    sessions: Annotated[list[RuntimeSession], readable_items(RuntimeSession)] = Field(
        default_factory=list
    )

    def live_sessions_of(self, code: str) -> list[RuntimeSession]:
        """Return the agent's live sessions."""
        return [s for s in self.sessions if s.is_live and s.agent_code == code]


class SessionTermination(BithumanModel):
    """The answer to terminating a session."""

    session_id: OptStr = None
    closed: OptBool = None
    ended: OptBool = None


class EmbedToken(BithumanModel):
    """A short-lived embed token for an agent."""

    token: Identifier = Field(repr=False)
    sid: OptStr = None
    model: OptStr = None
    supported_models: StrList = Field(default_factory=list)
