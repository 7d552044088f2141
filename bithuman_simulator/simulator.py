"""The simulator: bitHuman's state for tests and the server, driven by a clock.

`Simulator` is a facade over smaller parts, one idea each: accounts
(`AccountBook`), the `Ledger`, agents and their generations (`AgentStore`),
dynamics jobs (`DynamicsService`), live sessions (`SessionBook`), webhooks
(`WebhookRegistry`, `WebhookDispatcher`), odd-answer patches
(`FieldOverrides`) and `Idempotency-Key` answers. Its methods come in groups:
accounts, faults and logs here; agents in `AgentPlatform`; sessions,
webhooks, voices and odd answers in `LivePlatform`.
"""

from typing import TYPE_CHECKING

from .accounts import AccountBook
from .agent_platform import AgentPlatform
from .agent_store import AGENT_STATUSES, DEFAULT_PROMPT, AgentStore, DynamicsSetup
from .clock import Clock, RealClock
from .dynamics_service import DynamicsService
from .faults import Fault, FaultSet, OutageMode
from .idempotency import IdempotencyStore
from .ids import IdSource
from .ledger import Ledger
from .live_platform import LivePlatform
from .overrides import FieldOverrides
from .rate_limit import RateLimiter
from .request_log import RecordedRequest, RequestLog
from .sessions import SessionBook
from .settings import Settings
from .shared_state import SharedState
from .webhook_dispatch import WebhookDispatcher
from .webhook_registry import WebhookRegistry

if TYPE_CHECKING:
    from .json_types import JSONObject
    from .records import (
        Account,
        AgentRecord,
        DeliveredMessage,
        LedgerEntry,
        MessageKind,
        WebhookRecord,
    )

__all__ = ["AGENT_STATUSES", "DEFAULT_PROMPT", "DynamicsSetup", "Simulator"]


