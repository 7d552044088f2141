"""The `/_simulator` control endpoint: drive a running simulator over HTTP.

No authentication. Bodies are JSON; answers are JSON. Errors answer
`{"error": "..."}` with 400 (bad input), 404 (unknown account, agent,
session or delivery) or 409 (the clock is not manual). The handlers live in
`control_core` (accounts, agents, clock, faults, logs) and `control_live`
(sessions, webhooks, odd answers, portraits, voices, settings).
"""

from collections.abc import Awaitable, Callable

from aiohttp import web

from . import control_core as core, control_live as live
from .control_core import ManualClockRequiredError
from .json_types import JSONObject
from .routing import SIMULATOR_KEY
from .simulator import Simulator

PREFIX = "/_simulator"

type ControlHandler = Callable[[web.Request, Simulator], Awaitable[JSONObject]]


def _handler(
    handle: ControlHandler,
) -> Callable[[web.Request], Awaitable[web.Response]]:
    async def wrapped(request: web.Request) -> web.Response:
        sim = request.app[SIMULATOR_KEY]
        try:
            payload = await handle(request, sim)
        except KeyError as exc:
            return web.json_response({"error": f"not found: {exc}"}, status=404)
        except ValueError as exc:
            return web.json_response({"error": str(exc)}, status=400)
        except ManualClockRequiredError as exc:
            return web.json_response({"error": str(exc)}, status=409)
        return web.json_response(payload)

    return wrapped


CONTROL_ROUTES: tuple[tuple[str, str, ControlHandler], ...] = (
    ("GET", "/state", core.state),
    ("POST", "/clock/advance", core.advance),
    ("POST", "/accounts", core.add_account),
    ("PUT", "/accounts/{owner}/credits", core.set_credits),
    ("PUT", "/accounts/{owner}/status", core.set_status),
    ("POST", "/agents", core.add_agent),
    ("DELETE", "/agents/{code}", core.delete_agent),
    ("PUT", "/agents/{code}/rooms", core.set_rooms),
    ("PUT", "/agents/{code}/rooms/{room}/worker", live.set_worker),
    ("PUT", "/agents/{code}/gestures", core.set_gestures),
    ("PUT", "/agents/{code}/regeneration-failure", core.set_regeneration_failure),
    ("PUT", "/agents/{code}/overrides", live.set_overrides),
    ("DELETE", "/agents/{code}/overrides", live.clear_overrides),
    ("PUT", "/agents/{code}/portrait", live.set_portrait),
    ("POST", "/fail-next-generation", core.fail_next_generation),
    ("POST", "/fail-next-dynamics", core.fail_next_dynamics),
    ("GET", "/faults", core.list_faults),
    ("POST", "/faults", core.add_fault),
    ("DELETE", "/faults", core.clear_faults),
    ("PUT", "/outage", core.set_outage),
    ("GET", "/requests", core.list_requests),
    ("DELETE", "/requests", core.clear_requests),
    ("GET", "/ledger", core.ledger),
    ("GET", "/messages", core.messages),
    ("GET", "/sessions", live.list_sessions),
    ("POST", "/sessions", live.start_session),
    ("DELETE", "/sessions/{session_id}", live.end_session),
    ("POST", "/sessions/{session_id}/transcript", live.add_transcript),
    ("GET", "/webhooks/deliveries", live.deliveries),
    ("POST", "/webhooks/flush", live.flush_webhooks),
    ("POST", "/webhooks/send", live.send_event),
    ("POST", "/webhooks/forged", live.send_forged),
    ("POST", "/webhooks/replay", live.replay),
    ("PUT", "/webhooks/rewrites", live.set_rewrites),
    ("POST", "/voices", live.add_voice),
    ("PUT", "/settings", live.update_settings),
    ("POST", "/reset", core.reset),
)


def register(router: web.UrlDispatcher) -> None:
    """Add the control routes under `/_simulator`."""
    for method, path, handle in CONTROL_ROUTES:
        router.add_route(method, PREFIX + path, _handler(handle))
