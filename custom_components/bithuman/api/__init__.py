"""Typed async client of the bitHuman REST API.

Self-contained: it depends on aiohttp and pydantic only, never on Home
Assistant.
"""

from __future__ import annotations

from .client import BithumanClient
from .const import DEFAULT_BASE_URL, DEFAULT_REQUEST_TIMEOUT, __version__
from .errors import error_from_response
from .exceptions import (
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
    CreditSummary,
    Dynamics,
    DynamicsGeneration,
    DynamicsUpdate,
    EmbedToken,
    PromptUpdate,
    Webhook,
    WebhookWithSecret,
)
from .retry import RetryPolicy, parse_retry_after

__all__ = [
    "DEFAULT_BASE_URL",
    "DEFAULT_REQUEST_TIMEOUT",
    "Account",
    "Agent",
    "AgentGeneration",
    "AgentStatus",
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
    "CreditSummary",
    "Dynamics",
    "DynamicsGeneration",
    "DynamicsUpdate",
    "EmbedToken",
    "PromptUpdate",
    "RetryPolicy",
    "Webhook",
    "WebhookWithSecret",
    "__version__",
    "error_from_response",
    "parse_retry_after",
]
