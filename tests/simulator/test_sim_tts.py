"""Voices and text to speech: the catalog, real audio, and the documented 4xx."""

import array
import io
import itertools
import os
from pathlib import Path
import stat
import struct
import wave

import pytest

from bithuman_simulator import Simulator
from bithuman_simulator.audio import sentences, tone_frequency, tone_pcm, wav_bytes
from bithuman_simulator.tts import BUILTIN_VOICES, LANGUAGES

FAKE_ESPEAK = """#!/bin/sh
# Stand-in espeak-ng: record the arguments, write a 1 s WAV where -w says.
echo "$@" > "$(dirname "$0")/args"
cat > "$(dirname "$0")/stdin"
while [ $# -gt 0 ]; do
  if [ "$1" = "-w" ]; then out="$2"; fi
  shift
done
python3 - "$out" <<'PY'
import sys, wave
with wave.open(sys.argv[1], "wb") as w:
    w.setnchannels(1); w.setsampwidth(2); w.setframerate(22050)
    w.writeframes(b"\\x01\\x00" * 22050)
PY
"""


def read_wav(data: bytes) -> tuple[int, int, int, bytes]:
    with wave.open(io.BytesIO(data), "rb") as wav:
        return (
            wav.getnchannels(),
            wav.getsampwidth(),
            wav.getframerate(),
            wav.readframes(wav.getnframes()),
        )


def pitch(pcm: bytes, rate: int) -> float:
    """Estimate the tone's frequency from zero crossings of the sounding samples."""
    samples = array.array("h", pcm)
    sounding = [s for s in samples if s != 0]
    crossings = sum(1 for a, b in itertools.pairwise(sounding) if (a < 0) != (b < 0))
    return crossings / (len(sounding) / rate) / 2


@pytest.fixture(autouse=True)
def no_espeak(monkeypatch, tmp_path: Path) -> None:
    """Run with the tone unless a test installs a (fake) espeak-ng."""
    monkeypatch.setenv("PATH", str(tmp_path / "empty-bin"))


async def test_voices(api, simulator: Simulator) -> None:
    reply = await api.get("/v1/voices")
    assert reply.status == 200
    assert reply.body["voices"] == [
        {"id": v, "kind": "builtin"} for v in BUILTIN_VOICES
    ]
    assert [v["id"] for v in reply.body["voices"]] == [
        *(f"M{n}" for n in range(1, 6)),
        *(f"F{n}" for n in range(1, 6)),
    ]
    assert len(reply.body["languages"]) >= 30
    assert "en" in reply.body["languages"]
    assert all(len(code) == 2 for code in reply.body["languages"])
    assert reply.headers["X-RateLimit-Limit"] == "720"
    code = simulator.add_voice_code("u-1", base_voice="F2")
    custom = (await api.get("/v1/voices")).body["voices"][-1]
    assert custom == {"id": code, "kind": "custom"}


async def test_tts_answers_a_wav_that_grows_with_the_text(api) -> None:
    short = await api.post("/v1/tts", json={"text": "Hello."})
    assert short.status == 200
    assert short.headers["Content-Type"] == "audio/wav"
    assert short.headers["X-RateLimit-Limit"] == "180"
    channels, width, rate, frames = read_wav(short.raw)
    assert (channels, width) == (1, 2)
    long = await api.post(
        "/v1/tts", json={"text": "Hello. This sentence is a good deal longer."}
    )
    *_, long_frames = read_wav(long.raw)
    assert len(long_frames) > 3 * len(frames)
    faster = await api.post("/v1/tts", json={"text": "Hello.", "speed": 2.0})
    *_, fast_frames = read_wav(faster.raw)
    assert len(fast_frames) < len(frames)
    assert rate == int(short.headers["X-Sample-Rate"])


async def test_voices_sound_different(api) -> None:
    heard = {}
    for voice in ("M1", "M5", "F1", "F5"):
        reply = await api.post("/v1/tts", json={"text": "aaaa", "voice": voice})
        *_, rate, frames = read_wav(reply.raw)
        heard[voice] = pitch(frames, rate)
    assert heard["M1"] < heard["M5"] < heard["F1"] < heard["F5"]
    assert heard["M1"] == pytest.approx(110, rel=0.05)
    assert heard["F1"] == pytest.approx(220, rel=0.05)
    default = await api.post("/v1/tts", json={"text": "aaaa"})
    assert pitch(read_wav(default.raw)[3], 24_000) == pytest.approx(heard["M1"])


