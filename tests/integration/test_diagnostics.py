"""Diagnostics: useful to support, silent about secrets and identity."""

from __future__ import annotations

import json

from homeassistant.core import HomeAssistant
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.components.diagnostics import (
    get_diagnostics_for_config_entry,
    get_diagnostics_for_device,
)
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator
from syrupy.assertion import SnapshotAssertion
from syrupy.filters import props

from bithuman_simulator import Simulator
from custom_components.bithuman.const import (
    CONF_AVATAR_IDENTITY,
    CONF_LIVEKIT_API_KEY,
    CONF_LIVEKIT_API_SECRET,
    CONF_LIVEKIT_URL,
)

from .conftest import ACCOUNT_KEY, EMAIL, FRONT_DOOR, KITCHEN, USER_ID, agent_device

LIVEKIT_SECRET = "lk_secret_do_not_leak_7731"


async def test_diagnostics(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    init_integration: MockConfigEntry,
    snapshot: SnapshotAssertion,
) -> None:
    """Account, agents, dynamics and coordinator state, with secrets redacted."""
    hass.config_entries.async_update_entry(
        init_integration,
        options={
            CONF_LIVEKIT_URL: "wss://livekit.example",
            CONF_LIVEKIT_API_KEY: "lk_key",
            CONF_LIVEKIT_API_SECRET: LIVEKIT_SECRET,
            CONF_AVATAR_IDENTITY: "bithuman-avatar-agent",
        },
    )
    diagnostics = await get_diagnostics_for_config_entry(
        hass, hass_client, init_integration
    )

    text = json.dumps(diagnostics)
    for secret in (ACCOUNT_KEY, LIVEKIT_SECRET, EMAIL, USER_ID):
        assert secret not in text
    # The tokens left refill on the simulator's real clock: only their tier.
    assert set(diagnostics["coordinator"]["rate_limit_tokens"]) == {"read"}
    assert diagnostics == snapshot(
        exclude=props(
            "created_at",
            "updated_at",
            "image_url",
            "url",
            "voice_id",
            "api_url",
            "rate_limit_tokens",
        )
    )


async def test_private_fields_are_described_not_shown(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    init_integration: MockConfigEntry,
    simulator: Simulator,
) -> None:
    """Prompts, asset links, voice ids and URLs: only set, length and host remain."""
    diagnostics = await get_diagnostics_for_config_entry(
        hass, hass_client, init_integration
    )
    text = json.dumps(diagnostics)
    agent = simulator.agent(FRONT_DOOR)
    for private in (
        agent.system_prompt,
        agent.voice_id,
        init_integration.data["api_url"],
        *simulator.dynamics_json(FRONT_DOOR)["gestures"].values(),  # type: ignore[union-attr]
    ):
        assert private not in text
    front_door = diagnostics["agents"][FRONT_DOOR]["agent"]
    assert front_door["system_prompt"] == {
        "set": True,
        "length": len(agent.system_prompt),
    }
    assert front_door["image_url"]["host"] == "127.0.0.1"


async def test_device_diagnostics_hold_that_agent_alone(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    init_integration: MockConfigEntry,
) -> None:
    """The device page's download is about its agent, not the whole account."""
    device = agent_device(hass, FRONT_DOOR)
    diagnostics = await get_diagnostics_for_device(
        hass, hass_client, init_integration, device
    )
    assert set(diagnostics["agents"]) == {FRONT_DOOR}
    assert "account" not in diagnostics
    assert KITCHEN not in json.dumps(diagnostics)


async def test_links_in_fields_we_do_not_know_are_described_too(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    simulator: Simulator,
    init_integration: MockConfigEntry,
) -> None:
    """Gesture results and model files in the agent's record: no link shows."""
    face = "https://cdn.bithuman.example/users/u1/face_wave.mp4"
    model = "s3://bithuman-models/u1/front_door.imx"
    simulator.override_agent_fields(
        FRONT_DOOR,
        {
            "dynamics": {
                "enabled": True,
                "batch_results": [{"action": "wave", "video_url": face}],
                "talking": {"model_path": model, "hash": "ab12"},
            },
            "preview_clip": face,
        },
    )
    await init_integration.runtime_data.coordinator.async_request_refresh()
    await hass.async_block_till_done()

    diagnostics = await get_diagnostics_for_config_entry(
        hass, hass_client, init_integration
    )

    text = json.dumps(diagnostics)
    assert face not in text
    assert model not in text
    front_door = diagnostics["agents"][FRONT_DOOR]["agent"]
    assert front_door["dynamics"] == {
        "enabled": True,
        "fields": ["batch_results", "enabled", "talking"],
    }
    assert front_door["preview_clip"] == {
        "set": True,
        "length": len(face),
        "host": "cdn.bithuman.example",
    }
