"""Switch: make an agent's gesture (dynamics) model the active one."""

from __future__ import annotations

from typing import Any

from homeassistant.components.switch import SwitchEntity, SwitchEntityDescription
from homeassistant.const import STATE_OFF, STATE_ON
from homeassistant.core import callback
from homeassistant.helpers.restore_state import RestoreEntity

from .actions import async_set_dynamics_enabled, raise_if_regeneration_failed
from .entity import BithumanAgentEntity, agent_platform

PARALLEL_UPDATES = 1

DYNAMICS_SWITCH = SwitchEntityDescription(key="dynamics", translation_key="dynamics")


async_setup_entry = agent_platform(
    lambda coordinator, code: [
        BithumanDynamicsSwitch(coordinator, code, DYNAMICS_SWITCH)
    ]
)


class BithumanDynamicsSwitch(BithumanAgentEntity, SwitchEntity, RestoreEntity):
    """On: the dynamics model is active; off: the default talking model.

    The API does not always report which model is active, so the state is
    the API's when it gives one and otherwise the last state set from here,
    restored across restarts (and then marked as assumed).
    """

    _last_set: bool | None = None
    # Set from here and not yet confirmed by a read of the API.
    _pending: bool | None = None

    async def async_added_to_hass(self) -> None:
        """Restore the last state set."""
        await super().async_added_to_hass()
        # Only a real on/off: "unavailable" (saved during an outage) or
        # "unknown" says nothing about the model in use.
        last = await self.async_get_last_state()
        if last is not None and last.state in (STATE_ON, STATE_OFF):
            self._last_set = last.state == STATE_ON

    @callback
    def _handle_coordinator_update(self) -> None:
        """Let fresh data from the API decide again."""
        if self._pending is not None:
            self._pending = None
            self._shown = None  # the state shown was the pending one
        super()._handle_coordinator_update()

    @property
    def _reported(self) -> bool | None:
        """Return what the API says, if it says anything."""
        dynamics = self.dynamics
        if dynamics is not None and dynamics.enabled is not None:
            return dynamics.enabled
        agent = self.coordinator.data.agents.get(self.code)
        return agent.dynamics_enabled if agent else None

    @property
    def assumed_state(self) -> bool:
        """Return True while the state is the last one set, not the API's."""
        return self._pending is None and self._reported is None

    @property
    def is_on(self) -> bool | None:
        """Return whether the dynamics model is the active one."""
        if self._pending is not None:
            return self._pending
        reported = self._reported
        return self._last_set if reported is None else reported

    async def async_turn_on(self, **kwargs: Any) -> None:
        """Switch the agent to its dynamics model."""
        await self._async_set(True)

    async def async_turn_off(self, **kwargs: Any) -> None:
        """Restore the agent's default talking model."""
        await self._async_set(False)

    async def _async_set(self, enabled: bool) -> None:
        entry = self.coordinator.config_entry
        result = await async_set_dynamics_enabled(entry, self.code, enabled)
        self._last_set = self._pending = enabled
        self.async_write_ha_state()
        raise_if_regeneration_failed(entry, self.code, result)
