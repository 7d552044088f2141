"""Text to speech: the voice catalog and `POST /v1/tts` request checks.

The ten built-in voices are `M1`-`M5` and `F1`-`F5` (text-to-speech.md);
designed voices are reached by their `voice_code`, which the simulator knows
only when a test registers one (`Simulator.add_voice_code`).
"""

from dataclasses import dataclass
import hashlib
from typing import TYPE_CHECKING

from .errors import ApiError, validation_error
from .validation import optional_bool, optional_number, optional_str, required_str

if TYPE_CHECKING:
    from collections.abc import Mapping

    from .json_types import JSONObject, JSONValue

BUILTIN_VOICES: tuple[str, ...] = (
    "M1",
    "M2",
    "M3",
    "M4",
    "M5",
    "F1",
    "F2",
    "F3",
    "F4",
    "F5",
)
# The guide says "30+ languages" and that the live server's list (from
# GET /v1/voices or the playground) is the one to trust: the advertised count
# and the server list do not always match. This is the simulator's list.
LANGUAGES: tuple[str, ...] = (
    "ar",
    "bg",
    "cs",
    "da",
    "de",
    "el",
    "en",
    "es",
    "fi",
    "fr",
    "he",
    "hi",
    "hr",
    "hu",
    "id",
    "it",
    "ja",
    "ko",
    "ms",
    "nl",
    "no",
    "pl",
    "pt",
    "ro",
    "ru",
    "sk",
    "sv",
    "th",
    "tr",
    "uk",
    "vi",
    "zh",
)
FORMATS: tuple[str, ...] = ("wav", "pcm_s16le")
DEFAULT_VOICE = "M1"
DEFAULT_LANGUAGE = "en"
DEFAULT_SPEED = 1.05
DEFAULT_STEPS = 8
MIN_SPEED = 0.7
MAX_SPEED = 2.0
MIN_STEPS = 1
MAX_STEPS = 100


@dataclass(frozen=True, slots=True)
class TtsRequest:
    """A checked `POST /v1/tts` request.

    `voice` is the built-in voice that speaks: the one asked for, or the base
    of the `voice_code`. `pitch_shift` is the relative pitch change the
    tuning (or the designed voice) adds.
    """

    text: str
    voice: str
    voice_code: str | None
    pitch_shift: float
    language: str
    total_steps: int
    speed: float
    format: str
    stream: bool


def voices_object(custom: list[str]) -> JSONObject:
    """Return the `GET /v1/voices` answer: the built-ins, then custom voices.

    `languages` is an addition of the simulator's (see `LANGUAGES`).
    """
    voices: list[JSONValue] = [
        {"id": voice, "kind": "builtin"} for voice in BUILTIN_VOICES
    ]
    voices.extend({"id": code, "kind": "custom"} for code in custom)
    languages: list[JSONValue] = list(LANGUAGES)
    return {"voices": voices, "languages": languages}


def _axes(body: JSONObject) -> dict[str, float]:
    raw = body.get("axes")
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise validation_error("'axes' must be an object of numbers")
    axes: dict[str, float] = {}
    for name, value in raw.items():
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise validation_error(f"'axes.{name}' must be a number")
        axes[name] = float(value)
    return axes


def _code_shift(code: str) -> float:
    """Return the pitch change a designed voice adds to its base (-5%..+5%)."""
    return (hashlib.sha256(code.encode()).digest()[0] % 11 - 5) / 100


def _total_steps(body: JSONObject) -> int:
    value = body.get("total_steps")
    if value is None:
        return DEFAULT_STEPS
    if isinstance(value, bool) or not isinstance(value, int):
        raise validation_error("'total_steps' must be an integer")
    if not MIN_STEPS <= value <= MAX_STEPS:
        raise validation_error("'total_steps' must be between 1 and 100")
    return value


def parse_tts(
    body: JSONObject, voice_codes: Mapping[str, str], max_chars: int | None
) -> TtsRequest:
    """Check a `POST /v1/tts` body; raise the documented 400s and 404."""
    text = required_str(body, "text")
    if max_chars is not None and len(text) > max_chars:
        raise validation_error(
            f"'text' is too long: {len(text)} characters, at most {max_chars}"
        )
    voice = optional_str(body, "voice") or DEFAULT_VOICE
    if voice not in BUILTIN_VOICES:
        raise validation_error(
            f"Unknown voice '{voice}'; must be one of: {', '.join(BUILTIN_VOICES)}"
        )
    axes = _axes(body)
    code = optional_str(body, "voice_code")
    shift = axes.get("pitch", 0.0)
    if code is not None:
        if code not in voice_codes:
            raise ApiError(404, "VOICE_NOT_FOUND", f"Voice not found: {code}")
        voice, shift = voice_codes[code], _code_shift(code)
    language = optional_str(body, "language") or DEFAULT_LANGUAGE
    if language not in LANGUAGES:
        raise validation_error(
            f"Unsupported language '{language}'; must be one of: {', '.join(LANGUAGES)}"
        )
    speed = optional_number(body, "speed")
    if speed is not None and not MIN_SPEED <= speed <= MAX_SPEED:
        raise validation_error("'speed' must be between 0.7 and 2.0")
    audio_format = optional_str(body, "format") or "wav"
    if audio_format not in FORMATS:
        raise validation_error(
            f"Invalid format '{audio_format}'; must be one of: {', '.join(FORMATS)}"
        )
    return TtsRequest(
        text=text,
        voice=voice,
        voice_code=code,
        pitch_shift=shift,
        language=language,
        total_steps=_total_steps(body),
        speed=DEFAULT_SPEED if speed is None else speed,
        format=audio_format,
        stream=bool(optional_bool(body, "stream")),
    )
