"""Sensors: each agent's generation and dynamics; the account's credits and sessions."""

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
from homeassistant.helpers.typing import StateType

from .api import Agent, AgentStatus, Dynamics, DynamicsState
from .coordinator import BithumanData
from .entity import BithumanAccountEntity, BithumanAgentEntity, agent_platform

PARALLEL_UPDATES = 0


@dataclass(frozen=True, kw_only=True)
class BithumanAgentSensorEntityDescription(SensorEntityDescription):
    """Describes a sensor of an agent."""

    value_fn: Callable[[Agent, Dynamics | None], StateType]
    attributes_fn: Callable[[Agent, Dynamics | None], Mapping[str, Any] | None] = (
        lambda _agent, _dynamics: None
    )


@dataclass(frozen=True, kw_only=True)
class BithumanAccountSensorEntityDescription(SensorEntityDescription):
    """Describes a sensor of the account."""

    value_fn: Callable[[BithumanData], StateType]
    # Sensors of the live sessions, which are read on their own.
    needs_sessions: bool = False


AGENT_SENSORS: tuple[BithumanAgentSensorEntityDescription, ...] = (
    BithumanAgentSensorEntityDescription(
        key="status",
        translation_key="status",
        device_class=SensorDeviceClass.ENUM,
        options=[status.value for status in AgentStatus],
        value_fn=lambda agent, _: agent.known_status,
        attributes_fn=lambda agent, _: (
            {"error_message": agent.error_message}
            if agent.known_status is AgentStatus.FAILED
            else None
        ),
    ),
    BithumanAgentSensorEntityDescription(
        key="generation_progress",
        translation_key="generation_progress",
        native_unit_of_measurement=PERCENTAGE,
        state_class=SensorStateClass.MEASUREMENT,
        suggested_display_precision=0,
        entity_category=EntityCategory.DIAGNOSTIC,
        value_fn=lambda agent, _: (
            None if agent.progress is None else round(agent.progress * 100, 1)
        ),
    ),
    BithumanAgentSensorEntityDescription(
        key="dynamics_status",
        translation_key="dynamics_status",
        device_class=SensorDeviceClass.ENUM,
        options=[state.value for state in DynamicsState],
        value_fn=lambda _, dynamics: dynamics.state if dynamics else None,
    ),
    BithumanAgentSensorEntityDescription(
        key="gestures",
        translation_key="gestures",
        value_fn=lambda _, dynamics: (
            None if dynamics is None else len(dynamics.gesture_names)
        ),
        attributes_fn=lambda _, dynamics: (
            None if dynamics is None else {"gestures": dynamics.gesture_names}
        ),
    ),
)

ACCOUNT_SENSORS: tuple[BithumanAccountSensorEntityDescription, ...] = (
    BithumanAccountSensorEntityDescription(
        key="credit_balance",
        translation_key="credit_balance",
        state_class=SensorStateClass.MEASUREMENT,
        suggested_display_precision=0,
        value_fn=lambda data: data.account.credit_balance,
    ),
    BithumanAccountSensorEntityDescription(
        key="plan",
        translation_key="plan",
        entity_category=EntityCategory.DIAGNOSTIC,
        value_fn=lambda data: data.account.plan,
    ),
    BithumanAccountSensorEntityDescription(
        key="live_sessions",
        translation_key="live_sessions",
        state_class=SensorStateClass.MEASUREMENT,
        needs_sessions=True,
        value_fn=lambda data: data.sessions.active_count if data.sessions else None,
    ),
    BithumanAccountSensorEntityDescription(
        key="credit_burn_rate",
        translation_key="credit_burn_rate",
        state_class=SensorStateClass.MEASUREMENT,
        suggested_display_precision=1,
        needs_sessions=True,
        value_fn=lambda data: (
            data.sessions.live_burn_rate_cr_per_min if data.sessions else None
        ),
    ),
    BithumanAccountSensorEntityDescription(
        key="credits_this_hour",
        translation_key="credits_this_hour",
        state_class=SensorStateClass.MEASUREMENT,
        suggested_display_precision=0,
        needs_sessions=True,
        value_fn=lambda data: (
            data.sessions.credits_this_hour if data.sessions else None
        ),
    ),
)


async_setup_entry = agent_platform(
    lambda coordinator, code: [
        BithumanAgentSensor(coordinator, code, description)
        for description in AGENT_SENSORS
    ],
    account_entities=lambda coordinator: [
        BithumanAccountSensor(coordinator, description)
        for description in ACCOUNT_SENSORS
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
        """Return the description's attributes (gesture names, failure reason)."""
        return self.entity_description.attributes_fn(self.agent, self.dynamics)


class BithumanAccountSensor(BithumanAccountEntity, SensorEntity):
    """A sensor of the account."""

    entity_description: BithumanAccountSensorEntityDescription

    @property
    def native_value(self) -> StateType:
        """Return the sensor's value."""
        return self.entity_description.value_fn(self.coordinator.data)
