"""Detection sections: agent changes and live sessions, change -> entity state."""

from __future__ import annotations

from .markdown import Row, Sections, Verdict, mid, section, short, table, trials, yes

HOW_LATENCY = """\
How measured: both clocks moved together in small steps (the step is the
resolution); latency is the simulator's time when the entity first shows the
new state minus the simulator's time of the change. From Home Assistant:
`bithuman.generate_dynamics`, then the end of the simulator's dynamics job
until the Dynamics status sensor reads `ready`; the job's length is shifted
0.5-4.5 s between trials so the change falls at every point of the 5 s fast
poll. From outside: the change is made 10, 30, ..., 110 s after the last
read of the agent list (an agent rebuilt upstream: delete and re-create it
mid-generation; an agent deleted upstream). The last row is a dynamics
generation started by another API client: the agent list does not show it
(the simulator keeps the agent's `updated_at`), so it waits for the hourly
dynamics read."""

HOW_SESSIONS = """\
How measured: simulated time in 1 s steps, two ready agents. The session
is started (`start_session`) or ended (`end_session`) on the simulator an
offset after the last read of the live sessions, so the trials cover the
read cycle: 10, 30, ..., 110 s when nothing is live (sessions read every
2 minutes), 5, 15, ..., 55 s otherwise; latency is the simulator's time
when the agent's Live sensor first shows the change minus the time of the
change. "Another live" is a second agent's session, started first and seen
by Home Assistant. Targets (SPEC "Live sessions"): a start within 2
minutes, within one while another session is live; an end within one, as
the ended session was live until then and Live is refreshed at least every
minute while any session is. The baseline is the same run with the
one-minute cadence while a session is live switched off
(`schedule.SESSIONS_LIVE` patched to the steady 2 minutes): what that
speed-up buys."""


def _met(worst: float, target: float, inclusive: bool) -> bool:
    return worst <= target if inclusive else worst < target


def latency(sections: Sections, verdicts: list[Verdict]) -> str:
    """Seconds from a change on the simulator to the entity state."""
    rows: list[Row] = []
    for record in sections.get("latency", []):
        values: list[float] = record["trials"]
        worst = max(values)
        met = _met(worst, record["target_seconds"], "<=" in record["target"])
        rows.append(
            [
                record["case"],
                trials(values),
                f"{short(mid(values))} s",
                f"{short(worst)} s",
                record["target"],
                yes(met),
            ]
        )
        verdicts.append(
            Verdict(
                f"Detection latency, {record['case']}",
                record["target"],
                f"max {short(worst)} s",
                met,
                note="dynamics_outside" if "dynamics" in record["case"] else "",
            )
        )
    return section(
        "Detection latency (simulated seconds)",
        table(["Change", "Trials (s)", "Median", "Max", "Target", "Met"], rows)
        if rows
        else "(not measured)",
        HOW_LATENCY,
    )


def sessions(sections: Sections, verdicts: list[Verdict]) -> str:
    """Seconds from a session starting or ending outside to the Live sensor."""
    by_case: dict[str, dict[str, dict[str, object]]] = {}
    for record in sections.get("sessions", []):
        by_case.setdefault(record["case"], {})[record["cadence"]] = record
    rows: list[Row] = []
    for case, cadences in by_case.items():
        ours = cadences.get("ours")
        if ours is None:
            continue
        values: list[float] = ours["trials"]  # type: ignore[assignment]
        target: float = ours["target_seconds"]  # type: ignore[assignment]
        worst = max(values)
        base = cadences.get("baseline")
        base_values: list[float] = base["trials"] if base else []  # type: ignore[assignment]
        baseline = f"max {short(max(base_values))} s" if base_values else "-"
        met = worst <= target
        rows.append(
            [
                case,
                trials(values),
                f"{short(mid(values))} s",
                f"{short(worst)} s",
                trials(base_values) if base_values else "-",
                baseline,
                f"<= {target:g} s",
                yes(met),
            ]
        )
        verdicts.append(
            Verdict(
                f"Session detection, {case} -> Live",
                f"<= {target:g} s",
                f"max {short(worst)} s",
                met,
                baseline=f"2-min reads: {baseline}",
                note="sessions",
            )
        )
    return section(
        "Session detection (simulated seconds)",
        table(
            [
                "Session",
                "Trials (s)",
                "Median",
                "Max",
                "Baseline trials (s)",
                "Baseline max",
                "Target",
                "Met",
            ],
            rows,
        )
        if rows
        else "(not measured)",
        HOW_SESSIONS,
    )
