"""Live sessions: a room an agent is live in, billed by the minute.

A live room of an agent is a live session (runtime-sessions.md): starting
one (`set_live_rooms`, `add_agent(live_rooms=...)`, `start_session`, an
embed page) opens a session, ending it (the room removed, `terminate`, the
agent deleted, an embed viewer gone quiet) closes it and empties the room,
so `speak` no longer reaches it.

Billing follows billing.md's per-minute rates for the session's model,
cloud or self-hosted: each whole minute is billed as it completes, and the
last, partial minute when the session ends (rounded up). Each billed minute
is a `usage` ledger entry (unless `settings.bill_sessions` is off). A live session whose next minute would take the
balance below the -11 suspension floor ends (`insufficient-credits`) when
its paid time runs out.
"""

from dataclasses import dataclass, field
import math
from typing import TYPE_CHECKING

from .errors import no_active_rooms
from .records import DeliveredMessage
from .shared_state import StatePart

if TYPE_CHECKING:
    from .records import AgentRecord, MessageKind
    from .shared_state import SharedState

MINUTE = 60.0
SUSPENSION_FLOOR = -11
CLOUD_RATES: dict[str, int] = {
    "essence-1": 2,
    "expression-1": 4,
    "expression-2": 4,
    "essence-2": 4,
    "essence-2-max": 8,
}
SELF_HOSTED_RATES: dict[str, int] = {
    "essence-1": 1,
    "expression-1": 2,
    "expression-2": 2,
    "essence-2": 2,
    "essence-2-max": 4,
}
CLOUD_BILLING_TYPE = "usage_agent_video_chat_on_imaginex"
DEFAULT_KEY_ALIAS = "default"
DEFAULT_END_REASON = "user-terminated"


@dataclass(frozen=True, slots=True)
class TranscriptLine:
    """One line of a session's conversation."""

    time: float
    role: str
    message: str


@dataclass(slots=True)
class SessionRecord:
    """One live (or ended) avatar session in one room."""

    id: str
    owner: str
    agent_code: str
    agent_name: str
    room_name: str
    model: str
    rate: int
    billing_type: str
    key_alias: str
    self_hosted: bool
    started_at: float
    ended_at: float | None = None
    end_reason: str | None = None
    billed_minutes: int = 0
    credits: int = 0
    idle_timeout: float | None = None
    last_heartbeat: float | None = None
    embed_sid: str | None = None
    transcript: list[TranscriptLine] = field(default_factory=list)

    @property
    def live(self) -> bool:
        """Tell whether the session still runs."""
        return self.ended_at is None

    def last_seen(self, now: float) -> float:
        """Return when the session was last seen running."""
        return now if self.ended_at is None else self.ended_at

    def minutes(self, now: float) -> float:
        """Return how long the session ran, in minutes."""
        return max(0.0, self.last_seen(now) - self.started_at) / MINUTE


def session_rate(model: str, *, self_hosted: bool) -> int:
    """Return the credits per minute of a session of `model` (ValueError if none)."""
    rates = SELF_HOSTED_RATES if self_hosted else CLOUD_RATES
    if model not in rates:
        raise ValueError(f"no session rate for model {model!r}")
    return rates[model]


def billing_type(model: str, *, self_hosted: bool) -> str:
    """Return the pricing code a session's minutes are billed under."""
    if not self_hosted:
        return CLOUD_BILLING_TYPE
    family = model.split("-", 1)[0]
    return f"usage_{family}_model_self_hosted"


