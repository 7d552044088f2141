"""Assist on a development instance: bitHuman's Voice speaks its answers.

A fresh Home Assistant creates its preferred Assist pipeline when
`assist_pipeline` starts, before the bitHuman entry exists, so the pipeline
has no TTS engine. Once the entry is loaded, `bootstrap` points the preferred
pipeline's TTS at the account's **Voice** engine, as a user would under
Settings -> Voice assistants (`assist_pipeline/pipeline/update`). A pipeline
that already has a TTS engine is left as the user chose it.
"""

from __future__ import annotations

from typing import Any, Final, Literal

from .ha_api import HomeAssistantApi

# The fields `assist_pipeline/pipeline/update` takes (it replaces them all).
PIPELINE_FIELDS: Final[tuple[str, ...]] = (
    "conversation_engine",
    "conversation_language",
    "language",
    "name",
    "stt_engine",
    "stt_language",
    "tts_engine",
    "tts_language",
    "tts_voice",
    "wake_word_entity",
    "wake_word_id",
    "prefer_local_intents",
)

type AssistOutcome = Literal["set", "kept", "no_engine", "no_pipeline"]


async def bithuman_tts_engine(api: HomeAssistantApi) -> str | None:
    """Return the entity id of the bitHuman Voice engine, if there is one."""
    engine = await api.render(
        "{{ integration_entities('bithuman') | select('match', 'tts\\.')"
        " | first | default('') }}"
    )
    return engine.strip() or None


def pipeline_update(pipeline: dict[str, Any], tts_engine: str) -> dict[str, Any]:
    """Return the update that gives the pipeline the engine, all else as it is."""
    fields = {key: pipeline[key] for key in PIPELINE_FIELDS if key in pipeline}
    language = str(pipeline.get("language") or "en")
    return {
        **fields,
        "pipeline_id": pipeline["id"],
        "tts_engine": tts_engine,
        "tts_language": language.split("-", 1)[0],
        "tts_voice": None,
    }


async def ensure_assist_voice(api: HomeAssistantApi) -> AssistOutcome:
    """Give the preferred Assist pipeline bitHuman's Voice if it has no TTS."""
    if (engine := await bithuman_tts_engine(api)) is None:
        return "no_engine"
    listing = await api.websocket_command("assist_pipeline/pipeline/list")
    preferred = listing.get("preferred_pipeline")
    pipeline = next(
        (p for p in listing.get("pipelines", []) if p.get("id") == preferred), None
    )
    if pipeline is None:
        return "no_pipeline"
    if pipeline.get("tts_engine"):
        return "kept"
    await api.websocket_command(
        "assist_pipeline/pipeline/update", **pipeline_update(pipeline, engine)
    )
    return "set"
