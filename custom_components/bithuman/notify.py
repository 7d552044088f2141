"""Notify entity: send a message and the avatar says it."""

from __future__ import annotations

from homeassistant.components.notify import NotifyEntity, NotifyEntityDescription
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .actions import async_speak
from .coordinator import BithumanConfigEntry
from .entity import BithumanAgentEntity, async_setup_agent_entities

PARALLEL_UPDATES = 1

SPEAK = NotifyEntityDescription(key="speak", translation_key="speak")


async def async_setup_entry(
    hass: HomeAssistant,
    entry: BithumanConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Set up each agent's Speak entity."""
    await async_setup_agent_entities(
        entry,
        async_add_entities,
        lambda coordinator, code: [BithumanSpeakEntity(coordinator, code, SPEAK)],
    )


class BithumanSpeakEntity(BithumanAgentEntity, NotifyEntity):
    """Make the agent say a message in its live session."""

    async def async_send_message(self, message: str, title: str | None = None) -> None:
        """Speak the message; a title, when given, is said first."""
        text = f"{title}. {message}" if title else message
        await async_speak(self.hass, self.coordinator.config_entry, self.code, text)
