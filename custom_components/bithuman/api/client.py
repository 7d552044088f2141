"""Async client of the bitHuman REST API."""

from __future__ import annotations

from enum import Enum, auto
import logging
from typing import TYPE_CHECKING, Any
from urllib.parse import quote
import uuid

import aiohttp
from yarl import URL

from .const import (
    AGENTS_PAGE_SIZE,
    DEFAULT_BASE_URL,
    DEFAULT_REQUEST_TIMEOUT,
    HEADER_API_SECRET,
    HEADER_IDEMPOTENCY_KEY,
    MAX_AGENT_PAGES,
    USER_AGENT,
)
from .errors import error_from_response
from .exceptions import (
    BithumanAuthenticationError,
    BithumanConnectionError,
    BithumanError,
    BithumanRateLimitError,
    BithumanResponseError,
    BithumanServerError,
    BithumanTimeoutError,
    BithumanValidationError,
)
from .models import (
    Account,
    Agent,
    AgentGeneration,
    ContextDelivery,
    CreditSummary,
    Dynamics,
    DynamicsGeneration,
    DynamicsUpdate,
    EmbedToken,
    PromptUpdate,
    Validation,
    Webhook,
    WebhookWithSecret,
)
from .parsing import decode_body, parse_model, parse_model_list, parse_pagination
from .retry import RetryPolicy

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

_LOGGER = logging.getLogger(__name__)

_REDACTED = "**REDACTED**"


class _Retry(Enum):
    """Which failures a call may be retried after."""

    # Idempotent calls, and generate calls made idempotent by their
    # Idempotency-Key: retried after server errors, timeouts and dropped
    # connections, as well as after a 429 with Retry-After.
    SAFE = auto()
    # Other writes (speak, add-context, prompt update, webhook create): after a
    # timeout, dropped connection or 5xx the server may already have acted on
    # them (a spoken message would be said twice), so they are only retried
    # after a 429 with Retry-After, which means the request was not processed.
    UNSAFE = auto()


def _segment(value: str, what: str) -> str:
    """Quote one path segment, refusing values that would change the path."""
    if not value.strip() or value in (".", ".."):
        raise BithumanValidationError(f"{value!r} is not a valid {what}")
    return quote(value, safe="")


def _compact(**fields: Any) -> dict[str, Any]:
    """Return ``fields`` without the ones that are ``None``."""
    return {key: value for key, value in fields.items() if value is not None}


