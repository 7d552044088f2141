"""The aiohttp application serving a Simulator as the bitHuman API."""

import asyncio
from collections.abc import Awaitable, Callable, Mapping
import json
from typing import TYPE_CHECKING
import uuid

from aiohttp import web

from . import api_account, api_agents, api_dynamics, api_webhooks, control
from .errors import ApiError
from .rate_limit import AUTH_FAILURES_PER_MINUTE, limit_for
from .request_log import RecordedRequest, redact_headers
from .routing import SIMULATOR_KEY, ApiContext, ApiRoute

if TYPE_CHECKING:
    from .faults import Fault
    from .json_types import JSONValue
    from .rate_limit import Tier
    from .records import Account
    from .simulator import Simulator

API_PREFIXES = ("/v1/", "/v2/")
ROUTES: tuple[ApiRoute, ...] = (
    *api_account.ROUTES,
    *api_agents.ROUTES,
    *api_dynamics.ROUTES,
    *api_webhooks.ROUTES,
)
HTML_ERROR_PAGE = (
    "<html><head><title>502 Bad Gateway</title></head>"
    "<body><center><h1>502 Bad Gateway</h1></center></body></html>"
)
HTTP_ERROR_CODES: dict[int, str] = {
    404: "NOT_FOUND",
    405: "METHOD_NOT_ALLOWED",
    413: "FILE_TOO_LARGE",
}

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


def _authenticate(request: web.Request, sim: Simulator) -> Account:
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
            401,
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


def _endpoint(route: ApiRoute) -> Handler:
    """Wrap a handler with auth, rate limiting, idempotency and error bodies."""

    async def handle(request: web.Request) -> web.StreamResponse:
        sim = request.app[SIMULATOR_KEY]
        sim.settle()
        limit_headers: dict[str, str] = {}
        try:
            account = _authenticate(request, sim)
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


def _drop(request: web.Request) -> web.Response:
    """Close the connection without answering."""
    transport = request.transport
    if transport is not None:
        transport.abort()
    return web.Response(status=499)


async def _wait(request: web.Request, seconds: float) -> None:
    """Sleep for real, ending early once the client has hung up."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    while (remaining := deadline - loop.time()) > 0:
        transport = request.transport
        if transport is None or transport.is_closing():
            return
        await asyncio.sleep(min(remaining, 0.02))


def _swap_types(value: JSONValue) -> JSONValue:
    """Give every value in a JSON document the wrong type."""
    if isinstance(value, dict):
        return {name: _swap_types(item) for name, item in value.items()}
    if isinstance(value, list):
        return {"unexpected": "list"}
    if isinstance(value, str):
        return 12345
    if value is None:
        return ["null"]
    return "not-a-number"


async def _malformed(
    request: web.Request, handler: Handler, fault: Fault
) -> web.StreamResponse:
    """Answer a broken body: truncated or retyped real answers, or none at all."""
    if fault.malformed in {"invalid_json", "wrong_types"}:
        real = await _call(request, handler)
        status = fault.status or real.status
        body = real.body if isinstance(real, web.Response) else None
        text = body.decode() if isinstance(body, bytes) else "{}"
        if fault.malformed == "invalid_json":
            broken = text[: max(1, len(text) // 2)]
            return web.Response(
                status=status, text=broken, content_type="application/json"
            )
        value: JSONValue = json.loads(text)
        return json_response(_swap_types(value), status)
    status = fault.status or 200
    if fault.malformed == "html":
        return web.Response(
            status=status, text=HTML_ERROR_PAGE, content_type="text/html"
        )
    if fault.malformed == "not_object":
        return json_response(["unexpected", "array"], status)
    return web.Response(status=status, body=b"", content_type="application/json")


async def _recorded(request: web.Request, sim: Simulator) -> None:
    raw = await request.read()
    parsed: JSONValue = None
    if raw:
        try:
            parsed = json.loads(raw)
        except ValueError:
            parsed = raw.decode(errors="replace")
    sim.log.record(
        RecordedRequest(
            method=request.method,
            path=request.path,
            query=dict(request.query),
            json=parsed,
            headers=redact_headers(request.headers),
            time=sim.now(),
        )
    )


def _http_error(exc: web.HTTPException) -> web.Response:
    code = HTTP_ERROR_CODES.get(exc.status, "INTERNAL_ERROR")
    message = "Endpoint not found" if exc.status == 404 else exc.reason
    return error_response(ApiError(exc.status, code, message))


async def _call(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Run the route's handler, answering routing errors with the envelope."""
    try:
        return await handler(request)
    except web.HTTPException as exc:
        return _http_error(exc)


async def _answer(
    request: web.Request, handler: Handler, sim: Simulator
) -> web.StreamResponse:
    """Answer an API request through the outage and the faults, if any."""
    if sim.outage == "drop":
        return _drop(request)
    if sim.outage == "503":
        return error_response(
            ApiError(503, "NO_AVAILABLE_WORKERS", "All workers are busy, retry later")
        )
    fault = sim.fault_set.take(request.method, request.path)
    if fault is not None:
        if fault.delay > 0:
            await _wait(request, fault.delay)
        if fault.drop:
            return _drop(request)
        if fault.malformed is not None:
            return await _malformed(request, handler, fault)
        if fault.status is not None:
            headers = (
                {}
                if fault.retry_after is None
                else {"Retry-After": str(fault.retry_after)}
            )
            return error_response(
                ApiError(fault.status, fault.code, fault.message), headers
            )
    return await _call(request, handler)


@web.middleware
async def api_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Log every API request, apply outages and faults, tag a request id."""
    if not request.path.startswith(API_PREFIXES):
        return await handler(request)
    sim = request.app[SIMULATOR_KEY]
    await _recorded(request, sim)
    response = await _answer(request, handler, sim)
    response.headers["X-Request-Id"] = uuid.uuid4().hex
    return response


def create_app(simulator: Simulator) -> web.Application:
    """Return an aiohttp application serving `simulator` as the bitHuman API.

    The API lives under /v1 and /v2; the unauthenticated control endpoint for
    scripts and out-of-process tests under /_simulator.
    """
    app = web.Application(middlewares=[api_middleware])
    app[SIMULATOR_KEY] = simulator
    app.router.add_post("/v1/validate", validate)
    for route in ROUTES:
        app.router.add_route(route.method, route.path, _endpoint(route))
    control.register(app.router)
    return app
