"""Where the benchmarks put their figures: one JSON file per run."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

RESULTS_ENV = "BITHUMAN_BENCH_RESULTS"

type Record = dict[str, Any]


class Results:
    """Figures by section, kept in memory and saved when the session ends."""

    def __init__(self) -> None:
        """Start with no figures."""
        self.sections: dict[str, list[Record]] = {}

    def add(self, section: str, record: Record) -> None:
        """Add one row of figures to a section."""
        self.sections.setdefault(section, []).append(record)

    def save(self) -> Path | None:
        """Write the figures to the file named by $BITHUMAN_BENCH_RESULTS."""
        target = os.environ.get(RESULTS_ENV)
        if not target:
            return None
        path = Path(target)
        path.write_text(json.dumps(self.sections, indent=2, sort_keys=True) + "\n")
        return path


def load(path: Path) -> dict[str, list[Record]]:
    """Read the figures a run saved."""
    data: dict[str, list[Record]] = json.loads(path.read_text())
    return data


RESULTS = Results()
