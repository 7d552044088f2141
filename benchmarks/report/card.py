"""The card section: Start -> embed URL (and page), Home Assistant against the bare mint.

The browser test (tests/browser/test_card.py) writes
test-output/card-timing.json, milliseconds in the browser:

    {"what": "...",
     "card_start_to_embed_loaded_ms": {"median": 61.7, "samples": [...]},
     "bare_mint_to_embed_loaded_ms": {"median": 27.7, "samples": [...]},
     "bare_mint_ms": {"median": 5.3, "samples": [...]}, ...}

Start pressed -> the embed page loaded in the card's iframe, against a bare
mint straight from the simulator loading the same page, timed the same
way; the overhead is the difference of the medians. Each figure may also
be a list of samples or a single number. Without the bare page figure,
`bare_mint_ms` (plus `page_load_ms` when given) is the baseline.
"""

from __future__ import annotations

from datetime import UTC, datetime
import json
from pathlib import Path
import statistics
from typing import TYPE_CHECKING, Any

from .markdown import Sections, Verdict, ms, section, table

if TYPE_CHECKING:
    from ..results import Record

BROWSER_TIMING = Path("test-output") / "card-timing.json"
START_KEYS = ("card_start_to_embed_loaded_ms", "start_to_loaded_ms")
BARE_KEYS = ("bare_mint_to_embed_loaded_ms",)
MINT_KEYS = ("bare_mint_ms", "mint_ms")
PAGE_KEYS = ("page_load_ms",)


def load_browser_timing(root: Path) -> Record:
    """Read the browser test's timing file under `root`, if there is one."""
    path = root / BROWSER_TIMING
    record: Record = {"path": str(BROWSER_TIMING)}
    if path.is_file():
        record["modified"] = path.stat().st_mtime
        try:
            record["data"] = json.loads(path.read_text())
        except ValueError as err:
            record["error"] = f"{BROWSER_TIMING}: not JSON ({err})"
    return record


HOW = """\
How measured: real time, the simulator on `time.perf_counter`, no rate
limits, asyncio debug mode off while timing; in the same run, alternating,
after 30 warm-up rounds: the card's command sent on an open websocket to
Home Assistant (`{"type": "bithuman/embed_token", "device_id": ...}`, as
the test plugin's admin user) until its answer arrives (the device lookup,
the user's control permission, the per-user mint limit, the one mint, the
URL), against the entry's own client's `request_embed_token()` (the bare
`POST /v1/embed-tokens/request`). The mint limit (5 a minute per user and
agent) is raised for the run so every call mints; it is still checked. The
embed page is then fetched over HTTP as the iframe would (the simulator's
page checks the token; the sessions it would start are off), so Start ->
page ~ command + page. The browser row is read from
test-output/card-timing.json, written by tests/browser/test_card.py (a real
Chromium, the real frontend, against the simulator), when present."""


def _samples(value: Any) -> list[float]:
    if isinstance(value, dict):
        samples = _samples(value.get("samples"))
        return samples or _samples(value.get("median"))
    if isinstance(value, bool):
        return []
    if isinstance(value, int | float):
        return [float(value)]
    if isinstance(value, list):
        return [float(v) for v in value if isinstance(v, int | float)]
    return []


def _median(data: dict[str, Any], keys: tuple[str, ...]) -> tuple[float, int] | None:
    for key in keys:
        value = data.get(key)
        if isinstance(value, dict) and isinstance(value.get("median"), int | float):
            return float(value["median"]), len(_samples(value))
        if samples := _samples(value):
            return statistics.median(samples), len(samples)
    return None


def browser_figures(record: Record) -> dict[str, Any] | str:
    """Return the browser test's medians (ms), or why there are none."""
    data = record.get("data")
    if data is None:
        return str(record.get("error") or f"{record.get('path')} not present")
    if not isinstance(data, dict):
        return f"{record.get('path')}: not an object"
    start = _median(data, START_KEYS)
    bare = _median(data, BARE_KEYS)
    mint = _median(data, MINT_KEYS)
    if start is None or (bare is None and mint is None):
        return (
            f"{record.get('path')}: no {START_KEYS[0]} and {BARE_KEYS[0]}"
            f" (keys: {', '.join(sorted(data))})"
        )
    if bare is not None:
        baseline, what = bare[0], "bare mint + the same page"
    else:
        page = _median(data, PAGE_KEYS)
        baseline = (mint[0] if mint else 0.0) + (page[0] if page else 0.0)
        what = "bare mint" + (" + page" if page else "")
    return {
        "start": start[0],
        "runs": start[1],
        "baseline": baseline,
        "baseline_what": what,
        "mint": mint[0] if mint else None,
        "overhead": start[0] - baseline,
        "what": str(data.get("what", "")),
    }


