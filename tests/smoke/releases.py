"""The Home Assistant releases the smoke test runs on, from one place.

The minimum is what `hacs.json` claims; the newest is the newest release of
the current line on PyPI, resolved when the test runs. `BITHUMAN_SMOKE_RELEASES`
("2026.6.0 2026.8.0", or "2026.11.*") replaces both: `scripts/smoke 2026.6.0`
re-checks one release with a single command; "none" runs no release.
"""

import json
import os
from pathlib import Path
from typing import Final

REPO_ROOT: Final = Path(__file__).resolve().parents[2]
HACS_JSON: Final = REPO_ROOT / "hacs.json"
NEWEST: Final = "2026.11.*"
ENV_OVERRIDE: Final = "BITHUMAN_SMOKE_RELEASES"


def minimum() -> str:
    """Return the oldest release hacs.json claims."""
    claimed: str = json.loads(HACS_JSON.read_text(encoding="utf-8"))["homeassistant"]
    return claimed


def releases() -> list[str]:
    """Return the release specs to run: the override, else minimum and newest."""
    if override := os.environ.get(ENV_OVERRIDE, "").replace(",", " ").split():
        return [] if override == ["none"] else override
    return [minimum(), NEWEST]


if __name__ == "__main__":
    # For CI matrices: the releases as a JSON list.
    print(json.dumps(releases()))  # noqa: T201
