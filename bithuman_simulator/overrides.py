"""Odd answers on demand: patches applied to JSON bodies as they are rendered.

The contract lets any field the OpenAPI spec does not mark required be
missing, null or of another type, and lets statuses take values it does not
list. A patch says, per dotted path (`status`, `dynamics.enabled`,
`pagination.has_more`, `data.0.code`), which value a body shows instead, or
`REMOVE` to leave the field out. Patches are applied in two places:

- per agent (`FieldOverrides`), where the Agent object (`agent`: list, get
  and status endpoints) or the dynamics data (`dynamics`) is rendered, so
  one agent of a list can be odd while its neighbours are not;
- per request, by a `Fault` with a `patch`, on the whole JSON answer.
"""

import copy
from enum import Enum
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from collections.abc import Mapping

    from .json_types import JSONObject, JSONValue


class Removed(Enum):
    """The sentinel type of `REMOVE`."""

    REMOVE = "remove"

    def __repr__(self) -> str:
        """Show the sentinel by its name."""
        return "REMOVE"


REMOVE = Removed.REMOVE

type PatchValue = JSONValue | Literal[Removed.REMOVE]
type Patch = Mapping[str, PatchValue]
type OverrideTarget = Literal["agent", "dynamics"]


def _index(node: list[JSONValue], segment: str) -> int | None:
    if not segment.isdigit():
        return None
    index = int(segment)
    return index if index < len(node) else None


def _set(node: JSONValue, segments: list[str], value: PatchValue) -> None:
    head, *rest = segments
    if isinstance(node, list):
        index = _index(node, head)
        if index is None:
            return
        if not rest:
            if value is REMOVE:
                del node[index]
            else:
                node[index] = value
            return
        _set(node[index], rest, value)
        return
    if not isinstance(node, dict):
        return
    if not rest:
        if value is REMOVE:
            node.pop(head, None)
        else:
            node[head] = value
        return
    if head not in node and value is not REMOVE:
        node[head] = {}
    if head in node:
        _set(node[head], rest, value)


def apply_patch[T: JSONValue](document: T, patch: Patch) -> T:
    """Return a copy of `document` with each dotted path set or removed."""
    patched = copy.deepcopy(document)
    for path, value in patch.items():
        _set(patched, path.split("."), value)
    return patched


def patch_json(patch: Patch) -> JSONObject:
    """Show a patch as JSON (`REMOVE` as the string `"<remove>"`)."""
    return {
        path: "<remove>" if value is REMOVE else value for path, value in patch.items()
    }


class FieldOverrides:
    """Per-agent patches of the Agent object and the dynamics data."""

    def __init__(self) -> None:
        """Start with no overrides."""
        self._patches: dict[tuple[str, OverrideTarget], dict[str, PatchValue]] = {}

    def set(self, code: str, target: OverrideTarget, fields: Patch) -> None:
        """Add `fields` to agent `code`'s patch of `target`."""
        self._patches.setdefault((code, target), {}).update(fields)

    def clear(self, code: str | None = None) -> None:
        """Drop the patches of one agent, or of all."""
        if code is None:
            self._patches.clear()
            return
        for key in [key for key in self._patches if key[0] == code]:
            del self._patches[key]

    def apply(self, code: str, target: OverrideTarget, body: JSONObject) -> JSONObject:
        """Return `body` with agent `code`'s patch of `target` applied."""
        patch = self._patches.get((code, target))
        return body if patch is None else apply_patch(body, patch)

    def as_json(self) -> JSONObject:
        """Show every patch, by agent code and target."""
        shown: JSONObject = {}
        for (code, target), patch in self._patches.items():
            entry = shown.setdefault(code, {})
            if isinstance(entry, dict):
                entry[target] = patch_json(patch)
        return shown
