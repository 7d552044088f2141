"""Exceptions raised by the bitHuman API client.

Every exception carries the HTTP ``status`` (``None`` when no response was
received), the API error ``code`` (``None`` when the body had none), a
human-readable ``message`` and the answer's ``request_id`` (``X-Request-Id``,
which bitHuman asks for in support requests). None of them ever contains the
API secret.
"""

from __future__ import annotations


class BithumanError(Exception):
    """Base class of every error raised by the bitHuman API client."""

    default_message = "bitHuman API request failed"

    def __init__(
        self,
        message: str | None = None,
        *,
        status: int | None = None,
        code: str | None = None,
        retry_after: float | None = None,
        request_id: str | None = None,
        api_message: str | None = None,
    ) -> None:
        """Initialize the error (``api_message``: what bitHuman itself said)."""
        self.message = message or self.default_message
        self.status = status
        self.code = code
        self.retry_after = retry_after
        self.request_id = request_id
        self.api_message = api_message
        super().__init__(self.message)

    def __repr__(self) -> str:
        """Return a debugging representation (never includes the secret)."""
        return (
            f"{type(self).__name__}(message={self.message!r}, "
            f"status={self.status!r}, code={self.code!r}, "
            f"request_id={self.request_id!r})"
        )


class BithumanConnectionError(BithumanError):
    """The API could not be reached or the connection dropped."""

    default_message = "Cannot connect to the bitHuman API"


class BithumanTimeoutError(BithumanConnectionError):
    """The API did not answer in time."""

    default_message = "The bitHuman API did not answer in time"


class BithumanResponseError(BithumanError):
    """The API answered with a body the client cannot understand."""

    default_message = "Unexpected response from the bitHuman API"


class BithumanAuthenticationError(BithumanError):
    """The API secret is missing or invalid."""

    default_message = "The bitHuman API secret was rejected"


class BithumanAccountSuspendedError(BithumanError):
    """The account is suspended: its balance is below the floor (top up)."""

    default_message = "The bitHuman account is suspended"


class BithumanInsufficientCreditsError(BithumanError):
    """The account does not have enough credits for the operation."""

    default_message = "Not enough bitHuman credits"


class BithumanNotFoundError(BithumanError):
    """The requested resource does not exist."""

    default_message = "Not found"


class BithumanAgentNotFoundError(BithumanNotFoundError):
    """No agent matches the given code (or it belongs to another account)."""

    default_message = "Agent not found"


class BithumanNoLiveSessionError(BithumanNotFoundError):
    """The agent has no active room to speak or add context to."""

    default_message = "The agent has no live session"


class BithumanConflictError(BithumanError):
    """The agent's state does not allow the operation yet."""

    default_message = "The agent is not in a state that allows this"


class BithumanValidationError(BithumanError):
    """The request was rejected as invalid."""

    default_message = "The bitHuman API rejected the request as invalid"


class BithumanRateLimitError(BithumanError):
    """Too many requests; ``retry_after`` says how long to wait, when known."""

    default_message = "Rate limited by the bitHuman API"


class BithumanServerError(BithumanError):
    """The API failed with a server-side error."""

    default_message = "The bitHuman API failed"


class BithumanUnavailableError(BithumanServerError):
    """The API is temporarily unavailable."""

    default_message = "The bitHuman API is temporarily unavailable"
