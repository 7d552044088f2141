"""Why a target was missed, and what would fix it: one explanation per kind of miss."""

from __future__ import annotations

from collections.abc import Callable
import textwrap
from typing import TYPE_CHECKING

from .markdown import Sections, Verdict, ms, us

if TYPE_CHECKING:
    from ..results import Record

type Explain = Callable[[Sections], str]

WIDTH = 76


def _first(sections: Sections, name: str, **match: object) -> Record:
    for record in sections.get(name, []):
        if all(record.get(key) == value for key, value in match.items()):
            return record
    return {}


def _dynamics_outside(sections: Sections) -> str:
    twenty = _first(sections, "budget", agents=20)
    spare = f", which has {90 - int(twenty['steady'])} to spare" if twenty else ""
    return f"""\
**Dynamics changed outside Home Assistant are seen within the hour, not
within 2 minutes.** The agent list (read every 2 minutes) carries no
dynamics state, and in the simulator a dynamics generation does not move
the agent's `updated_at`, so nothing tells the coordinator to re-read the
dynamics before their hourly read; no webhook event reports dynamics
either (SPEC "Push": a dynamics generation keeps the 5 s cadence only when
Home Assistant started it). Work started from Home Assistant, agent status
changes and deletions are all within target. What would fix it: if the
live API does move `updated_at` when dynamics change (to be checked against
the real API), this is already within 2 minutes; otherwise only more
`GET /v1/dynamics/{{code}}` reads would (20 agents re-read every 10 minutes
cost 120 more requests an hour, far over the 90 budget{spare})."""


def _action(sections: Sections) -> str:
    r = _first(sections, "overhead")
    extra = (
        f" (+{us(float(r['ha_arrive_median']) - float(r['bare_arrive_median']))}"
        f" on a bare call of {us(float(r['bare_arrive_median']))})"
        if r
        else ""
    )
    return f"""\
**`bithuman.speak` through Home Assistant is just over the 1.5x target{extra}:
a fixed cost that only looks large over loopback.** The bare call to the
in-process simulator takes ~0.15 ms, so Home Assistant's fixed cost per
action dominates the ratio: service schema validation, the call's context,
and the integration's target resolution (`targets.async_targets`, ~15-20
µs). A single target is awaited directly (no `asyncio.gather`, whose extra
task and loop step cost ~19 µs and measured 1.65x in the last report); the
rest is Home Assistant's service call. What would fix it: nothing worth its
complexity in the integration; against the real API, tens of milliseconds
away, the ratio is ~1.00."""


def _announce(sections: Sections) -> str:
    r = _first(sections, "voice", case="announce")
    extra = ""
    if r:
        ours = r["home_assistant"]["arrive_median"]
        bare = r["bare"]["arrive_median"]
        extra = f" (+{us(ours - bare)} on a bare `speak()` of {us(bare)})"
    return f"""\
**Announce is over the 1.5x target{extra}, almost all of it in Home
Assistant's announce machinery.** `assist_satellite.announce` does, before
it calls the satellite's `async_announce`: resolve the announcement's media
(a TTS stream of the message with the pipeline's engine, plus the
pre-announce sound's URL), synthesise it and write it to the TTS cache (in
an executor thread), and set the satellite's state twice (responding,
idle). The integration already spares the bitHuman TTS request (its engine
answers a 0.1 s silence for the avatars' own announcements: 0 TTS requests
were made), and its own part (`async_announce` -> `async_deliver` ->
`client.speak`) is the bare call plus a few µs. A profile of 300 announces
put ~0.5 ms of each in `_resolve_announcement_media_id` (Home Assistant
core). What would fix it: nothing the integration can do without
overriding Home Assistant's private `async_internal_announce`; the
satellite could declare no TTS need only if Home Assistant offered that.
Over loopback the bare call is ~0.3 ms; against the real API (tens of ms)
the same absolute overhead is a ratio of ~1.02."""


def _tts(sections: Sections) -> str:
    short = _first(sections, "voice", case="tts")
    long = _first(sections, "voice", case="tts_long")
    figures = ""
    if short and long:
        figures = (
            f" ({float(short['return_ratio']):.2f}x for {short['characters']}"
            f" characters, {float(long['return_ratio']):.2f}x for"
            f" {long['characters']})"
        )
    return f"""\
**TTS through Home Assistant is over the 1.2x target{figures}: Home
Assistant's TTS pipeline, not the engine.** The bare `POST /v1/tts` to the
in-process simulator returns in about a millisecond (the simulator's tone
synthesis). Home Assistant's path adds a second HTTP hop (the client ->
Home Assistant's HTTP server and its middlewares -> the TTS proxy view),
the stream and cache bookkeeping, and writing every new audio to the cache
folder in an executor thread before or while serving it; the cost grows
with the audio's size (the long text's WAV is copied and written too), so
the ratio does not fall with longer text here. The integration's own part
(`async_get_tts_audio`: voice and speed checks, `split_text`, a single part
passed through `join_wav` untouched) is a few µs above the client call in a
profile. What would fix it: nothing in the integration; a streaming engine
(`async_stream_tts_audio`) would let Home Assistant send the first bytes
before the whole audio is in, which helps time to first audio, not time to
all of it. Against the real API, where synthesising a sentence takes
hundreds of milliseconds, the same 1-4 ms is a ratio of ~1.01."""


