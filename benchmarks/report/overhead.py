"""Overhead sections: Home Assistant's path against the bare call, action and voice."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .markdown import Row, Sections, Verdict, ms, section, table, us

if TYPE_CHECKING:
    from ..results import Record

HOW_ACTION = """\
How measured: real time, one agent live in a room, the simulator's clock on
`time.perf_counter` so its request log says when each request arrived. In
the same run, alternating (and alternating which goes first), after 50
warm-up calls each: `hass.services.async_call("bithuman", "speak",
{"message": ...}, target={"entity_id": "sensor.agent_0_status"},
blocking=True)` and the entry's own client's `speak()`. "To arrival" is
call -> the simulator receiving the request; "to return" is call -> the
call returning. asyncio debug mode off while timing. Both run in one
process over loopback, so the bare call takes ~0.1 ms; against the real API
(tens of ms away) the same absolute overhead is a ratio of ~1.00."""

HOW_VOICE = """\
How measured: real time, the simulator's clock on `time.perf_counter`, no
rate limits, asyncio debug mode off while timing; in the same run,
alternating, after 30 warm-up rounds. Announce: one agent live in a room,
`hass.services.async_call("assist_satellite", "announce", {"entity_id":
"assist_satellite.agent_0", "message": ...}, blocking=True)` until its
`POST /v1/agent/{code}/speak` reaches the simulator, against the entry's own
client's `speak()`; each message is new. TTS: `tts.async_create_stream`
for the account's engine (`preferred_format: wav`, so Home Assistant
converts nothing), its proxy URL fetched through Home Assistant's HTTP
server (the test client) until every audio byte is read, against the
entry's own client's `synthesize()` (the one `POST /v1/tts` the engine
makes) returning the audio; every text is new (Home Assistant's cache never
answers) and the cache folder is the benchmark's own; a short text (the
target's figure) and a ~600-character one. The simulator makes the WAV
itself (tones, or espeak-ng when installed), so the bare call includes
synthesis. aiohttp's access log is left at WARNING, as Home Assistant's
bootstrap sets it."""


def action(sections: Sections, verdicts: list[Verdict]) -> str:
    """`bithuman.speak` through Home Assistant against the bare client."""
    records = sections.get("overhead", [])
    if not records:
        return section("Action overhead (wall time)", "(not measured)", HOW_ACTION)
    r = records[0]
    rows = [
        [
            "`hass.services.async_call(bithuman.speak)`",
            us(r["ha_arrive_median"]),
            us(r["ha_arrive_p95"]),
            us(r["ha_return_median"]),
            us(r["ha_return_p95"]),
        ],
        [
            "bare `client.speak()`",
            us(r["bare_arrive_median"]),
            us(r["bare_arrive_p95"]),
            us(r["bare_return_median"]),
            us(r["bare_return_p95"]),
        ],
        [
            "ratio",
            f"{r['ratio_median']:.2f}x",
            f"{r['ratio_p95']:.2f}x",
            f"{r['ha_return_median'] / r['bare_return_median']:.2f}x",
            f"{r['ha_return_p95'] / r['bare_return_p95']:.2f}x",
        ],
    ]
    target = r["target_ratio"]
    verdicts.append(
        Verdict(
            "Action overhead, `bithuman.speak` -> request at the API (median ratio)",
            f"< {target:g}x",
            f"{r['ratio_median']:.2f}x "
            f"(+{us(r['ha_arrive_median'] - r['bare_arrive_median'])})",
            r["ratio_median"] < target,
            baseline=f"bare `speak()`: {us(r['bare_arrive_median'])}",
            note="overhead",
        )
    )
    return section(
        "Action overhead (wall time)",
        table(
            [
                f"Path ({r['iterations']} calls each)",
                "To arrival, median",
                "p95",
                "To return, median",
                "p95",
            ],
            rows,
        ),
        f"Longest loop stall while timing: {ms(r['max_stall'])}.",
        HOW_ACTION,
    )


def _duration(seconds: float) -> str:
    return us(seconds) if seconds < 0.001 else ms(seconds)


def _ratio_verdict(
    title: str, r: Record, ratio: float, *, measure: str, bare: str, note: str
) -> Verdict:
    """Judge a median ratio of Home Assistant's way to the bare call."""
    overhead = r["home_assistant"][measure] - r["bare"][measure]
    return Verdict(
        f"{title} (median ratio)",
        f"< {r['target_ratio']:g}x",
        f"{ratio:.2f}x (+{_duration(overhead)})",
        ratio < r["target_ratio"],
        baseline=f"{bare}: {_duration(r['bare'][measure])}",
        note=note,
    )


