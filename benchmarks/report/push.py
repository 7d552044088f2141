"""The push section: a generation's end -> Status `ready`, webhook against polling."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .markdown import Row, Sections, Verdict, mid, section, short, table, trials

if TYPE_CHECKING:
    from ..results import Record

DELIVERY_TARGET = 2.0

HOW = """\
How measured: simulated time in 0.5 s steps (the resolution). With push,
Home Assistant's external URL is `https://home.example.com`, so the entry
registers its webhook on the simulator; after every step the simulator
sends what is due (`flush_webhooks`: `agent.ready` once it sees a
generation has ended), really signed, and the request is routed into Home
Assistant's own HTTP server through its test client (`POST
/api/webhook/{id}`), where the signature, timestamp and delivery id are
checked. Without push (the baseline) there is no external URL and a
generation is polled every 5 s. Latency: five agents created mid-generation
(`processing`, runs of 180-448 s) so that their ends fall at different
points of both cycles; from each generation's end (the simulator's job end)
and from its delivery to the agent's Status sensor reading `ready`.
Requests: one agent generating, every request from the end of setup until
its Status reads `ready` (setup's own requests, the webhook's registration
among them, not included)."""


def _by_mode(records: list[Record]) -> dict[str, Record]:
    return {record["mode"]: record for record in records}


def push(sections: Sections, verdicts: list[Verdict]) -> str:
    """Tabulate latency and requests, with and without the webhook."""
    latency = _by_mode(sections.get("push_latency", []))
    requests = _by_mode(sections.get("push_requests", []))
    rows: list[Row] = []
    for mode, title in (("push", "push (webhook)"), ("polling", "polling, no push")):
        if (record := latency.get(mode)) is None:
            continue
        counted = requests.get(mode, {})
        from_delivery: list[float] = record["from_delivery"]
        rows.append(
            [
                title,
                trials(record["from_end"]),
                f"{short(max(record['from_end']))} s",
                f"{short(max(from_delivery))} s" if from_delivery else "-",
                str(counted.get("requests", "-")),
                _list_reads(counted),
            ]
        )
    ours, base = latency.get("push"), latency.get("polling")
    if ours is not None and ours["from_delivery"]:
        worst = max(ours["from_delivery"])
        verdicts.append(
            Verdict(
                "Push: webhook delivery -> Status `ready`",
                f"< {DELIVERY_TARGET:g} s",
                f"max {short(worst)} s at {ours['step']:g} s steps (end -> ready"
                f" max {short(max(ours['from_end']))} s)",
                worst < DELIVERY_TARGET,
                baseline=(
                    f"polling: end -> ready max {short(max(base['from_end']))} s"
                    if base
                    else "-"
                ),
                note="push_latency",
            )
        )
    if "push" in requests and "polling" in requests:
        pushed, polled = requests["push"]["requests"], requests["polling"]["requests"]
        left = requests["push"].get("generation_left", 0.0)
        verdicts.append(
            Verdict(
                f"Push: requests during one generation ({left:.0f} s of it watched)",
                "fewer than polling",
                str(pushed),
                pushed < polled,
                baseline=f"polling: {polled}",
                note="push_requests",
            )
        )
    median_line = ""
    if ours is not None and base is not None:
        ends = ", ".join(f"{end:.0f}" for end in ours.get("ends_after_setup", []))
        median_line = (
            f"Median end -> ready: {short(mid(ours['from_end']))} s with push,"
            f" {short(mid(base['from_end']))} s polling. The generations ended"
            f" {ends} s after setup."
        )
    return section(
        "Push against polling (simulated seconds)",
        table(
            [
                "Mode",
                "End -> ready, trials (s)",
                "End -> ready, max",
                "Delivery -> ready, max",
                "Requests, one generation",
                "Of which agent list",
            ],
            rows,
        )
        if rows
        else "(not measured)",
        median_line,
        HOW,
    )


def _list_reads(record: Record) -> str:
    kinds = record.get("kinds")
    return str(kinds.get("agent list", 0)) if isinstance(kinds, dict) else "-"
