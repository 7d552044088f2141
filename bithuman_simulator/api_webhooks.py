"""Webhook endpoints: register, list, read, delete, test, deliveries.

Never rate-limited (rate-limits.md: webhook traffic is exempt).
"""

from typing import TYPE_CHECKING

from .errors import validation_error
from .routing import ApiContext, ApiRoute
from .validation import optional_str, required_str
from .views import webhook_object
from .webhook_registry import EVENTS, check_url

if TYPE_CHECKING:
    from .json_types import JSONObject, JSONValue


def _events(body: JSONObject) -> list[str]:
    """Return the subscribed events (`[]` or omitted: all of them)."""
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
    check_url(url)
    events = _events(body)
    description = optional_str(body, "description")
    webhook = ctx.sim.add_webhook(ctx.account, url, events, description)
    return {"success": True, "data": webhook_object(webhook, with_secret=True)}


async def list_webhooks(ctx: ApiContext) -> JSONObject:
    """`GET /v1/webhooks`: the caller's webhooks, secrets redacted."""
    webhooks: list[JSONValue] = [
        webhook_object(webhook)
        for webhook in ctx.sim.webhook_registry.of_owner(ctx.account.user_id)
    ]
    return {"success": True, "data": webhooks}


async def get_webhook(ctx: ApiContext) -> JSONObject:
    """`GET /v1/webhooks/{webhook_id}`."""
    webhook = ctx.sim.owned_webhook(ctx.account, ctx.path_param("webhook_id"))
    return {"success": True, "data": webhook_object(webhook)}


async def delete_webhook(ctx: ApiContext) -> JSONObject:
    """`DELETE /v1/webhooks/{webhook_id}`."""
    webhook = ctx.sim.owned_webhook(ctx.account, ctx.path_param("webhook_id"))
    ctx.sim.remove_webhook(webhook.id)
    return {"success": True, "deleted": True}


async def test_webhook(ctx: ApiContext) -> JSONObject:
    """`POST /v1/webhooks/{webhook_id}/test`: deliver a `ping` now, once."""
    webhook = ctx.sim.owned_webhook(ctx.account, ctx.path_param("webhook_id"))
    delivery = await ctx.sim.ping_webhook(webhook)
    return {
        "success": True,
        "data": {
            "delivered": delivery.delivered,
            "status_code": delivery.status_code,
            "attempts": len(delivery.attempts),
        },
    }


async def list_deliveries(ctx: ApiContext) -> JSONObject:
    """`GET /v1/webhooks/{webhook_id}/deliveries`: attempts, most recent first."""
    webhook = ctx.sim.owned_webhook(ctx.account, ctx.path_param("webhook_id"))
    deliveries: list[JSONValue] = [
        delivery.api_json()
        for delivery in reversed(ctx.sim.webhook_deliveries(webhook.id))
        if delivery.forged is None and delivery.attempts
    ]
    return {"success": True, "data": deliveries}


ROUTES: tuple[ApiRoute, ...] = (
    ApiRoute("POST", "/v1/webhooks", create_webhook, None),
    ApiRoute("GET", "/v1/webhooks", list_webhooks, None),
    ApiRoute("GET", "/v1/webhooks/{webhook_id}", get_webhook, None),
    ApiRoute("DELETE", "/v1/webhooks/{webhook_id}", delete_webhook, None),
    ApiRoute("POST", "/v1/webhooks/{webhook_id}/test", test_webhook, None),
    ApiRoute("GET", "/v1/webhooks/{webhook_id}/deliveries", list_deliveries, None),
)