def _setup_stall(sections: Sections) -> str:
    stalls: dict[int, tuple[float, float]] = {}
    for r in sections.get("setup", []):
        stall, own = stalls.get(r["agents"], (0.0, 0.0))
        stalls[r["agents"]] = (
            max(stall, r["setup_stall"]),
            max(own, r["setup_stall_own"]),
        )
    at = ", ".join(
        f"{ms(stall)} at {n} agents ({ms(own)} without collections)"
        for n, (stall, own) in sorted(stalls.items())
        if n >= 20
    )
    return f"""\
**Setting up a very large account holds the event loop past 100 ms now and
then (longest stall {at}): the garbage collector, not the integration's
code.** The agent platforms add one agent's entities per loop step (they
yield with `await asyncio.sleep(0)` after each), so a step is one agent's
entities, a few milliseconds. asyncio's debug log names the slow steps: at
500 agents (7,500 entities) one or two steps of the sensor platform's
`async_setup_entry` take 150-200 ms, and with the collector off
(`gc.disable()`, the same benchmarks) none is over 100 ms: those steps are
full collections over the registries' tens of thousands of objects, which
Python runs whenever enough allocations pile up, inside whichever step is
running. What would fix it: nothing in the integration; Home Assistant's own
start-up pays the same when it loads thousands of entities."""


def _poll_stall(sections: Sections) -> str:
    worst: dict[int, tuple[float, float]] = {}
    for r in sections.get("setup", []):
        stall, own = worst.get(r["agents"], (0.0, 0.0))
        worst[r["agents"]] = (
            max(stall, r["refresh_stall"]),
            max(own, r["refresh_stall_own"]),
        )
    large = {agents: figures for agents, figures in worst.items() if agents >= 100}
    at = ", ".join(f"{ms(w)} at {n} agents" for n, (w, _) in sorted(large.items()))
    own_at = ", ".join(f"{ms(o)} at {n} agents" for n, (_, o) in sorted(large.items()))
    if any(own >= 0.1 for _, own in large.values()):
        cause = f"""the integration's own work is over it too ({own_at} with the
collector's time taken out): every entity of the account is told of each
poll with new data, and the compare each makes grows with the account. What
would fix it: have the coordinator tell only the changed agent's entities."""
    else:
        cause = f"""with the collector's time taken out the longest stall is
{own_at}: every entity of the account is told of each poll with new data,
but each compares its agent's part of the read (record, dynamics, live
sessions, availability) with what it last wrote, and only the changed
agent's entities write their state. The collections are full passes over
the registries' tens of thousands of objects, which Python runs whenever
enough allocations pile up, inside whichever step is running; at 500 agents
one falls in the polls in some runs and in setup in others. What would fix
it: nothing in the integration."""
    return f"""\
**A poll that changes one agent held the loop for up to {at}:** {cause}"""


def _setup_growth(sections: Sections) -> str:
    del sections
    return """\
**Setup time grows faster than linearly from 100 to 500 agents.** The
entity and device registries' per-entity work (`async_get_or_create`,
collision checks) dominates setup, and the 500-agent run (7,500 entities)
pays the garbage collector's full collections more often (see the setup
stall above)."""


EXPLANATIONS: dict[str, Explain] = {
    "dynamics_outside": _dynamics_outside,
    "overhead": _action,
    "announce": _announce,
    "tts": _tts,
    "setup_stall": _setup_stall,
    "poll_stall": _poll_stall,
    "setup_growth": _setup_growth,
}


def _wrap(text: str) -> str:
    """Re-wrap each paragraph (figures filled in make some lines long)."""
    return "\n\n".join(
        textwrap.fill(" ".join(paragraph.split()), WIDTH)
        for paragraph in text.split("\n\n")
    )


def missed(verdicts: list[Verdict], sections: Sections) -> str:
    """Explain each missed target (once per kind); a miss is never left unsaid."""
    explained: dict[str, str] = {}
    for verdict in verdicts:
        if verdict.met is not False:
            continue
        key = verdict.note or verdict.figure
        if key in explained:
            continue
        explain = EXPLANATIONS.get(verdict.note)
        explained[key] = _wrap(
            explain(sections)
            if explain is not None
            else (
                f"**{verdict.figure}: {verdict.measured} against {verdict.target}.**"
                " No explanation is written for this miss yet: see its section"
                " below."
            )
        )
    return "\n\n".join(explained.values()) or "Every target was met."


def not_measured(verdicts: list[Verdict]) -> str:
    """List the figures this run could not measure."""
    return "\n".join(
        f"- {verdict.figure}: {verdict.measured}."
        for verdict in verdicts
        if verdict.met is None
    )
