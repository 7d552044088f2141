"""The `/_simulator` control endpoint: drive a running simulator over HTTP.

No authentication. Bodies are JSON; answers are JSON. Errors answer
`{"error": "..."}` with 400 (bad input), 404 (unknown account or agent) or
409 (the clock is not manual).
"""

from collections.abc import Awaitable, Callable
from typing import Literal

from aiohttp import web
from pydantic import BaseModel, ConfigDict, Field

from .clock import ManualClock
from .demo import seed_demo
from .dynamics import DEFAULT_DYNAMICS_ERROR
from .faults import Fault, Malformed, OutageMode
from .generation import DEFAULT_GENERATION_ERROR
from .json_types import JSONObject, JSONValue
from .routing import SIMULATOR_KEY
from .simulator import DEFAULT_PROMPT, DynamicsSetup, Simulator

PREFIX = "/_simulator"

type ControlHandler = Callable[[web.Request, Simulator], Awaitable[JSONObject]]


class ManualClockRequiredError(Exception):
    """The request needs a manual clock and the simulator runs on real time."""


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class AdvanceBody(_Body):
    """Move the manual clock forward."""

    seconds: float = Field(ge=0)


class AccountBody(_Body):
    """Create an account."""

    secret: str = Field(min_length=1)
    user_id: str | None = None
    email: str | None = None
    plan: str = "pro"
    credits: float = 10_000
    topup_credits: float = 0


class CreditsBody(_Body):
    """Set an account's credits."""

    credits: float
    topup_credits: float = 0


class StatusBody(_Body):
    """Set an account's status."""

    status: Literal["active", "suspended"]


class AgentBody(_Body):
    """Create an agent."""

    owner: str
    code: str | None = None
    name: str = "bitHuman Agent"
    status: str = "ready"
    model: str = "expression-1"
    system_prompt: str = DEFAULT_PROMPT
    dynamics: DynamicsSetup = "none"
    gestures: list[str] | None = None
    dynamics_enabled: bool | None = None
    live_rooms: list[str] = Field(default_factory=list)
    generation_seconds: float | None = Field(default=None, gt=0)
    error_message: str = DEFAULT_GENERATION_ERROR


class RoomsBody(_Body):
    """Set an agent's live rooms."""

    rooms: list[str]


class GesturesBody(_Body):
    """Set an agent's gestures."""

    gestures: list[str]


class RegenerationFailureBody(_Body):
    """Make dynamics PUTs fail to regenerate (null: stop)."""

    error: str | None


class FailGenerationBody(_Body):
    """Make the next agent generation fail."""

    error_message: str = DEFAULT_GENERATION_ERROR
    at: float = Field(default=0.45, ge=0, lt=1)


class FailDynamicsBody(_Body):
    """Make the next dynamics generation fail."""

    error_message: str = DEFAULT_DYNAMICS_ERROR


class FaultBody(_Body):
    """Inject a fault (fields as in `Fault`)."""

    path: str = "*"
    method: str | None = None
    status: int | None = Field(default=None, ge=100, le=599)
    code: str = "INTERNAL_ERROR"
    message: str = "Injected fault"
    retry_after: int | None = Field(default=None, ge=0)
    delay: float = Field(default=0.0, ge=0)
    drop: bool = False
    malformed: Malformed | None = None
    times: int | None = Field(default=None, ge=1)
    regex: bool = False


class OutageBody(_Body):
    """Start or end an outage."""

    enabled: bool
    mode: OutageMode = "drop"


class ResetBody(_Body):
    """Reset the simulator, optionally re-creating the demo data."""

    demo: bool = False


async def _parse[M: BaseModel](request: web.Request, model: type[M]) -> M:
    raw = await request.read()
    return model.model_validate_json(raw if raw.strip() else b"{}")


def _fault_json(fault: Fault) -> JSONObject:
    return {
        "path": fault.path,
        "method": fault.method,
        "status": fault.status,
        "code": fault.code,
        "message": fault.message,
        "retry_after": fault.retry_after,
        "delay": fault.delay,
        "drop": fault.drop,
        "malformed": fault.malformed,
        "times": fault.times,
        "regex": fault.regex,
        "hits": fault.hits,
    }