async def test_tuning_and_voice_codes_shift_the_pitch(
    api, simulator: Simulator
) -> None:
    plain = await api.post("/v1/tts", json={"text": "aaaa", "voice": "F1"})
    tuned = await api.post(
        "/v1/tts", json={"text": "aaaa", "voice": "F1", "axes": {"pitch": 0.2}}
    )
    assert (
        pitch(read_wav(tuned.raw)[3], 24_000)
        > pitch(read_wav(plain.raw)[3], 24_000) * 1.15
    )
    code = simulator.add_voice_code("u-1", "f8fb5feb-8a19-435c-89e5-a286a03565ec")
    designed = await api.post(
        "/v1/tts",
        json={"text": "aaaa", "voice_code": code, "voice": "F5", "axes": {"pitch": 1}},
    )
    assert designed.status == 200
    heard = pitch(read_wav(designed.raw)[3], 24_000)
    assert heard == pytest.approx(110, rel=0.06)


async def test_pcm_and_stream_formats(api) -> None:
    pcm = await api.post("/v1/tts", json={"text": "Hi there.", "format": "pcm_s16le"})
    assert pcm.headers["Content-Type"] == "audio/pcm"
    assert len(pcm.raw) % 2 == 0
    assert not pcm.raw.startswith(b"RIFF")
    streamed = await api.post(
        "/v1/tts", json={"text": "First one. Second one! Third?", "stream": True}
    )
    assert streamed.headers["Content-Type"] == "audio/pcm"
    frames, data = [], streamed.raw
    while data:
        (size,) = struct.unpack("<I", data[:4])
        frames.append(data[4 : 4 + size])
        data = data[4 + size :]
    assert len(frames) == 3
    assert sentences("A. B!  C?") == ["A.", "B!", "C?"]


@pytest.mark.parametrize(
    ("body", "status", "code", "fragment"),
    [
        ({}, 400, "MISSING_PARAM", "Missing required field: text"),
        ({"text": "  "}, 400, "VALIDATION_ERROR", "text"),
        ({"text": 5}, 400, "VALIDATION_ERROR", "text"),
        ({"text": "Hi", "voice": "Z9"}, 400, "VALIDATION_ERROR", "M1, M2"),
        ({"text": "Hi", "voice_code": "nope"}, 404, "VOICE_NOT_FOUND", "nope"),
        ({"text": "Hi", "speed": 0.5}, 400, "VALIDATION_ERROR", "speed"),
        ({"text": "Hi", "speed": 2.5}, 400, "VALIDATION_ERROR", "speed"),
        ({"text": "Hi", "speed": "fast"}, 400, "VALIDATION_ERROR", "speed"),
        ({"text": "Hi", "total_steps": 0}, 400, "VALIDATION_ERROR", "total_steps"),
        ({"text": "Hi", "total_steps": 1.5}, 400, "VALIDATION_ERROR", "total_steps"),
        ({"text": "Hi", "format": "mp3"}, 400, "VALIDATION_ERROR", "wav, pcm_s16le"),
        ({"text": "Hi", "language": "xx"}, 400, "VALIDATION_ERROR", "xx"),
        ({"text": "Hi", "axes": [1]}, 400, "VALIDATION_ERROR", "axes"),
        ({"text": "Hi", "axes": {"pitch": "up"}}, 400, "VALIDATION_ERROR", "pitch"),
        ({"text": "Hi", "stream": "yes"}, 400, "VALIDATION_ERROR", "stream"),
    ],
)
async def test_tts_errors(api, expect_error, body, status, code, fragment) -> None:
    reply = await api.post("/v1/tts", json=body)
    expect_error(reply, status, code)
    assert fragment in reply.body["error"]["message"]


async def test_tts_accepts_every_documented_field(api) -> None:
    reply = await api.post(
        "/v1/tts",
        json={
            "text": "Hola.",
            "voice": "F3",
            "language": "es",
            "total_steps": 12,
            "speed": 0.7,
            "format": "wav",
            "stream": False,
        },
    )
    assert reply.status == 200
    assert set(LANGUAGES) >= {"en", "de", "fr", "es", "zh"}


