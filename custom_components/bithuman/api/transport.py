"""One HTTP request to the bitHuman API: headers, retries, rate limits, errors."""

from __future__ import annotations

from enum import Enum, auto
import logging
from typing import TYPE_CHECKING, Any, Final

import aiohttp
from yarl import URL

from .const import HEADER_API_SECRET, HEADER_IDEMPOTENCY_KEY, USER_AGENT
from .exceptions import (
    BithumanConnectionError,
    BithumanError,
    BithumanRateLimitError,
    BithumanServerError,
    BithumanTimeoutError,
    BithumanUnavailableError,
)
from .rate_limit import RateLimitTracker, tier_of
from .responses import decode_body, error_from_response
from .retry import RetryPolicy

if TYPE_CHECKING:
    from collections.abc import Mapping

_LOGGER = logging.getLogger(__name__)
_REDACTED = "**REDACTED**"


class Replay(Enum):
    """Whether a request may be sent again after its outcome was lost."""

    # Reads, and billed calls made idempotent by their Idempotency-Key.
    SAFE = auto()
    # Other writes (speak, add-context, prompt update, webhook create): after a
    # timeout, dropped connection or other 5xx the server may already have
    # acted on them (a spoken message would be said twice), so only a 429 or
    # bitHuman's own 503 saying it took nothing on, is retried.
    UNSAFE = auto()


# bitHuman's 503 codes for a request it did not take on (errors.md). A 503
# without one may come from a proxy that timed out after passing it along.
NOT_PROCESSED_CODES: Final = frozenset(
    {"NO_AVAILABLE_WORKERS", "MODEL_NOT_YET_AVAILABLE"}
)


def _retryable(error: BithumanError, replay: Replay) -> bool:
    if isinstance(error, BithumanRateLimitError):
        return True
    if not isinstance(error, BithumanConnectionError | BithumanServerError):
        return False
    return replay is Replay.SAFE or (
        isinstance(error, BithumanUnavailableError)
        and error.code in NOT_PROCESSED_CODES
    )


class Transport:
    """Send requests with the API secret, retrying as the policy allows."""

    def __init__(
        self,
        session: aiohttp.ClientSession,
        api_secret: str,
        base_url: str,
        request_timeout: float,
        retry: RetryPolicy,
    ) -> None:
        """Keep what every request needs."""
        self._session = session
        self._api_secret = api_secret
        self.base_url = base_url
        self._request_timeout = request_timeout
        self._timeout = aiohttp.ClientTimeout(total=request_timeout)
        self._retry = retry
        self.rate_limits = RateLimitTracker()

    def redact(self, text: str) -> str:
        """Remove the API secret from a text."""
        return text.replace(self._api_secret, _REDACTED) if self._api_secret else text

    async def request(
        self,
        method: str,
        path: str,
        replay: Replay,
        *,
        params: Mapping[str, str | int] | None = None,
        json: Any = None,
        idempotency_key: str | None = None,
        raw: bool = False,
    ) -> Any:
        """Send a request; return its JSON body (or bytes, when ``raw``)."""
        headers = {
            HEADER_API_SECRET: self._api_secret,
            "User-Agent": USER_AGENT,
            "Accept": "*/*" if raw else "application/json",
        }
        if idempotency_key is not None:
            headers[HEADER_IDEMPOTENCY_KEY] = idempotency_key
        tier = tier_of(method, path)
        attempt = 0
        while True:
            attempt += 1
            if wait := self.rate_limits.take(tier):
                _LOGGER.debug(
                    "%s %s waits %.2f s for the rate limit", method, path, wait
                )
                await self._retry.wait(wait)
            try:
                return await self._attempt(
                    method, path, params=params, json=json, headers=headers, raw=raw
                )
            except BithumanError as err:
                delay = self._retry_delay(err, replay, attempt)
                if delay is None:
                    raise
                _LOGGER.debug(
                    "%s %s failed (%s, request id %s), retrying in %.2f s",
                    method,
                    path,
                    type(err).__name__,
                    err.request_id,
                    delay,
                )
                await self._retry.wait(delay)

    def _retry_delay(
        self, error: BithumanError, replay: Replay, attempt: int
    ) -> float | None:
        """Return how long to wait before retrying after ``error``, or ``None``."""
        policy = self._retry
        if attempt >= policy.attempts or not _retryable(error, replay):
            return None
        if error.retry_after is None:
            return policy.backoff(attempt)
        if error.retry_after > policy.max_retry_after:
            return None
        if isinstance(error, BithumanRateLimitError):
            return error.retry_after
        return max(policy.backoff(attempt), error.retry_after)

    async def _attempt(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, str | int] | None,
        json: Any,
        headers: Mapping[str, str],
        raw: bool,
    ) -> Any:
        """Send one request and decode its answer."""
        url = URL(self.base_url + path, encoded=True)
        try:
            async with self._session.request(
                method,
                url,
                params=params,
                json=json,
                headers=headers,
                timeout=self._timeout,
                allow_redirects=False,
                raise_for_status=False,
            ) as response:
                body = await response.read()
                status = response.status
                response_headers = response.headers
        except TimeoutError:
            raise BithumanTimeoutError(
                f"{method} {path} got no answer within {self._request_timeout:g} s"
            ) from None
        except aiohttp.ClientError as err:
            raise BithumanConnectionError(
                self.redact(f"{method} {path} failed: {type(err).__name__}: {err}")
            ) from None
        self.rate_limits.observe(tier_of(method, path), response_headers)
        _LOGGER.debug("%s %s -> %s", method, path, status)
        if 200 <= status < 300:
            return body if raw else decode_body(body)
        raise error_from_response(status, body, response_headers, redact=self.redact)
