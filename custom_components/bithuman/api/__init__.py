"""Typed async client of the bitHuman REST API.

Self-contained: it depends on aiohttp, pydantic and yarl only, never on Home
Assistant.
"""

from __future__ import annotations

from .client import AgentListing, BithumanClient
from .const import DEFAULT_BASE_URL, DEFAULT_REQUEST_TIMEOUT, __version__
from .exceptions import (
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
from .models import (
    Account,
    Agent,
    AgentGeneration,
    AgentStatus,
    ContextDelivery,
    Dynamics,
    DynamicsGeneration,
    DynamicsState,
    DynamicsUpdate,
    EmbedToken,
    PromptUpdate,
    RuntimeSession,
    RuntimeSessions,
    SessionTermination,
    Voice,
    VoiceCatalog,
    Webhook,
    WebhookWithSecret,
)
from .retry import RETRY_AFTER_CAP, RetryPolicy, parse_retry_after

__all__ = [
    "DEFAULT_BASE_URL",
    "DEFAULT_REQUEST_TIMEOUT",
    "RETRY_AFTER_CAP",
    "Account",
    "Agent",
    "AgentGeneration",
    "AgentListing",
    "AgentStatus",
    "BithumanAccountSuspendedError",
    "BithumanAgentNotFoundError",
    "BithumanAuthenticationError",
    "BithumanClient",
    "BithumanConflictError",
    "BithumanConnectionError",
    "BithumanError",
    "BithumanInsufficientCreditsError",
    "BithumanNoLiveSessionError",
    "BithumanNotFoundError",
    "BithumanRateLimitError",
    "BithumanResponseError",
    "BithumanServerError",
    "BithumanTimeoutError",
    "BithumanUnavailableError",
    "BithumanValidationError",
    "ContextDelivery",
    "Dynamics",
    "DynamicsGeneration",
    "DynamicsState",
    "DynamicsUpdate",
    "EmbedToken",
    "PromptUpdate",
    "RetryPolicy",
    "RuntimeSession",
    "RuntimeSessions",
    "SessionTermination",
    "Voice",
    "VoiceCatalog",
    "Webhook",
    "WebhookWithSecret",
    "__version__",
    "parse_retry_after",
]
