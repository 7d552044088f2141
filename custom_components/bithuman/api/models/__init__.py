"""Response models of the bitHuman API.

The models are tolerant: unknown fields are kept (``extra="allow"``), optional
fields with a value of the wrong type read as unknown, and only the fields a
caller cannot do without (identifiers, tokens) are required.
"""

from __future__ import annotations

from .account import Account, Pagination, Validation
from .agent import (
    Agent,
    AgentGeneration,
    AgentStatus,
    ContextDelivery,
    Dynamics,
    DynamicsGeneration,
    DynamicsState,
    DynamicsUpdate,
    PromptUpdate,
)
from .live import EmbedToken, RuntimeSession, RuntimeSessions, SessionTermination
from .voice import Voice, VoiceCatalog
from .webhook import Webhook, WebhookWithSecret

__all__ = [
    "Account",
    "Agent",
    "AgentGeneration",
    "AgentStatus",
    "ContextDelivery",
    "Dynamics",
    "DynamicsGeneration",
    "DynamicsState",
    "DynamicsUpdate",
    "EmbedToken",
    "Pagination",
    "PromptUpdate",
    "RuntimeSession",
    "RuntimeSessions",
    "SessionTermination",
    "Validation",
    "Voice",
    "VoiceCatalog",
    "Webhook",
    "WebhookWithSecret",
]
