"""The simulator's stored records: accounts, agents, ledger, webhooks, messages."""

from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Literal

from .dynamics import DynamicsRecord

if TYPE_CHECKING:
    from .generation import GenerationPlan
    from .json_types import JSONObject


@dataclass(slots=True)
class Account:
    """A bitHuman account: identity, plan and credits.

    `suspended_http_status` is the status (401 or 403, errors.md allows both)
    a suspended account's requests are refused with.
    """

    user_id: str
    email: str
    plan: str
    plan_credits: float
    topup_credits: float
    status: str = "active"
    suspended_http_status: int = 401

    @property
    def balance(self) -> float:
        """Return the spendable credits (plan plus top-up)."""
        return self.plan_credits + self.topup_credits

    def debit(self, amount: float) -> None:
        """Spend `amount`, plan credits first."""
        from_plan = min(max(self.plan_credits, 0.0), amount)
        self.plan_credits -= from_plan
        self.topup_credits -= amount - from_plan

    def credit(self, amount: float) -> None:
        """Give back `amount` (a refund) as plan credits."""
        self.plan_credits += amount


@dataclass(slots=True)
class Portrait:
    """An agent's generated portrait: its current file and every earlier one.

    `history` maps each file name ever used to its colour, so a URL handed
    out before a change still answers (as a CDN keeps old objects).
    """

    file: str
    color: str
    history: dict[str, str] = field(default_factory=dict)


@dataclass(slots=True)
class AgentRecord:
    """One agent, its generation plan, dynamics, portrait and live rooms.

    `image_url` is an explicit portrait URL; None serves the generated
    `portrait` from the simulator's own `/assets`. `live_rooms` is kept by
    the session book: a room is live while a session runs in it. Messages
    skip the live rooms in `rooms_without_worker` (no avatar worker joined).
    """

    code: str
    owner: str
    name: str
    model: str
    system_prompt: str
    image_url: str | None
    portrait: Portrait
    voice_id: str
    plan: GenerationPlan
    created_at: float
    updated_at: float
    sequence: int
    description: str = ""
    language: str = "en"
    dynamics: DynamicsRecord = field(default_factory=DynamicsRecord)
    live_rooms: list[str] = field(default_factory=list)
    rooms_without_worker: set[str] = field(default_factory=set)
    charged: int = 0
    refunded: bool = False
    idempotency_key: str | None = None
    generation_reported: bool = False


type LedgerKind = Literal["charge", "refund", "usage"]


@dataclass(frozen=True, slots=True)
class LedgerEntry:
    """One movement of credits.

    `charge` is a one-time charge (generation), `refund` gives a failed
    job's charge back, `usage` is one billed minute of a live session.
    """

    user_id: str
    kind: LedgerKind
    amount: int
    reason: str
    agent_code: str | None
    idempotency_key: str | None
    time: float
    session_id: str | None = None

    def as_json(self) -> JSONObject:
        """Return the entry as JSON (its fields), for the control endpoint."""
        return asdict(self)


@dataclass(slots=True)
class WebhookRecord:
    """A registered webhook endpoint."""

    id: str
    owner: str
    url: str
    events: list[str]
    description: str | None
    secret: str
    created_at: float
    updated_at: float
    active: bool = True

    def wants(self, event: str) -> bool:
        """Tell whether this webhook is subscribed to `event` (none listed: all)."""
        return self.active and (not self.events or event in self.events)


type MessageKind = Literal["speak", "add_context"]


@dataclass(frozen=True, slots=True)
class DeliveredMessage:
    """Text delivered into one live room by `speak` or `add-context`."""

    agent_code: str
    room_id: str
    kind: MessageKind
    text: str
    time: float

    def as_json(self) -> JSONObject:
        """Return the message as JSON (its fields), for the control endpoint."""
        return asdict(self)


@dataclass(frozen=True, slots=True)
class StoredResponse:
    """The first answer to an `Idempotency-Key`, replayed for 24 hours."""

    payload: JSONObject
    stored_at: float
