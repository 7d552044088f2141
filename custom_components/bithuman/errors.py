"""Turn bitHuman client errors into translated Home Assistant errors.

Every entity action and every action handler reaches the API through a
function decorated with `bithuman_exception_handler`, so each failure
reaches the user as the same translated error whichever way it came in.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from functools import wraps
from typing import TYPE_CHECKING, Concatenate, Final

from homeassistant.exceptions import HomeAssistantError, ServiceValidationError

from .api import (
    BithumanAccountSuspendedError,
    BithumanAgentNotFoundError,
    BithumanAuthenticationError,
    BithumanConflictError,
    BithumanConnectionError,
    BithumanError,
    BithumanInsufficientCreditsError,
    BithumanNoLiveSessionError,
    BithumanRateLimitError,
    BithumanResponseError,
    BithumanValidationError,
)
from .const import DOMAIN, LOGGER
from .repairs import async_raise_account_suspended, async_raise_insufficient_credits
from .schedule import Read

if TYPE_CHECKING:
    from .coordinator import BithumanConfigEntry

# The first class an error is an instance of names its translation key. Keys
# that quote bitHuman's own words ({error}) have a variant for when it said
# none ("_no_detail"): the client's own descriptions are English, not data.
_TRANSLATION_KEYS: Final[tuple[tuple[type[BithumanError], str], ...]] = (
    (BithumanAccountSuspendedError, "account_suspended"),
    (BithumanAuthenticationError, "auth_failed"),
    (BithumanInsufficientCreditsError, "insufficient_credits"),
    (BithumanNoLiveSessionError, "no_live_session"),
    (BithumanAgentNotFoundError, "agent_not_found"),
    (BithumanValidationError, "request_rejected"),
    (BithumanConflictError, "request_rejected"),
    (BithumanConnectionError, "cannot_connect"),
    (BithumanResponseError, "unreadable_answer"),
    (BithumanError, "api_error"),
)
_QUOTING_KEYS: Final = frozenset({"request_rejected", "api_error"})


def agent_name(entry: BithumanConfigEntry, code: str) -> str:
    """Return the agent's name as the user knows it."""
    data = entry.runtime_data.coordinator.data
    if (agent := data.agents.get(code)) and agent.name:
        return agent.name
    for subentry in entry.subentries.values():
        if subentry.unique_id == code:
            return subentry.title
    return code


def agent_error(
    key: str,
    entry: BithumanConfigEntry,
    code: str,
    kind: type[HomeAssistantError] = ServiceValidationError,
    **placeholders: str,
) -> HomeAssistantError:
    """Return the translated error that names the agent (a refusal unless told)."""
    return kind(
        translation_domain=DOMAIN,
        translation_key=key,
        translation_placeholders={"agent": agent_name(entry, code), **placeholders},
    )


def translate_error(
    entry: BithumanConfigEntry,
    code: str | None,
    err: BithumanError,
    credits_needed: int | None = None,
) -> HomeAssistantError:
    """Return the translated error for a failed request, acting on it first.

    A rejected secret starts re-authentication; a refused payment raises the
    out-of-credits repair and re-reads the balance; a suspended account raises
    the top-up repair and is read again (its entities then say why).
    """
    hass = entry.runtime_data.coordinator.hass
    placeholders = {
        "agent": agent_name(entry, code) if code else entry.title,
        "account": entry.title,
    }
    if isinstance(err, BithumanAuthenticationError):
        entry.async_start_reauth(hass)
    elif isinstance(err, BithumanInsufficientCreditsError):
        async_raise_insufficient_credits(hass, entry, credits_needed)
        entry.runtime_data.coordinator.async_watch(Read.ACCOUNT)
    elif isinstance(err, BithumanAccountSuspendedError):
        async_raise_account_suspended(hass, entry)
        entry.runtime_data.coordinator.async_watch(Read.ACCOUNT)
    if err.request_id:
        LOGGER.debug("bitHuman request %s failed: %s", err.request_id, err.message)
    if isinstance(err, BithumanRateLimitError):
        if err.retry_after is None:
            key = "rate_limited_retry"
        else:
            key = "rate_limited"
            placeholders["retry_after"] = str(round(err.retry_after))
    else:
        key = next(key for cls, key in _TRANSLATION_KEYS if isinstance(err, cls))
        if key in _QUOTING_KEYS:
            if err.api_message:
                placeholders["error"] = err.api_message
            else:
                key = f"{key}_no_detail"
    return HomeAssistantError(
        translation_domain=DOMAIN,
        translation_key=key,
        translation_placeholders=placeholders,
    )


type Action[C: str | None, **P, T] = Callable[
    Concatenate[BithumanConfigEntry, C, P], Awaitable[T]
]


def bithuman_exception_handler[C: str | None, **P, T](
    *, credits_needed: Callable[..., int] | None = None
) -> Callable[[Action[C, P, T]], Action[C, P, T]]:
    """Decorate an action of one agent (by its code) or, with None, of the account.

    ``credits_needed`` returns, from the action's keyword arguments, what the
    action costs: the out-of-credits repair says how much is missing.
    """

    def decorator(func: Action[C, P, T]) -> Action[C, P, T]:
        @wraps(func)
        async def handler(
            entry: BithumanConfigEntry,
            code: C,
            /,
            *args: P.args,
            **kwargs: P.kwargs,
        ) -> T:
            try:
                return await func(entry, code, *args, **kwargs)
            except BithumanError as err:
                needed = credits_needed(**kwargs) if credits_needed else None
                raise translate_error(entry, code, err, needed) from err

        return handler

    return decorator
