"""Dynamics endpoints: generate, read and update an agent's gestures."""

from typing import TYPE_CHECKING

from .errors import missing_param, validation_error
from .rate_limit import Tier
from .routing import ApiContext, ApiRoute
from .validation import optional_bool, optional_number, optional_str, required_str
from .views import generation_started_object

if TYPE_CHECKING:
    from .json_types import JSONObject

MIN_DURATION = 1.0
MAX_DURATION = 10.0


async def generate_dynamics(ctx: ApiContext) -> JSONObject:
    """`POST /v1/dynamics/generate`: charge 250 credits and start generating."""
    body = await ctx.body()
    code = required_str(body, "agent_id")
    optional_str(body, "image_url")
    optional_str(body, "model")
    duration = optional_number(body, "duration")
    if duration is not None and not MIN_DURATION <= duration <= MAX_DURATION:
        raise validation_error("'duration' must be between 1 and 10 seconds")
    agent = ctx.sim.owned_agent(ctx.account, code)
    ctx.sim.generate_dynamics(ctx.account, agent, ctx.idempotency_key)
    return generation_started_object(agent, "Dynamics")


async def get_dynamics(ctx: ApiContext) -> JSONObject:
    """`GET /v1/dynamics/{agent_id}`: model URL, status and gestures."""
    agent = ctx.sim.owned_agent(ctx.account, ctx.path_param("agent_id"))
    return {"success": True, "data": ctx.sim.render_dynamics(agent)}


async def update_dynamics(ctx: ApiContext) -> JSONObject:
    """`PUT /v1/dynamics/{agent_id}`: merge the config, start regeneration."""
    body = await ctx.body()
    if body.get("dynamics") is None:
        raise missing_param("dynamics")
    config = body["dynamics"]
    if not isinstance(config, dict):
        raise validation_error("'dynamics' must be an object")
    optional_bool(config, "enabled")
    toggle = optional_bool(body, "toggle_enabled")
    agent = ctx.sim.owned_agent(ctx.account, ctx.path_param("agent_id"))
    error = ctx.sim.update_dynamics(agent, config, toggle)
    if error is not None:
        return {
            "success": True,
            "message": "Dynamics updated successfully but movements regeneration "
            "failed to start",
            "agent_id": agent.code,
            "regeneration_status": "failed",
            "regeneration_error": error,
        }
    return {
        "success": True,
        "message": "Dynamics updated successfully and movements regeneration started",
        "agent_id": agent.code,
        "regeneration_status": "started",
    }


ROUTES: tuple[ApiRoute, ...] = (
    ApiRoute("POST", "/v1/dynamics/generate", generate_dynamics, Tier.GENERATE, True),
    ApiRoute("GET", "/v1/dynamics/{agent_id}", get_dynamics, Tier.READ),
    ApiRoute("PUT", "/v1/dynamics/{agent_id}", update_dynamics, Tier.WRITE),
)
