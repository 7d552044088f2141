"""Voice assistants: the avatars' satellites (announce, Broadcast) and the TTS engine."""

from __future__ import annotations

from collections.abc import Generator
import io
from pathlib import Path
from unittest.mock import patch
import wave

from homeassistant.components import tts
from homeassistant.components.assist_pipeline.pipeline import async_get_pipeline
from homeassistant.components.tts.const import DATA_COMPONENT
from homeassistant.const import STATE_UNAVAILABLE
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.setup import async_setup_component
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from bithuman_simulator import Fault, Simulator

from .conftest import FRONT_DOOR, KITCHEN

ENGINE = "tts.ada_example_com_voice"
SATELLITE = "assist_satellite.front_door"


@pytest.fixture(autouse=True)
def tts_cache(tmp_path: Path) -> Generator[None]:
    """Keep the TTS cache in the test's own folder (the test plugin has none)."""
    with (
        patch(
            "homeassistant.components.tts._init_tts_cache_dir",
            return_value=str(tmp_path),
        ),
        patch("homeassistant.components.tts._get_cache_files", return_value={}),
    ):
        yield


def _tts_requests(simulator: Simulator) -> list[dict]:
    return [r.json for r in simulator.requests if r.path == "/v1/tts"]


async def _audio(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    message: str,
    **options: object,
) -> bytes:
    stream = tts.async_create_stream(
        hass, ENGINE, language="en", options={"preferred_format": "wav", **options}
    )
    stream.async_set_message(message)
    client = await hass_client()
    response = await client.get(stream.url)
    assert response.status == 200, await response.text()
    return await response.read()


def _engine(hass: HomeAssistant) -> tts.TextToSpeechEntity:
    engine = hass.data[DATA_COMPONENT].get_entity(ENGINE)
    assert isinstance(engine, tts.TextToSpeechEntity)
    return engine


def _seconds(audio: bytes) -> float:
    with wave.open(io.BytesIO(audio)) as clip:
        return clip.getnframes() / clip.getframerate()


async def _announce(hass: HomeAssistant, **data: object) -> None:
    """Ask Front Door's satellite to announce, as an automation would."""
    await hass.services.async_call(
        "assist_satellite",
        "announce",
        {"entity_id": SATELLITE, **data},
        blocking=True,
    )


async def _broadcast(hass: HomeAssistant, text: str) -> str:
    """Say "broadcast <text>" to Assist; return its response type."""
    result = await hass.services.async_call(
        "conversation",
        "process",
        {"text": f"broadcast {text}", "language": "en"},
        blocking=True,
        return_response=True,
    )
    return str(result["response"]["response_type"])


# Satellites


