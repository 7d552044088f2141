"""Webhook endpoints: register, list, read and delete (never rate-limited)."""

from typing import TYPE_CHECKING

from .errors import validation_error
from .routing import ApiContext, ApiRoute
from .validation import optional_str, required_str
from .views import webhook_object

if TYPE_CHECKING:
    from .json_types import JSONObject, JSONValue

EVENTS: tuple[str, ...] = ("agent.ready", "agent.failed")


def _events(body: JSONObject) -> list[str]:
    raw = body.get("events")
    if raw is None:
        return []
    if not isinstance(raw, list):
        raise validation_error("'events' must be a list of event names")
    events: list[str] = []
    for event in raw:
        if not isinstance(event, str) or event not in EVENTS:
            raise validation_error(
                f"Unknown event {event!r}; must be one of: {', '.join(EVENTS)}"
            )
        events.append(event)
    return events


async def create_webhook(ctx: ApiContext) -> JSONObject:
    """`POST /v1/webhooks`: register an endpoint; the secret is shown only now."""
    body = await ctx.body()
    url = required_str(body, "url")
    if not url.startswith(("https://", "http://")):
        raise validation_error("'url' must be an http(s) URL")
    events = _events(body)
    description = optional_str(body, "description")
    webhook = ctx.sim.add_webhook(ctx.account, url, events, description)
    return {"success": True, "data": webhook_object(webhook, with_secret=True)}


async def list_webhooks(ctx: ApiContext) -> JSONObject:
    """`GET /v1/webhooks`: the caller's webhooks, secrets redacted."""
    webhooks: list[JSONValue] = [
        webhook_object(webhook)
        for webhook in ctx.sim.webhooks.values()
        if webhook.owner == ctx.account.user_id
    ]
    return {"success": True, "data": webhooks}


async def get_webhook(ctx: ApiContext) -> JSONObject:
    """`GET /v1/webhooks/{webhook_id}`."""
    webhook = ctx.sim.owned_webhook(ctx.account, ctx.path_param("webhook_id"))
    return {"success": True, "data": webhook_object(webhook)}


async def delete_webhook(ctx: ApiContext) -> JSONObject:
    """`DELETE /v1/webhooks/{webhook_id}`."""
    webhook = ctx.sim.owned_webhook(ctx.account, ctx.path_param("webhook_id"))
    del ctx.sim.webhooks[webhook.id]
    return {"success": True, "deleted": True}


ROUTES: tuple[ApiRoute, ...] = (
    ApiRoute("POST", "/v1/webhooks", create_webhook, None),
    ApiRoute("GET", "/v1/webhooks", list_webhooks, None),
    ApiRoute("GET", "/v1/webhooks/{webhook_id}", get_webhook, None),
    ApiRoute("DELETE", "/v1/webhooks/{webhook_id}", delete_webhook, None),
)
