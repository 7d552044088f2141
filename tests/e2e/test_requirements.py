"""The lock holds what a real `hass` needs: nothing is installed while it starts.

requirements_ha.txt is what Home Assistant's manifests pin for a `hass
--skip-pip` with config/configuration.yaml and bitHuman (scripts/lock
regenerates it); this environment, synced from the lock, has all of it, and
the voice stack (assist_satellite, conversation, tts, assist_pipeline with
its compiled pymicro-vad and pyspeex-noise) sets up in-process.
"""

from homeassistant.core import HomeAssistant
from homeassistant.setup import async_setup_component

from devtools.ha_requirements import (
    CONFIGURATION_YAML,
    REQUIREMENTS_HA,
    ha_version,
    missing_requirements,
    render,
    runtime_requirements,
)


def test_requirements_ha_is_up_to_date() -> None:
    wanted = render(runtime_requirements(), ha_version(), CONFIGURATION_YAML)
    assert REQUIREMENTS_HA.read_text(encoding="utf-8") == wanted, (
        "requirements_ha.txt is out of date: run scripts/lock"
    )


def test_everything_hass_needs_is_installed() -> None:
    assert missing_requirements(runtime_requirements()) == {}


def test_voice_stack_runs() -> None:
    """The two packages built here from source work, with the API HA uses."""
    import pymicro_vad
    import pyspeex_noise

    silence = bytes(320)  # 10 ms of 16 kHz, 16-bit mono audio
    assert pymicro_vad.MicroVad().Process10ms(silence) <= 0.5
    processed = pyspeex_noise.AudioProcessor(4000, -30).Process10ms(silence)
    assert len(processed.audio) == len(silence)


async def test_voice_stack_sets_up(hass: HomeAssistant) -> None:
    # Conversation needs Home Assistant's core integration (exposed entities).
    assert await async_setup_component(hass, "homeassistant", {})
    assert await async_setup_component(hass, "assist_satellite", {})
    assert await async_setup_component(hass, "conversation", {})
    assert await async_setup_component(hass, "tts", {})
    await hass.async_block_till_done()
    assert {
        "assist_pipeline",
        "assist_satellite",
        "conversation",
        "tts",
    } <= hass.config.components
