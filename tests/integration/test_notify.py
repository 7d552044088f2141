"""The Speak notify entity: a message the avatar says in its live session."""

from __future__ import annotations

from homeassistant.components.notify import (
    ATTR_MESSAGE,
    ATTR_TITLE,
    DOMAIN as NOTIFY_DOMAIN,
    SERVICE_SEND_MESSAGE,
)
from homeassistant.const import ATTR_ENTITY_ID, Platform
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from bithuman_simulator import Simulator

from .conftest import FRONT_DOOR, SnapshotEntities


@pytest.mark.parametrize("platforms", [[Platform.NOTIFY]])
async def test_notify_entities(snapshot_entities: SnapshotEntities) -> None:
    """Each agent has a Speak entity."""
    await snapshot_entities()


async def test_send_message_is_spoken(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: Simulator
) -> None:
    """The title, then the message, reach the avatar's live room."""
    await hass.services.async_call(
        NOTIFY_DOMAIN,
        SERVICE_SEND_MESSAGE,
        {
            ATTR_ENTITY_ID: "notify.front_door_speak",
            ATTR_TITLE: "Doorbell",
            ATTR_MESSAGE: "Someone is at the door.",
        },
        blocking=True,
    )
    said = simulator.messages_for(FRONT_DOOR)
    assert [(message.room_id, message.kind, message.text) for message in said] == [
        ("hall", "speak", "Doorbell. Someone is at the door.")
    ]


async def test_send_message_without_live_session(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """An agent nobody is talking to: a translated error naming it."""
    with pytest.raises(HomeAssistantError) as exc_info:
        await hass.services.async_call(
            NOTIFY_DOMAIN,
            SERVICE_SEND_MESSAGE,
            {ATTR_ENTITY_ID: "notify.kitchen_speak", ATTR_MESSAGE: "Dinner is ready"},
            blocking=True,
        )
    assert exc_info.value.translation_key == "no_live_session"
    assert "Kitchen" in str(exc_info.value)
