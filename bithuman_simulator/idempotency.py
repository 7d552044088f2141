"""`Idempotency-Key`: the first answer to a key, replayed for 24 hours."""

from typing import TYPE_CHECKING

from .records import StoredResponse

if TYPE_CHECKING:
    from .json_types import JSONObject

IDEMPOTENCY_TTL = 24 * 3600.0


class IdempotencyStore:
    """First answers by (account, path, key)."""

    def __init__(self) -> None:
        """Start with no stored answers."""
        self._stored: dict[tuple[str, str, str], StoredResponse] = {}

    def replay(
        self, user_id: str, path: str, key: str, now: float
    ) -> JSONObject | None:
        """Return the stored first answer to this key, if still kept at `now`."""
        stored = self._stored.get((user_id, path, key))
        if stored is None:
            return None
        if now - stored.stored_at >= IDEMPOTENCY_TTL:
            del self._stored[(user_id, path, key)]
            return None
        return stored.payload

    def remember(
        self, user_id: str, path: str, key: str, payload: JSONObject, now: float
    ) -> None:
        """Keep the first answer to a key for 24 hours from `now`."""
        self._stored[(user_id, path, key)] = StoredResponse(payload, now)
