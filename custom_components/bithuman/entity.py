"""Base entities: one for an agent's device, one for the account's."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine, Iterable
from typing import Any

from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.device_registry import DeviceEntryType, DeviceInfo
from homeassistant.helpers.entity import Entity, EntityDescription
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.helpers.update_coordinator import CoordinatorEntity

from .api import Agent, Dynamics
from .const import (
    CONF_AGENT_CODE,
    DEFAULT_API_URL,
    DOMAIN,
    MANUFACTURER,
    SUBENTRY_TYPE_AGENT,
    WEBSITE_URL,
)
from .coordinator import BithumanConfigEntry, BithumanCoordinator
from .errors import agent_name

type EntitiesFor = Callable[[BithumanCoordinator, str], Iterable[Entity]]
type PlatformSetup = Callable[
    [HomeAssistant, BithumanConfigEntry, AddConfigEntryEntitiesCallback],
    Coroutine[Any, Any, None],
]


async def async_add_agent_entities(
    entry: BithumanConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
    entities_for: EntitiesFor,
) -> None:
    """Add each agent's entities to the agent's subentry."""
    coordinator = entry.runtime_data.coordinator
    for subentry in entry.get_subentries_of_type(SUBENTRY_TYPE_AGENT):
        async_add_entities(
            entities_for(coordinator, subentry.data[CONF_AGENT_CODE]),
            config_subentry_id=subentry.subentry_id,
        )
        # With hundreds of agents, one loop step per agent keeps Home
        # Assistant responsive while the platforms set up.
        await asyncio.sleep(0)


def agent_platform(
    entities_for: EntitiesFor,
    account_entities: Callable[[BithumanCoordinator], Iterable[Entity]] | None = None,
) -> PlatformSetup:
    """Return the `async_setup_entry` of a platform of agent (and account) entities."""

    async def async_setup_entry(
        hass: HomeAssistant,
        entry: BithumanConfigEntry,
        async_add_entities: AddConfigEntryEntitiesCallback,
    ) -> None:
        if account_entities is not None:
            async_add_entities(account_entities(entry.runtime_data.coordinator))
        await async_add_agent_entities(entry, async_add_entities, entities_for)

    return async_setup_entry


def account_device_info(title: str, user_id: str, api_url: str) -> DeviceInfo:
    """Describe the service device that stands for the account (named after it)."""
    return DeviceInfo(
        identifiers={(DOMAIN, user_id)},
        entry_type=DeviceEntryType.SERVICE,
        manufacturer=MANUFACTURER,
        model="Account",
        name=title,
        configuration_url=WEBSITE_URL if api_url == DEFAULT_API_URL else api_url,
    )


class BithumanEntity(CoordinatorEntity[BithumanCoordinator]):
    """An entity of a bitHuman account: of its service device or of an agent's."""

    _attr_has_entity_name = True

    def __init__(
        self, coordinator: BithumanCoordinator, description: EntityDescription
    ) -> None:
        """Keep the description; say whether the entity shows the live sessions."""
        super().__init__(coordinator)
        self.entity_description = description
        # The live sessions are read on their own and can fail alone.
        self._needs_sessions: bool = getattr(description, "needs_sessions", False)

    @property
    def available(self) -> bool:
        """Unavailable when the API is unreachable, or its sessions unreadable."""
        return super().available and (
            not self._needs_sessions or self.coordinator.data.sessions is not None
        )


class BithumanAccountEntity(BithumanEntity):
    """An entity of the account's service device."""

    def __init__(
        self, coordinator: BithumanCoordinator, description: EntityDescription
    ) -> None:
        """Attach the entity to the account device."""
        super().__init__(coordinator, description)
        user_id = coordinator.data.account.user_id
        self._attr_unique_id = f"{user_id}_{description.key}"
        entry = coordinator.config_entry
        self._attr_device_info = account_device_info(
            entry.title, user_id, coordinator.client.base_url
        )


class BithumanAgentEntity(BithumanEntity):
    """An entity of one agent's device."""

    def __init__(
        self,
        coordinator: BithumanCoordinator,
        code: str,
        description: EntityDescription,
    ) -> None:
        """Attach the entity to the agent's device."""
        super().__init__(coordinator, description)
        self.code = code
        self._shown: tuple[object, ...] | None = None
        self._attr_unique_id = f"{code}_{description.key}"
        agent = coordinator.data.agents.get(code)
        self._attr_device_info = DeviceInfo(
            identifiers={(DOMAIN, code)},
            manufacturer=MANUFACTURER,
            model=agent.model if agent else None,
            name=agent_name(coordinator.config_entry, code),
            serial_number=code,
            via_device_id=coordinator.config_entry.runtime_data.account_device_id,
        )

    async def async_added_to_hass(self) -> None:
        """Remember what the first state shows."""
        await super().async_added_to_hass()
        self._shown = self._agent_read()

    @callback
    def _handle_coordinator_update(self) -> None:
        """Write the state only when this agent's part of the read has changed.

        Every poll notifies every entity of the account; with hundreds of
        agents, rewriting the unchanged ones would hold the loop for all of them.
        """
        if (shown := self._agent_read()) != self._shown:
            self._shown = shown
            super()._handle_coordinator_update()

    def _agent_read(self) -> tuple[object, ...]:
        """Return everything of the last read that this agent's entities show."""
        data = self.coordinator.data
        return (
            self.coordinator.last_update_success,
            data.agents.get(self.code),
            data.dynamics.get(self.code),
            self.code in data.unreadable,
            None
            if data.sessions is None
            else data.sessions.live_sessions_of(self.code),
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
        """Unavailable when the API is unreachable or this agent cannot be read."""
        data = self.coordinator.data
        return (
            super().available
            and self.code in data.agents
            and self.code not in data.unreadable
        )