def _voice_rows(name: str, path: str, bare: str, r: Record) -> list[Row]:
    ours: dict[str, Any] = r["home_assistant"]
    plain: dict[str, Any] = r["bare"]

    def cells(figures: dict[str, Any]) -> list[str]:
        return [
            _duration(figures["arrive_median"]) if "arrive_median" in figures else "-",
            _duration(figures["return_median"]),
            _duration(figures["return_p95"]),
        ]

    arrive_ratio = r.get("arrive_ratio")
    return [
        [name, path, *cells(ours)],
        ["", bare, *cells(plain)],
        [
            "",
            "ratio",
            f"{arrive_ratio:.2f}x" if arrive_ratio else "-",
            f"{r['return_ratio']:.2f}x",
            f"{ours['return_p95'] / plain['return_p95']:.2f}x",
        ],
    ]


def voice(sections: Sections, verdicts: list[Verdict]) -> str:
    """Announce and TTS through Home Assistant against the bare API calls."""
    by_case = {record["case"]: record for record in sections.get("voice", [])}
    rows: list[Row] = []
    stalls: list[str] = []
    if (announce := by_case.get("announce")) is not None:
        rows += _voice_rows(
            f"Announce ({announce['iterations']} each)",
            "`assist_satellite.announce`",
            "bare `client.speak()`",
            announce,
        )
        ratio = announce["arrive_ratio"]
        verdicts.append(
            _ratio_verdict(
                "Announce overhead, `assist_satellite.announce` -> speak request",
                announce,
                ratio,
                measure="arrive_median",
                bare="bare `speak()`",
                note="announce",
            )
        )
        stalls.append(f"announce {ms(announce['max_stall'])}")
        if announce.get("tts_requests"):
            stalls.append(f"({announce['tts_requests']} TTS requests made by announce)")
    if (speech := by_case.get("tts")) is not None:
        rows += _voice_rows(
            f"TTS, {speech['characters']} characters ({speech['iterations']} each)",
            "`tts.async_create_stream` + proxy URL",
            "bare `client.synthesize()`",
            speech,
        )
        ratio = speech["return_ratio"]
        verdicts.append(
            _ratio_verdict(
                "TTS overhead, stream + proxy URL -> audio bytes",
                speech,
                ratio,
                measure="return_median",
                bare="bare `POST /v1/tts`",
                note="tts",
            )
        )
        stalls.append(f"TTS {ms(speech['max_stall'])}")
    if (long_speech := by_case.get("tts_long")) is not None:
        rows += _voice_rows(
            f"TTS, {long_speech['characters']} characters"
            f" ({long_speech['iterations']} each)",
            "`tts.async_create_stream` + proxy URL",
            "bare `client.synthesize()`",
            long_speech,
        )
        stalls.append(f"long TTS {ms(long_speech['max_stall'])}")
    return section(
        "Voice overhead (wall time)",
        table(
            ["Case", "Path", "To arrival, median", "To audio/return, median", "p95"],
            rows,
        )
        if rows
        else "(not measured)",
        ("Longest loop stall while timing: " + ", ".join(stalls) + ".")
        if stalls
        else "",
        HOW_VOICE,
    )
