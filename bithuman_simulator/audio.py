"""Real audio for `POST /v1/tts`: espeak-ng when installed, else a tone.

Both are short mono 16-bit recordings whose length follows the text. With
`espeak-ng` on PATH the simulator speaks the text in the voice's espeak
variant (`M1` -> `+m1`, `F3` -> `+f3`); without it, it writes a tone per
character (silence for spaces, a longer pause after punctuation) at a pitch
of the voice's own, so a test can tell voices apart: `M1`-`M5` from 110 Hz
up, `F1`-`F5` from 220 Hz up.
"""

import array
import asyncio
import contextlib
import io
import math
from pathlib import Path
import re
import shutil
import struct
import tempfile
from typing import TYPE_CHECKING
import wave

if TYPE_CHECKING:
    from .tts import TtsRequest

SAMPLE_RATE = 24_000
CHAR_SECONDS = 0.06
MIN_SECONDS = 0.2
AMPLITUDE = 8_000
ESPEAK_TIMEOUT = 30.0
ESPEAK_WPM = 175
VOICE_PITCH: dict[str, float] = {
    "M1": 110.0,
    "M2": 123.5,
    "M3": 130.8,
    "M4": 146.8,
    "M5": 164.8,
    "F1": 220.0,
    "F2": 246.9,
    "F3": 261.6,
    "F4": 293.7,
    "F5": 329.6,
}
PAUSES = frozenset(".,;:!?")
SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


def tone_frequency(voice: str, pitch_shift: float = 0.0) -> float:
    """Return the tone's pitch for a voice, shifted by the tuning."""
    return VOICE_PITCH[voice] * (1.0 + pitch_shift)


def _period(frequency: float, rate: int) -> bytes:
    length = max(2, round(rate / frequency))
    samples = array.array(
        "h",
        (round(AMPLITUDE * math.sin(2 * math.pi * i / length)) for i in range(length)),
    )
    return samples.tobytes()


def tone_pcm(
    text: str, frequency: float, speed: float, rate: int = SAMPLE_RATE
) -> bytes:
    """Return s16le samples: a tone per character, paced by `speed`."""
    per_char = max(1, round(rate * CHAR_SECONDS / speed))
    period = _period(frequency, rate)
    cycles, rest = divmod(per_char * 2, len(period))
    sound = period * cycles + period[:rest]
    silence = b"\x00\x00" * per_char
    chunks = [
        silence * 2 if char in PAUSES else silence if char.isspace() else sound
        for char in text
    ]
    minimum = round(rate * MIN_SECONDS) * 2
    pcm = b"".join(chunks)
    return pcm + b"\x00" * max(0, minimum - len(pcm))


def wav_bytes(pcm: bytes, rate: int) -> bytes:
    """Wrap s16le mono samples in a WAV file."""
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(rate)
        wav.writeframes(pcm)
    return buffer.getvalue()


def _read_wav(path: Path) -> tuple[bytes, int] | None:
    try:
        with wave.open(str(path), "rb") as wav:
            if wav.getnchannels() != 1 or wav.getsampwidth() != 2:
                return None
            return wav.readframes(wav.getnframes()), wav.getframerate()
    except OSError, EOFError, wave.Error:
        return None


async def espeak_pcm(request: TtsRequest, text: str) -> tuple[bytes, int] | None:
    """Speak `text` with espeak-ng; None when it is missing or fails."""
    binary = shutil.which("espeak-ng")
    if binary is None:
        return None
    variant = request.voice.lower()
    pitch = max(0, min(99, round(50 + 100 * request.pitch_shift)))
    with tempfile.TemporaryDirectory(prefix="bithuman-tts-") as folder:
        path = Path(folder) / "speech.wav"
        process = await asyncio.create_subprocess_exec(
            binary,
            "-v",
            f"{request.language}+{variant}",
            "-s",
            str(round(ESPEAK_WPM * request.speed)),
            "-p",
            str(pitch),
            "-w",
            str(path),
            "--stdin",
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.DEVNULL,
        )
        try:
            await asyncio.wait_for(process.communicate(text.encode()), ESPEAK_TIMEOUT)
        except TimeoutError:
            with contextlib.suppress(ProcessLookupError):
                process.kill()
            await process.wait()
            return None
        if process.returncode != 0:
            return None
        return _read_wav(path)


async def speech_pcm(request: TtsRequest, text: str) -> tuple[bytes, int]:
    """Return samples and their rate for `text`: espeak-ng, else the tone."""
    spoken = await espeak_pcm(request, text)
    if spoken is not None and spoken[0]:
        return spoken
    frequency = tone_frequency(request.voice, request.pitch_shift)
    return tone_pcm(text, frequency, request.speed), SAMPLE_RATE


def sentences(text: str) -> list[str]:
    """Split text into sentences, for streamed answers."""
    return [part for part in SENTENCE_END.split(text.strip()) if part]


async def synthesize(request: TtsRequest) -> tuple[bytes, str, int]:
    """Return the answer's bytes, content type and sample rate.

    `wav` is a WAV file, `pcm_s16le` raw samples; `stream` sends each
    sentence as a frame of raw samples prefixed by its byte length (uint32,
    little-endian).
    """
    if request.stream:
        frames: list[bytes] = []
        rate = SAMPLE_RATE
        for sentence in sentences(request.text):
            pcm, rate = await speech_pcm(request, sentence)
            frames.append(struct.pack("<I", len(pcm)) + pcm)
        return b"".join(frames), "audio/pcm", rate
    pcm, rate = await speech_pcm(request, request.text)
    if request.format == "pcm_s16le":
        return pcm, "audio/pcm", rate
    return wav_bytes(pcm, rate), "audio/wav", rate
