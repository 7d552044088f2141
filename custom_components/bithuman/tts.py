"""Text to speech: bitHuman's voices as a Home Assistant TTS engine, per account."""

from __future__ import annotations

from datetime import timedelta
from typing import Any, Final

from homeassistant.components.tts import (
    ATTR_VOICE,
    TextToSpeechEntity,
    TtsAudioType,
    Voice,
)
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers.entity import EntityDescription
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.helpers.event import async_track_time_interval

from .api import BithumanError, VoiceCatalog
from .api.models.fields import finite_float
from .const import DOMAIN, LOGGER
from .coordinator import BithumanConfigEntry, BithumanCoordinator
from .entity import BithumanAccountEntity
from .errors import translate_error
from .speech import join_wav, silence, split_text

PARALLEL_UPDATES = 2

ATTR_SPEED: Final = "speed"
# Set by the avatars' satellites: the avatar says the text itself (speak),
# so an announcement needs no audio, and bitHuman is not asked for any.
ATTR_AVATAR_SPEAKS: Final = "avatar_speaks"
DEFAULT_VOICE: Final = "M1"
MIN_SPEED, MAX_SPEED = 0.7, 2.0
VOICES_REFRESH: Final = timedelta(days=1)
BUILTIN_VOICES: Final = (
    *(f"M{n}" for n in range(1, 6)),
    *(f"F{n}" for n in range(1, 6)),
)
# The guide says "30+ languages" and points at the server for the list; this
# is what is used when the server does not report one.
FALLBACK_LANGUAGES: Final = (
    "ar", "bg", "cs", "da", "de", "el", "en", "es", "fi", "fr", "he", "hi", "hu",
    "id", "it", "ja", "ko", "ms", "nl", "no", "pl", "pt", "ro", "ru", "sk", "sv",
    "th", "tr", "uk", "vi", "zh",
)  # fmt: skip

TTS = EntityDescription(key="tts", translation_key="tts")


async def async_setup_entry(
    hass: HomeAssistant,
    entry: BithumanConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Set up the account's TTS engine, with its voices read once a day."""
    engine = BithumanTextToSpeech(entry.runtime_data.coordinator)
    await engine.async_refresh_voices()
    entry.async_on_unload(
        async_track_time_interval(hass, engine.async_refresh_voices, VOICES_REFRESH)
    )
    async_add_entities([engine])


class BithumanTextToSpeech(BithumanAccountEntity, TextToSpeechEntity):
    """bitHuman's voices (``GET /v1/voices``), spoken by ``POST /v1/tts``."""

    _attr_default_language = "en"

    def __init__(self, coordinator: BithumanCoordinator) -> None:
        """Start with the built-in voices until the server lists its own."""
        super().__init__(coordinator, TTS)
        self._attr_supported_options = [ATTR_VOICE, ATTR_SPEED, ATTR_AVATAR_SPEAKS]
        self._attr_default_options = {ATTR_VOICE: DEFAULT_VOICE}
        self._catalog = VoiceCatalog()

    @property
    def supported_languages(self) -> list[str]:
        """Return the languages the server reports, or the documented fallback."""
        return list(self._catalog.languages or FALLBACK_LANGUAGES)

    def _voice_ids(self) -> list[str]:
        return [voice.id for voice in self._catalog.voices] or list(BUILTIN_VOICES)

    def async_get_supported_voices(self, language: str) -> list[Voice]:
        """Return the voices (each one speaks every language)."""
        return [Voice(voice_id, voice_id) for voice_id in self._voice_ids()]

    async def async_refresh_voices(self, _now: Any = None) -> None:
        """Read the voice catalog; keep the last one when the API cannot answer."""
        try:
            self._catalog = await self.coordinator.client.list_voices()
        except BithumanError as err:
            LOGGER.debug("Cannot read the bitHuman voices: %s", err)

    async def async_get_tts_audio(
        self, message: str, language: str, options: dict[str, Any]
    ) -> TtsAudioType:
        """Return WAV audio of the message in the chosen voice."""
        if options.get(ATTR_AVATAR_SPEAKS):
            return "wav", silence()
        voice = str(options.get(ATTR_VOICE) or DEFAULT_VOICE)
        if voice not in (voices := self._voice_ids()):
            raise ServiceValidationError(
                translation_domain=DOMAIN,
                translation_key="unknown_voice",
                translation_placeholders={"voice": voice, "voices": ", ".join(voices)},
            )
        speed = _speed(options.get(ATTR_SPEED))
        entry = self.coordinator.config_entry
        parts: list[bytes] = []
        try:
            for text in split_text(message):
                entry.runtime_data.tts_requests += 1
                parts.append(
                    await self.coordinator.client.synthesize(
                        text,
                        voice=voice,
                        language=language,
                        speed=speed,
                    )
                )
        except BithumanError as err:
            raise translate_error(entry, None, err) from err
        if not parts:
            raise HomeAssistantError(
                translation_domain=DOMAIN, translation_key="blank_message"
            )
        return "wav", join_wav(parts)


def _speed(value: Any) -> float | None:
    """Return the speed asked for, refusing one that is no number in range."""
    if value is None:
        return None
    speed = finite_float(value)
    if speed is None or not MIN_SPEED <= speed <= MAX_SPEED:
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="invalid_speed",
            translation_placeholders={"speed": str(value)},
        )
    return speed