class SessionBook(StatePart):
    """Every session, the rooms they keep live, and what was said in them."""

    def __init__(self, shared: SharedState) -> None:
        """Bill into `shared.ledger` (per `shared.settings`), start no session."""
        super().__init__(shared)
        self.sessions: dict[str, SessionRecord] = {}
        self.messages: list[DeliveredMessage] = []

    def start(
        self,
        agent: AgentRecord,
        room: str,
        now: float,
        *,
        model: str | None = None,
        self_hosted: bool = False,
        key_alias: str = DEFAULT_KEY_ALIAS,
        idle_timeout: float | None = None,
        embed_sid: str | None = None,
    ) -> SessionRecord:
        """Open a session of `agent` in `room` (ValueError if that room is live)."""
        if room in agent.live_rooms:
            raise ValueError(f"agent {agent.code} is already live in {room!r}")
        model = model or agent.model
        session = SessionRecord(
            id=self._ids.extra_uuid(),
            owner=agent.owner,
            agent_code=agent.code,
            agent_name=agent.name,
            room_name=room,
            model=model,
            rate=session_rate(model, self_hosted=self_hosted),
            billing_type=billing_type(model, self_hosted=self_hosted),
            key_alias=key_alias,
            self_hosted=self_hosted,
            started_at=now,
            idle_timeout=idle_timeout,
            last_heartbeat=now if idle_timeout is not None else None,
            embed_sid=embed_sid,
        )
        self.sessions[session.id] = session
        agent.live_rooms.append(room)
        return session

    def end(self, session: SessionRecord, at: float, reason: str) -> None:
        """Close a live session at `at`, billing its last minute, emptying its room."""
        if not session.live:
            return
        ran_out = self._bill(session, at)
        session.ended_at = at if ran_out is None else ran_out
        session.end_reason = reason if ran_out is None else "insufficient-credits"
        self._bill(session, session.ended_at)
        agent = self._agents.get(session.agent_code)
        if agent is not None and session.room_name in agent.live_rooms:
            agent.live_rooms.remove(session.room_name)
            agent.rooms_without_worker.discard(session.room_name)

    def set_rooms(self, agent: AgentRecord, rooms: list[str], now: float) -> None:
        """Make `rooms` (in this order) the agent's live rooms."""
        wanted = list(dict.fromkeys(rooms))
        for session in self.live_of(agent.code):
            if session.room_name not in wanted:
                self.end(session, now, "room-closed")
        for room in wanted:
            if room not in agent.live_rooms:
                self.start(agent, room, now)
        agent.live_rooms[:] = [room for room in wanted if room in agent.live_rooms]

    def end_all_of(self, code: str, now: float, reason: str) -> None:
        """Close every live session of one agent."""
        for session in self.live_of(code):
            self.end(session, now, reason)

    def live_of(self, code: str) -> list[SessionRecord]:
        """Return one agent's live sessions, oldest first."""
        return [s for s in self.sessions.values() if s.live and s.agent_code == code]

    def of_owner(self, user_id: str) -> list[SessionRecord]:
        """Return one account's sessions, newest first."""
        owned = [s for s in self.sessions.values() if s.owner == user_id]
        return list(reversed(owned))

    def settle(self, now: float) -> None:
        """Bill every live session up to `now`; close the idle and the unpaid."""
        for session in list(self.sessions.values()):
            if not session.live:
                continue
            if session.idle_timeout is not None and session.last_heartbeat is not None:
                quiet_until = session.last_heartbeat + session.idle_timeout
                if quiet_until <= now:
                    self.end(session, quiet_until, "viewer-left")
                    continue
            ran_out = self._bill(session, now)
            if ran_out is not None:
                self.end(session, ran_out, "insufficient-credits")

    def _bill(self, session: SessionRecord, until: float) -> float | None:
        """Bill the minutes due by `until`; return when the credits ran out, if so.

        A live session is billed its whole minutes; an ended one also its last,
        partial minute.
        """
        end = until if session.ended_at is None else session.ended_at
        elapsed = max(0.0, end - session.started_at) / MINUTE
        due = math.floor(elapsed + 1e-9) if session.live else math.ceil(elapsed - 1e-9)
        account = self._accounts.get(session.owner)
        if not self._settings.bill_sessions:
            account = None
        while session.billed_minutes < due:
            minute = session.billed_minutes + 1
            at = min(session.started_at + minute * MINUTE, end)
            if account is not None:
                if session.live and account.balance - session.rate < SUSPENSION_FLOOR:
                    return session.started_at + session.billed_minutes * MINUTE
                self._ledger.bill_usage(
                    account,
                    session.rate,
                    reason=session.billing_type,
                    agent_code=session.agent_code,
                    session_id=session.id,
                    at=at,
                )
                session.credits += session.rate
            session.billed_minutes = minute
        return None

    def embed_session(self, sid: str) -> SessionRecord | None:
        """Return the live session an embed page (by its `sid`) keeps open."""
        return next(
            (s for s in self.sessions.values() if s.live and s.embed_sid == sid), None
        )

    def heartbeat(self, sid: str, now: float) -> bool:
        """Keep an embed page's session open; tell whether it still runs."""
        session = self.embed_session(sid)
        if session is None:
            return False
        session.last_heartbeat = now
        return True

    def deliver(
        self,
        agent: AgentRecord,
        kind: MessageKind,
        text: str,
        room_id: str | None,
        now: float,
    ) -> tuple[int, int]:
        """Deliver text into the agent's live rooms (one, or all).

        Return how many rooms got it and how many were skipped for want of
        an avatar worker in them.
        """
        if not agent.live_rooms or (
            room_id is not None and room_id not in agent.live_rooms
        ):
            raise no_active_rooms(agent.code)
        rooms = [room_id] if room_id is not None else list(agent.live_rooms)
        served = [room for room in rooms if room not in agent.rooms_without_worker]
        for room in served:
            self.messages.append(DeliveredMessage(agent.code, room, kind, text, now))
            if kind == "speak":
                for session in self.live_of(agent.code):
                    if session.room_name == room and not session.self_hosted:
                        session.transcript.append(
                            TranscriptLine(now, "assistant", text)
                        )
        return len(served), len(rooms) - len(served)
