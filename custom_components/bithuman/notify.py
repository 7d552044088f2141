"""Notify entity: send a message and the avatar says it."""

from __future__ import annotations

from homeassistant.components.notify import NotifyEntity, NotifyEntityDescription

from .actions import async_deliver
from .entity import BithumanAgentEntity, agent_platform

PARALLEL_UPDATES = 1

SPEAK = NotifyEntityDescription(key="speak", translation_key="speak")


async_setup_entry = agent_platform(
    lambda coordinator, code: [BithumanSpeakEntity(coordinator, code, SPEAK)]
)


class BithumanSpeakEntity(BithumanAgentEntity, NotifyEntity):
    """Make the agent say a message in its live session."""

    async def async_send_message(self, message: str, title: str | None = None) -> None:
        """Speak the message; a title, when given, is said first."""
        text = f"{title}. {message}" if title else message
        await async_deliver(self.coordinator.config_entry, self.code, "message", text)
