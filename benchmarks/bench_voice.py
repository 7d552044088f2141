"""Voice: Assist's announce and the TTS engine against the bare API calls.

Real time, the simulator on the precise clock, no rate limits, in the same
run, alternating:

- Announce: `assist_satellite.announce` on the live agent's satellite until
  its `POST /v1/agent/{code}/speak` reaches the simulator, against the
  entry's own client's `speak()` (the same request, bare).
- TTS: a stream made with `tts.async_create_stream` (the engine of the
  account, WAV asked for) and its proxy URL fetched through Home
  Assistant's HTTP server until the audio bytes are read, against the
  entry's own client's `synthesize()`, the one `POST /v1/tts` the engine
  makes. Every text is new, so Home Assistant's cache never answers; the
  cache is a folder of the benchmark's own. A short text (an announcement
  of a few words) and a long one (~600 characters).
"""

from __future__ import annotations

from homeassistant.components import tts
from homeassistant.core import HomeAssistant
import pytest
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator  # type: ignore[import-untyped]

from bithuman_simulator import Simulator
from custom_components.bithuman.api import BithumanClient

from .harness import entity_of, set_up_one_agent
from .results import RESULTS
from .timing import PerfClock, Timings, median, versus_bare

ANNOUNCE_ITERATIONS = 500
TTS_ITERATIONS = 200
TTS_LONG_ITERATIONS = 50
WARMUP = 30
DEBUG_ITERATIONS = 30
ANNOUNCE_TARGET = 1.5
TTS_TARGET = 1.2
SATELLITE = "assist_satellite.agent_0"
# About 600 characters: a long announcement, still one request.
LONG_TEXT = (
    "The washing machine has finished its cycle and the laundry is ready to"
    " be hung up. The front door was left unlocked when the last person"
    " left; please lock it on your way past. Tomorrow's forecast is rain"
    " from mid-morning, so take an umbrella, and the bins go out tonight."
) * 2


@pytest.fixture
def simulator() -> Simulator:
    """Return a simulator on a real, precise clock, without rate limits."""
    return Simulator(clock=PerfClock(), rate_limits=False)


def _ratios(ours: Timings, plain: Timings) -> dict[str, float]:
    figures = {"return_ratio": median(ours.ret) / median(plain.ret)}
    if ours.arrive and plain.arrive:
        figures["arrive_ratio"] = median(ours.arrive) / median(plain.arrive)
    return figures


async def test_announce_overhead(
    hass: HomeAssistant, simulator: Simulator, simulator_url: str
) -> None:
    """`assist_satellite.announce` -> the speak request, against bare `speak()`."""
    code, entry = await set_up_one_agent(
        hass, simulator, simulator_url, live_rooms=["hall"]
    )
    if (state := hass.states.get(SATELLITE)) is None or state.state != "idle":
        raise RuntimeError(f"the satellite is not ready: {state}")
    client: BithumanClient = entry.runtime_data.client
    counter = iter(range(10**9))

    async def announce() -> None:
        await hass.services.async_call(
            "assist_satellite",
            "announce",
            {"entity_id": SATELLITE, "message": f"Parcel {next(counter)} arrived"},
            blocking=True,
        )

    async def bare() -> None:
        await client.speak(code, f"Parcel {next(counter)} arrived")

    result = await versus_bare(
        simulator,
        announce,
        bare,
        iterations=ANNOUNCE_ITERATIONS,
        warmup=WARMUP,
        arrival=lambda r: r.path.endswith("/speak"),
        debug_iterations=DEBUG_ITERATIONS,
    )
    tts_requests = simulator.count(path_prefix="/v1/tts")
    ours, plain = result.ours, result.plain
    RESULTS.add(
        "voice",
        {
            "case": "announce",
            "iterations": ANNOUNCE_ITERATIONS,
            "home_assistant": ours.summary(),
            "bare": plain.summary(),
            **_ratios(ours, plain),
            "target_ratio": ANNOUNCE_TARGET,
            "tts_requests": tts_requests,
            "max_stall": result.max_stall,
        },
    )


@pytest.mark.parametrize("length", ["short", "long"])
async def test_tts_overhead(
    hass: HomeAssistant,
    simulator: Simulator,
    simulator_url: str,
    hass_client: ClientSessionGenerator,
    length: str,
) -> None:
    """Audio bytes through the TTS proxy URL, against a bare `POST /v1/tts`."""
    _, entry = await set_up_one_agent(hass, simulator, simulator_url)
    engine = entity_of(hass, entry, "tts")
    client: BithumanClient = entry.runtime_data.client
    http = await hass_client()
    counter = iter(range(10**9))
    sizes: list[int] = []

    def text() -> str:
        number = next(counter)
        if length == "short":
            return f"Welcome home, the time is {number:06d}."
        return f"Announcement {number:06d}. " + LONG_TEXT

    async def through_home_assistant() -> None:
        stream = tts.async_create_stream(
            hass, engine, language="en", options={"preferred_format": "wav"}
        )
        stream.async_set_message(text())
        response = await http.get(stream.url)
        audio = await response.read()
        if response.status != 200 or not audio.startswith(b"RIFF"):
            raise RuntimeError(f"no audio: {response.status}")
        sizes.append(len(audio))

    async def bare() -> None:
        audio = await client.synthesize(text(), voice="M1", language="en")
        sizes.append(-len(audio))

    result = await versus_bare(
        simulator,
        through_home_assistant,
        bare,
        iterations=TTS_ITERATIONS if length == "short" else TTS_LONG_ITERATIONS,
        warmup=WARMUP,
        arrival=lambda r: r.path == "/v1/tts",
        debug_iterations=DEBUG_ITERATIONS,
    )
    ours, plain = result.ours, result.plain
    RESULTS.add(
        "voice",
        {
            "case": "tts" if length == "short" else "tts_long",
            "characters": len(text()),
            "iterations": TTS_ITERATIONS if length == "short" else TTS_LONG_ITERATIONS,
            "home_assistant": ours.summary(),
            "bare": plain.summary(),
            **_ratios(ours, plain),
            "target_ratio": TTS_TARGET,
            "audio_bytes_median": median([abs(size) for size in sizes]),
            "max_stall": result.max_stall,
        },
    )