def card(sections: Sections, verdicts: list[Verdict]) -> str:
    """Server side always; the browser's Start -> loaded when it ran."""
    parts: list[str] = []
    if records := sections.get("card"):
        r = records[0]
        ours, plain = r["home_assistant"], r["bare"]
        target = r["target_overhead"]
        parts.append(
            table(
                [
                    f"Path ({r['iterations']} each)",
                    "To arrival, median",
                    "To answer, median",
                    "p95",
                ],
                [
                    [
                        "`bithuman/embed_token` over the websocket",
                        ms(ours["arrive_median"]),
                        ms(ours["return_median"]),
                        ms(ours["return_p95"]),
                    ],
                    [
                        "bare `POST /v1/embed-tokens/request`",
                        ms(plain["arrive_median"]),
                        ms(plain["return_median"]),
                        ms(plain["return_p95"]),
                    ],
                    [
                        "overhead (ratio)",
                        "",
                        f"+{ms(r['overhead_median'])} ({r['ratio_median']:.2f}x)",
                        "",
                    ],
                ],
            )
        )
        parts.append(
            f"Embed page fetched with the token, median of {r['page_loads']}:"
            f" {ms(r['page_load_median'])}, so Start -> page, server side:"
            f" ~{ms(ours['return_median'] + r['page_load_median'])}. Longest loop"
            f" stall while timing: {ms(r['max_stall'])}."
        )
        verdicts.append(
            Verdict(
                "Card Start, server side: `bithuman/embed_token` over the websocket"
                " - bare mint (median)",
                f"< {target * 1000:g} ms overhead",
                f"+{ms(r['overhead_median'])} ({ms(ours['return_median'])})",
                r["overhead_median"] < target,
                baseline=f"bare mint: {ms(plain['return_median'])}",
                note="card_server",
            )
        )
        browser = (sections.get("card_browser") or [{}])[0]
        parts.append(_browser(browser, target, verdicts))
    return section(
        "Card: Start -> embed page (wall time)",
        *(parts or ["(not measured)"]),
        HOW,
    )


def _browser(record: Record, target: float, verdicts: list[Verdict]) -> str:
    figures = browser_figures(record)
    figure = "Card Start -> embed page loaded in the iframe (browser)"
    limit = f"< {target * 1000:g} ms overhead"
    if isinstance(figures, str):
        verdicts.append(Verdict(figure, limit, "not run", None, note="card_browser"))
        return f"Browser: not measured ({figures})."
    written = record.get("modified")
    when = (
        datetime.fromtimestamp(written, UTC).strftime(" (written %Y-%m-%d %H:%M UTC)")
        if isinstance(written, int | float)
        else ""
    )
    verdicts.append(
        Verdict(
            figure,
            limit,
            f"+{figures['overhead']:.1f} ms (Start -> loaded {figures['start']:.1f} ms)",
            figures["overhead"] < target * 1000,
            baseline=f"{figures['baseline_what']}: {figures['baseline']:.1f} ms",
            note="card_browser",
        )
    )
    mint = (
        f" (the mint alone {figures['mint']:.1f} ms)"
        if figures["mint"] is not None
        else ""
    )
    lines = [
        (
            f"Browser, from `{record.get('path')}`{when}, median of {figures['runs']}:"
            f" Start -> embed page loaded in the iframe {figures['start']:.1f} ms;"
            f" {figures['baseline_what']} {figures['baseline']:.1f} ms{mint};"
            f" overhead {figures['overhead']:.1f} ms."
        )
    ]
    if figures["what"]:
        lines.append(f'The browser test says: "{figures["what"]}"')
    return "\n\n".join(lines)
