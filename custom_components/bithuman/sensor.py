"""Sensors: each agent's generation and dynamics, the account's credits."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from homeassistant.components.sensor import (
    SensorDeviceClass,
    SensorEntity,
    SensorEntityDescription,
    SensorStateClass,
)
from homeassistant.const import PERCENTAGE, EntityCategory
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.helpers.typing import StateType

from .api import Account, Agent, AgentStatus, Dynamics
from .coordinator import BithumanConfigEntry
from .dynamics_state import DynamicsState, dynamics_state
from .entity import (
    BithumanAccountEntity,
    BithumanAgentEntity,
    async_setup_agent_entities,
)

PARALLEL_UPDATES = 0


@dataclass(frozen=True, kw_only=True)
class BithumanAgentSensorEntityDescription(SensorEntityDescription):
    """Describes a sensor of an agent."""

    value_fn: Callable[[Agent, Dynamics | None], StateType]
    attributes_fn: Callable[[Dynamics | None], Mapping[str, Any] | None] = lambda _: (
        None
    )


@dataclass(frozen=True, kw_only=True)
class BithumanAccountSensorEntityDescription(SensorEntityDescription):
    """Describes a sensor of the account."""

    value_fn: Callable[[Account], StateType]


def _progress(agent: Agent, _: Dynamics | None) -> float | None:
    return None if agent.progress is None else round(agent.progress * 100, 1)


def _dynamics_status(_: Agent, dynamics: Dynamics | None) -> str | None:
    return dynamics_state(dynamics) if dynamics else None


def _gesture_count(_: Agent, dynamics: Dynamics | None) -> int | None:
    return None if dynamics is None else len(dynamics.gesture_names)


def _gesture_attributes(dynamics: Dynamics | None) -> Mapping[str, Any] | None:
    return None if dynamics is None else {"gestures": dynamics.gesture_names}


AGENT_SENSORS: tuple[BithumanAgentSensorEntityDescription, ...] = (
    BithumanAgentSensorEntityDescription(
        key="status",
        translation_key="status",
        device_class=SensorDeviceClass.ENUM,
        options=[status.value for status in AgentStatus],
        value_fn=lambda agent, _: agent.known_status,
    ),
    BithumanAgentSensorEntityDescription(
        key="generation_progress",
        translation_key="generation_progress",
        native_unit_of_measurement=PERCENTAGE,
        state_class=SensorStateClass.MEASUREMENT,
        suggested_display_precision=0,
        entity_category=EntityCategory.DIAGNOSTIC,
        value_fn=_progress,
    ),
    BithumanAgentSensorEntityDescription(
        key="dynamics_status",
        translation_key="dynamics_status",
        device_class=SensorDeviceClass.ENUM,
        options=[state.value for state in DynamicsState],
        value_fn=_dynamics_status,
    ),
    BithumanAgentSensorEntityDescription(
        key="gestures",
        translation_key="gestures",
        value_fn=_gesture_count,
        attributes_fn=_gesture_attributes,
    ),
)

ACCOUNT_SENSORS: tuple[BithumanAccountSensorEntityDescription, ...] = (
    BithumanAccountSensorEntityDescription(
        key="credit_balance",
        translation_key="credit_balance",
        native_unit_of_measurement="credits",
        state_class=SensorStateClass.MEASUREMENT,
        suggested_display_precision=0,
        value_fn=lambda account: account.credit_balance,
    ),
    BithumanAccountSensorEntityDescription(
        key="plan",
        translation_key="plan",
        entity_category=EntityCategory.DIAGNOSTIC,
        value_fn=lambda account: account.plan,
    ),
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: BithumanConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Set up the account's and each agent's sensors."""
    coordinator = entry.runtime_data.coordinator
    async_add_entities(
        BithumanAccountSensor(coordinator, description)
        for description in ACCOUNT_SENSORS
    )

    await async_setup_agent_entities(
        entry,
        async_add_entities,
        lambda coordinator, code: [
            BithumanAgentSensor(coordinator, code, description)
            for description in AGENT_SENSORS
        ],
    )


class BithumanAgentSensor(BithumanAgentEntity, SensorEntity):
    """A sensor of one agent."""

    entity_description: BithumanAgentSensorEntityDescription

    @property
    def native_value(self) -> StateType:
        """Return the sensor's value."""
        return self.entity_description.value_fn(self.agent, self.dynamics)

    @property
    def extra_state_attributes(self) -> Mapping[str, Any] | None:
        """Return extra attributes (the gesture names for Gestures)."""
        return self.entity_description.attributes_fn(self.dynamics)


class BithumanAccountSensor(BithumanAccountEntity, SensorEntity):
    """A sensor of the account."""

    entity_description: BithumanAccountSensorEntityDescription

    @property
    def native_value(self) -> StateType:
        """Return the sensor's value."""
        return self.entity_description.value_fn(self.coordinator.data.account)
