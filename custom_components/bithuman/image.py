"""Image: each agent's portrait, so picture and tile cards can show the avatar."""

from __future__ import annotations

from homeassistant.components.image import ImageEntity, ImageEntityDescription
from homeassistant.core import callback
from homeassistant.util import dt as dt_util

from .coordinator import BithumanCoordinator
from .entity import BithumanAgentEntity, agent_platform

PARALLEL_UPDATES = 0

PORTRAIT = ImageEntityDescription(key="portrait", translation_key="portrait")


async_setup_entry = agent_platform(
    lambda coordinator, code: [BithumanPortrait(coordinator, code)]
)


class BithumanPortrait(BithumanAgentEntity, ImageEntity):
    """The agent's portrait (its ``image_url``), fetched by Home Assistant."""

    def __init__(self, coordinator: BithumanCoordinator, code: str) -> None:
        """Start from the portrait as last read."""
        BithumanAgentEntity.__init__(self, coordinator, code, PORTRAIT)
        ImageEntity.__init__(self, coordinator.hass, verify_ssl=True)
        agent = coordinator.data.agents.get(code)
        self._attr_image_url = agent.image_url if agent else None
        # The portrait as of the agent's last change, so a reload keeps it.
        self._attr_image_last_updated = (
            agent.updated_at if agent and agent.updated_at else dt_util.utcnow()
        )

    @callback
    def _handle_coordinator_update(self) -> None:
        """Show the new portrait when the agent's image URL changes."""
        agent = self.coordinator.data.agents.get(self.code)
        url = agent.image_url if agent else None
        if url is not None and url != self._attr_image_url:
            self._attr_image_url = url
            self._cached_image = None
            self._attr_image_last_updated = dt_util.utcnow()
        super()._handle_coordinator_update()
