"""Agent endpoints: list, get, status, generate, prompt, delete, speak, context."""

from typing import TYPE_CHECKING

from .errors import ApiError
from .pricing import resolve_engine
from .rate_limit import Tier
from .routing import ApiContext, ApiRoute
from .validation import (
    optional_bool,
    optional_choice,
    optional_number,
    optional_str,
    query_int,
    required_str,
)
from .views import generation_started_object

if TYPE_CHECKING:
    from .json_types import JSONObject, JSONValue

VIDEO_INPUT_MESSAGE = (
    "Agent creation is image-only. Provide a portrait `image`; bitHuman generates "
    "a 10-second idle/driver video internally so it loops seamlessly (first frame "
    "== last frame). Video input is not accepted for any model (essence-1, "
    "expression-1, essence-2, essence-2-max, expression-2)."
)


async def list_agents(ctx: ApiContext) -> JSONObject:
    """`GET /v1/agents`: a page of the caller's agents, newest first."""
    query = ctx.request.query
    limit = query_int(query.get("limit"), "limit", default=20, minimum=1, maximum=100)
    offset = query_int(
        query.get("offset"), "offset", default=0, minimum=0, maximum=None
    )
    status = query.get("status")
    agents = [
        ctx.sim.render_agent(agent, ctx.origin)
        for agent in ctx.sim.agents_of(ctx.account)
    ]
    if status:
        agents = [agent for agent in agents if agent.get("status") == status]
    page: list[JSONValue] = list(agents[offset : offset + limit])
    return {
        "success": True,
        "data": page,
        "pagination": {
            "limit": limit,
            "offset": offset,
            "total": len(agents),
            "has_more": offset + len(page) < len(agents),
        },
    }


async def get_agent(ctx: ApiContext) -> JSONObject:
    """`GET /v1/agent/{code}`."""
    agent = ctx.sim.owned_agent(ctx.account, ctx.path_param("code"))
    return {"success": True, "data": ctx.sim.render_agent(agent, ctx.origin)}


async def agent_status(ctx: ApiContext) -> JSONObject:
    """`GET /v1/agent/status/{agent_id}`: generation progress."""
    agent = ctx.sim.owned_agent(ctx.account, ctx.path_param("agent_id"))
    return {"success": True, "data": ctx.sim.render_agent(agent, ctx.origin)}


async def generate_agent(ctx: ApiContext) -> JSONObject:
    """`POST /v1/agent/generate`: charge per model and start a generation.

    openapi marks the body required (all its fields are optional), so a
    request without one is the documented malformed body: 400, no charge.
    """
    body = await ctx.body(required=True)
    if body.get("video") is not None:
        raise ApiError(400, "VIDEO_INPUT_NOT_SUPPORTED", VIDEO_INPUT_MESSAGE)
    prompt = optional_str(body, "prompt")
    image = optional_str(body, "image")
    optional_str(body, "audio")
    optional_choice(body, "aspect_ratio", ("16:9", "9:16", "1:1"))
    optional_bool(body, "transparency")
    optional_choice(body, "framing", ("portrait", "full_body"))
    optional_number(body, "duration")
    code = optional_str(body, "agent_id")
    engine = resolve_engine(
        optional_str(body, "model"),
        optional_str(body, "version"),
        image or prompt or "",
    )
    agent = ctx.sim.generate_agent(
        ctx.account,
        engine=engine,
        code=code,
        prompt=prompt,
        image=image,
        key=ctx.idempotency_key,
    )
    return generation_started_object(agent, "Agent")


async def update_prompt(ctx: ApiContext) -> JSONObject:
    """`POST /v1/agent/{code}`: replace the system prompt."""
    body = await ctx.body()
    prompt = required_str(body, "system_prompt")
    agent = ctx.sim.owned_agent(ctx.account, ctx.path_param("code"))
    agent.system_prompt = prompt
    agent.updated_at = ctx.now
    return {"agent_code": agent.code, "updated": True}


async def delete_agent(ctx: ApiContext) -> JSONObject:
    """`DELETE /v1/agent/{code}`."""
    agent = ctx.sim.owned_agent(ctx.account, ctx.path_param("code"))
    ctx.sim.delete_agent(agent.code)
    return {"success": True, "agent_code": agent.code, "deleted": True}


def _room(body: JSONObject) -> str | None:
    room_id = optional_str(body, "room_id")
    return room_id if room_id else None


async def speak(ctx: ApiContext) -> JSONObject:
    """`POST /v1/agent/{code}/speak`: say a message in the live room(s)."""
    body = await ctx.body()
    message = required_str(body, "message")
    room_id = _room(body)
    agent = ctx.sim.owned_agent(ctx.account, ctx.path_param("code"))
    delivered, skipped = ctx.sim.deliver(agent, "speak", message, room_id)
    return {
        "agent_code": agent.code,
        "context_type": "speak",
        "delivered_to_rooms": delivered,
        "rooms_skipped_no_worker": skipped,
    }


async def add_context(ctx: ApiContext) -> JSONObject:
    """`POST /v1/agent/{code}/add-context`: silent knowledge, or speech."""
    body = await ctx.body()
    context = required_str(body, "context")
    kind = optional_choice(body, "type", ("add_context", "speak")) or "add_context"
    room_id = _room(body)
    agent = ctx.sim.owned_agent(ctx.account, ctx.path_param("code"))
    delivered, skipped = ctx.sim.deliver(
        agent, "speak" if kind == "speak" else "add_context", context, room_id
    )
    return {
        "agent_code": agent.code,
        "context_type": kind,
        "delivered_to_rooms": delivered,
        "rooms_skipped_no_worker": skipped,
    }


ROUTES: tuple[ApiRoute, ...] = (
    ApiRoute("GET", "/v1/agents", list_agents, Tier.READ),
    ApiRoute("POST", "/v1/agent/generate", generate_agent, Tier.GENERATE, True),
    ApiRoute("GET", "/v1/agent/status/{agent_id}", agent_status, Tier.READ),
    ApiRoute("GET", "/v1/agent/{code}", get_agent, Tier.READ),
    ApiRoute("POST", "/v1/agent/{code}", update_prompt, Tier.WRITE),
    ApiRoute("DELETE", "/v1/agent/{code}", delete_agent, Tier.WRITE),
    ApiRoute("POST", "/v1/agent/{code}/speak", speak, Tier.WRITE),
    ApiRoute("POST", "/v1/agent/{code}/add-context", add_context, Tier.WRITE),
)