async def state(_request: web.Request, sim: Simulator) -> JSONObject:
    """Summarize the simulator: clock, accounts, agents, faults."""
    sim.settle()
    accounts: list[JSONValue] = [
        {
            "user_id": account.user_id,
            "email": account.email,
            "plan": account.plan,
            "balance": account.balance,
            "status": account.status,
        }
        for account in sim.accounts.values()
    ]
    agents: list[JSONValue] = [
        {
            **sim.agent_json(code),
            "owner": agent.owner,
            "live_rooms": list(agent.live_rooms),
        }
        for code, agent in sim.agents.items()
    ]
    faults: list[JSONValue] = [_fault_json(fault) for fault in sim.faults]
    return {
        "now": sim.now(),
        "manual_clock": isinstance(sim.clock, ManualClock),
        "rate_limits": sim.rate_limits,
        "outage": sim.outage,
        "accounts": accounts,
        "agents": agents,
        "faults": faults,
    }


async def advance(request: web.Request, sim: Simulator) -> JSONObject:
    """Advance a manual clock by `seconds`."""
    body = await _parse(request, AdvanceBody)
    if not isinstance(sim.clock, ManualClock):
        raise ManualClockRequiredError("the simulator runs on real time")
    return {"now": sim.clock.advance(body.seconds)}


async def add_account(request: web.Request, sim: Simulator) -> JSONObject:
    """Create an account."""
    body = await _parse(request, AccountBody)
    account = sim.add_account(
        body.secret,
        user_id=body.user_id,
        email=body.email,
        plan=body.plan,
        credits=body.credits,
        topup_credits=body.topup_credits,
    )
    return {"user_id": account.user_id, "email": account.email}


async def set_credits(request: web.Request, sim: Simulator) -> JSONObject:
    """Set an account's credits."""
    body = await _parse(request, CreditsBody)
    owner = request.match_info["owner"]
    sim.set_credits(owner, body.credits, topup_credits=body.topup_credits)
    return {"balance": sim.account(owner).balance}


async def set_status(request: web.Request, sim: Simulator) -> JSONObject:
    """Suspend or reactivate an account."""
    body = await _parse(request, StatusBody)
    sim.set_account_status(request.match_info["owner"], body.status)
    return {"status": body.status}


async def add_agent(request: web.Request, sim: Simulator) -> JSONObject:
    """Create an agent and answer it as the API shows it."""
    body = await _parse(request, AgentBody)
    agent = sim.add_agent(
        body.owner,
        code=body.code,
        name=body.name,
        status=body.status,
        model=body.model,
        dynamics=body.dynamics,
        gestures=body.gestures,
        dynamics_enabled=body.dynamics_enabled,
        live_rooms=body.live_rooms,
        generation_seconds=body.generation_seconds,
        system_prompt=body.system_prompt,
        error_message=body.error_message,
    )
    return sim.agent_json(agent.code)


async def delete_agent(request: web.Request, sim: Simulator) -> JSONObject:
    """Delete an agent as if upstream."""
    code = request.match_info["code"]
    sim.agent(code)
    sim.delete_agent(code)
    return {"deleted": code}


async def set_rooms(request: web.Request, sim: Simulator) -> JSONObject:
    """Set an agent's live rooms."""
    body = await _parse(request, RoomsBody)
    sim.set_live_rooms(request.match_info["code"], body.rooms)
    rooms: list[JSONValue] = list(body.rooms)
    return {"rooms": rooms}


async def set_gestures(request: web.Request, sim: Simulator) -> JSONObject:
    """Set an agent's gestures."""
    body = await _parse(request, GesturesBody)
    code = request.match_info["code"]
    sim.set_gestures(code, body.gestures)
    return sim.dynamics_json(code)


async def set_regeneration_failure(request: web.Request, sim: Simulator) -> JSONObject:
    """Make an agent's dynamics PUTs fail to regenerate, or stop that."""
    body = await _parse(request, RegenerationFailureBody)
    sim.set_regeneration_failure(request.match_info["code"], body.error)
    return {"error": body.error}


