"""Diagnostics: useful to support, silent about secrets and identity."""

from __future__ import annotations

import json

from homeassistant.core import HomeAssistant
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.components.diagnostics import (
    get_diagnostics_for_config_entry,
)
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator
from syrupy.assertion import SnapshotAssertion
from syrupy.filters import props

from custom_components.bithuman.const import (
    CONF_AVATAR_IDENTITY,
    CONF_LIVEKIT_API_KEY,
    CONF_LIVEKIT_API_SECRET,
    CONF_LIVEKIT_URL,
)

from .conftest import ACCOUNT_KEY, EMAIL, USER_ID

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
    assert diagnostics == snapshot(
        exclude=props(
            "created_at", "updated_at", "image_url", "url", "voice_id", "api_url"
        )
    )
