"""The JSON bodies the `/_simulator` control endpoint accepts.

The account, agent and fault bodies name their fields as the keywords of
`add_account`, `add_agent` and `Fault`, which their fields are passed on to.
"""

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from .agent_store import DEFAULT_PROMPT, DynamicsSetup
from .dynamics import DEFAULT_DYNAMICS_ERROR
from .faults import Malformed, OutageMode
from .generation import DEFAULT_GENERATION_ERROR
from .json_types import JSONObject
from .webhook_signing import Tamper


class ControlBody(BaseModel):
    """A control body: unknown fields are refused."""

    model_config = ConfigDict(extra="forbid")


class AdvanceBody(ControlBody):
    """Move the manual clock forward."""

    seconds: float = Field(ge=0)


class AccountBody(ControlBody):
    """Create an account."""

    secret: str = Field(min_length=1)
    user_id: str | None = None
    email: str | None = None
    plan: str = "pro"
    credits: float = 10_000
    topup_credits: float = 0


class CreditsBody(ControlBody):
    """Set an account's credits."""

    credits: float
    topup_credits: float = 0


class StatusBody(ControlBody):
    """Set an account's status (a suspension answers `http_status`)."""

    status: Literal["active", "suspended"]
    http_status: Literal[401, 403] = 401


class AgentBody(ControlBody):
    """Create an agent."""

    owner: str
    code: str | None = None
    name: str = "bitHuman Agent"
    status: str = "ready"
    model: str = "expression-1"
    system_prompt: str = DEFAULT_PROMPT
    dynamics: DynamicsSetup = "none"
    gestures: list[str] | None = None
    dynamics_enabled: bool | None = None
    live_rooms: list[str] = Field(default_factory=list)
    generation_seconds: float | None = Field(default=None, gt=0)
    error_message: str = DEFAULT_GENERATION_ERROR
    description: str = ""
    image_url: str | None = None
    legacy_success: bool = False


class RoomsBody(ControlBody):
    """Set an agent's live rooms."""

    rooms: list[str]


class WorkerBody(ControlBody):
    """Say whether the avatar worker is in a live room."""

    present: bool


class GesturesBody(ControlBody):
    """Set an agent's gestures."""

    gestures: list[str]


class RegenerationFailureBody(ControlBody):
    """Make dynamics PUTs fail to regenerate (null: stop)."""

    error: str | None


class FailGenerationBody(ControlBody):
    """Make the next agent generation fail."""

    error_message: str = DEFAULT_GENERATION_ERROR
    at: float = Field(default=0.45, ge=0, lt=1)


class FailDynamicsBody(ControlBody):
    """Make the next dynamics generation fail."""

    error_message: str = DEFAULT_DYNAMICS_ERROR


class FaultBody(ControlBody):
    """Inject a fault (fields as in `Fault`)."""

    path: str = "*"
    method: str | None = None
    status: int | None = Field(default=None, ge=100, le=599)
    code: str = "INTERNAL_ERROR"
    message: str = "Injected fault"
    retry_after: int | None = Field(default=None, ge=0)
    delay: float = Field(default=0.0, ge=0)
    drop: bool = False
    malformed: Malformed | None = None
    times: int | None = Field(default=None, ge=1)
    regex: bool = False
    headers: dict[str, str] = Field(default_factory=dict)
    patch: JSONObject = Field(default_factory=dict)
    remove: list[str] = Field(default_factory=list)


class OutageBody(ControlBody):
    """Start or end an outage."""

    enabled: bool
    mode: OutageMode = "drop"


class ResetBody(ControlBody):
    """Reset the simulator, optionally re-creating the demo data."""

    demo: bool = False


class SessionBody(ControlBody):
    """Start a live session."""

    code: str
    room: str = Field(min_length=1)
    model: str | None = None
    self_hosted: bool = False
    key_alias: str = "default"


class EndSessionBody(ControlBody):
    """End a live session."""

    reason: str = "user-terminated"


class TranscriptBody(ControlBody):
    """Add a line to a session's transcript."""

    role: str = "user"
    message: str


class SendEventBody(ControlBody):
    """Deliver an event for an agent now."""

    code: str
    event: Literal["agent.ready", "agent.failed"] = "agent.ready"
    error: str | None = None
    webhook_id: str | None = None


class ForgedBody(ControlBody):
    """Send a tampered delivery for an agent."""

    code: str
    tamper: Tamper
    webhook_id: str | None = None


class ReplayBody(ControlBody):
    """Resend a delivery byte for byte (default: the latest)."""

    delivery_id: str | None = None


class RewritesBody(ControlBody):
    """Replace the webhook URL rewrites: prefix -> replacement."""

    rewrites: dict[str, str]


class OverridesBody(ControlBody):
    """Set field overrides of one agent's Agent object or dynamics data."""

    target: Literal["agent", "dynamics"] = "agent"
    set: JSONObject = Field(default_factory=dict)
    remove: list[str] = Field(default_factory=list)


class PortraitBody(ControlBody):
    """Give an agent a new portrait."""

    color: str | None = Field(default=None, pattern=r"^#[0-9a-fA-F]{6}$")


class VoiceCodeBody(ControlBody):
    """Register a designed voice for an account."""

    owner: str
    voice_code: str | None = None
    base_voice: Literal["M1", "M2", "M3", "M4", "M5", "F1", "F2", "F3", "F4", "F5"] = (
        "M1"
    )


class SettingsBody(ControlBody):
    """Change optional behaviours (fields left out stay as they are)."""

    tts_max_chars: int | None = Field(default=None, ge=1)
    embed_starts_sessions: bool | None = None
    embed_idle_seconds: float | None = Field(default=None, gt=0)
    webhook_retry_delays: list[float] | None = None
    bill_sessions: bool | None = None
