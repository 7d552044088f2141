"""Base entities: one for an agent's device, one for the account's."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable

from homeassistant.config_entries import ConfigSubentry
from homeassistant.core import callback
from homeassistant.helpers.device_registry import DeviceEntryType, DeviceInfo
from homeassistant.helpers.entity import Entity, EntityDescription
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.helpers.update_coordinator import CoordinatorEntity

from .api import Agent, Dynamics
from .const import CONF_AGENT_CODE, DOMAIN, MANUFACTURER, SUBENTRY_TYPE_AGENT
from .coordinator import BithumanConfigEntry, BithumanCoordinator


async def async_setup_agent_entities(
    entry: BithumanConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
    entities_for: Callable[[BithumanCoordinator, str], Iterable[Entity]],
) -> None:
    """Add each agent's entities to its subentry, now and as agents are added."""
    coordinator = entry.runtime_data.coordinator

    def add(subentry: ConfigSubentry) -> None:
        async_add_entities(
            entities_for(coordinator, subentry.data[CONF_AGENT_CODE]),
            config_subentry_id=subentry.subentry_id,
        )

    @callback
    def add_new(codes: set[str]) -> None:
        for subentry in entry.get_subentries_of_type(SUBENTRY_TYPE_AGENT):
            if subentry.data[CONF_AGENT_CODE] in codes:
                add(subentry)

    for subentry in entry.get_subentries_of_type(SUBENTRY_TYPE_AGENT):
        add(subentry)
        # Hundreds of agents: let the event loop breathe between them.
        await asyncio.sleep(0)
    entry.async_on_unload(coordinator.async_add_agent_listener(add_new))


def account_device_info(user_id: str, base_url: str) -> DeviceInfo:
    """Describe the service device that stands for the account."""
    return DeviceInfo(
        identifiers={(DOMAIN, user_id)},
        entry_type=DeviceEntryType.SERVICE,
        manufacturer=MANUFACTURER,
        model="Account",
        name="bitHuman account",
        configuration_url="https://www.bithuman.ai"
        if base_url.startswith("https://api.bithuman.ai")
        else base_url,
    )


class BithumanAccountEntity(CoordinatorEntity[BithumanCoordinator]):
    """An entity of the account's service device."""

    _attr_has_entity_name = True

    def __init__(
        self, coordinator: BithumanCoordinator, description: EntityDescription
    ) -> None:
        """Attach the entity to the account device."""
        super().__init__(coordinator)
        self.entity_description = description
        user_id = coordinator.data.account.user_id
        self._attr_unique_id = f"{user_id}_{description.key}"
        self._attr_device_info = account_device_info(
            user_id, coordinator.client.base_url
        )


class BithumanAgentEntity(CoordinatorEntity[BithumanCoordinator]):
    """An entity of one agent's device."""

    _attr_has_entity_name = True

    def __init__(
        self,
        coordinator: BithumanCoordinator,
        code: str,
        description: EntityDescription,
    ) -> None:
        """Attach the entity to the agent's device."""
        super().__init__(coordinator)
        self.entity_description = description
        self.code = code
        self._attr_unique_id = f"{code}_{description.key}"
        agent = coordinator.data.agents.get(code)
        self._attr_device_info = DeviceInfo(
            identifiers={(DOMAIN, code)},
            manufacturer=MANUFACTURER,
            model=agent.model if agent else None,
            name=agent.name if agent and agent.name else code,
            serial_number=code,
        )

    @property
    def agent(self) -> Agent:
        """The agent as last read (only called while available)."""
        return self.coordinator.data.agents[self.code]

    @property
    def dynamics(self) -> Dynamics | None:
        """The agent's dynamics as last read, if read yet."""
        return self.coordinator.data.dynamics.get(self.code)

    @property
    def available(self) -> bool:
        """Unavailable when the API is unreachable or the agent is gone."""
        return super().available and self.code in self.coordinator.data.agents
