"""Account endpoints: me, credit summaries and embed tokens."""

import base64
import hashlib
import hmac
import json
from typing import TYPE_CHECKING

from .errors import ApiError
from .pricing import embed_family
from .rate_limit import Tier
from .routing import ApiContext, ApiRoute
from .validation import optional_str, required_str
from .views import credit_summary_object, launchable_models, me_object

if TYPE_CHECKING:
    from .json_types import JSONObject, JSONValue

EMBED_TOKEN_TTL = 3600
_SIGNING_KEY = b"bithuman-simulator-embed"


async def me(ctx: ApiContext) -> JSONObject:
    """`GET /v1/me`: identity, plan and balance, in the `{data, status}` shape."""
    return {"data": me_object(ctx.account), "status": "success", "status_code": 200}


async def credit_summaries(ctx: ApiContext) -> JSONObject:
    """`GET /v2/credit-summaries`: the caller's balance (`user_id` is ignored)."""
    return {"success": True, "data": credit_summary_object(ctx.account)}


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _jwt(claims: JSONObject) -> str:
    header = _b64(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
    payload = _b64(json.dumps(claims, separators=(",", ":")).encode())
    signature = hmac.new(
        _SIGNING_KEY, f"{header}.{payload}".encode(), hashlib.sha256
    ).digest()
    return f"{header}.{payload}.{_b64(signature)}"


async def embed_token(ctx: ApiContext) -> JSONObject:
    """`POST /v1/embed-tokens/request`: a one-hour token for the embed widget."""
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
    issued = int(ctx.now)
    sid = hashlib.sha256(f"{code}:{fingerprint}:{issued}".encode()).hexdigest()[:16]
    claims: JSONObject = {
        "iss": "bitHuman",
        "sub": ctx.account.user_id,
        "agent_code": code,
        "sid": sid,
        "iat": issued,
        "exp": issued + EMBED_TOKEN_TTL,
    }
    models: list[JSONValue] = list(supported)
    data: JSONObject = {"token": "", "sid": sid, "supported_models": models}
    if model is not None:
        claims["model"] = model
        data["model"] = model
    data["token"] = _jwt(claims)
    return {"status": "success", "status_code": 200, "data": data}


ROUTES: tuple[ApiRoute, ...] = (
    ApiRoute("GET", "/v1/me", me, Tier.READ),
    ApiRoute("GET", "/v2/credit-summaries", credit_summaries, Tier.READ),
    ApiRoute("POST", "/v1/embed-tokens/request", embed_token, Tier.WRITE),
)
