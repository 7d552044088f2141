"""Timing the avatar card's Start: from the press to the embed page loaded.

Measured in the browser, on the epoch-millisecond clock every document shares
(`performance.timeOrigin + performance.now()`): the dashboard notes when
Start is pressed, the embed page's frame tells when its navigation started
and when its load event ended. The bare figures do the same without Home
Assistant: mint straight from the simulator, then load the same page. Nothing
is asserted about speed; `write_report` leaves the figures for the benchmarks.
"""

from __future__ import annotations

import json
import statistics
from typing import Any, Final

from playwright.sync_api import Frame, Locator, Page, expect

from bithuman_simulator.demo import DEMO_SECRET

from .conftest import OUTPUT_DIR

TIMING_FILE: Final = OUTPUT_DIR / "card-timing.json"
TIMING_SAMPLES: Final = 3  # Home Assistant allows 5 mints a minute per user and agent

# Read in the embed page's frame once it has loaded: when its navigation
# started (the iframe got its URL) and when its load event ended, on the
# same epoch-millisecond clock as `performance.timeOrigin` of the dashboard.
FRAME_TIMING_JS: Final = """() => new Promise((resolve) => {
  const report = () => {
    const [nav] = performance.getEntriesByType("navigation");
    resolve({
      navigation_start: performance.timeOrigin,
      loaded: performance.timeOrigin + (nav.loadEventEnd || performance.now()),
    });
  };
  const later = () => setTimeout(report, 0);
  document.readyState === "complete" ? later() : addEventListener("load", later);
})"""
MARK_CLICK_JS: Final = """(button) => button.addEventListener(
  "click",
  () => { window.bithumanStartPressedAt = performance.timeOrigin + performance.now(); },
  { capture: true, once: true },
)"""
# The same measurement without Home Assistant: mint a token straight from the
# simulator, then load its embed page in an iframe (a page of the simulator's
# own origin, so no CORS), on the same clock.
BARE_EMBED_JS: Final = """async ({ secret, code }) => {
  const started = performance.timeOrigin + performance.now();
  const answer = await fetch("/v1/embed-tokens/request", {
    method: "POST",
    headers: { "api-secret": secret, "content-type": "application/json" },
    body: JSON.stringify({ agent_id: code, fingerprint: "timing-baseline" }),
  });
  const { data } = await answer.json();
  const minted = performance.timeOrigin + performance.now();
  const frame = document.createElement("iframe");
  const loaded = new Promise((resolve) => frame.addEventListener("load", resolve));
  frame.src = `/embed/${code}?token=${encodeURIComponent(data.token)}`;
  document.body.append(frame);
  await loaded;
  await new Promise((resolve) => setTimeout(resolve, 0));
  const inner = frame.contentWindow.performance;
  const [nav] = inner.getEntriesByType("navigation");
  const done = inner.timeOrigin + (nav.loadEventEnd || inner.now());
  const name = frame.contentDocument.getElementById("agent-name").textContent;
  frame.remove();
  return { mint_ms: minted - started, mint_to_loaded_ms: done - started, name };
}"""


def press_start_and_measure(
    page: Page, card: Locator, agent_name: str
) -> dict[str, float]:
    """Press Start, wait for the embed page in the iframe; return the timings (ms)."""
    start = card.get_by_role("button", name="Start", exact=True)
    expect(start).to_be_enabled()
    start.evaluate(MARK_CLICK_JS)
    start.click()
    expect(card.frame_locator("iframe").locator("#agent-name")).to_have_text(agent_name)
    frame = card.locator("iframe").element_handle().content_frame()
    assert isinstance(frame, Frame)
    loaded: dict[str, float] = frame.evaluate(FRAME_TIMING_JS)
    pressed: float = page.evaluate("() => window.bithumanStartPressedAt")
    return {
        "start_to_iframe_navigation_ms": loaded["navigation_start"] - pressed,
        "start_to_embed_loaded_ms": loaded["loaded"] - pressed,
    }


def bare_embed_timings(page: Page, sim_url: str, code: str) -> list[dict[str, Any]]:
    """Mint and load the embed page without Home Assistant; return each sample."""
    page.goto(f"{sim_url}/_simulator/state")
    return [
        page.evaluate(BARE_EMBED_JS, {"secret": DEMO_SECRET, "code": code})
        for _ in range(TIMING_SAMPLES)
    ]


def _summary(samples: list[float]) -> dict[str, Any]:
    return {
        "median": round(statistics.median(samples), 1),
        "min": round(min(samples), 1),
        "max": round(max(samples), 1),
        "samples": [round(sample, 1) for sample in samples],
    }


def write_report(card: list[dict[str, float]], bare: list[dict[str, Any]]) -> None:
    """Write the figures to test-output/card-timing.json (the benchmarks read it)."""
    report = {
        "what": (
            "Milliseconds in the browser (performance.timeOrigin clock), Front Door"
            " on the Avatars dashboard: from pressing Start to the simulator's"
            " embed page having loaded in the card's iframe; the bare figures mint"
            " straight from the simulator (POST /v1/embed-tokens/request) and load"
            " the same page, timed the same way."
        ),
        "card_start_to_embed_loaded_ms": _summary(
            [sample["start_to_embed_loaded_ms"] for sample in card]
        ),
        "card_start_to_iframe_navigation_ms": _summary(
            [sample["start_to_iframe_navigation_ms"] for sample in card]
        ),
        "bare_mint_ms": _summary([sample["mint_ms"] for sample in bare]),
        "bare_mint_to_embed_loaded_ms": _summary(
            [sample["mint_to_loaded_ms"] for sample in bare]
        ),
    }
    TIMING_FILE.parent.mkdir(parents=True, exist_ok=True)
    TIMING_FILE.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
