"""Fault injection: make matching API requests fail the ways networks do."""

from dataclasses import dataclass, field
import fnmatch
import re
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from .overrides import PatchValue

type Malformed = Literal["invalid_json", "html", "wrong_types", "empty", "not_object"]
type OutageMode = Literal["drop", "503"]


@dataclass(slots=True)
class Fault:
    """One injected fault, matched against each API request in order.

    `path` is a glob (`/v1/agent/*/speak`, `*`) or, with `regex=True`, a regular
    expression searched in the path. `method` limits it to one HTTP method.
    What happens, in this order: wait `delay` real seconds (ending early when
    the client hangs up); then `drop` closes the connection without an answer;
    else `malformed` answers a broken body with `status` (default: the real
    answer's status, or 200): `invalid_json` and `wrong_types` run the request
    and truncate its answer or swap every value's type, while `html` (a proxy
    error page), `empty` and `not_object` (a JSON array) never reach it; else
    `status` answers the error envelope with `code` and `message` (and a
    `Retry-After` of `retry_after` when given); else the request goes on
    normally. Whatever answers, `patch` then rewrites its JSON body (dotted
    paths, `overrides.REMOVE` leaves a field out: an odd but well-formed
    answer, such as `{"pagination.has_more": "true"}`) and `headers` are set
    on it (e.g. a `Retry-After` HTTP-date). `times` is how many requests it
    hits (None: until cleared).
    """

    path: str = "*"
    method: str | None = None
    status: int | None = None
    code: str = "INTERNAL_ERROR"
    message: str = "Injected fault"
    retry_after: int | None = None
    delay: float = 0.0
    drop: bool = False
    malformed: Malformed | None = None
    times: int | None = None
    regex: bool = False
    headers: dict[str, str] = field(default_factory=dict)
    patch: dict[str, PatchValue] = field(default_factory=dict)
    hits: int = field(default=0, compare=False)

    def matches(self, method: str, path: str) -> bool:
        """Tell whether this fault applies to a request."""
        if self.method is not None and self.method.upper() != method.upper():
            return False
        if self.regex:
            return re.search(self.path, path) is not None
        return fnmatch.fnmatchcase(path, self.path)

    @property
    def exhausted(self) -> bool:
        """Tell whether the fault has hit as many requests as it may."""
        return self.times is not None and self.hits >= self.times


class FaultSet:
    """The active faults, in the order they were added."""

    def __init__(self) -> None:
        """Start with no faults."""
        self._faults: list[Fault] = []

    def add(self, fault: Fault) -> Fault:
        """Activate `fault` and return it."""
        self._faults.append(fault)
        return fault

    def remove(self, fault: Fault) -> None:
        """Deactivate `fault` if it is active."""
        self._faults = [item for item in self._faults if item is not fault]

    def clear(self) -> None:
        """Deactivate every fault."""
        self._faults.clear()

    def active(self) -> list[Fault]:
        """Return the faults that can still hit."""
        return [fault for fault in self._faults if not fault.exhausted]

    def take(self, method: str, path: str) -> Fault | None:
        """Return the first live fault matching the request, counting the hit."""
        for fault in self._faults:
            if not fault.exhausted and fault.matches(method, path):
                fault.hits += 1
                return fault
        return None
