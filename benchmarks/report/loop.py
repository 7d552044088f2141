"""The event loop section: blocking calls and slow callbacks, by benchmark."""

from __future__ import annotations

from collections import defaultdict
import re
from typing import TYPE_CHECKING

from .markdown import Row, Sections, Verdict, ms, section, table

if TYPE_CHECKING:
    from ..results import Record

TOOK = re.compile(r"took (\d+(?:\.\d+)?) seconds")

HOW = """\
How measured: every benchmark runs with Home Assistant's blocking-call
detection enabled (`homeassistant.block_async_io.enable()`, with the checks
its test harness normally skips turned back on) and a log handler counting
"Detected blocking call" reports. Slow callbacks are asyncio's own: in debug
mode it logs every callback holding the loop > 100 ms; that can only be seen
on real time, so the frozen-clock benchmarks (budget, detection, sessions,
push) report blocking calls only; the setup benchmark sets each size up once
more with debug mode on (`test_setup_scale_loop_watch`), and the overhead,
card and voice benchmarks make a few more calls of each kind with it on
after timing with it off."""


def _where(records: list[Record]) -> str:
    where = sorted(
        {
            r["benchmark"].split("[", 1)[-1].rstrip("]")
            for r in records
            if r["slow_callbacks"] and "[" in r["benchmark"]
        },
        key=lambda item: (len(item), item),
    )
    longest = max(
        (
            float(match.group(1))
            for r in records
            for detail in r["details"]
            if (match := TOOK.search(detail))
        ),
        default=0.0,
    )
    return ", ".join(f"[{item}]" for item in where) + (
        f", longest {ms(longest)}" if longest else ""
    )


def loop(sections: Sections, verdicts: list[Verdict]) -> str:
    """Blocking calls and slow callbacks, by benchmark."""
    groups: dict[str, list[Record]] = defaultdict(list)
    for record in sections.get("loop", []):
        groups[record["benchmark"].split("[", 1)[0]].append(record)
    rows: list[Row] = []
    blocking = 0
    slow = 0
    for name, records in groups.items():
        frozen = all(r["frozen_clock"] for r in records)
        group_blocking = sum(r["blocking_calls"] for r in records)
        group_slow = sum(r["slow_callbacks"] for r in records)
        blocking += group_blocking
        slow += 0 if frozen else group_slow
        rows.append(
            [
                name,
                str(len(records)),
                str(group_blocking),
                "n/a (frozen clock)" if frozen else str(group_slow),
                "" if frozen else _where(records),
            ]
        )
    verdicts.append(
        Verdict(
            "Blocking calls detected (all benchmarks)",
            "none",
            str(blocking),
            blocking == 0,
            note="blocking",
        )
    )
    verdicts.append(
        Verdict(
            "Callbacks holding the loop > 100 ms (real-time benchmarks)",
            "none",
            str(slow),
            slow == 0,
            note="setup_stall",
        )
    )
    return section(
        "Event loop",
        table(
            ["Benchmark", "Runs", "Blocking calls", "Slow callbacks", "Where"],
            rows,
        )
        if rows
        else "(not measured)",
        HOW,
    )
