"""Binary sensors: whether an agent has dynamics, and whether it is live."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from homeassistant.components.binary_sensor import (
    BinarySensorEntity,
    BinarySensorEntityDescription,
)

from .coordinator import BithumanData
from .entity import BithumanAgentEntity, agent_platform

PARALLEL_UPDATES = 0


@dataclass(frozen=True, kw_only=True)
class BithumanBinarySensorEntityDescription(BinarySensorEntityDescription):
    """Describes a binary sensor of an agent."""

    is_on_fn: Callable[[BithumanData, str], bool | None]
    needs_sessions: bool = False


BINARY_SENSORS: tuple[BithumanBinarySensorEntityDescription, ...] = (
    BithumanBinarySensorEntityDescription(
        key="dynamics_ready",
        translation_key="dynamics_ready",
        # The url, never the status, says whether there are dynamics.
        is_on_fn=lambda data, code: (
            dynamics.has_dynamics if (dynamics := data.dynamics.get(code)) else None
        ),
    ),
    BithumanBinarySensorEntityDescription(
        key="live",
        # No device class: "Running"/"Not running" (German "Außer Betrieb")
        # would read as a fault; the states say "Yes"/"No" instead.
        translation_key="live",
        needs_sessions=True,
        is_on_fn=lambda data, code: (
            bool(data.sessions.live_sessions_of(code)) if data.sessions else None
        ),
    ),
)


async_setup_entry = agent_platform(
    lambda coordinator, code: [
        BithumanBinarySensor(coordinator, code, description)
        for description in BINARY_SENSORS
    ]
)


class BithumanBinarySensor(BithumanAgentEntity, BinarySensorEntity):
    """A binary sensor of one agent."""

    entity_description: BithumanBinarySensorEntityDescription

    @property
    def is_on(self) -> bool | None:
        """Return the sensor's state."""
        return self.entity_description.is_on_fn(self.coordinator.data, self.code)
