"""Runtime-session endpoints (runtime-sessions.md): list, transcript, terminate.

The `{user_id}` in the path must be the caller's own; anyone else's answers
404, like a session that is not yours.
"""

from typing import TYPE_CHECKING

from .errors import ApiError, validation_error
from .rate_limit import Tier
from .routing import ApiContext, ApiRoute
from .sessions import DEFAULT_END_REASON
from .validation import optional_str, query_int
from .views import iso

if TYPE_CHECKING:
    from .json_types import JSONObject, JSONValue
    from .sessions import SessionRecord

WINDOWS: tuple[str, ...] = ("live", "recent", "all")
KINDS: tuple[str, ...] = ("conversations", "self_hosted", "all")
CLOUD_NOTE = "Session ended — the avatar disconnected and the conversation closed."
SELF_HOSTED_NOTE = (
    "Activity record closed — the runtime runs on your hardware and stops on its own."
)


def _own_user(ctx: ApiContext) -> None:
    if ctx.path_param("user_id") != ctx.account.user_id:
        raise ApiError(404, "NOT_FOUND", "User not found")


def _session(ctx: ApiContext) -> SessionRecord:
    """Return the caller's session from the path, or raise the 404."""
    _own_user(ctx)
    session_id = ctx.path_param("session_id")
    session = ctx.sim.session_book.sessions.get(session_id)
    if session is None or session.owner != ctx.account.user_id:
        raise ApiError(404, "NOT_FOUND", f"Session not found: {session_id}")
    return session


def _choice(ctx: ApiContext, name: str, choices: tuple[str, ...]) -> str:
    value = ctx.request.query.get(name) or "all"
    if value not in choices:
        raise validation_error(
            f"Invalid {name} '{value}'; must be one of: {', '.join(choices)}"
        )
    return value


def session_object(session: SessionRecord, now: float) -> JSONObject:
    """Return one session as the list shows it."""
    return {
        "id": session.id,
        "agent_code": session.agent_code,
        "agent_name": session.agent_name,
        "billing_type": session.billing_type,
        "key_alias": session.key_alias,
        "room_name": session.room_name,
        "started": iso(session.started_at),
        "last_seen": iso(session.last_seen(now)),
        "minutes": round(session.minutes(now), 1),
        "credits": session.credits,
        "burn_rate_cr_per_min": float(session.rate) if session.live else 0.0,
        "status": "live" if session.live else "ended",
        "has_transcript": bool(session.transcript) and not session.self_hosted,
    }


def _wanted(session: SessionRecord, window: str, kind: str) -> bool:
    in_window = window == "all" or (window == "live") == session.live
    of_kind = kind == "all" or (kind == "self_hosted") == session.self_hosted
    return in_window and of_kind


async def list_sessions(ctx: ApiContext) -> JSONObject:
    """`GET /v2/{user_id}/runtime-sessions`: sessions plus live account KPIs."""
    _own_user(ctx)
    window = _choice(ctx, "window", WINDOWS)
    kind = _choice(ctx, "kind", KINDS)
    limit = query_int(
        ctx.request.query.get("limit"), "limit", default=50, minimum=1, maximum=200
    )
    owned = ctx.sim.session_book.of_owner(ctx.account.user_id)
    live = [session for session in owned if session.live]
    chosen = [session for session in owned if _wanted(session, window, kind)]
    listed: list[JSONValue] = [
        session_object(session, ctx.now) for session in chosen[:limit]
    ]
    return {
        "success": True,
        "data": {
            "active_count": len(live),
            "live_burn_rate_cr_per_min": float(sum(s.rate for s in live)),
            "credits_this_hour": ctx.sim.credits_this_hour(ctx.account.user_id),
            "sessions": listed,
        },
    }


async def session_messages(ctx: ApiContext) -> JSONObject:
    """`GET .../runtime-sessions/{session_id}/messages`: the transcript."""
    session = _session(ctx)
    lines = [] if session.self_hosted else session.transcript
    messages: list[JSONValue] = [
        {"timestamp": iso(line.time), "role": line.role, "message": line.message}
        for line in lines
    ]
    return {
        "success": True,
        "data": {
            "session_id": session.id,
            "agent_code": session.agent_code,
            "started": iso(session.started_at),
            "ended": None if session.ended_at is None else iso(session.ended_at),
            "live": session.live,
            "messages": messages,
        },
    }


async def terminate_session(ctx: ApiContext) -> JSONObject:
    """`POST .../runtime-sessions/{session_id}/terminate`: end one session.

    The room empties, so the agent is no longer live there. An ended session
    is not found, like an unknown one.
    """
    body = await ctx.body()
    reason = optional_str(body, "reason") or DEFAULT_END_REASON
    session = _session(ctx)
    if not session.live:
        raise ApiError(404, "NOT_FOUND", f"Session not found: {session.id}")
    ctx.sim.session_book.end(session, ctx.now, reason)
    return {
        "success": True,
        "data": {
            "session_id": session.id,
            "closed": True,
            "ended": True,
            "self_hosted": session.self_hosted,
            "note": SELF_HOSTED_NOTE if session.self_hosted else CLOUD_NOTE,
        },
    }


SESSIONS = "/v2/{user_id}/runtime-sessions"
ROUTES: tuple[ApiRoute, ...] = (
    ApiRoute("GET", SESSIONS, list_sessions, Tier.READ),
    ApiRoute("GET", SESSIONS + "/{session_id}/messages", session_messages, Tier.READ),
    ApiRoute(
        "POST", SESSIONS + "/{session_id}/terminate", terminate_session, Tier.WRITE
    ),
)
