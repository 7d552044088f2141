"""The request budget section: requests an hour against the naive design."""

from __future__ import annotations

import itertools
from typing import TYPE_CHECKING

from .markdown import Row, Sections, Verdict, section, table

if TYPE_CHECKING:
    from ..results import Record

BUDGET_TARGET = 90
KINDS = ("agent list", "sessions", "dynamics", "account")

HOW = """\
How measured: for 1, 20 and 100 ready agents (dynamics ready, 3 gestures),
an entry is set up against the simulator (Pro plan, rate limits on); Home
Assistant's clock and the simulator's are moved on together in 10 s steps
and the simulator counts every request (setup's own requests not included).
"None live" is a steady hour with no live session; "Hour with 1
generation" the next hour, with `bithuman.generate_dynamics` called for one
agent at its start (the call counted); "One live" an hour with one session
live, started on the simulator (`start_session`) and counted from when its
Live sensor shows it. The kinds are the agent list (`GET /v1/agents`), the
live sessions (`GET /v2/{user}/runtime-sessions`), the dynamics
(`GET /v1/dynamics/{code}`) and the account (`GET /v1/me`). The naive
design is run for real: a poller sends one request per polling entity every
30 s (per agent: Status, Generation progress and Portrait read the agent;
Dynamics ready, Dynamics status, Gestures and the Dynamics switch its
dynamics; Live the sessions; per account: Credit balance and Plan read the
account, Live sessions, Credit burn rate and Credits this hour the sessions;
buttons, Speak, the satellite and TTS do not poll) against a fresh simulator
with the same agents for the same simulated hour; its count equals
(8 x agents + 5) x 120 exactly, and "Naive 429s" is how many of its requests
the Pro plan's 720-a-minute read limit refused."""


def _kinds(kinds: dict[str, int]) -> str:
    known = [kinds.get(kind, 0) for kind in KINDS]
    text = " / ".join(str(count) for count in known)
    rest = sum(kinds.values()) - sum(known)
    return f"{text} (+{rest} other)" if rest else text


def _falling(values: list[float]) -> bool:
    return all(b < a for a, b in itertools.pairwise(values))


def _per_agent_verdict(records: list[Record], key: str, what: str) -> Verdict:
    ours = [r[key] / r["agents"] for r in records]
    naive = [r["naive"] / r["agents"] for r in records]
    sizes = " -> ".join(str(r["agents"]) for r in records)
    return Verdict(
        f"Per-agent requests an hour, {sizes} agents, {what}",
        "falling",
        " -> ".join(f"{value:.2f}" for value in ours),
        _falling(ours),
        baseline="naive: " + " -> ".join(f"{value:.0f}" for value in naive),
        note=f"budget_per_agent_{key}",
    )


def budget(sections: Sections, verdicts: list[Verdict]) -> str:
    """Tabulate requests an hour: this integration against the naive design."""
    records = sorted(sections.get("budget", []), key=lambda r: r["agents"])
    rows: list[Row] = [
        [
            str(r["agents"]),
            str(r["steady"]),
            f"{r['steady'] / r['agents']:.2f}",
            _kinds(r["steady_kinds"]),
            str(r["with_generation"]),
            str(r["live"]),
            f"{r['live'] / r['agents']:.2f}",
            _kinds(r["live_kinds"]),
            f"{r['naive']:,}",
            f"{r['naive'] / r['agents']:.0f}",
            f"{r['naive_rate_limited']:,}",
            f"{r['naive'] / r['steady']:.0f}x",
        ]
        for r in records
    ]
    twenty = next((r for r in records if r["agents"] == 20), None)
    if twenty is not None:
        verdicts.append(
            Verdict(
                "Requests an hour, 20 ready agents, no session live",
                f"<= {BUDGET_TARGET}",
                str(twenty["steady"]),
                twenty["steady"] <= BUDGET_TARGET,
                baseline=f"naive: {twenty['naive']:,}",
                note="budget",
            )
        )
    if len(records) > 1:
        verdicts.append(_per_agent_verdict(records, "steady", "no session live"))
        verdicts.append(_per_agent_verdict(records, "live", "one session live"))
    return section(
        "Request budget (requests an hour, simulated clock)",
        table(
            [
                "Agents",
                "None live req/h",
                "Per agent",
                "List / sessions / dynamics / account",
                "Hour with 1 generation",
                "One live req/h",
                "Per agent",
                "List / sessions / dynamics / account",
                "Naive req/h",
                "Naive per agent",
                "Naive 429s (Pro)",
                "Naive / ours (none live)",
            ],
            rows,
        )
        if rows
        else "(not measured)",
        HOW,
    )
