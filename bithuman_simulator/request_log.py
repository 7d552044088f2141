"""The record of every API request the simulator received."""

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Mapping

    from .json_types import JSONObject, JSONValue

REDACTED = "***"
SECRET_HEADERS = frozenset({"api-secret", "authorization"})


@dataclass(frozen=True, slots=True)
class RecordedRequest:
    """One request as received, with credentials replaced by `***`."""

    method: str
    path: str
    query: dict[str, str]
    json: JSONValue
    headers: dict[str, str]
    time: float

    def as_json(self) -> JSONObject:
        """Return the record as JSON, for the control endpoint."""
        return {
            "method": self.method,
            "path": self.path,
            "query": dict(self.query),
            "json": self.json,
            "headers": dict(self.headers),
            "time": self.time,
        }


def redact_headers(headers: Mapping[str, str]) -> dict[str, str]:
    """Copy `headers`, replacing credential values with `***`."""
    return {
        name: REDACTED if name.lower() in SECRET_HEADERS else value
        for name, value in headers.items()
    }


class RequestLog:
    """Every recorded request, oldest first."""

    def __init__(self) -> None:
        """Start empty."""
        self.entries: list[RecordedRequest] = []

    def record(self, entry: RecordedRequest) -> None:
        """Append one request."""
        self.entries.append(entry)

    def clear(self) -> None:
        """Forget every request."""
        self.entries.clear()

    def count(self, method: str | None = None, path_prefix: str | None = None) -> int:
        """Count requests with this method and path prefix (None: any)."""
        return sum(
            1
            for entry in self.entries
            if (method is None or entry.method.upper() == method.upper())
            and (path_prefix is None or entry.path.startswith(path_prefix))
        )