async def test_tts_max_chars(api, simulator: Simulator, expect_error) -> None:
    assert (await api.post("/v1/tts", json={"text": "x" * 5000})).status == 200
    simulator.settings.tts_max_chars = 10
    reply = await api.post("/v1/tts", json={"text": "x" * 11})
    expect_error(reply, 400, "VALIDATION_ERROR")
    assert "at most 10" in reply.body["error"]["message"]
    assert (await api.post("/v1/tts", json={"text": "x" * 10})).status == 200
    settings = await api.put(
        "/_simulator/settings", json={"tts_max_chars": None}, auth=None
    )
    assert settings.body["tts_max_chars"] is None
    assert (await api.post("/v1/tts", json={"text": "x" * 11})).status == 200


async def test_tts_is_rate_limited_as_a_write(
    api, simulator: Simulator, expect_error
) -> None:
    simulator.accounts["u-1"].plan = "free"
    for _ in range(30):
        assert (await api.post("/v1/tts", json={"text": "a"})).status == 200
    limited = await api.post("/v1/tts", json={"text": "a"})
    expect_error(limited, 429, "RATE_LIMITED")
    assert "Retry-After" in limited.headers


def install_fake_espeak(folder: Path, monkeypatch, script: str = FAKE_ESPEAK) -> Path:
    binary = folder / "espeak-ng"
    binary.write_text(script)
    binary.chmod(binary.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("PATH", f"{folder}{os.pathsep}/usr/bin{os.pathsep}/bin")
    return folder


async def test_espeak_ng_speaks_when_installed(
    api, monkeypatch, tmp_path: Path
) -> None:
    folder = install_fake_espeak(tmp_path, monkeypatch)
    reply = await api.post(
        "/v1/tts",
        json={"text": "-v is not an option here", "voice": "F3", "speed": 1.2},
    )
    assert reply.status == 200
    _, _, rate, frames = read_wav(reply.raw)
    assert (rate, len(frames)) == (22050, 2 * 22050)
    assert reply.headers["X-Sample-Rate"] == "22050"
    args = (folder / "args").read_text().split()
    assert args[:4] == ["-v", "en+f3", "-s", "210"]
    assert args[-1] == "--stdin"
    assert (folder / "stdin").read_text() == "-v is not an option here"


async def test_a_failing_espeak_falls_back_to_the_tone(
    api, monkeypatch, tmp_path: Path
) -> None:
    install_fake_espeak(tmp_path, monkeypatch, "#!/bin/sh\ncat >/dev/null\nexit 1\n")
    reply = await api.post("/v1/tts", json={"text": "Hello", "language": "zh"})
    assert read_wav(reply.raw)[2] == 24_000


async def test_a_hanging_espeak_is_killed(api, monkeypatch, tmp_path: Path) -> None:
    from bithuman_simulator import audio

    monkeypatch.setattr(audio, "ESPEAK_TIMEOUT", 0.2)
    install_fake_espeak(tmp_path, monkeypatch, "#!/bin/sh\nexec sleep 5\n")
    reply = await api.post("/v1/tts", json={"text": "Hello"})
    assert read_wav(reply.raw)[2] == 24_000


async def test_an_unreadable_espeak_output_falls_back(
    api, monkeypatch, tmp_path: Path
) -> None:
    stereo = FAKE_ESPEAK.replace("w.setnchannels(1)", "w.setnchannels(2)")
    install_fake_espeak(tmp_path, monkeypatch, stereo)
    assert read_wav((await api.post("/v1/tts", json={"text": "x"})).raw)[2] == 24_000
    garbage = "#!/bin/sh\ncat >/dev/null\nwhile [ $# -gt 0 ]; do\n"
    garbage += '  if [ "$1" = "-w" ]; then echo junk > "$2"; fi; shift\ndone\n'
    install_fake_espeak(tmp_path, monkeypatch, garbage)
    assert read_wav((await api.post("/v1/tts", json={"text": "x"})).raw)[2] == 24_000


def test_tone_helpers() -> None:
    assert tone_frequency("F1", 0.1) == pytest.approx(242.0)
    minimum = tone_pcm("", 220.0, 1.0)
    assert len(minimum) == 2 * round(24_000 * 0.2)
    assert read_wav(wav_bytes(b"\x00\x00" * 10, 8000))[2:] == (8000, b"\x00\x00" * 10)
