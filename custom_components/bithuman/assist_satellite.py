"""Assist satellites: Assist's announcements (and "Broadcast") said by the avatars.

Announce only: bitHuman's conversation runs in its own LiveKit room and its
audio never reaches Home Assistant, so a satellite cannot listen. It is
available only while its avatar has a live session, so Home Assistant skips
avatars nobody can hear.
"""

from __future__ import annotations

from typing import Any

from homeassistant.components.assist_pipeline.pipeline import async_get_pipeline
from homeassistant.components.assist_satellite import (
    AssistSatelliteAnnouncement,
    AssistSatelliteConfiguration,
    AssistSatelliteEntity,
    AssistSatelliteEntityDescription,
    AssistSatelliteEntityFeature,
)
from homeassistant.components.tts import ATTR_PREFERRED_FORMAT, async_resolve_engine
from homeassistant.core import callback
from homeassistant.helpers import entity_registry as er

from .actions import async_deliver
from .const import DOMAIN
from .entity import BithumanAgentEntity, agent_platform
from .errors import agent_error
from .tts import ATTR_AVATAR_SPEAKS

PARALLEL_UPDATES = 0

SATELLITE = AssistSatelliteEntityDescription(key="satellite", name=None)


async_setup_entry = agent_platform(
    lambda coordinator, code: [BithumanSatellite(coordinator, code, SATELLITE)]
)


class BithumanSatellite(BithumanAgentEntity, AssistSatelliteEntity):
    """The avatar says each announcement's text in its live session."""

    _attr_supported_features = AssistSatelliteEntityFeature.ANNOUNCE

    @property
    def available(self) -> bool:
        """Available only while the avatar is live: nobody hears it otherwise."""
        sessions = self.coordinator.data.sessions
        return (
            super().available
            and sessions is not None
            and bool(sessions.live_sessions_of(self.code))
        )

    @property
    def tts_options(self) -> dict[str, Any] | None:
        """Spare a bitHuman TTS request when bitHuman is Assist's voice.

        Home Assistant synthesizes every text announcement before calling the
        satellite; the avatar speaks the text itself, so that audio would
        never be played.
        """
        engine = async_resolve_engine(
            self.hass, async_get_pipeline(self.hass).tts_engine
        )
        entity = er.async_get(self.hass).async_get(engine) if engine else None
        if entity is not None and entity.platform == DOMAIN:
            return {ATTR_AVATAR_SPEAKS: True, ATTR_PREFERRED_FORMAT: "wav"}
        return None

    @callback
    def async_get_configuration(self) -> AssistSatelliteConfiguration:
        """Announce only: there are no wake words to configure."""
        raise NotImplementedError

    async def async_set_configuration(
        self, config: AssistSatelliteConfiguration
    ) -> None:
        """Announce only: there are no wake words to configure."""
        raise NotImplementedError

    @callback
    def on_pipeline_event(self, event: Any) -> None:
        """Never called: the satellite runs no pipeline of its own."""

    async def async_announce(self, announcement: AssistSatelliteAnnouncement) -> None:
        """Make the avatar say the announcement's text."""
        entry = self.coordinator.config_entry
        if not announcement.message.strip():
            raise agent_error("announcement_needs_text", entry, self.code)
        await async_deliver(entry, self.code, "message", announcement.message)
