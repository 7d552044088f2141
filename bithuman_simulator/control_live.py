"""The `/_simulator` control handlers for sessions, webhooks and odd answers.

Also portraits, designed voices and the optional settings.
"""

from typing import TYPE_CHECKING

from .api_sessions import session_object
from .control_bodies import (
    EndSessionBody,
    ForgedBody,
    OverridesBody,
    PortraitBody,
    ReplayBody,
    RewritesBody,
    SendEventBody,
    SessionBody,
    SettingsBody,
    TranscriptBody,
    VoiceCodeBody,
    WorkerBody,
)
from .control_core import control_patch, parse
from .routing import request_origin

if TYPE_CHECKING:
    from aiohttp import web

    from .json_types import JSONObject, JSONValue
    from .sessions import SessionRecord
    from .simulator import Simulator
    from .webhook_dispatch import Attempt


_CONTROL_SESSION_FIELDS = (
    "owner",
    "live",
    "model",
    "rate",
    "self_hosted",
    "end_reason",
)


def _session_json(session: SessionRecord, sim: Simulator) -> JSONObject:
    shown = {name: getattr(session, name) for name in _CONTROL_SESSION_FIELDS}
    return {**session_object(session, sim.now()), **shown}


def _attempts(attempts: list[Attempt]) -> JSONObject:
    shown: list[JSONValue] = [attempt.as_json() for attempt in attempts]
    return {"attempts": shown}


async def set_worker(request: web.Request, sim: Simulator) -> JSONObject:
    """Say whether the avatar worker is in one of an agent's live rooms."""
    body = await parse(request, WorkerBody)
    code, room = request.match_info["code"], request.match_info["room"]
    sim.set_worker_present(code, room, present=body.present)
    return {"code": code, "room": room, "present": body.present}


async def list_sessions(_request: web.Request, sim: Simulator) -> JSONObject:
    """Return every session, newest first."""
    return {"sessions": [_session_json(s, sim) for s in sim.sessions()]}


async def start_session(request: web.Request, sim: Simulator) -> JSONObject:
    """Start a live session of an agent in a room."""
    body = await parse(request, SessionBody)
    session = sim.start_session(
        body.code,
        body.room,
        model=body.model,
        self_hosted=body.self_hosted,
        key_alias=body.key_alias,
    )
    return _session_json(session, sim)


async def end_session(request: web.Request, sim: Simulator) -> JSONObject:
    """End a session, as `terminate` does."""
    body = await parse(request, EndSessionBody)
    session = sim.end_session(request.match_info["session_id"], body.reason)
    return _session_json(session, sim)


async def add_transcript(request: web.Request, sim: Simulator) -> JSONObject:
    """Add a line to a session's transcript."""
    body = await parse(request, TranscriptBody)
    session_id = request.match_info["session_id"]
    sim.add_transcript_message(session_id, body.role, body.message)
    return {"lines": len(sim.session(session_id).transcript)}


async def deliveries(_request: web.Request, sim: Simulator) -> JSONObject:
    """Return every webhook delivery with its attempts, oldest first."""
    return {"deliveries": [d.as_json() for d in sim.webhook_deliveries()]}


async def flush_webhooks(_request: web.Request, sim: Simulator) -> JSONObject:
    """Make every delivery attempt due now."""
    return _attempts(await sim.flush_webhooks())


async def send_event(request: web.Request, sim: Simulator) -> JSONObject:
    """Deliver `agent.ready` / `agent.failed` for an agent now."""
    body = await parse(request, SendEventBody)
    attempts = await sim.send_webhook_event(
        body.code, body.event, error=body.error, webhook_id=body.webhook_id
    )
    return _attempts(attempts)


async def send_forged(request: web.Request, sim: Simulator) -> JSONObject:
    """Send a tampered delivery; answer what the receiver returned."""
    body = await parse(request, ForgedBody)
    attempts = await sim.send_forged_webhook(
        body.code, body.tamper, webhook_id=body.webhook_id
    )
    return _attempts(attempts)


async def replay(request: web.Request, sim: Simulator) -> JSONObject:
    """Resend a delivery byte for byte."""
    body = await parse(request, ReplayBody)
    return _attempts([await sim.replay_webhook(body.delivery_id)])


async def set_rewrites(request: web.Request, sim: Simulator) -> JSONObject:
    """Replace the webhook URL rewrites."""
    body = await parse(request, RewritesBody)
    sim.dispatcher.rewrites[:] = list(body.rewrites.items())
    rewrites: JSONObject = dict(body.rewrites)
    return {"rewrites": rewrites}


async def set_overrides(request: web.Request, sim: Simulator) -> JSONObject:
    """Patch an agent's Agent object or dynamics data (odd answers)."""
    body = await parse(request, OverridesBody)
    code = request.match_info["code"]
    patch = control_patch(body.set, body.remove)
    if body.target == "agent":
        sim.override_agent_fields(code, patch)
        return sim.agent_json(code)
    sim.override_dynamics_fields(code, patch)
    return sim.dynamics_json(code)


async def clear_overrides(request: web.Request, sim: Simulator) -> JSONObject:
    """Drop an agent's field overrides."""
    code = request.match_info["code"]
    sim.agent(code)
    sim.clear_field_overrides(code)
    return {"overrides": sim.overrides.as_json()}


async def set_portrait(request: web.Request, sim: Simulator) -> JSONObject:
    """Give an agent a new portrait; answer its new URL."""
    body = await parse(request, PortraitBody)
    code = request.match_info["code"]
    sim.set_portrait(code, color=body.color)
    return {"image_url": sim.image_url(sim.agent(code), request_origin(request))}


async def add_voice(request: web.Request, sim: Simulator) -> JSONObject:
    """Register a designed voice (`voice_code`) for an account."""
    body = await parse(request, VoiceCodeBody)
    code = sim.add_voice_code(body.owner, body.voice_code, base_voice=body.base_voice)
    return {"voice_code": code, "base_voice": body.base_voice}


async def update_settings(request: web.Request, sim: Simulator) -> JSONObject:
    """Change the optional settings given; answer them all."""
    body = await parse(request, SettingsBody)
    settings = sim.settings
    given = body.model_fields_set
    if "tts_max_chars" in given:
        settings.tts_max_chars = body.tts_max_chars
    if body.embed_starts_sessions is not None:
        settings.embed_starts_sessions = body.embed_starts_sessions
    if body.embed_idle_seconds is not None:
        settings.embed_idle_seconds = body.embed_idle_seconds
    if body.bill_sessions is not None:
        settings.bill_sessions = body.bill_sessions
    if body.webhook_retry_delays is not None:
        settings.webhook_retry_delays = tuple(body.webhook_retry_delays)
    delays: list[JSONValue] = list(settings.webhook_retry_delays)
    return {
        "tts_max_chars": settings.tts_max_chars,
        "embed_starts_sessions": settings.embed_starts_sessions,
        "embed_idle_seconds": settings.embed_idle_seconds,
        "webhook_retry_delays": delays,
        "bill_sessions": settings.bill_sessions,
    }
