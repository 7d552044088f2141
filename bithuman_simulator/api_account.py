"""Account endpoints: me, credit summaries and embed tokens."""

from typing import TYPE_CHECKING

from .embed import mint_token
from .errors import ApiError
from .pricing import embed_family
from .rate_limit import Tier
from .routing import ApiContext, ApiRoute
from .validation import optional_str, required_str
from .views import credit_summary_object, launchable_models, me_object

if TYPE_CHECKING:
    from .json_types import JSONObject, JSONValue


async def me(ctx: ApiContext) -> JSONObject:
    """`GET /v1/me`: identity, plan and balance, in the `{data, status}` shape."""
    return {"data": me_object(ctx.account), "status": "success", "status_code": 200}


async def credit_summaries(ctx: ApiContext) -> JSONObject:
    """`GET /v2/credit-summaries`: the caller's balance (`user_id` is ignored)."""
    return {"success": True, "data": credit_summary_object(ctx.account)}


async def embed_token(ctx: ApiContext) -> JSONObject:
    """`POST /v1/embed-tokens/request`: a one-hour token for the embed widget.

    The token is bound to the agent and the visitor's fingerprint; the embed
    page (`GET /embed/{code}?token=...`) checks both and its expiry.
    """
    body = await ctx.body()
    code = required_str(body, "agent_id")
    fingerprint = required_str(body, "fingerprint")
    model = optional_str(body, "model")
    agent = ctx.sim.owned_agent(ctx.account, code)
    supported = launchable_models(agent, ctx.now)
    if model is not None and embed_family(model) not in supported:
        raise ApiError(
            409,
            "MODEL_NOT_GENERATED",
            f"agent {code}'s {model} model hasn't been generated yet",
        )
    token, sid = mint_token(ctx.account.user_id, code, fingerprint, ctx.now, model)
    models: list[JSONValue] = list(supported)
    data: JSONObject = {"token": token, "sid": sid, "supported_models": models}
    if model is not None:
        data["model"] = model
    return {"status": "success", "status_code": 200, "data": data}


ROUTES: tuple[ApiRoute, ...] = (
    ApiRoute("GET", "/v1/me", me, Tier.READ),
    ApiRoute("GET", "/v2/credit-summaries", credit_summaries, Tier.READ),
    ApiRoute("POST", "/v1/embed-tokens/request", embed_token, Tier.WRITE),
)
