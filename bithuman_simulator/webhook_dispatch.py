"""Delivering webhook events: the queue, attempts, retries and the log.

Events are queued when the clock makes them happen (an agent generation
ending, seen by `settle`); nothing is sent until `flush` (the server's
background loop on real time, or `await sim.flush_webhooks()` in a test on a
manual clock) delivers every delivery due now. A non-2xx answer or a
connection error schedules a retry after the next of `webhook_retry_delays`
(up to 3 retries); every attempt is kept. The transport is injectable: any
async `(url, headers, body) -> HTTP status`.
"""

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import aiohttp

from .views import iso
from .webhook_signing import WebhookEvent, signed_request

if TYPE_CHECKING:
    from .clock import Clock
    from .ids import IdSource
    from .json_types import JSONObject
    from .records import WebhookRecord
    from .settings import Settings
    from .webhook_registry import WebhookRegistry
    from .webhook_signing import Tamper

type WebhookTransport = Callable[[str, dict[str, str], bytes], Awaitable[int]]

DELIVERY_TIMEOUT = 10.0


async def post_webhook(url: str, headers: dict[str, str], body: bytes) -> int:
    """POST a delivery with aiohttp (10 s timeout); return the HTTP status."""
    timeout = aiohttp.ClientTimeout(total=DELIVERY_TIMEOUT)
    async with (
        aiohttp.ClientSession(timeout=timeout) as session,
        session.post(url, data=body, headers=headers) as response,
    ):
        await response.read()
        return response.status


@dataclass(frozen=True, slots=True)
class Attempt:
    """One HTTP request sent to a webhook endpoint, and how it was answered."""

    delivery_id: str
    webhook_id: str
    url: str
    headers: dict[str, str]
    body: bytes
    status_code: int | None
    error: str | None
    time: float

    @property
    def ok(self) -> bool:
        """Tell whether the endpoint answered 2xx."""
        return self.status_code is not None and 200 <= self.status_code < 300

    def as_json(self) -> JSONObject:
        """Return the attempt as JSON, for the control endpoint."""
        return {
            "delivery_id": self.delivery_id,
            "webhook_id": self.webhook_id,
            "url": self.url,
            "headers": dict(self.headers),
            "body": self.body.decode(errors="replace"),
            "status_code": self.status_code,
            "error": self.error,
            "time": self.time,
        }


@dataclass(slots=True)
class Delivery:
    """One event for one webhook, with every attempt made to deliver it.

    `forged` names how a test delivery was tampered with (or `replay`);
    forged deliveries are never retried and not listed by the API. A
    delivery without `retries` (the `/test` ping) is attempted once.
    """

    id: str
    webhook: WebhookRecord
    event: WebhookEvent
    created_at: float
    updated_at: float
    next_attempt_at: float | None
    forged: str | None = None
    retries: bool = True
    attempts: list[Attempt] = field(default_factory=list)

    @property
    def delivered(self) -> bool:
        """Tell whether some attempt was answered 2xx."""
        return any(attempt.ok for attempt in self.attempts)

    @property
    def status_code(self) -> int | None:
        """Return the last attempt's HTTP status (None: none, or no answer)."""
        return self.attempts[-1].status_code if self.attempts else None

    def api_json(self) -> JSONObject:
        """Return the WebhookDelivery object of the API."""
        return {
            "id": self.id,
            "event_type": self.event.event,
            "status_code": self.status_code,
            "attempts": len(self.attempts),
            "delivered": self.delivered,
            "created_at": iso(self.created_at),
            "updated_at": iso(self.updated_at),
        }

    def as_json(self) -> JSONObject:
        """Return the delivery with its attempts, for the control endpoint."""
        return {
            **self.api_json(),
            "webhook_id": self.webhook.id,
            "event_id": self.event.id,
            "forged": self.forged,
            "next_attempt_at": self.next_attempt_at,
            "attempt_log": [attempt.as_json() for attempt in self.attempts],
        }


