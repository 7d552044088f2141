"""Registered webhook endpoints, per account."""

from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from .errors import ApiError, validation_error
from .records import WebhookRecord

if TYPE_CHECKING:
    from .ids import IdSource

EVENTS: tuple[str, ...] = ("agent.ready", "agent.failed")
# The docs (openapi: "HTTPS endpoint to deliver events to") want https. Plain
# http is allowed for loopback hosts only, so a Home Assistant on this machine
# can receive deliveries in local tests and development.
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})


def check_url(url: str) -> None:
    """Accept an https URL (or http to a loopback host); else raise the 400."""
    parts = urlsplit(url)
    loopback = parts.scheme == "http" and parts.hostname in LOOPBACK_HOSTS
    if not parts.hostname or (parts.scheme != "https" and not loopback):
        raise validation_error("'url' must be an HTTPS URL")


class WebhookRegistry:
    """Every webhook by id."""

    def __init__(self, ids: IdSource) -> None:
        """Start empty; draw ids and secrets from `ids`."""
        self._ids = ids
        self.webhooks: dict[str, WebhookRecord] = {}

    def add(
        self,
        owner: str,
        url: str,
        events: list[str],
        description: str | None,
        now: float,
    ) -> WebhookRecord:
        """Register a webhook with a fresh signing secret."""
        webhook = WebhookRecord(
            id=self._ids.uuid(),
            owner=owner,
            url=url,
            events=events,
            description=description,
            secret=f"whsec_{self._ids.hex(128)}",
            created_at=now,
            updated_at=now,
        )
        self.webhooks[webhook.id] = webhook
        return webhook

    def owned(self, owner: str, webhook_id: str) -> WebhookRecord:
        """Return `owner`'s webhook, or raise a 404."""
        webhook = self.webhooks.get(webhook_id)
        if webhook is None or webhook.owner != owner:
            raise ApiError(404, "NOT_FOUND", f"Webhook not found: {webhook_id}")
        return webhook

    def of_owner(self, owner: str) -> list[WebhookRecord]:
        """Return `owner`'s webhooks, oldest first."""
        return [w for w in self.webhooks.values() if w.owner == owner]
