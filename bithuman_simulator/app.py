"""The aiohttp application serving a Simulator as the bitHuman API."""

import json
from typing import TYPE_CHECKING
import uuid

from aiohttp import web

from . import (
    api_account,
    api_agents,
    api_dynamics,
    api_sessions,
    api_tts,
    api_webhooks,
    control,
    pages,
)
from .endpoint import endpoint, validate
from .fault_answers import answer
from .request_log import RecordedRequest, redact_headers
from .routing import SIMULATOR_KEY, ApiRoute

if TYPE_CHECKING:
    from .endpoint import Handler
    from .json_types import JSONValue
    from .simulator import Simulator

API_PREFIXES = ("/v1/", "/v2/")
CONTROL_PREFIX = "/_simulator"
ROUTES: tuple[ApiRoute, ...] = (
    *api_account.ROUTES,
    *api_agents.ROUTES,
    *api_dynamics.ROUTES,
    *api_sessions.ROUTES,
    *api_tts.ROUTES,
    *api_webhooks.ROUTES,
)


async def _recorded(request: web.Request, sim: Simulator) -> None:
    raw = await request.read()
    parsed: JSONValue = None
    if raw:
        try:
            parsed = json.loads(raw)
        except ValueError:
            parsed = raw.decode(errors="replace")
    entry = RecordedRequest(
        method=request.method,
        path=request.path,
        query=dict(request.query),
        json=parsed,
        headers=redact_headers(request.headers),
        time=sim.now(),
    )
    if request.path.startswith(API_PREFIXES):
        sim.log.record(entry)
    else:
        sim.page_log.record(entry)


@web.middleware
async def api_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Log every request, apply outages and faults to the API, tag a request id.

    API requests (/v1, /v2) go to `sim.log`; embed pages and portraits to
    `sim.page_log`, so they never count as API traffic. The control endpoint
    is not logged.
    """
    if request.path.startswith(CONTROL_PREFIX):
        return await handler(request)
    sim = request.app[SIMULATOR_KEY]
    await _recorded(request, sim)
    if request.path.startswith(API_PREFIXES):
        response = await answer(request, handler, sim)
    else:
        response = await handler(request)
    response.headers["X-Request-Id"] = uuid.uuid4().hex
    return response


def create_app(simulator: Simulator) -> web.Application:
    """Return an aiohttp application serving `simulator` as the bitHuman API.

    The API lives under /v1 and /v2; the embed page under /embed, portraits
    under /assets; the unauthenticated control endpoint for scripts and
    out-of-process tests under /_simulator.
    """
    app = web.Application(middlewares=[api_middleware])
    app[SIMULATOR_KEY] = simulator
    app.router.add_post("/v1/validate", validate)
    for route in ROUTES:
        app.router.add_route(route.method, route.path, endpoint(route))
    pages.register(app.router)
    control.register(app.router)
    return app