async def fail_next_generation(request: web.Request, sim: Simulator) -> JSONObject:
    """Make the next agent generation fail."""
    body = await _parse(request, FailGenerationBody)
    sim.fail_next_generation(body.error_message, at=body.at)
    return {"armed": True}


async def fail_next_dynamics(request: web.Request, sim: Simulator) -> JSONObject:
    """Make the next dynamics generation fail."""
    body = await _parse(request, FailDynamicsBody)
    sim.fail_next_dynamics(body.error_message)
    return {"armed": True}


async def list_faults(_request: web.Request, sim: Simulator) -> JSONObject:
    """List the active faults."""
    return {"faults": [_fault_json(fault) for fault in sim.faults]}


async def add_fault(request: web.Request, sim: Simulator) -> JSONObject:
    """Inject a fault."""
    body = await _parse(request, FaultBody)
    fault = sim.add_fault(
        Fault(
            path=body.path,
            method=body.method,
            status=body.status,
            code=body.code,
            message=body.message,
            retry_after=body.retry_after,
            delay=body.delay,
            drop=body.drop,
            malformed=body.malformed,
            times=body.times,
            regex=body.regex,
        )
    )
    return _fault_json(fault)


async def clear_faults(_request: web.Request, sim: Simulator) -> JSONObject:
    """Remove every fault and end any outage."""
    sim.clear_faults()
    return {"faults": []}


async def set_outage(request: web.Request, sim: Simulator) -> JSONObject:
    """Start or end an outage of every /v1 and /v2 endpoint."""
    body = await _parse(request, OutageBody)
    sim.set_outage(body.enabled, body.mode)
    return {"outage": sim.outage}


async def list_requests(_request: web.Request, sim: Simulator) -> JSONObject:
    """Return the request log."""
    return {"requests": [entry.as_json() for entry in sim.requests]}


async def clear_requests(_request: web.Request, sim: Simulator) -> JSONObject:
    """Empty the request log."""
    sim.clear_requests()
    return {"requests": []}


async def ledger(_request: web.Request, sim: Simulator) -> JSONObject:
    """Return every charge and refund."""
    return {"ledger": [entry.as_json() for entry in sim.ledger]}


async def messages(_request: web.Request, sim: Simulator) -> JSONObject:
    """Return every message delivered into a live room."""
    return {"messages": [message.as_json() for message in sim.messages]}


async def reset(request: web.Request, sim: Simulator) -> JSONObject:
    """Forget everything; with `demo`, re-create the demo data."""
    body = await _parse(request, ResetBody)
    sim.reset()
    if body.demo:
        seed_demo(sim)
    return {"reset": True, "demo": body.demo}


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
    ("GET", "/state", state),
    ("POST", "/clock/advance", advance),
    ("POST", "/accounts", add_account),
    ("PUT", "/accounts/{owner}/credits", set_credits),
    ("PUT", "/accounts/{owner}/status", set_status),
    ("POST", "/agents", add_agent),
    ("DELETE", "/agents/{code}", delete_agent),
    ("PUT", "/agents/{code}/rooms", set_rooms),
    ("PUT", "/agents/{code}/gestures", set_gestures),
    ("PUT", "/agents/{code}/regeneration-failure", set_regeneration_failure),
    ("POST", "/fail-next-generation", fail_next_generation),
    ("POST", "/fail-next-dynamics", fail_next_dynamics),
    ("GET", "/faults", list_faults),
    ("POST", "/faults", add_fault),
    ("DELETE", "/faults", clear_faults),
    ("PUT", "/outage", set_outage),
    ("GET", "/requests", list_requests),
    ("DELETE", "/requests", clear_requests),
    ("GET", "/ledger", ledger),
    ("GET", "/messages", messages),
    ("POST", "/reset", reset),
)


def register(router: web.UrlDispatcher) -> None:
    """Add the control routes under `/_simulator`."""
    for method, path, handle in CONTROL_ROUTES:
        router.add_route(method, PREFIX + path, _handler(handle))
