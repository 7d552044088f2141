"""Async client of the bitHuman REST API: one method per endpoint used."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import quote
import uuid

from yarl import URL

from .const import (
    AGENTS_PAGE_SIZE,
    DEFAULT_BASE_URL,
    DEFAULT_REQUEST_TIMEOUT,
    LIVE_SESSIONS_LIMIT,
    MAX_AGENT_PAGES,
)
from .exceptions import (
    BithumanAuthenticationError,
    BithumanNotFoundError,
    BithumanResponseError,
    BithumanValidationError,
)
from .models import (
    Account,
    Agent,
    AgentGeneration,
    ContextDelivery,
    Dynamics,
    DynamicsGeneration,
    DynamicsUpdate,
    EmbedToken,
    PromptUpdate,
    RuntimeSessions,
    SessionTermination,
    Validation,
    VoiceCatalog,
    Webhook,
    WebhookWithSecret,
)
from .models.fields import first_identifier
from .responses import parse_items, parse_model, parse_pagination
from .retry import RetryPolicy
from .transport import Replay, Transport

if TYPE_CHECKING:
    import aiohttp


def _segment(value: str, what: str) -> str:
    """Quote one path segment, refusing values that would change the path."""
    if not value.strip() or value in (".", ".."):
        raise BithumanValidationError(f"{value!r} is not a valid {what}")
    return quote(value, safe="")


def _compact(**fields: Any) -> dict[str, Any]:
    """Return ``fields`` without the ones that are ``None``."""
    return {key: value for key, value in fields.items() if value is not None}


def _code_of(record: Any) -> str | None:
    """Return the agent code an unreadable list record names, if any."""
    if not isinstance(record, dict):
        return None
    code = first_identifier(record.get("code"), record.get("agent_id"))
    return code.strip() if isinstance(code, str) and code.strip() else None


@dataclass(frozen=True, slots=True)
class AgentListing:
    """Every agent of the account, and the codes whose record could not be read."""

    agents: dict[str, Agent]
    unreadable: frozenset[str]


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
        if url.scheme not in ("http", "https") or not url.host:
            raise ValueError("base_url must be an absolute http(s) URL")
        secret = api_secret.strip()
        if "\r" in secret or "\n" in secret:
            raise ValueError("api_secret must not contain line breaks")
        self._transport = Transport(
            session,
            secret,
            str(url.with_query(None).with_fragment(None)).rstrip("/"),
            request_timeout,
            retry or RetryPolicy(),
        )

    def __repr__(self) -> str:
        """Return a representation that names the endpoint, never the secret."""
        return f"{type(self).__name__}(base_url={self.base_url!r})"

    @property
    def base_url(self) -> str:
        """Return the API base URL, without a trailing slash."""
        return self._transport.base_url

    def rate_limits(self) -> dict[str, float]:
        """Return the tokens left per cost tier, as last reported."""
        return self._transport.rate_limits.snapshot()

    # Account

    async def validate(self) -> bool:
        """Return whether the API secret is valid and its account active."""
        try:
            payload = await self._transport.request("POST", "/v1/validate", Replay.SAFE)
        except BithumanAuthenticationError:
            return False
        return parse_model(Validation, payload).valid

    async def get_account(self) -> Account:
        """Return the account behind the API secret."""
        return parse_model(
            Account, await self._transport.request("GET", "/v1/me", Replay.SAFE)
        )

    # Agents

    async def list_agents(self) -> AgentListing:
        """Return every agent of the account (all pages).

        A record that cannot be read is left out; its code, when it names
        one, is in ``unreadable`` so that agent alone can be shown as such.
        """
        agents: dict[str, Agent] = {}
        unreadable: set[str] = set()
        offset = 0
        for _ in range(MAX_AGENT_PAGES):
            payload = await self._transport.request(
                "GET",
                "/v1/agents",
                Replay.SAFE,
                params={"limit": AGENTS_PAGE_SIZE, "offset": offset},
            )
            page, bad = parse_items(Agent, payload)
            known = len(agents) + len(unreadable)
            for agent in page:
                # An agent created while paging shifts the pages by one.
                agents.setdefault(agent.code, agent)
            unreadable.update(code for item in bad if (code := _code_of(item)))
            size = len(page) + len(bad)
            more = parse_pagination(payload).has_more
            # A page with nothing new means the server ignores `offset`; a
            # full page with no clear `has_more` may well have a successor.
            if len(agents) + len(unreadable) == known or not (
                more or (more is None and size >= AGENTS_PAGE_SIZE)
            ):
                return AgentListing(agents, frozenset(unreadable - set(agents)))
            offset += size
        raise BithumanResponseError("The bitHuman agent list does not end")

    async def get_agent(self, code: str) -> Agent:
        """Return the agent with this code."""
        payload = await self._transport.request(
            "GET", f"/v1/agent/{_segment(code, 'agent code')}", Replay.SAFE
        )
        return parse_model(Agent, payload, {"code": code})

    async def generate_agent(
        self,
        *,
        prompt: str,
        image: str | None = None,
        audio: str | None = None,
        model: str | None = None,
        aspect_ratio: str | None = None,
    ) -> AgentGeneration:
        """Start generating a new agent (billed); omitted fields are not sent.

        The ``Idempotency-Key`` is kept across retries, so a retried call
        never starts, or charges, a second job.
        """
        payload = await self._transport.request(
            "POST",
            "/v1/agent/generate",
            Replay.SAFE,
            json=_compact(
                prompt=prompt,
                image=image,
                audio=audio,
                model=model,
                aspect_ratio=aspect_ratio,
            ),
            idempotency_key=str(uuid.uuid4()),
        )
        return parse_model(AgentGeneration, payload)

    async def update_prompt(self, code: str, system_prompt: str) -> PromptUpdate:
        """Replace the agent's system prompt."""
        payload = await self._transport.request(
            "POST",
            f"/v1/agent/{_segment(code, 'agent code')}",
            Replay.UNSAFE,
            json={"system_prompt": system_prompt},
        )
        return parse_model(PromptUpdate, payload, {"agent_code": code})

    async def speak(
        self, code: str, message: str, *, room_id: str | None = None
    ) -> ContextDelivery:
        """Make the agent say ``message`` in its live room(s)."""
        payload = await self._transport.request(
            "POST",
            f"/v1/agent/{_segment(code, 'agent code')}/speak",
            Replay.UNSAFE,
            json=_compact(message=message, room_id=room_id),
        )
        return parse_model(ContextDelivery, payload, {"agent_code": code})

    async def add_context(
        self, code: str, context: str, *, room_id: str | None = None
    ) -> ContextDelivery:
        """Give the agent background knowledge silently, in its live room(s)."""
        payload = await self._transport.request(
            "POST",
            f"/v1/agent/{_segment(code, 'agent code')}/add-context",
            Replay.UNSAFE,
            json=_compact(context=context, type="add_context", room_id=room_id),
        )
        return parse_model(ContextDelivery, payload, {"agent_code": code})

    # Dynamics

    async def get_dynamics(self, code: str) -> Dynamics:
        """Return the agent's gesture dynamics."""
        payload = await self._transport.request(
            "GET", f"/v1/dynamics/{_segment(code, 'agent code')}", Replay.SAFE
        )
        return parse_model(Dynamics, payload, {"agent_id": code})

    async def generate_dynamics(
        self, code: str, *, duration: int = 5, model: str = "auto"
    ) -> DynamicsGeneration:
        """Start generating the agent's gestures (billed, 250 credits; idempotent)."""
        payload = await self._transport.request(
            "POST",
            "/v1/dynamics/generate",
            Replay.SAFE,
            json={"agent_id": code, "duration": duration, "model": model},
            idempotency_key=str(uuid.uuid4()),
        )
        return parse_model(DynamicsGeneration, payload, {"agent_id": code})

    async def set_dynamics_enabled(self, code: str, enabled: bool) -> DynamicsUpdate:
        """Switch the agent to its dynamics model (or back to the default one)."""
        payload = await self._transport.request(
            "PUT",
            f"/v1/dynamics/{_segment(code, 'agent code')}",
            Replay.SAFE,
            json={"dynamics": {"enabled": enabled}, "toggle_enabled": enabled},
        )
        return parse_model(DynamicsUpdate, payload, {"agent_id": code})

    # Live sessions

    async def list_live_sessions(self, user_id: str) -> RuntimeSessions:
        """Return the account's live sessions and its live KPIs."""
        payload = await self._transport.request(
            "GET",
            f"/v2/{_segment(user_id, 'user id')}/runtime-sessions",
            Replay.SAFE,
            # The default page holds 50; an Enterprise account runs up to 200.
            params={"window": "live", "limit": LIVE_SESSIONS_LIMIT},
        )
        return parse_model(RuntimeSessions, payload)

    async def terminate_session(
        self, user_id: str, session_id: str, *, reason: str | None = None
    ) -> SessionTermination:
        """End one live session (its LiveKit room closes)."""
        payload = await self._transport.request(
            "POST",
            f"/v2/{_segment(user_id, 'user id')}/runtime-sessions/"
            f"{_segment(session_id, 'session id')}/terminate",
            Replay.SAFE,
            json=_compact(reason=reason),
        )
        return parse_model(SessionTermination, payload)

    async def request_embed_token(self, code: str, fingerprint: str) -> EmbedToken:
        """Mint a 1-hour embed token for one visitor (``fingerprint``)."""
        payload = await self._transport.request(
            "POST",
            "/v1/embed-tokens/request",
            Replay.SAFE,
            json={"agent_id": code, "fingerprint": fingerprint},
        )
        return parse_model(EmbedToken, payload)

    # Voice

    async def list_voices(self) -> VoiceCatalog:
        """Return the voices (and, when reported, the languages) of TTS."""
        return parse_model(
            VoiceCatalog,
            await self._transport.request("GET", "/v1/voices", Replay.SAFE),
        )

    async def synthesize(
        self,
        text: str,
        *,
        voice: str | None = None,
        language: str | None = None,
        speed: float | None = None,
    ) -> bytes:
        """Return WAV audio of ``text`` spoken by ``voice`` (``POST /v1/tts``)."""
        audio: bytes = await self._transport.request(
            "POST",
            "/v1/tts",
            Replay.SAFE,
            json=_compact(
                text=text, voice=voice, language=language, speed=speed, format="wav"
            ),
            raw=True,
        )
        return audio

    # Webhooks

    async def create_webhook(self, url: str, *, description: str) -> WebhookWithSecret:
        """Register a webhook for every event; the answer holds its secret."""
        payload = await self._transport.request(
            "POST",
            "/v1/webhooks",
            Replay.UNSAFE,
            json={"url": url, "events": [], "description": description},
        )
        return parse_model(WebhookWithSecret, payload)

    async def list_webhooks(self) -> list[Webhook]:
        """Return the registered webhooks (signing secrets redacted)."""
        webhooks, _ = parse_items(
            Webhook, await self._transport.request("GET", "/v1/webhooks", Replay.SAFE)
        )
        return webhooks

    async def delete_webhook(self, webhook_id: str) -> None:
        """Delete a webhook; one already gone counts as deleted."""
        try:
            await self._transport.request(
                "DELETE",
                f"/v1/webhooks/{_segment(webhook_id, 'webhook id')}",
                Replay.SAFE,
                raw=True,
            )
        except BithumanNotFoundError:
            return
