"""The simulator's methods for live sessions, webhooks, voices and odd answers.

`Simulator` inherits these; they drive its `SessionBook`, `WebhookDispatcher`,
voice codes and `FieldOverrides`.
"""

from typing import TYPE_CHECKING, Literal

from .platform_base import PlatformBase
from .sessions import DEFAULT_END_REASON, DEFAULT_KEY_ALIAS, TranscriptLine

if TYPE_CHECKING:
    from collections.abc import Sequence

    from .embed import EmbedClaims
    from .json_types import JSONObject
    from .overrides import Patch
    from .records import Account, AgentRecord, LedgerEntry, WebhookRecord
    from .sessions import SessionRecord
    from .webhook_dispatch import Attempt, Delivery, WebhookTransport
    from .webhook_signing import Tamper

HOUR = 3600.0
EMBED_ALIAS = "embed"


class LivePlatform(PlatformBase):
    """Sessions, webhooks, voices and odd answers, on top of the core state."""

    # Live sessions

    def set_live_rooms(self, code: str, rooms: Sequence[str]) -> None:
        """Set the rooms where the agent is live (empty: no live session).

        A new room starts a session, a room left out ends its session.
        """
        self.session_book.set_rooms(self.agent(code), list(rooms), self.now())

    def set_worker_present(self, code: str, room: str, present: bool) -> None:
        """Say whether an avatar worker is in the agent's live room.

        Messages skip a room without one: bitHuman answers 200 with
        `rooms_skipped_no_worker`, and `delivered_to_rooms` 0 if none was
        reached. ValueError if the agent is not live in `room`; the room
        gets a worker again when its session ends.
        """
        agent = self.agent(code)
        if room not in agent.live_rooms:
            raise ValueError(f"agent {code} is not live in {room!r}")
        absent = agent.rooms_without_worker
        if present:
            absent.discard(room)
        else:
            absent.add(room)

    def start_session(
        self,
        code: str,
        room: str,
        *,
        model: str | None = None,
        self_hosted: bool = False,
        key_alias: str = DEFAULT_KEY_ALIAS,
    ) -> SessionRecord:
        """Start a live session of an agent in `room`, billed from now.

        `model` is the family it runs as (default: the agent's model; e.g.
        `essence-2-max` bills 8 credits a minute on the cloud).
        """
        return self.session_book.start(
            self.agent(code),
            room,
            self.now(),
            model=model,
            self_hosted=self_hosted,
            key_alias=key_alias,
        )

    def session(self, session_id: str) -> SessionRecord:
        """Return one session, settled to now (KeyError if none)."""
        self.settle()
        return self.session_book.sessions[session_id]

    def end_session(
        self, session_id: str, reason: str = DEFAULT_END_REASON
    ) -> SessionRecord:
        """End a session (as `terminate` does), emptying its room."""
        session = self.session(session_id)
        self.session_book.end(session, self.now(), reason)
        return session

    def sessions(
        self, owner: str | None = None, *, live: bool | None = None
    ) -> list[SessionRecord]:
        """Return sessions, newest first: of one account or all, live or not."""
        self.settle()
        chosen = (
            list(reversed(self.session_book.sessions.values()))
            if owner is None
            else self.session_book.of_owner(self.account(owner).user_id)
        )
        return [s for s in chosen if live is None or s.live == live]

    def add_transcript_message(self, session_id: str, role: str, message: str) -> None:
        """Add a line (`user`, `assistant`) to a session's transcript."""
        session = self.session(session_id)
        session.transcript.append(TranscriptLine(self.now(), role, message))

    def usage(self, owner: str | None = None) -> list[LedgerEntry]:
        """Return the billed session minutes, of one account or all."""
        user_id = None if owner is None else self.account(owner).user_id
        self.settle()
        return self.ledger_book.of_kind("usage", user_id)

    def credits_this_hour(self, user_id: str) -> int:
        """Return the credits an account's sessions were billed in the last hour."""
        self.settle()
        now = self.now()
        return self.ledger_book.usage_between(user_id, now - HOUR, now)

    def open_embed_session(
        self, agent: AgentRecord, claims: EmbedClaims
    ) -> SessionRecord | None:
        """Open (or keep open) the session an embed page runs, if enabled."""
        if not self.settings.embed_starts_sessions:
            return None
        session = self.session_book.embed_session(claims.sid)
        if session is not None:
            session.last_heartbeat = self.now()
            return session
        return self.session_book.start(
            agent,
            f"embed_{claims.sid}",
            self.now(),
            model=claims.model,
            key_alias=EMBED_ALIAS,
            idle_timeout=self.settings.embed_idle_seconds,
            embed_sid=claims.sid,
        )

    # Webhooks

    @property
    def webhook_transport(self) -> WebhookTransport:
        """Return how deliveries are sent: async (url, headers, body) -> status."""
        return self.dispatcher.transport

    @webhook_transport.setter
    def webhook_transport(self, transport: WebhookTransport) -> None:
        self.dispatcher.transport = transport

    def rewrite_webhooks(self, source: str, destination: str) -> None:
        """Send deliveries for URLs starting with `source` to `destination`."""
        self.dispatcher.rewrites.append((source, destination))

    def add_webhook(
        self,
        account: Account,
        url: str,
        events: list[str],
        description: str | None,
    ) -> WebhookRecord:
        """Register a webhook with a fresh signing secret."""
        return self.webhook_registry.add(
            account.user_id, url, events, description, self.now()
        )

    def owned_webhook(self, account: Account, webhook_id: str) -> WebhookRecord:
        """Return `account`'s webhook, or raise a 404."""
        return self.webhook_registry.owned(account.user_id, webhook_id)

    def remove_webhook(self, webhook_id: str) -> None:
        """Delete a webhook; its pending deliveries are dropped."""
        self.webhook_registry.webhooks.pop(webhook_id, None)
        for delivery in self.dispatcher.pending:
            if delivery.webhook.id == webhook_id:
                delivery.next_attempt_at = None

    async def flush_webhooks(self) -> list[Attempt]:
        """Settle, then make every delivery attempt due now; return them."""
        self.settle()
        return await self.dispatcher.flush()

    def pending_webhooks(self) -> list[Delivery]:
        """Return the deliveries still to be attempted (settled to now)."""
        self.settle()
        return self.dispatcher.pending

    def webhook_deliveries(self, webhook_id: str | None = None) -> list[Delivery]:
        """Return every delivery (forged ones too), oldest first."""
        return [
            d
            for d in self.dispatcher.deliveries
            if webhook_id is None or d.webhook.id == webhook_id
        ]

    @staticmethod
    def _agent_event(code: str, error: str | None) -> JSONObject:
        data: JSONObject = {"agent_id": code, "code": code}
        if error is not None:
            data["error"] = error
        return data

    async def send_webhook_event(
        self,
        code: str,
        event: Literal["agent.ready", "agent.failed"] = "agent.ready",
        *,
        error: str | None = None,
        webhook_id: str | None = None,
    ) -> list[Attempt]:
        """Deliver an event for agent `code` now, to its owner's subscribed webhooks.

        A failed attempt is retried later, as a real delivery is.
        """
        agent = self.agent(code)
        if event == "agent.failed" and error is None:
            error = agent.plan.error_message
        payload = self._agent_event(code, error)
        deliveries = self.dispatcher.queue(
            agent.owner,
            self.dispatcher.new_event(event, payload, self.now()),
            webhook_id=webhook_id,
            scheduled=False,
        )
        return await self.dispatcher.send_now(deliveries)

    async def send_forged_webhook(
        self, code: str, tamper: Tamper, *, webhook_id: str | None = None
    ) -> list[Attempt]:
        """Send a tampered `agent.ready` for agent `code` to its owner's webhooks.

        `bad_signature`, `stale_timestamp` (301 s old), `not_json` or
        `unknown_event`; sent once, never retried.
        """
        agent = self.agent(code)
        payload = self._agent_event(code, None)
        deliveries = self.dispatcher.queue(
            agent.owner,
            self.dispatcher.new_event("agent.ready", payload, self.now()),
            webhook_id=webhook_id,
            forged=tamper,
            scheduled=False,
        )
        return await self.dispatcher.send_now(deliveries, tamper)

    async def replay_webhook(self, delivery_id: str | None = None) -> Attempt:
        """Resend a delivery's last request byte for byte (default: the latest)."""
        sent = [d for d in self.dispatcher.deliveries if d.attempts]
        if delivery_id is not None:
            sent = [d for d in sent if d.id == delivery_id]
        if not sent:
            raise KeyError(f"no delivery {delivery_id or ''} was sent yet")
        return await self.dispatcher.replay(sent[-1])

    async def ping_webhook(self, webhook: WebhookRecord) -> Delivery:
        """Deliver a one-off `ping` to a webhook now (as `/test` does)."""
        event = self.dispatcher.new_event(
            "ping", {"webhook_id": webhook.id}, self.now()
        )
        [delivery] = self.dispatcher.queue(
            webhook.owner,
            event,
            webhook_id=webhook.id,
            forged=None,
            retries=False,
            scheduled=False,
        )
        await self.dispatcher.send_now([delivery])
        return delivery

    # Voices

    def add_voice_code(
        self, owner: str, voice_code: str | None = None, *, base_voice: str = "M1"
    ) -> str:
        """Register a designed voice (`voice_code`, default a fresh UUID)."""
        account = self.account(owner)
        code = voice_code or self.ids.extra_uuid()
        self.voice_codes.setdefault(account.user_id, {})[code] = base_voice
        return code

    # Odd answers

    def override_agent_fields(self, code: str, fields: Patch) -> None:
        """Show agent `code`'s Agent object with these fields (`REMOVE`: left out).

        Keys are dotted paths (`status`, `dynamics.enabled`); applied in
        `GET /v1/agents`, `GET /v1/agent/{code}` and the status endpoint.
        """
        self.agent(code)
        self.overrides.set(code, "agent", fields)

    def override_dynamics_fields(self, code: str, fields: Patch) -> None:
        """Show agent `code`'s `GET /v1/dynamics` data with these fields."""
        self.agent(code)
        self.overrides.set(code, "dynamics", fields)

    def clear_field_overrides(self, code: str | None = None) -> None:
        """Drop the field overrides of one agent, or of all."""
        self.overrides.clear(code)