class BithumanClient:
    """Typed async client of the bitHuman REST API.

    Uses the caller's ``aiohttp.ClientSession`` (never closes it) and sends
    the API secret in the ``api-secret`` header of every request. Every call
    has a timeout and raises a ``BithumanError`` subclass on failure.
    """

    def __init__(
        self,
        session: aiohttp.ClientSession,
        api_secret: str,
        *,
        base_url: str = DEFAULT_BASE_URL,
        request_timeout: float = DEFAULT_REQUEST_TIMEOUT,
        retry: RetryPolicy | None = None,
    ) -> None:
        """Initialize the client; ``ValueError`` if ``base_url`` is not http(s)."""
        url = URL(base_url.strip())
        if not url.absolute or url.scheme not in ("http", "https") or not url.host:
            raise ValueError("base_url must be an absolute http(s) URL")
        secret = api_secret.strip()
        if "\r" in secret or "\n" in secret:
            raise ValueError("api_secret must not contain line breaks")
        self._session = session
        self._api_secret = secret
        self._base_url = str(url.with_query(None).with_fragment(None)).rstrip("/")
        self._request_timeout = request_timeout
        self._timeout = aiohttp.ClientTimeout(total=request_timeout)
        self._retry = retry or RetryPolicy()

    def __repr__(self) -> str:
        """Return a representation that names the endpoint, never the secret."""
        return f"{type(self).__name__}(base_url={self._base_url!r})"

    @property
    def base_url(self) -> str:
        """Return the API base URL, without a trailing slash."""
        return self._base_url

    # Account

    async def validate(self) -> bool:
        """Return whether the API secret is valid and its account active."""
        try:
            payload = await self._request("POST", "/v1/validate", retry=_Retry.SAFE)
        except BithumanAuthenticationError:
            return False
        return parse_model(Validation, payload).valid

    async def get_account(self) -> Account:
        """Return the account behind the API secret."""
        payload = await self._request("GET", "/v1/me", retry=_Retry.SAFE)
        return parse_model(Account, payload)

    async def get_credit_summary(self) -> CreditSummary:
        """Return the account's credit balance."""
        payload = await self._request("GET", "/v2/credit-summaries", retry=_Retry.SAFE)
        return parse_model(CreditSummary, payload)

    # Agents

    async def list_agents(self, *, status: str | None = None) -> list[Agent]:
        """Return every agent of the account (all pages), newest first."""
        agents: dict[str, Agent] = {}
        offset = 0
        for _ in range(MAX_AGENT_PAGES):
            params: dict[str, str | int] = {"limit": AGENTS_PAGE_SIZE, "offset": offset}
            if status is not None:
                params["status"] = status
            payload = await self._request(
                "GET", "/v1/agents", params=params, retry=_Retry.SAFE
            )
            page = parse_model_list(Agent, payload)
            known = len(agents)
            for agent in page:
                # An agent created while paging shifts the pages by one.
                agents.setdefault(agent.code, agent)
            if len(agents) == known or not parse_pagination(payload).has_more:
                # A page with nothing new means the server ignores `offset`.
                return list(agents.values())
            offset += len(page)
        raise BithumanResponseError("The bitHuman agent list does not end")

    async def get_agent(self, code: str) -> Agent:
        """Return the agent with this code."""
        payload = await self._request(
            "GET",
            f"/v1/agent/{_segment(code, 'agent code')}",
            retry=_Retry.SAFE,
            agent_scoped=True,
        )
        return parse_model(Agent, payload, {"code": code})

    async def get_agent_status(self, agent_id: str) -> Agent:
        """Return the generation status of an agent."""
        payload = await self._request(
            "GET",
            f"/v1/agent/status/{_segment(agent_id, 'agent id')}",
            retry=_Retry.SAFE,
            agent_scoped=True,
        )
        return parse_model(Agent, payload, {"agent_id": agent_id})

    async def generate_agent(
        self,
        *,
        prompt: str | None = None,
        image: str | None = None,
        audio: str | None = None,
        model: str | None = None,
        aspect_ratio: str | None = None,
        idempotency_key: str | None = None,
    ) -> AgentGeneration:
        """Start generating a new agent (billed); omitted fields are not sent.

        The ``Idempotency-Key`` (a new UUID unless given) is kept across
        retries, so a retried call never starts, or charges, a second job.
        """
        payload = await self._request(
            "POST",
            "/v1/agent/generate",
            json=_compact(
                prompt=prompt,
                image=image,
                audio=audio,
                model=model,
                aspect_ratio=aspect_ratio,
            ),
            retry=_Retry.SAFE,
            idempotency_key=idempotency_key or str(uuid.uuid4()),
        )
        return parse_model(AgentGeneration, payload)

    async def update_prompt(self, code: str, system_prompt: str) -> PromptUpdate:
        """Replace the agent's system prompt."""
        payload = await self._request(
            "POST",
            f"/v1/agent/{_segment(code, 'agent code')}",
            json={"system_prompt": system_prompt},
            retry=_Retry.UNSAFE,
            agent_scoped=True,
        )
        return parse_model(PromptUpdate, payload, {"agent_code": code})

    async def delete_agent(self, code: str) -> None:
        """Delete the agent permanently."""
        await self._request(
            "DELETE",
            f"/v1/agent/{_segment(code, 'agent code')}",
            retry=_Retry.SAFE,
            agent_scoped=True,
            expect_body=False,
        )

    async def speak(
        self, code: str, message: str, *, room_id: str | None = None
    ) -> ContextDelivery:
        """Make the agent say ``message`` in its live room(s)."""
        payload = await self._request(
            "POST",
            f"/v1/agent/{_segment(code, 'agent code')}/speak",
            json=_compact(message=message, room_id=room_id),
            retry=_Retry.UNSAFE,
            agent_scoped=True,
        )
        return parse_model(ContextDelivery, payload, {"agent_code": code})

    async def add_context(
        self, code: str, context: str, *, room_id: str | None = None
    ) -> ContextDelivery:
        """Give the agent background knowledge silently, in its live room(s)."""
        payload = await self._request(
            "POST",
            f"/v1/agent/{_segment(code, 'agent code')}/add-context",
            json=_compact(context=context, type="add_context", room_id=room_id),
            retry=_Retry.UNSAFE,
            agent_scoped=True,
        )
        return parse_model(ContextDelivery, payload, {"agent_code": code})

    # Dynamics

    async def get_dynamics(self, agent_id: str) -> Dynamics:
        """Return the agent's gesture dynamics."""
        payload = await self._request(
            "GET",
            f"/v1/dynamics/{_segment(agent_id, 'agent id')}",
            retry=_Retry.SAFE,
            agent_scoped=True,
        )
        return parse_model(Dynamics, payload, {"agent_id": agent_id})

    async def generate_dynamics(
        self,
        agent_id: str,
        *,
        duration: int = 5,
        model: str = "auto",
        image_url: str | None = None,
        idempotency_key: str | None = None,
    ) -> DynamicsGeneration:
        """Start generating the agent's gestures (billed, 250 credits).

        Carries an ``Idempotency-Key`` kept across retries, like
        ``generate_agent``.
        """
        payload = await self._request(
            "POST",
            "/v1/dynamics/generate",
            json=_compact(
                agent_id=agent_id, duration=duration, model=model, image_url=image_url
            ),
            retry=_Retry.SAFE,
            agent_scoped=True,
            idempotency_key=idempotency_key or str(uuid.uuid4()),
        )
        return parse_model(DynamicsGeneration, payload, {"agent_id": agent_id})

    async def set_dynamics_enabled(
        self, agent_id: str, enabled: bool
    ) -> DynamicsUpdate:
        """Switch the agent to its dynamics model (or back to the default one)."""
        payload = await self._request(
            "PUT",
            f"/v1/dynamics/{_segment(agent_id, 'agent id')}",
            json={"dynamics": {"enabled": enabled}, "toggle_enabled": enabled},
            retry=_Retry.SAFE,
            agent_scoped=True,
        )
        return parse_model(DynamicsUpdate, payload, {"agent_id": agent_id})

    # Webhooks

    async def create_webhook(
        self,
        url: str,
        *,
        events: Sequence[str] | None = None,
        description: str | None = None,
    ) -> WebhookWithSecret:
        """Register a webhook; the answer holds its one-time signing secret."""
        payload = await self._request(
            "POST",
            "/v1/webhooks",
            json=_compact(
                url=url,
                events=list(events) if events is not None else None,
                description=description,
            ),
            retry=_Retry.UNSAFE,
        )
        return parse_model(WebhookWithSecret, payload)

    async def list_webhooks(self) -> list[Webhook]:
        """Return the registered webhooks (signing secrets redacted)."""
        payload = await self._request("GET", "/v1/webhooks", retry=_Retry.SAFE)
        return parse_model_list(Webhook, payload)

    async def delete_webhook(self, webhook_id: str) -> None:
        """Delete a webhook."""
        await self._request(
            "DELETE",
            f"/v1/webhooks/{_segment(webhook_id, 'webhook id')}",
            retry=_Retry.SAFE,
            expect_body=False,
        )

    # Embedding

    async def request_embed_token(
        self, agent_id: str, fingerprint: str, *, model: str | None = None
    ) -> EmbedToken:
        """Mint a 1-hour embed token for one visitor (``fingerprint``).

        Minting is free and a duplicate token is harmless, so it is retried.
        """
        payload = await self._request(
            "POST",
            "/v1/embed-tokens/request",
            json=_compact(agent_id=agent_id, fingerprint=fingerprint, model=model),
            retry=_Retry.SAFE,
            agent_scoped=True,
        )
        return parse_model(EmbedToken, payload)

    # Transport

    def _redact(self, text: str) -> str:
        if not self._api_secret:
            return text
        return text.replace(self._api_secret, _REDACTED)

    def _retry_delay(
        self, error: BithumanError, retry: _Retry, failures: int, rate_limited: bool
    ) -> float | None:
        """Return how long to wait before retrying after ``error``, or ``None``."""
        policy = self._retry
        if isinstance(error, BithumanRateLimitError):
            if (
                rate_limited
                or error.retry_after is None
                or error.retry_after > policy.max_retry_after
            ):
                return None
            return error.retry_after
        if retry is _Retry.UNSAFE or failures + 1 >= policy.attempts:
            return None
        if not isinstance(error, BithumanConnectionError | BithumanServerError):
            return None
        delay = policy.backoff(failures + 1)
        if error.retry_after is not None:
            if error.retry_after > policy.max_retry_after:
                return None
            delay = max(delay, error.retry_after)
        return delay

    async def _request(
        self,
        method: str,
        path: str,
        *,
        retry: _Retry,
        params: Mapping[str, str | int] | None = None,
        json: Any = None,
        agent_scoped: bool = False,
        idempotency_key: str | None = None,
        expect_body: bool = True,
    ) -> Any:
        """Send a request, retrying as ``retry`` allows; return the JSON body."""
        headers = {
            HEADER_API_SECRET: self._api_secret,
            "User-Agent": USER_AGENT,
            "Accept": "application/json",
        }
        if idempotency_key is not None:
            headers[HEADER_IDEMPOTENCY_KEY] = idempotency_key
        failures = 0
        rate_limited = False
        while True:
            try:
                return await self._attempt(
                    method,
                    path,
                    params=params,
                    json=json,
                    headers=headers,
                    agent_scoped=agent_scoped,
                    expect_body=expect_body,
                    retried=failures > 0 or rate_limited,
                )
            except BithumanError as err:
                delay = self._retry_delay(err, retry, failures, rate_limited)
                if delay is None:
                    raise
                if isinstance(err, BithumanRateLimitError):
                    rate_limited = True
                else:
                    failures += 1
                _LOGGER.debug(
                    "%s %s failed (%s), retrying in %.2f s",
                    method,
                    path,
                    type(err).__name__,
                    delay,
                )
                await self._retry.sleep(delay)

    async def _attempt(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, str | int] | None,
        json: Any,
        headers: Mapping[str, str],
        agent_scoped: bool,
        expect_body: bool,
        retried: bool,
    ) -> Any:
        """Send one request and decode its answer."""
        url = URL(self._base_url + path, encoded=True)
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
                self._redact(f"{method} {path} failed: {type(err).__name__}: {err}")
            ) from None
        _LOGGER.debug("%s %s -> %s", method, path, status)
        if 200 <= status < 300:
            return decode_body(body) if expect_body else None
        if method == "DELETE" and status == 404 and retried:
            # An earlier attempt, whose answer was lost, already deleted it.
            return None
        raise error_from_response(
            status,
            body,
            response_headers,
            agent_scoped=agent_scoped,
            redact=self._redact,
        )
