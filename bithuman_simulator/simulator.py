"""The simulator: bitHuman's state for tests and the server, driven by a clock."""

import random
import string
from typing import TYPE_CHECKING, Literal
import uuid

from .clock import Clock, RealClock
from .dynamics import (
    DEFAULT_DYNAMICS_ERROR,
    DEFAULT_GESTURES,
    DynamicsJob,
    DynamicsRecord,
    asset_url,
    gesture_urls,
)
from .errors import ApiError, agent_not_found, insufficient_balance, no_active_rooms
from .faults import Fault, FaultSet, OutageMode
from .generation import DEFAULT_GENERATION_ERROR, GenerationPlan, start_for_status
from .pricing import DYNAMICS_COST, ENGINE_COST
from .rate_limit import RateLimiter
from .records import (
    Account,
    AgentRecord,
    DeliveredMessage,
    LedgerEntry,
    MessageKind,
    StoredResponse,
    WebhookRecord,
)
from .request_log import RecordedRequest, RequestLog
from .views import agent_object, dynamics_object

if TYPE_CHECKING:
    from collections.abc import Sequence

    from .json_types import JSONObject

IDEMPOTENCY_TTL = 24 * 3600.0
DEFAULT_PROMPT = "You are a friendly and helpful assistant."
AGENT_STATUSES = frozenset(
    {"processing", "generating", "completed", "success", "ready", "failed"}
)

type DynamicsSetup = Literal["none", "ready", "generating", "failed"]


