"""One authenticated API call: auth, rate limits, idempotency, error bodies."""

from collections.abc import Awaitable, Callable, Mapping
from typing import TYPE_CHECKING

from aiohttp import web

from .errors import ApiError
from .rate_limit import AUTH_FAILURES_PER_MINUTE, limit_for
from .routing import SIMULATOR_KEY, ApiContext, ApiRoute

if TYPE_CHECKING:
    from .json_types import JSONValue
    from .rate_limit import Tier
    from .records import Account
    from .simulator import Simulator

type Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def json_response(
    payload: JSONValue, status: int = 200, headers: Mapping[str, str] | None = None
) -> web.Response:
    """Serialize `payload` as the API's JSON answer."""
    return web.json_response(payload, status=status, headers=headers)


def error_response(
    error: ApiError, headers: Mapping[str, str] | None = None
) -> web.Response:
    """Answer an ApiError with the envelope and matching HTTP status."""
    return json_response(
        error.envelope(), error.status, {**(headers or {}), **error.headers}
    )


def _auth_failure(request: web.Request, sim: Simulator, error: ApiError) -> ApiError:
    """Count a failed authentication against the client address's allowance."""
    if not sim.rate_limits:
        return error
    owner = f"auth-failures:{request.remote}"
    decision = sim.limiter.take(owner, "auth", AUTH_FAILURES_PER_MINUTE)
    if decision.allowed:
        return error
    return ApiError(
        429,
        "RATE_LIMITED",
        "Too many failed authentication attempts from this address. "
        f"Retry in ~{decision.retry_after}s.",
        headers={"Retry-After": str(decision.retry_after)},
    )


def authenticate(request: web.Request, sim: Simulator) -> Account:
    """Return the caller's account, or raise the 401 (or suspension) it gets."""
    secret = request.headers.get("api-secret", "")
    if not secret:
        raise _auth_failure(
            request, sim, ApiError(401, "MISSING_AUTH", "Missing api-secret header")
        )
    account = sim.authenticate(secret)
    if account is None:
        raise _auth_failure(
            request, sim, ApiError(401, "UNAUTHORIZED", "Invalid API secret")
        )
    if account.status != "active":
        raise ApiError(
            account.suspended_http_status,
            "ACCOUNT_SUSPENDED",
            "Account suspended: balance is below the -11 credit floor",
        )
    return account


def _meter(sim: Simulator, account: Account, tier: Tier) -> dict[str, str]:
    """Take a token from the account's bucket: its headers, or the 429."""
    decision = sim.limiter.take(account.user_id, tier, limit_for(account.plan, tier))
    if not decision.allowed:
        raise ApiError(
            429,
            "RATE_LIMITED",
            f"Too many {tier} requests for this api-secret. "
            f"Retry in ~{decision.retry_after}s.",
            headers=decision.headers(),
        )
    return decision.headers()


def endpoint(route: ApiRoute) -> Handler:
    """Wrap a handler with auth, rate limiting, idempotency and error bodies."""

    async def handle(request: web.Request) -> web.StreamResponse:
        sim = request.app[SIMULATOR_KEY]
        sim.settle()
        limit_headers: dict[str, str] = {}
        try:
            account = authenticate(request, sim)
            if route.tier is not None and sim.rate_limits:
                limit_headers = _meter(sim, account, route.tier)
            key = request.headers.get("Idempotency-Key") if route.idempotent else None
            if key:
                stored = sim.replay(account, request.path, key)
                if stored is not None:
                    replayed = {**limit_headers, "Idempotency-Replayed": "true"}
                    return json_response(stored, headers=replayed)
            payload = await route.handler(
                ApiContext(request, sim, account, key or None)
            )
            if isinstance(payload, web.StreamResponse):
                payload.headers.update(limit_headers)
                return payload
            if key:
                sim.remember(account, request.path, key, payload)
            return json_response(payload, headers=limit_headers)
        except ApiError as error:
            return error_response(error, limit_headers)

    return handle


async def validate(request: web.Request) -> web.StreamResponse:
    """`POST /v1/validate`: always 200 `{"valid": bool}`, never a 401."""
    sim = request.app[SIMULATOR_KEY]
    account = sim.authenticate(request.headers.get("api-secret", ""))
    return json_response({"valid": account is not None and account.status == "active"})
