"""The setup scale section: wall time to set up an entry, by number of agents."""

from __future__ import annotations

from collections import defaultdict
import itertools
import math
from typing import TYPE_CHECKING

from .markdown import Row, Sections, Verdict, mid, ms, section, table

if TYPE_CHECKING:
    from ..results import Record

SETUP_TARGET_SECONDS = 2.0
STALL_SECONDS = 0.1

HOW = """\
How measured: real time, a fresh Home Assistant per run, asyncio debug mode
off (as Home Assistant runs); 3 runs a size after a warm-up run that pays
the platforms' imports. What a running Home Assistant has loaded before an
entry is added (the core, this integration's actions and card, and the
components of its platforms, Assist's pipeline and conversation among them)
is set up before timing. Setup is `hass.config_entries.async_setup(entry)`
until Home Assistant is idle with every entity written; agents are ready
with ready dynamics and 3 gestures; "Requests" are setup's own. "Poll with
a change" is `coordinator.async_refresh()` with the agent list due (as
`homeassistant.update_entity` makes it) after one agent's `updated_at`
moved upstream: every entity is told, and those of the changed agent write
their state. "Loop stall" is the longest a 5 ms heartbeat task was kept
waiting: how long other work in Home Assistant would have waited; in
brackets, the longest with the time the garbage collector ran inside the
beat taken out (what the code itself held the loop for)."""


def _stall(records: list[Record], key: str, label: str = "") -> str:
    """Format the worst stall of `records`, and the worst without collections."""
    worst = max(r[key] for r in records)
    own = max(r[f"{key}_own"] for r in records)
    return f"{ms(worst)} ({ms(own)}{label})"


def _by_size(sections: Sections) -> dict[int, list[Record]]:
    by_size: dict[int, list[Record]] = defaultdict(list)
    for record in sections.get("setup", []):
        by_size[record["agents"]].append(record)
    return dict(sorted(by_size.items()))


def _growth(medians: dict[int, float]) -> str:
    sizes = sorted(medians)
    if len(sizes) < 2:
        return ""
    steps = [
        f"{a} -> {b} agents (x{b / a:g}): time x{medians[b] / medians[a]:.1f}"
        for a, b in itertools.pairwise(sizes)
    ]
    return "Growth: " + "; ".join(steps) + "."


def setup(sections: Sections, verdicts: list[Verdict]) -> str:
    """Wall time to set up an entry, by number of agents."""
    by_size = _by_size(sections)
    rows: list[Row] = []
    medians: dict[int, float] = {}
    for agents, records in by_size.items():
        times = [r["setup_seconds"] for r in records]
        polls = [t for r in records for t in r["refresh_seconds"]]
        medians[agents] = mid(times)
        rows.append(
            [
                str(agents),
                str(records[0]["entities"]),
                str(records[0]["requests"]),
                f"{medians[agents]:.3f} s",
                f"{min(times):.3f}-{max(times):.3f} s",
                ms(medians[agents] / agents),
                ms(mid(polls)),
                _stall(records, "setup_stall"),
                _stall(records, "refresh_stall"),
            ]
        )
    if 100 in medians:
        verdicts.append(
            Verdict(
                "Setup, 100 agents (median)",
                f"< {SETUP_TARGET_SECONDS:g} s",
                f"{medians[100]:.3f} s",
                medians[100] < SETUP_TARGET_SECONDS,
                note="setup_time",
            )
        )
    for agents in (100, 500):
        if agents in by_size:
            worst = max(r["refresh_stall"] for r in by_size[agents])
            verdicts.append(
                Verdict(
                    f"Longest loop stall during polls, {agents} agents"
                    " (one agent changed)",
                    f"< {STALL_SECONDS * 1000:g} ms",
                    _stall(by_size[agents], "refresh_stall", " without collections"),
                    worst < STALL_SECONDS,
                    note="poll_stall",
                )
            )
    if 100 in by_size:
        worst = max(r["setup_stall"] for r in by_size[100])
        verdicts.append(
            Verdict(
                "Longest loop stall during setup, 100 agents",
                f"< {STALL_SECONDS * 1000:g} ms",
                _stall(by_size[100], "setup_stall", " without collections"),
                worst < STALL_SECONDS,
                note="setup_stall",
            )
        )
    if 100 in medians and 500 in medians:
        exponent = math.log(medians[500] / medians[100]) / math.log(5)
        verdicts.append(
            Verdict(
                "Setup growth, 100 -> 500 agents (time ~ agents^k)",
                "near-linear (k ~ 1)",
                f"k = {exponent:.2f}",
                exponent <= 1.2,
                note="setup_growth",
            )
        )
    return section(
        "Setup scale (wall time)",
        table(
            [
                "Agents",
                "Entities",
                "Requests",
                "Setup (median)",
                "Range",
                "Per agent",
                "Poll with a change",
                "Loop stall, setup",
                "Loop stall, polls",
            ],
            rows,
        )
        if rows
        else "(not measured)",
        _growth(medians),
        HOW,
    )
