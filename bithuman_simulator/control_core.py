"""The `/_simulator` control handlers for the core state.

Accounts, agents, the clock, faults, logs and reset.
"""

from typing import TYPE_CHECKING

from aiohttp import web
from pydantic import BaseModel

from .clock import ManualClock
from .control_bodies import (
    AccountBody,
    AdvanceBody,
    AgentBody,
    CreditsBody,
    FailDynamicsBody,
    FailGenerationBody,
    FaultBody,
    GesturesBody,
    OutageBody,
    RegenerationFailureBody,
    ResetBody,
    RoomsBody,
    StatusBody,
)
from .demo import seed_demo
from .faults import Fault
from .overrides import REMOVE, patch_json
from .routing import request_origin

if TYPE_CHECKING:
    from .json_types import JSONObject, JSONValue
    from .overrides import PatchValue
    from .simulator import Simulator


def control_patch(values: JSONObject, remove: list[str]) -> dict[str, PatchValue]:
    """Build a patch from values to set and dotted paths to remove."""
    patch: dict[str, PatchValue] = dict(values)
    patch.update(dict.fromkeys(remove, REMOVE))
    return patch


class ManualClockRequiredError(Exception):
    """The request needs a manual clock and the simulator runs on real time."""


async def parse[M: BaseModel](request: web.Request, model: type[M]) -> M:
    """Read a control body (empty: all defaults) into `model`."""
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
        "headers": dict(fault.headers),
        "patch": patch_json(fault.patch),
        "hits": fault.hits,
    }


async def state(request: web.Request, sim: Simulator) -> JSONObject:
    """Summarize the simulator: clock, accounts, agents, faults, sessions."""
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
            "code": code,
            "owner": agent.owner,
            "live_rooms": list(agent.live_rooms),
            "image_url": sim.image_url(agent, request_origin(request)),
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
        "live_sessions": len(sim.sessions(live=True)),
        "webhooks": len(sim.webhooks),
        "pending_webhooks": len(sim.pending_webhooks()),
        "overrides": sim.overrides.as_json(),
    }


async def advance(request: web.Request, sim: Simulator) -> JSONObject:
    """Advance a manual clock by `seconds`."""
    body = await parse(request, AdvanceBody)
    if not isinstance(sim.clock, ManualClock):
        raise ManualClockRequiredError("the simulator runs on real time")
    return {"now": sim.clock.advance(body.seconds)}


async def add_account(request: web.Request, sim: Simulator) -> JSONObject:
    """Create an account."""
    body = await parse(request, AccountBody)
    account = sim.add_account(**body.model_dump())
    return {"user_id": account.user_id, "email": account.email}


async def set_credits(request: web.Request, sim: Simulator) -> JSONObject:
    """Set an account's credits."""
    body = await parse(request, CreditsBody)
    owner = request.match_info["owner"]
    sim.set_credits(owner, body.credits, topup_credits=body.topup_credits)
    return {"balance": sim.account(owner).balance}


async def set_status(request: web.Request, sim: Simulator) -> JSONObject:
    """Suspend or reactivate an account."""
    body = await parse(request, StatusBody)
    sim.set_account_status(
        request.match_info["owner"], body.status, http_status=body.http_status
    )
    return {"status": body.status}


async def add_agent(request: web.Request, sim: Simulator) -> JSONObject:
    """Create an agent and answer it as the API shows it."""
    body = await parse(request, AgentBody)
    agent = sim.add_agent(**body.model_dump())
    return sim.agent_json(agent.code)


async def delete_agent(request: web.Request, sim: Simulator) -> JSONObject:
    """Delete an agent as if upstream."""
    code = request.match_info["code"]
    sim.agent(code)
    sim.delete_agent(code)
    return {"deleted": code}


async def set_rooms(request: web.Request, sim: Simulator) -> JSONObject:
    """Set an agent's live rooms."""
    body = await parse(request, RoomsBody)
    sim.set_live_rooms(request.match_info["code"], body.rooms)
    rooms: list[JSONValue] = list(body.rooms)
    return {"rooms": rooms}


async def set_gestures(request: web.Request, sim: Simulator) -> JSONObject:
    """Set an agent's gestures."""
    body = await parse(request, GesturesBody)
    code = request.match_info["code"]
    sim.set_gestures(code, body.gestures)
    return sim.dynamics_json(code)


async def set_regeneration_failure(request: web.Request, sim: Simulator) -> JSONObject:
    """Make an agent's dynamics PUTs fail to regenerate, or stop that."""
    body = await parse(request, RegenerationFailureBody)
    sim.set_regeneration_failure(request.match_info["code"], body.error)
    return {"error": body.error}


async def fail_next_generation(request: web.Request, sim: Simulator) -> JSONObject:
    """Make the next agent generation fail."""
    body = await parse(request, FailGenerationBody)
    sim.fail_next_generation(body.error_message, at=body.at)
    return {"armed": True}


async def fail_next_dynamics(request: web.Request, sim: Simulator) -> JSONObject:
    """Make the next dynamics generation fail."""
    body = await parse(request, FailDynamicsBody)
    sim.fail_next_dynamics(body.error_message)
    return {"armed": True}


async def list_faults(_request: web.Request, sim: Simulator) -> JSONObject:
    """List the active faults."""
    return {"faults": [_fault_json(fault) for fault in sim.faults]}


async def add_fault(request: web.Request, sim: Simulator) -> JSONObject:
    """Inject a fault."""
    body = await parse(request, FaultBody)
    fields = body.model_dump(exclude={"patch", "remove"})
    fault = sim.add_fault(Fault(**fields, patch=control_patch(body.patch, body.remove)))
    return _fault_json(fault)


async def clear_faults(_request: web.Request, sim: Simulator) -> JSONObject:
    """Remove every fault and end any outage."""
    sim.clear_faults()
    return {"faults": []}


async def set_outage(request: web.Request, sim: Simulator) -> JSONObject:
    """Start or end an outage of every /v1 and /v2 endpoint."""
    body = await parse(request, OutageBody)
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
    body = await parse(request, ResetBody)
    sim.reset()
    if body.demo:
        seed_demo(sim)
    return {"reset": True, "demo": body.demo}
