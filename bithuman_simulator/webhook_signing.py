"""What a webhook delivery looks like on the wire (webhooks.md), and forgeries.

    POST <url>
    Content-Type: application/json
    X-BitHuman-Event: agent.ready
    X-BitHuman-Delivery: evt_a1b2c3...
    X-BitHuman-Timestamp: 1780417371
    X-BitHuman-Signature: sha256=<hex HMAC-SHA256(secret, "{ts}." + raw body)>

    {"id":"evt_...","event":"agent.ready","created":1780417371,"data":{...}}

Forgeries (`Tamper`) break exactly one thing, so a receiver's checks can be
tested one by one: a signature made with another secret, a correctly signed
but stale timestamp, a correctly signed body that is not JSON, a correctly
signed event type nobody knows.
"""

from dataclasses import dataclass
import hashlib
import hmac
import json
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from .json_types import JSONObject

type Tamper = Literal["bad_signature", "stale_timestamp", "not_json", "unknown_event"]

TAMPERS: tuple[Tamper, ...] = (
    "bad_signature",
    "stale_timestamp",
    "not_json",
    "unknown_event",
)
STALE_SECONDS = 301
UNKNOWN_EVENT = "agent.archived"
NOT_JSON_BODY = b"event=agent.ready&this-is-not-json"
WRONG_SECRET = "whsec_not_the_secret_you_were_given"
USER_AGENT = "bitHuman-Webhooks/1.0 (simulator)"


@dataclass(frozen=True, slots=True)
class WebhookEvent:
    """One event: its `evt_` id, type, creation time and data."""

    id: str
    event: str
    created: int
    data: JSONObject

    def body(self) -> bytes:
        """Return the delivery body, compact JSON as bitHuman sends it."""
        payload: JSONObject = {
            "id": self.id,
            "event": self.event,
            "created": self.created,
            "data": self.data,
        }
        return json.dumps(payload, separators=(",", ":")).encode()


def signature(secret: str, timestamp: int, body: bytes) -> str:
    """Return `X-BitHuman-Signature` for `body` sent at `timestamp`."""
    digest = hmac.new(
        secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256
    ).hexdigest()
    return f"sha256={digest}"


def signed_request(
    secret: str, event: WebhookEvent, timestamp: int, tamper: Tamper | None = None
) -> tuple[dict[str, str], bytes]:
    """Return the headers and body of one delivery attempt, maybe forged."""
    name = UNKNOWN_EVENT if tamper == "unknown_event" else event.event
    if tamper == "unknown_event":
        event = WebhookEvent(event.id, name, event.created, event.data)
    body = NOT_JSON_BODY if tamper == "not_json" else event.body()
    if tamper == "stale_timestamp":
        timestamp -= STALE_SECONDS
    key = WRONG_SECRET if tamper == "bad_signature" else secret
    headers = {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "X-BitHuman-Event": name,
        "X-BitHuman-Delivery": event.id,
        "X-BitHuman-Timestamp": str(timestamp),
        "X-BitHuman-Signature": signature(key, timestamp, body),
    }
    return headers, body