class WebhookDispatcher:
    """Queues, sends and logs deliveries."""

    def __init__(
        self,
        ids: IdSource,
        registry: WebhookRegistry,
        clock: Clock,
        settings: Settings,
    ) -> None:
        """Send to `registry`'s webhooks; time attempts by `clock`."""
        self._ids = ids
        self._registry = registry
        self._clock = clock
        self._settings = settings
        self.transport: WebhookTransport = post_webhook
        self.rewrites: list[tuple[str, str]] = []
        self.deliveries: list[Delivery] = []
        self._lock = asyncio.Lock()

    def new_event(self, event: str, data: JSONObject, created: float) -> WebhookEvent:
        """Return a fresh event with an `evt_` id."""
        return WebhookEvent(
            f"evt_{self._ids.extra_hex(96)}", event, int(created), dict(data)
        )

    def queue(
        self,
        owner: str,
        event: WebhookEvent,
        *,
        webhook_id: str | None = None,
        forged: str | None = None,
        retries: bool = True,
        scheduled: bool = True,
    ) -> list[Delivery]:
        """Queue `event` for each of `owner`'s webhooks that wants it (or one).

        A forged event goes to every chosen webhook, subscribed or not.
        Unscheduled deliveries wait for `send_now` instead of `flush`.
        """
        now = self._clock.now()
        queued = [
            Delivery(
                id=self._ids.extra_uuid(),
                webhook=webhook,
                event=event,
                created_at=now,
                updated_at=now,
                next_attempt_at=now if scheduled else None,
                forged=forged,
                retries=retries,
            )
            for webhook in self._registry.of_owner(owner)
            if (webhook_id is None or webhook.id == webhook_id)
            and (forged is not None or webhook.wants(event.event))
        ]
        self.deliveries.extend(queued)
        return queued

    @property
    def pending(self) -> list[Delivery]:
        """Return the deliveries that still have an attempt to make."""
        return [d for d in self.deliveries if d.next_attempt_at is not None]

    def target(self, url: str) -> str:
        """Return where a registered URL is really sent (after any rewrite)."""
        for source, destination in self.rewrites:
            if url.startswith(source):
                return destination + url[len(source) :]
        return url

    async def flush(self) -> list[Attempt]:
        """Make every attempt due now; return them in order."""
        async with self._lock:
            now = self._clock.now()
            due = [
                d
                for d in self.deliveries
                if d.next_attempt_at is not None and d.next_attempt_at <= now
            ]
            return [await self._attempt(delivery) for delivery in due]

    async def send_now(
        self, deliveries: list[Delivery], tamper: Tamper | None = None
    ) -> list[Attempt]:
        """Make the first attempt of these deliveries at once."""
        async with self._lock:
            return [await self._attempt(d, tamper) for d in deliveries]

    async def replay(self, delivery: Delivery) -> Attempt:
        """Send a delivery's last request again, byte for byte (never retried)."""
        if not delivery.attempts:
            raise ValueError(f"delivery {delivery.id} was never sent")
        sent = delivery.attempts[-1]
        copy = Delivery(
            id=self._ids.extra_uuid(),
            webhook=delivery.webhook,
            event=delivery.event,
            created_at=self._clock.now(),
            updated_at=self._clock.now(),
            next_attempt_at=None,
            forged="replay",
        )
        self.deliveries.append(copy)
        async with self._lock:
            return await self._send(copy, sent.url, dict(sent.headers), sent.body)

    async def _attempt(
        self, delivery: Delivery, tamper: Tamper | None = None
    ) -> Attempt:
        delivery.next_attempt_at = None
        headers, body = signed_request(
            delivery.webhook.secret, delivery.event, int(self._clock.now()), tamper
        )
        attempt = await self._send(
            delivery, self.target(delivery.webhook.url), headers, body
        )
        retries = self._settings.webhook_retry_delays
        done = len(delivery.attempts)
        if (
            not attempt.ok
            and delivery.retries
            and delivery.forged is None
            and done <= len(retries)
        ):
            delivery.next_attempt_at = attempt.time + retries[done - 1]
        return attempt

    async def _send(
        self, delivery: Delivery, url: str, headers: dict[str, str], body: bytes
    ) -> Attempt:
        sent_at = self._clock.now()
        status: int | None = None
        error: str | None = None
        try:
            status = await self.transport(url, dict(headers), body)
        except Exception as err:  # noqa: BLE001 - any transport failure is a failed attempt
            error = f"{type(err).__name__}: {err}"
        attempt = Attempt(
            delivery.id,
            delivery.webhook.id,
            url,
            headers,
            body,
            status,
            error,
            sent_at,
        )
        delivery.attempts.append(attempt)
        delivery.updated_at = self._clock.now()
        return attempt
