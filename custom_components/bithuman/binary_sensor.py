"""Binary sensor: whether an agent has dynamics (gestures) to use."""

from __future__ import annotations

from homeassistant.components.binary_sensor import (
    BinarySensorEntity,
    BinarySensorEntityDescription,
)
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .coordinator import BithumanConfigEntry
from .entity import BithumanAgentEntity, async_setup_agent_entities

PARALLEL_UPDATES = 0

DYNAMICS_READY = BinarySensorEntityDescription(
    key="dynamics_ready", translation_key="dynamics_ready"
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: BithumanConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Set up each agent's Dynamics ready sensor."""
    await async_setup_agent_entities(
        entry,
        async_add_entities,
        lambda coordinator, code: [
            BithumanDynamicsReadySensor(coordinator, code, DYNAMICS_READY)
        ],
    )


class BithumanDynamicsReadySensor(BithumanAgentEntity, BinarySensorEntity):
    """On when the agent's dynamics model exists (its url is set)."""

    @property
    def is_on(self) -> bool | None:
        """Return whether the agent has dynamics; the status alone never says."""
        dynamics = self.dynamics
        return None if dynamics is None else dynamics.has_dynamics