async def test_satellite_available_only_while_live(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """Front Door is live: its satellite is there; Kitchen's, nobody would hear."""
    assert hass.states.get(SATELLITE).state == "idle"
    assert hass.states.get("assist_satellite.kitchen").state == STATE_UNAVAILABLE


async def test_announce_makes_the_avatar_say_it_without_a_tts_request(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: Simulator
) -> None:
    """The avatar says the text itself; bitHuman's TTS (the default engine) is spared."""
    assert async_get_pipeline(hass).tts_engine in (None, ENGINE)
    simulator.clear_requests()
    await _announce(hass, message="Dinner is ready")
    await hass.async_block_till_done()
    said = simulator.messages_for(FRONT_DOOR, kind="speak")
    assert [m.text for m in said] == ["Dinner is ready"]
    assert _tts_requests(simulator) == []


async def test_media_only_announcement_is_refused(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: Simulator
) -> None:
    """The avatar cannot play a sound file: a clear error, nothing said."""
    with pytest.raises(ServiceValidationError) as err:
        await _announce(hass, media_id="https://example.com/chime.mp3")
    assert err.value.translation_key == "announcement_needs_text"
    assert simulator.messages_for(FRONT_DOOR) == []


async def test_session_ended_since_the_last_read(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: Simulator
) -> None:
    """Still shown live, but the session ended: `no_live_session`."""
    simulator.set_live_rooms(FRONT_DOOR, [])
    with pytest.raises(HomeAssistantError) as err:
        await _announce(hass, message="Hello")
    assert err.value.translation_key == "no_live_session"


async def test_broadcast_reaches_every_live_avatar(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: Simulator
) -> None:
    """Broadcasting "dinner is ready": every live avatar says it, the rest skip it."""
    simulator.start_session(KITCHEN, "kitchen")
    await init_integration.runtime_data.coordinator.async_request_refresh()
    await hass.async_block_till_done()
    assert await async_setup_component(hass, "conversation", {})
    simulator.clear_requests()
    assert await _broadcast(hass, "dinner is ready") == "action_done"
    for code in (FRONT_DOOR, KITCHEN):
        assert [m.text for m in simulator.messages_for(code, kind="speak")] == [
            "dinner is ready"
        ]


async def test_broadcast_skips_avatars_nobody_hears(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: Simulator
) -> None:
    """Kitchen is not live: Broadcast answers without an error, Front Door says it."""
    assert await async_setup_component(hass, "conversation", {})
    assert await _broadcast(hass, "the mail is here") == "action_done"
    assert [m.text for m in simulator.messages_for(FRONT_DOOR)] == ["the mail is here"]
    assert simulator.messages_for(KITCHEN) == []


# The TTS engine


async def test_tts_returns_bithumans_audio_in_the_chosen_voice(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: Simulator,
    hass_client: ClientSessionGenerator,
) -> None:
    """Real WAV bytes from `/v1/tts`, with the voice and speed asked for."""
    audio = await _audio(hass, hass_client, "Welcome home.", voice="F2", speed=1.2)
    assert audio.startswith(b"RIFF")
    assert _seconds(audio) > 0
    assert _tts_requests(simulator) == [
        {
            "text": "Welcome home.",
            "voice": "F2",
            "language": "en",
            "speed": 1.2,
            "format": "wav",
        }
    ]
    assert init_integration.runtime_data.tts_requests == 1


async def test_tts_voices_and_languages_come_from_the_api(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: Simulator
) -> None:
    """The voices bitHuman lists, in the languages it reports; M1 by default."""
    engine = _engine(hass)
    voices = [voice.voice_id for voice in engine.async_get_supported_voices("en") or []]
    assert voices[:2] == ["M1", "M2"]
    assert {"F1", "F5"} <= set(voices)
    assert "de" in engine.supported_languages
    assert engine.default_options == {"voice": "M1"}


async def test_long_text_is_split_at_sentences(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: Simulator,
    hass_client: ClientSessionGenerator,
) -> None:
    """Text over the limit goes in sentence-sized requests, played as one."""
    simulator.settings.tts_max_chars = 1000
    sentence = "This sentence is about forty characters. "
    audio = await _audio(hass, hass_client, sentence * 60)
    sent = _tts_requests(simulator)
    assert len(sent) == 3
    assert all(
        len(body["text"]) <= 1000 and body["text"].endswith(".") for body in sent
    )
    assert _seconds(audio) > 0


@pytest.mark.parametrize(
    ("options", "fault", "key"),
    [
        ({"voice": "Z9"}, None, "unknown_voice"),
        ({"speed": 3.0}, None, "invalid_speed"),
        ({"speed": "fast"}, None, "invalid_speed"),
        ({"speed": "nan"}, None, "invalid_speed"),
        ({"speed": 10**400}, None, "invalid_speed"),
        ({"speed": True}, None, "invalid_speed"),
        (
            {},
            Fault(path="/v1/tts", status=503, code="NO_AVAILABLE_WORKERS"),
            "api_error",
        ),
        (
            {},
            Fault(path="/v1/tts", status=429, code="RATE_LIMITED", retry_after=60),
            "rate_limited",
        ),
    ],
)
async def test_tts_errors_are_translated(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: Simulator,
    options: dict,
    fault: Fault | None,
    key: str,
) -> None:
    """An unknown voice lists those there are; an overloaded API says to wait."""
    if fault is not None:
        simulator.add_fault(fault)
    engine = _engine(hass)
    with pytest.raises(HomeAssistantError) as err:
        await engine.async_get_tts_audio("Hello.", "en", {"voice": "M1", **options})
    assert err.value.translation_key == key
    if key == "unknown_voice":
        assert "M1" in err.value.translation_placeholders["voices"]
