"""Turn the figures of a benchmark run into tables and BENCHMARKS.md.

One module per section (its table, its verdicts, how it was measured);
`missed` explains each target missed.
"""

from __future__ import annotations

from datetime import UTC, datetime

from .budget import budget
from .card import card
from .detection import latency, sessions
from .loop import loop
from .machine import Machine
from .markdown import Sections, Verdict, table, yes
from .missed import missed, not_measured
from .overhead import action, voice
from .push import push
from .setup import setup

__all__ = ["Machine", "render"]

SECTIONS = (budget, sessions, push, latency, card, voice, setup, action, loop)


def render(sections: Sections, machine: Machine, *, command: str) -> str:
    """Return BENCHMARKS.md for a run."""
    verdicts: list[Verdict] = []
    bodies = [render_section(sections, verdicts) for render_section in SECTIONS]
    run = (sections.get("run") or [{}])[0]
    when = run.get("finished", datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"))
    elapsed = float(run.get("elapsed_seconds", 0.0))
    targets = table(
        ["Figure", "Target", "Measured", "Baseline (same run)", "Met"],
        [[v.figure, v.target, v.measured, v.baseline, yes(v.met)] for v in verdicts],
    )
    parts = [
        "# Benchmarks",
        (
            "Measured by `scripts/bench` against the bitHuman API simulator, with"
            " Home Assistant set up for real (the integration talks HTTP to the"
            " simulator on 127.0.0.1). Figures are beside a baseline measured in"
            " the same run where one applies (a naive poller, the cadence"
            " without its live speed-up, polling without push, the bare API"
            " call). Rerun it to refresh this file."
        ),
        "\n".join(
            [
                f"- Date: {when}",
                (
                    f"- Machine: {machine.cpus} CPUs (`nproc`),"
                    f" {machine.cpu_model}, {machine.system}"
                ),
                f"- Python {machine.python}, Home Assistant {machine.home_assistant}",
                f"- Command: `{command}` (took {elapsed:.0f} s)",
            ]
        ),
        "## Targets",
        targets,
        "### Missed targets",
        missed(verdicts, sections),
    ]
    if absent := not_measured(verdicts):
        parts += ["### Not measured in this run", absent]
    return "\n\n".join([*parts, *bodies]) + "\n"
