"""Text for bitHuman's text to speech: sentence-sized pieces, and joining WAVs."""

from __future__ import annotations

import io
import re
from typing import Final
import wave

# The docs allow any length; long text still goes in pieces no longer than
# this, split after sentences, so one request never carries a whole story.
MAX_CHARS: Final = 1000
_SENTENCE_END: Final = re.compile(r"(?<=[.!?\u2026\u3002\uff01\uff1f])\s+")


def split_text(text: str, limit: int = MAX_CHARS) -> list[str]:
    """Split text into pieces of at most limit characters, at sentence ends."""
    pieces: list[str] = []
    current = ""
    for whole in _SENTENCE_END.split(text.strip()):
        sentence = whole
        while len(sentence) > limit:
            # One sentence longer than the limit: cut it at the last space.
            cut = sentence.rfind(" ", 0, limit) if " " in sentence[:limit] else limit
            pieces.append(sentence[:cut].strip())
            sentence = sentence[cut:].strip()
        if current and len(current) + 1 + len(sentence) > limit:
            pieces.append(current)
            current = sentence
        else:
            current = f"{current} {sentence}".strip()
    if current:
        pieces.append(current)
    return pieces


def join_wav(parts: list[bytes]) -> bytes:
    """Return one WAV of the parts played one after the other (same format)."""
    if len(parts) == 1:
        return parts[0]
    out = io.BytesIO()
    with wave.open(out, "wb") as joined:
        for index, part in enumerate(parts):
            with wave.open(io.BytesIO(part), "rb") as piece:
                if index == 0:
                    joined.setparams(piece.getparams())
                joined.writeframes(piece.readframes(piece.getnframes()))
    return out.getvalue()


def silence(seconds: float = 0.1, rate: int = 16000) -> bytes:
    """Return a short silent mono 16-bit WAV."""
    out = io.BytesIO()
    with wave.open(out, "wb") as audio:
        audio.setnchannels(1)
        audio.setsampwidth(2)
        audio.setframerate(rate)
        audio.writeframes(b"\x00\x00" * int(seconds * rate))
    return out.getvalue()