class Simulator:
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
    ) -> None:
        """Create an empty platform.

        `generation_seconds` is how long an agent generation runs,
        `dynamics_seconds` a dynamics generation and `regeneration_seconds`
        the regeneration a dynamics `PUT` starts. `seed` makes generated codes,
        ids and secrets reproducible.
        """
        self.clock: Clock = clock if clock is not None else RealClock()
        self.rate_limits = rate_limits
        self.generation_seconds = generation_seconds
        self.dynamics_seconds = dynamics_seconds
        self.regeneration_seconds = regeneration_seconds
        self._seed = seed
        self.limiter = RateLimiter(self.clock)
        self.fault_set = FaultSet()
        self.log = RequestLog()
        self.outage: OutageMode | None = None
        self._init_state()

    def _init_state(self) -> None:
        self._rng = random.Random(self._seed)
        self.accounts: dict[str, Account] = {}
        self._secrets: dict[str, str] = {}
        self.agents: dict[str, AgentRecord] = {}
        self.webhooks: dict[str, WebhookRecord] = {}
        self._ledger: list[LedgerEntry] = []
        self._messages: list[DeliveredMessage] = []
        self._idempotency: dict[tuple[str, str, str], StoredResponse] = {}
        self._sequence = 0
        self._next_generation_failure: tuple[float, str] | None = None
        self._next_dynamics_failure: str | None = None

    def now(self) -> float:
        """Return the clock's time."""
        return self.clock.now()

    def reset(self) -> None:
        """Forget every account, agent, fault, log entry and rate-limit bucket."""
        self._init_state()
        self.limiter.reset()
        self.fault_set.clear()
        self.log.clear()
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
        if secret in self._secrets:
            raise ValueError("that secret already belongs to an account")
        user_id = user_id or str(uuid.UUID(int=self._rng.getrandbits(128), version=4))
        if user_id in self.accounts:
            raise ValueError(f"account {user_id} already exists")
        account = Account(
            user_id=user_id,
            email=email or f"{user_id}@example.com",
            plan=plan,
            plan_credits=float(credits),
            topup_credits=float(topup_credits),
        )
        self.accounts[user_id] = account
        self._secrets[secret] = user_id
        return account

    def add_secret(self, user_id: str, secret: str) -> None:
        """Let one more `secret` reach the account `user_id`."""
        self.account(user_id)
        if secret in self._secrets:
            raise ValueError("that secret already belongs to an account")
        self._secrets[secret] = user_id

    def revoke_secret(self, secret: str) -> None:
        """Make `secret` invalid (a rotated key)."""
        self._secrets.pop(secret, None)

    def account(self, owner: str) -> Account:
        """Return the account with this user id or secret, settled to now."""
        self.settle()
        user_id = self._secrets.get(owner, owner)
        if user_id not in self.accounts:
            raise KeyError(f"no account {owner!r}")
        return self.accounts[user_id]

    def authenticate(self, secret: str) -> Account | None:
        """Return the account `secret` belongs to, if any."""
        user_id = self._secrets.get(secret)
        return None if user_id is None else self.accounts[user_id]

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

    def set_account_status(self, owner: str, status: str) -> None:
        """Set `active` or `suspended` (suspended secrets get 401 everywhere)."""
        self.account(owner).status = status

    # Agents

    def add_agent(
        self,
        owner: str,
        *,
        code: str | None = None,
        name: str = "bitHuman Agent",
        status: str = "ready",
        model: str = "expression-1",
        system_prompt: str = DEFAULT_PROMPT,
        description: str = "",
        image_url: str | None = None,
        dynamics: DynamicsSetup = "none",
        gestures: Sequence[str] | None = None,
        dynamics_enabled: bool | None = None,
        live_rooms: Sequence[str] = (),
        generation_seconds: float | None = None,
        error_message: str = DEFAULT_GENERATION_ERROR,
        legacy_success: bool = False,
    ) -> AgentRecord:
        """Create an agent owned by `owner` (a secret or user id).

        `status` is what it shows now: `ready`, `failed` (with
        `error_message`) or an in-flight status whose generation then moves on
        with the clock. `dynamics` is `none` (never generated), `ready` (with
        `gestures`, default the seed five and a few more), `generating` or
        `failed`. `legacy_success` makes a finished run end on `success` with
        progress 1.0 instead of `ready`, like some historical rows.
        """
        account = self.account(owner)
        if status not in AGENT_STATUSES:
            raise ValueError(f"unknown agent status: {status}")
        if model not in ENGINE_COST:
            raise ValueError(f"unknown engine: {model}")
        code = code or self._unique_code()
        if code in self.agents:
            raise ValueError(f"agent {code} already exists")
        now = self.now()
        duration = generation_seconds or self.generation_seconds
        plan = GenerationPlan(
            started_at=start_for_status(status, now, duration),
            duration=duration,
            fail_at=0.45 if status == "failed" else None,
            error_message=error_message,
            final_status="success" if legacy_success else "ready",
        )
        names = list(gestures) if gestures is not None else list(DEFAULT_GESTURES)
        record = DynamicsRecord(gesture_names=names)
        if dynamics_enabled is not None:
            record.config["enabled"] = dynamics_enabled
        if dynamics == "ready":
            record.url = asset_url(code, "dynamics", now, "imx")
            record.gestures = gesture_urls(code, names, now)
        elif dynamics == "generating":
            record.job = DynamicsJob("generate", now, self.dynamics_seconds)
        elif dynamics == "failed":
            record.status = "failed"
            record.error_message = DEFAULT_DYNAMICS_ERROR
        agent = self._store_agent(
            account,
            code=code,
            name=name,
            model=model,
            system_prompt=system_prompt,
            image_url=image_url,
            plan=plan,
        )
        agent.description = description
        agent.dynamics = record
        agent.live_rooms = list(live_rooms)
        return agent

    def _store_agent(
        self,
        account: Account,
        *,
        code: str,
        name: str,
        model: str,
        system_prompt: str,
        image_url: str | None,
        plan: GenerationPlan,
    ) -> AgentRecord:
        now = self.now()
        self._sequence += 1
        agent = AgentRecord(
            code=code,
            owner=account.user_id,
            name=name,
            model=model,
            system_prompt=system_prompt,
            image_url=image_url or asset_url(code, "image", now, "jpg"),
            voice_id=f"voice_{self._rng.getrandbits(48):012x}",
            plan=plan,
            created_at=now,
            updated_at=now,
            sequence=self._sequence,
        )
        self.agents[code] = agent
        return agent

    def agent(self, code: str) -> AgentRecord:
        """Return the agent with this code, settled to now (KeyError if none)."""
        self.settle()
        return self.agents[code]

    def start_generation(
        self,
        owner: str,
        *,
        model: str = "expression-1",
        code: str | None = None,
        prompt: str | None = None,
        image: str | None = None,
        idempotency_key: str | None = None,
    ) -> AgentRecord:
        """Start a generation as `POST /v1/agent/generate` does, charging for it.

        `model` is an engine (`expression-1`, `essence-1`, `essence-2`,
        `expression-2`). Raises the API's ApiError (402 when the balance is
        short) like the endpoint would answer it.
        """
        if model not in ENGINE_COST:
            raise ValueError(f"unknown engine: {model}")
        return self.generate_agent(
            self.account(owner),
            engine=model,
            code=code,
            prompt=prompt,
            image=image,
            key=idempotency_key,
        )

    def agent_json(self, code: str) -> JSONObject:
        """Return the agent as the API shows it now."""
        self.settle()
        return agent_object(self.agent(code), self.now())

    def dynamics_json(self, code: str) -> JSONObject:
        """Return the agent's dynamics as the API shows them now."""
        self.settle()
        return dynamics_object(self.agent(code), self.now())

    def delete_agent(self, code: str) -> None:
        """Delete an agent, as if it were deleted upstream."""
        self.agents.pop(code, None)

    def set_live_rooms(self, code: str, rooms: Sequence[str]) -> None:
        """Set the rooms where the agent is live (empty: no live session)."""
        self.agent(code).live_rooms = list(rooms)

    def set_gestures(self, code: str, gestures: Sequence[str]) -> None:
        """Set the gestures the agent's dynamics produce.

        Dynamics already generated switch to this set at once; otherwise the
        next generation yields it.
        """
        record = self.agent(code).dynamics
        record.gesture_names = list(gestures)
        if record.url is not None:
            record.gestures = gesture_urls(code, record.gesture_names, self.now())

    def fail_next_generation(
        self, error_message: str = DEFAULT_GENERATION_ERROR, *, at: float = 0.45
    ) -> None:
        """Make the next `POST /v1/agent/generate` fail at fraction `at` of its run."""
        if not 0.0 <= at < 1.0:
            raise ValueError("at must be in [0, 1)")
        self._next_generation_failure = (at, error_message)

    def fail_next_dynamics(self, error_message: str = DEFAULT_DYNAMICS_ERROR) -> None:
        """Make the next dynamics generation end `failed`."""
        self._next_dynamics_failure = error_message

    def set_regeneration_failure(self, code: str, error: str | None) -> None:
        """Make dynamics `PUT`s answer `regeneration_status: failed` (None: stop)."""
        self.agent(code).dynamics.regeneration_error = error

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
        """Return every charge and refund, in clock order."""
        self.settle()
        return sorted(self._ledger, key=lambda entry: entry.time)

    def charges(self, owner: str | None = None) -> list[LedgerEntry]:
        """Return the charges, of one account (secret or user id) or all."""
        user_id = None if owner is None else self.account(owner).user_id
        return [
            entry
            for entry in self.ledger
            if entry.kind == "charge" and user_id in {None, entry.user_id}
        ]

    @property
    def messages(self) -> list[DeliveredMessage]:
        """Return every message delivered into a live room, oldest first."""
        return list(self._messages)

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
            for message in self._messages
            if message.agent_code == code
            and kind in {None, message.kind}
            and room_id in {None, message.room_id}
        ]

    # Operations behind the API

    def settle(self) -> None:
        """Apply what the clock made happen: finished jobs and their refunds."""
        now = self.now()
        for agent in list(self.agents.values()):
            plan = agent.plan
            if plan.failed_by(now) and agent.charged and not agent.refunded:
                agent.refunded = True
                self._refund(
                    agent=agent,
                    amount=agent.charged,
                    at=plan.ends_at,
                    what="agent",
                    key=agent.idempotency_key,
                )
            job = agent.dynamics.job
            if job is not None and now >= job.ends_at:
                succeeded = agent.dynamics.finish(agent.code, job)
                if not succeeded and job.charged:
                    self._refund(
                        agent=agent,
                        amount=job.charged,
                        at=job.ends_at,
                        what="dynamics",
                        key=job.idempotency_key,
                    )

    def _refund(
        self,
        *,
        agent: AgentRecord,
        amount: int,
        at: float,
        what: str,
        key: str | None,
    ) -> None:
        account = self.accounts.get(agent.owner)
        if account is not None:
            account.credit(amount)
        self._ledger.append(
            LedgerEntry(
                user_id=agent.owner,
                kind="refund",
                amount=amount,
                reason=f"{what}_generation_refund",
                agent_code=agent.code,
                idempotency_key=key,
                time=at,
            )
        )

    def owned_agent(self, account: Account, code: str) -> AgentRecord:
        """Return `account`'s agent `code`, or raise the documented 404."""
        agent = self.agents.get(code)
        if agent is None or agent.owner != account.user_id:
            raise agent_not_found(code)
        return agent

    def agents_of(self, account: Account) -> list[AgentRecord]:
        """Return `account`'s agents, newest first."""
        owned = [a for a in self.agents.values() if a.owner == account.user_id]
        return sorted(owned, key=lambda a: (a.created_at, a.sequence), reverse=True)

    def charge(
        self,
        account: Account,
        amount: int,
        reason: str,
        agent_code: str | None,
        key: str | None,
    ) -> None:
        """Charge `amount` credits, or raise the 402 when the balance is short."""
        if account.balance < amount:
            raise insufficient_balance()
        account.debit(amount)
        self._ledger.append(
            LedgerEntry(
                user_id=account.user_id,
                kind="charge",
                amount=amount,
                reason=reason,
                agent_code=agent_code,
                idempotency_key=key,
                time=self.now(),
            )
        )

    def generate_agent(
        self,
        account: Account,
        *,
        engine: str,
        code: str | None,
        prompt: str | None,
        image: str | None,
        key: str | None,
    ) -> AgentRecord:
        """Charge for and start an agent generation (`POST /v1/agent/generate`)."""
        if code is not None and code in self.agents:
            raise ApiError(400, "VALIDATION_ERROR", f"Agent id {code} already exists")
        if code is None and key is not None:
            code = self._new_code(random.Random(f"{account.user_id}:{key}"))
            if code in self.agents:
                code = None
        code = code or self._unique_code()
        cost = ENGINE_COST[engine]
        self.charge(account, cost, f"agent_generation:{engine}", code, key)
        failure = self._next_generation_failure
        self._next_generation_failure = None
        plan = GenerationPlan(
            started_at=self.now(),
            duration=self.generation_seconds,
            fail_at=None if failure is None else failure[0],
            error_message=DEFAULT_GENERATION_ERROR if failure is None else failure[1],
        )
        agent = self._store_agent(
            account,
            code=code,
            name=f"Agent {code}",
            model=engine,
            system_prompt=prompt or DEFAULT_PROMPT,
            image_url=image,
            plan=plan,
        )
        agent.charged = cost
        agent.idempotency_key = key
        return agent

    def generate_dynamics(
        self, account: Account, agent: AgentRecord, key: str | None
    ) -> None:
        """Charge for and start a dynamics generation."""
        self.charge(account, DYNAMICS_COST, "dynamics_generation", agent.code, key)
        error = self._next_dynamics_failure
        self._next_dynamics_failure = None
        agent.dynamics.job = DynamicsJob(
            kind="generate",
            started_at=self.now(),
            duration=self.dynamics_seconds,
            error_message=error,
            charged=DYNAMICS_COST,
            idempotency_key=key,
        )

    def update_dynamics(
        self, agent: AgentRecord, config: JSONObject, toggle_enabled: bool | None
    ) -> str | None:
        """Merge a dynamics `PUT` and regenerate; return the regeneration error.

        Only generated dynamics regenerate (status `generating`, then `ready`
        again with the same `url`); a running generation is left to finish.
        """
        record = agent.dynamics
        record.config.update(config)
        if toggle_enabled is not None:
            record.toggle_enabled = toggle_enabled
        agent.updated_at = self.now()
        if record.regeneration_error is not None:
            return record.regeneration_error
        idle = record.job is None or record.job.kind != "generate"
        if idle and record.url is not None:
            record.job = DynamicsJob(
                kind="regenerate",
                started_at=self.now(),
                duration=self.regeneration_seconds,
            )
        return None

    def deliver(
        self, agent: AgentRecord, kind: MessageKind, text: str, room_id: str | None
    ) -> int:
        """Deliver text into the agent's live rooms (one, or all); count them."""
        if not agent.live_rooms or (
            room_id is not None and room_id not in agent.live_rooms
        ):
            raise no_active_rooms(agent.code)
        rooms = [room_id] if room_id is not None else list(agent.live_rooms)
        now = self.now()
        for room in rooms:
            self._messages.append(DeliveredMessage(agent.code, room, kind, text, now))
        return len(rooms)

    def replay(self, account: Account, path: str, key: str) -> JSONObject | None:
        """Return the stored first answer to this `Idempotency-Key`, if still kept."""
        stored = self._idempotency.get((account.user_id, path, key))
        if stored is None:
            return None
        if self.now() - stored.stored_at >= IDEMPOTENCY_TTL:
            del self._idempotency[(account.user_id, path, key)]
            return None
        return stored.payload

    def remember(
        self, account: Account, path: str, key: str, payload: JSONObject
    ) -> None:
        """Keep the first answer to an `Idempotency-Key` for 24 hours."""
        self._idempotency[(account.user_id, path, key)] = StoredResponse(
            payload, self.now()
        )

    def add_webhook(
        self,
        account: Account,
        url: str,
        events: list[str],
        description: str | None,
    ) -> WebhookRecord:
        """Register a webhook with a fresh signing secret."""
        now = self.now()
        webhook = WebhookRecord(
            id=str(uuid.UUID(int=self._rng.getrandbits(128), version=4)),
            owner=account.user_id,
            url=url,
            events=events,
            description=description,
            secret=f"whsec_{self._rng.getrandbits(128):032x}",
            created_at=now,
            updated_at=now,
        )
        self.webhooks[webhook.id] = webhook
        return webhook

    def owned_webhook(self, account: Account, webhook_id: str) -> WebhookRecord:
        """Return `account`'s webhook, or raise a 404."""
        webhook = self.webhooks.get(webhook_id)
        if webhook is None or webhook.owner != account.user_id:
            raise ApiError(404, "NOT_FOUND", f"Webhook not found: {webhook_id}")
        return webhook

    def _unique_code(self) -> str:
        """Return a fresh random agent code no agent has."""
        while (code := self._new_code(self._rng)) in self.agents:
            pass
        return code

    @staticmethod
    def _new_code(rng: random.Random) -> str:
        """Return an agent code shaped like `A91XMB7113`."""
        digits = "".join(rng.choices(string.digits, k=2))
        letters = "".join(rng.choices(string.ascii_uppercase, k=3))
        tail = "".join(rng.choices(string.digits, k=4))
        return f"A{digits}{letters}{tail}"
