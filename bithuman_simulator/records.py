"""The simulator's stored records: accounts, agents, ledger, webhooks, messages."""

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from .dynamics import DynamicsRecord

if TYPE_CHECKING:
    from .generation import GenerationPlan
    from .json_types import JSONObject


@dataclass(slots=True)
class Account:
    """A bitHuman account: identity, plan and credits."""

    user_id: str
    email: str
    plan: str
    plan_credits: float
    topup_credits: float
    status: str = "active"

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
class AgentRecord:
    """One agent, its generation plan, dynamics and live rooms."""

    code: str
    owner: str
    name: str
    model: str
    system_prompt: str
    image_url: str
    voice_id: str
    plan: GenerationPlan
    created_at: float
    updated_at: float
    sequence: int
    description: str = ""
    language: str = "en"
    dynamics: DynamicsRecord = field(default_factory=DynamicsRecord)
    live_rooms: list[str] = field(default_factory=list)
    charged: int = 0
    refunded: bool = False
    idempotency_key: str | None = None


type LedgerKind = Literal["charge", "refund"]


@dataclass(frozen=True, slots=True)
class LedgerEntry:
    """One movement of credits: a charge or the refund of a failed job."""

    user_id: str
    kind: LedgerKind
    amount: int
    reason: str
    agent_code: str | None
    idempotency_key: str | None
    time: float

    def as_json(self) -> JSONObject:
        """Return the entry as JSON, for the control endpoint."""
        return {
            "user_id": self.user_id,
            "kind": self.kind,
            "amount": self.amount,
            "reason": self.reason,
            "agent_code": self.agent_code,
            "idempotency_key": self.idempotency_key,
            "time": self.time,
        }


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
        """Return the message as JSON, for the control endpoint."""
        return {
            "agent_code": self.agent_code,
            "room_id": self.room_id,
            "kind": self.kind,
            "text": self.text,
            "time": self.time,
        }


@dataclass(frozen=True, slots=True)
class StoredResponse:
    """The first answer to an `Idempotency-Key`, replayed for 24 hours."""

    payload: JSONObject
    stored_at: float
