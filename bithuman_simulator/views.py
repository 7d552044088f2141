"""How records look on the wire: the response objects of the documented API."""

from datetime import UTC, datetime
import math
from typing import TYPE_CHECKING

from .dynamics import ASSETS_BASE, asset_url
from .generation import snapshot
from .pricing import supported_models

if TYPE_CHECKING:
    from .json_types import JSONObject, JSONValue
    from .records import Account, AgentRecord, WebhookRecord

PRICING_URL = "https://www.bithuman.ai/pricing"
SESSION_RATES: dict[str, int] = {
    "essence_2_cloud": 4,
    "essence_2_self_hosted": 2,
    "essence_2_max_cloud": 8,
    "essence_2_max_self_hosted": 4,
    "expression_2_cloud": 4,
    "expression_2_self_hosted": 2,
    "essence_1_cloud": 2,
    "essence_1_self_hosted": 1,
    "expression_1_cloud": 4,
    "expression_1_self_hosted": 2,
    "voice_chat": 10,
    "camera_chat": 30,
    "essence_cloud": 2,
    "essence_self_hosted": 1,
    "expression_cloud": 4,
    "expression_self_hosted": 2,
}
MODEL_FILES: dict[str, str] = {
    "essence-1": "imx",
    "essence-2": "lebundle.imx",
    "expression-2": "imx",
}


def iso(at: float) -> str:
    """Format a clock time as an ISO-8601 UTC timestamp."""
    moment = datetime.fromtimestamp(at, UTC)
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _finished(agent: AgentRecord, now: float) -> bool:
    state = snapshot(agent.plan, now)
    return state.progress == 1.0 and state.status in {"ready", "success"}


def launchable_models(agent: AgentRecord, now: float) -> list[str]:
    """Return the model families the agent can be launched as at `now`."""
    return supported_models(agent.model) if _finished(agent, now) else []


def agent_object(agent: AgentRecord, now: float, image_url: str) -> JSONObject:
    """Return the Agent object (list, get and status endpoints) at `now`.

    `image_url` is where the portrait is served (it depends on the origin the
    client used).
    """
    state = snapshot(agent.plan, now)
    finished = _finished(agent, now)
    extension = MODEL_FILES.get(agent.model)
    model_url = (
        f"{ASSETS_BASE}/{agent.code}/{agent.code}.{extension}"
        if finished and extension is not None
        else None
    )
    video_url = (
        asset_url(agent.code, "video", agent.plan.ends_at, "mp4")
        if finished and agent.model.startswith("essence")
        else None
    )
    models: list[JSONValue] = list(launchable_models(agent, now))
    # `enabled` appears once set (by a PUT or the agent's setup), as merged config.
    dynamics: JSONObject = dict(agent.dynamics.config)
    return {
        "code": agent.code,
        "agent_id": agent.code,
        "name": agent.name,
        "description": agent.description,
        "language": agent.language,
        "model": agent.model,
        "supported_models": models,
        "system_prompt": agent.system_prompt,
        "image_url": image_url,
        "video_url": video_url,
        "model_url": model_url,
        "voice_id": agent.voice_id,
        "status": state.status,
        "event_type": state.event_type,
        "progress": state.progress,
        "progress_msg": state.progress_msg,
        "current_step": state.current_step,
        "error_message": state.error_message,
        "created_at": iso(agent.created_at),
        "updated_at": iso(max(agent.updated_at, min(state.since, now))),
        "dynamics": dynamics,
    }


def generation_started_object(agent: AgentRecord, what: str) -> JSONObject:
    """Return the answer to a started generation (`what`: Agent, Dynamics)."""
    return {
        "success": True,
        "message": f"{what} generation started",
        "agent_id": agent.code,
        "status": "processing",
    }


def dynamics_object(agent: AgentRecord, now: float) -> JSONObject:
    """Return the `GET /v1/dynamics/{agent_id}` data at `now`."""
    record = agent.dynamics
    gestures: JSONObject = dict(record.gestures)
    data: JSONObject = {
        "url": record.url,
        "status": record.status_at(now),
        "agent_id": agent.code,
        "gestures": gestures,
    }
    if data["status"] == "failed":
        data["error_message"] = record.error_message
    return data


def me_object(account: Account) -> JSONObject:
    """Return the `GET /v1/me` data."""
    return {
        "user_id": account.user_id,
        "email": account.email,
        "plan": account.plan,
        "plan_code": f"membership_{account.plan}",
        "credit_balance": math.floor(account.balance),
        "plan_credits_remaining": math.floor(account.plan_credits),
        "topup_credits_remaining": math.floor(account.topup_credits),
        "account_status": account.status,
        "upgrade_url": PRICING_URL,
        "pricing_url": PRICING_URL,
    }


def credit_summary_object(account: Account) -> JSONObject:
    """Return the `GET /v2/credit-summaries` data."""
    spendable = max(account.balance, 0.0)
    estimate: JSONObject = {
        key: math.floor(spendable / rate) for key, rate in SESSION_RATES.items()
    }
    enterprise = account.plan == "enterprise"
    return {
        "user_id": account.user_id,
        "balance": float(account.balance),
        "plan_credits": float(account.plan_credits),
        "topup_credits": float(account.topup_credits),
        "is_enterprise": enterprise,
        "minutes_estimate": estimate,
        "isEnterprisePlanUser": enterprise,
    }


def webhook_object(webhook: WebhookRecord, *, with_secret: bool = False) -> JSONObject:
    """Return a Webhook (or WebhookWithSecret, on creation only)."""
    events: list[JSONValue] = list(webhook.events)
    data: JSONObject = {
        "id": webhook.id,
        "url": webhook.url,
        "events": events,
        "description": webhook.description,
        "active": webhook.active,
        "created_at": iso(webhook.created_at),
        "updated_at": iso(webhook.updated_at),
    }
    if with_secret:
        data["secret"] = webhook.secret
    return data