class Simulator(AgentPlatform, LivePlatform):
    """The whole simulated bitHuman platform: accounts, agents, faults, logs.

    Tests drive it directly (`add_account`, `add_agent`, `set_live_rooms`,
    `add_fault`, `clock.advance`, ...) and read what happened (`requests`,
    `ledger`, `messages`); `create_app` serves it over HTTP.
    """

    def __init__(
        self,
        *,
        clock: Clock | None = None,
        rate_limits: bool = True,
        generation_seconds: float = 180.0,
        dynamics_seconds: float = 120.0,
        regeneration_seconds: float = 30.0,
        seed: int = 0,
        tts_max_chars: int | None = None,
    ) -> None:
        """Create an empty platform.

        `generation_seconds` is how long an agent generation runs,
        `dynamics_seconds` a dynamics generation and `regeneration_seconds`
        the regeneration a dynamics `PUT` starts. `seed` makes generated codes,
        ids and secrets reproducible. `tts_max_chars` caps `/v1/tts` text
        (None: any length).
        """
        self.clock: Clock = clock if clock is not None else RealClock()
        self.rate_limits = rate_limits
        self.settings = Settings(
            generation_seconds=generation_seconds,
            dynamics_seconds=dynamics_seconds,
            regeneration_seconds=regeneration_seconds,
            tts_max_chars=tts_max_chars,
        )
        self._seed = seed
        self.limiter = RateLimiter(self.clock)
        self.fault_set = FaultSet()
        self.log = RequestLog()
        self.page_log = RequestLog()
        self.outage: OutageMode | None = None
        self.public_url: str | None = None
        self._init_state()

    def _init_state(self) -> None:
        self.ids = IdSource(self._seed)
        self.account_book = AccountBook(self.ids)
        self.ledger_book = Ledger()
        shared = SharedState(
            self.ids, self.ledger_book, self.account_book.accounts, {}, self.settings
        )
        self.agent_store = AgentStore(shared)
        self.dynamics_service = DynamicsService(shared)
        self.session_book = SessionBook(shared)
        self.webhook_registry = WebhookRegistry(self.ids)
        self.dispatcher = WebhookDispatcher(
            self.ids, self.webhook_registry, self.clock, self.settings
        )
        self.overrides = FieldOverrides()
        self.idempotency = IdempotencyStore()
        self.voice_codes: dict[str, dict[str, str]] = {}

    @property
    def generation_seconds(self) -> float:
        """Return how long an agent generation runs."""
        return self.settings.generation_seconds

    @generation_seconds.setter
    def generation_seconds(self, seconds: float) -> None:
        self.settings.generation_seconds = seconds

    @property
    def dynamics_seconds(self) -> float:
        """Return how long a dynamics generation runs."""
        return self.settings.dynamics_seconds

    @dynamics_seconds.setter
    def dynamics_seconds(self, seconds: float) -> None:
        self.settings.dynamics_seconds = seconds

    @property
    def regeneration_seconds(self) -> float:
        """Return how long the regeneration after a dynamics `PUT` runs."""
        return self.settings.regeneration_seconds

    @regeneration_seconds.setter
    def regeneration_seconds(self, seconds: float) -> None:
        self.settings.regeneration_seconds = seconds

    @property
    def accounts(self) -> dict[str, Account]:
        """Return every account by user id."""
        return self.account_book.accounts

    @property
    def agents(self) -> dict[str, AgentRecord]:
        """Return every agent by code."""
        return self.agent_store.agents

    @property
    def webhooks(self) -> dict[str, WebhookRecord]:
        """Return every registered webhook by id."""
        return self.webhook_registry.webhooks

    def now(self) -> float:
        """Return the clock's time."""
        return self.clock.now()

    def reset(self) -> None:
        """Forget every account, agent, fault, log entry and rate-limit bucket.

        The webhook transport and URL rewrites are wiring, and stay.
        """
        transport, rewrites = self.dispatcher.transport, self.dispatcher.rewrites
        self._init_state()
        self.dispatcher.transport, self.dispatcher.rewrites = transport, rewrites
        self.limiter.reset()
        self.fault_set.clear()
        self.log.clear()
        self.page_log.clear()
        self.outage = None

    # Accounts

    def add_account(
        self,
        secret: str,
        *,
        user_id: str | None = None,
        email: str | None = None,
        plan: str = "pro",
        credits: float = 10_000,  # noqa: A002 - the documented name
        topup_credits: float = 0,
    ) -> Account:
        """Create an account reachable with `secret`.

        `credits` are plan credits, `topup_credits` come on top; the balance is
        their sum.
        """
        return self.account_book.add(
            secret,
            user_id=user_id,
            email=email,
            plan=plan,
            plan_credits=credits,
            topup_credits=topup_credits,
        )

    def add_secret(self, user_id: str, secret: str) -> None:
        """Let one more `secret` reach the account `user_id`."""
        self.account_book.add_secret(user_id, secret)

    def revoke_secret(self, secret: str) -> None:
        """Make `secret` invalid (a rotated key)."""
        self.account_book.revoke_secret(secret)

    def account(self, owner: str) -> Account:
        """Return the account with this user id or secret, settled to now."""
        self.settle()
        return self.account_book.get(owner)

    def authenticate(self, secret: str) -> Account | None:
        """Return the account `secret` belongs to, if any."""
        return self.account_book.authenticate(secret)

    def set_credits(
        self,
        owner: str,
        credits: float,  # noqa: A002 - the documented name
        *,
        topup_credits: float = 0,
    ) -> None:
        """Set an account's plan and top-up credits."""
        account = self.account(owner)
        account.plan_credits = float(credits)
        account.topup_credits = float(topup_credits)

    def set_account_status(
        self, owner: str, status: str, *, http_status: int = 401
    ) -> None:
        """Set `active` or `suspended`.

        A suspended account's requests get `ACCOUNT_SUSPENDED` with
        `http_status` (errors.md allows 401 or 403); `/v1/validate` says
        `valid: false`.
        """
        self.account_book.set_status(owner, status, http_status)

    # Faults

    def add_fault(self, fault: Fault) -> Fault:
        """Activate a fault and return it."""
        return self.fault_set.add(fault)

    def remove_fault(self, fault: Fault) -> None:
        """Deactivate one fault."""
        self.fault_set.remove(fault)

    def clear_faults(self) -> None:
        """Deactivate every fault and end any outage."""
        self.fault_set.clear()
        self.outage = None

    @property
    def faults(self) -> list[Fault]:
        """Return the faults that can still hit."""
        return self.fault_set.active()

    def set_outage(self, enabled: bool, mode: OutageMode = "drop") -> None:
        """Make every /v1 and /v2 request fail: dropped (`drop`) or `503`."""
        self.outage = mode if enabled else None

    # What happened

    @property
    def requests(self) -> list[RecordedRequest]:
        """Return every API request received, oldest first."""
        return list(self.log.entries)

    def clear_requests(self) -> None:
        """Forget the recorded requests."""
        self.log.clear()

    def count(self, method: str | None = None, path_prefix: str | None = None) -> int:
        """Count recorded requests by method and path prefix (None: any)."""
        return self.log.count(method, path_prefix)

    @property
    def ledger(self) -> list[LedgerEntry]:
        """Return every charge, refund and billed session minute, in clock order."""
        self.settle()
        return self.ledger_book.entries

    def charges(self, owner: str | None = None) -> list[LedgerEntry]:
        """Return the one-time charges, of one account (secret or user id) or all."""
        user_id = None if owner is None else self.account(owner).user_id
        self.settle()
        return self.ledger_book.of_kind("charge", user_id)

    @property
    def messages(self) -> list[DeliveredMessage]:
        """Return every message delivered into a live room, oldest first."""
        return list(self.session_book.messages)

    def messages_for(
        self,
        code: str,
        *,
        kind: MessageKind | None = None,
        room_id: str | None = None,
    ) -> list[DeliveredMessage]:
        """Return the messages one agent received, by kind and room."""
        return [
            message
            for message in self.session_book.messages
            if message.agent_code == code
            and kind in {None, message.kind}
            and room_id in {None, message.room_id}
        ]

    # Operations behind the API

    def settle(self) -> None:
        """Apply what the clock made happen.

        Finished jobs and their refunds, ended generations (queued as
        webhook events), billed session minutes, idle embed sessions.
        """
        now = self.now()
        for ended in self.agent_store.settle(now):
            data: JSONObject = {"agent_id": ended.agent.code, "code": ended.agent.code}
            if ended.error is not None:
                data["error"] = ended.error
            event = self.dispatcher.new_event(ended.event, data, ended.at)
            self.dispatcher.queue(ended.agent.owner, event)
        self.dynamics_service.settle(now)
        self.session_book.settle(now)

    def deliver(
        self, agent: AgentRecord, kind: MessageKind, text: str, room_id: str | None
    ) -> tuple[int, int]:
        """Deliver text into the agent's live rooms; count those reached and skipped."""
        return self.session_book.deliver(agent, kind, text, room_id, self.now())

    def replay(self, account: Account, path: str, key: str) -> JSONObject | None:
        """Return the stored first answer to this `Idempotency-Key`, if still kept."""
        return self.idempotency.replay(account.user_id, path, key, self.now())

    def remember(
        self, account: Account, path: str, key: str, payload: JSONObject
    ) -> None:
        """Keep the first answer to an `Idempotency-Key` for 24 hours."""
        self.idempotency.remember(account.user_id, path, key, payload, self.now())
