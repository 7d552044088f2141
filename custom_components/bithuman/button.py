"""Buttons: generate an agent's dynamics, end its sessions, play each gesture."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from homeassistant.components.button import ButtonEntity, ButtonEntityDescription
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .actions import (
    async_end_sessions,
    async_generate_dynamics,
    async_trigger_gesture,
    gesture_label,
)
from .const import CONF_AGENT_CODE, DOCUMENTED_GESTURES, DOMAIN, SUBENTRY_TYPE_AGENT
from .coordinator import BithumanConfigEntry, BithumanCoordinator
from .entity import BithumanAgentEntity, async_add_agent_entities

PARALLEL_UPDATES = 1
GESTURE_KEY_PREFIX = "gesture_"


@dataclass(frozen=True, kw_only=True)
class BithumanButtonEntityDescription(ButtonEntityDescription):
    """Describes a button of an agent."""

    press_fn: Callable[[BithumanConfigEntry, str], Awaitable[object]]


BUTTONS: tuple[BithumanButtonEntityDescription, ...] = (
    BithumanButtonEntityDescription(
        key="generate_dynamics",
        translation_key="generate_dynamics",
        press_fn=async_generate_dynamics,
    ),
    BithumanButtonEntityDescription(
        key="end_session",
        translation_key="end_session",
        press_fn=async_end_sessions,
    ),
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: BithumanConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Set up each agent's buttons, following its gestures as they change."""
    coordinator = entry.runtime_data.coordinator
    entity_registry = er.async_get(hass)
    shown: dict[str, set[str]] = {}

    def entities_for(coordinator: BithumanCoordinator, code: str) -> list[ButtonEntity]:
        dynamics = coordinator.data.dynamics.get(code)
        shown[code] = set(dynamics.gesture_names) if dynamics else set()
        gestures = sorted(shown[code])
        return [
            *(BithumanButton(coordinator, code, button) for button in BUTTONS),
            *(BithumanGestureButton(coordinator, code, name) for name in gestures),
        ]

    @callback
    def follow_gestures() -> None:
        for subentry in entry.get_subentries_of_type(SUBENTRY_TYPE_AGENT):
            code = subentry.data[CONF_AGENT_CODE]
            if (dynamics := coordinator.data.dynamics.get(code)) is None:
                continue
            wanted = set(dynamics.gesture_names)
            if new := wanted - shown[code]:
                async_add_entities(
                    (
                        BithumanGestureButton(coordinator, code, name)
                        for name in sorted(new)
                    ),
                    config_subentry_id=subentry.subentry_id,
                )
            for gone in shown[code] - wanted:
                if entity_id := entity_registry.async_get_entity_id(
                    "button", DOMAIN, f"{code}_{GESTURE_KEY_PREFIX}{gone}"
                ):
                    entity_registry.async_remove(entity_id)
            shown[code] = wanted

    await async_add_agent_entities(entry, async_add_entities, entities_for)
    # Gestures that went while Home Assistant was stopped or reloading.
    codes = {
        subentry.subentry_id: subentry.data[CONF_AGENT_CODE]
        for subentry in entry.get_subentries_of_type(SUBENTRY_TYPE_AGENT)
    }
    for registered in er.async_entries_for_config_entry(
        entity_registry, entry.entry_id
    ):
        code = codes.get(registered.config_subentry_id or "")
        if code is None or code not in coordinator.data.dynamics:
            continue
        prefix = f"{code}_{GESTURE_KEY_PREFIX}"
        if (
            registered.domain == "button"
            and registered.unique_id.startswith(prefix)
            and registered.unique_id.removeprefix(prefix) not in shown[code]
        ):
            entity_registry.async_remove(registered.entity_id)
    entry.async_on_unload(coordinator.async_add_listener(follow_gestures))


class BithumanButton(BithumanAgentEntity, ButtonEntity):
    """A button of one agent."""

    entity_description: BithumanButtonEntityDescription

    async def async_press(self) -> None:
        """Do what the button is for."""
        await self.entity_description.press_fn(self.coordinator.config_entry, self.code)


class BithumanGestureButton(BithumanAgentEntity, ButtonEntity):
    """Play one gesture in the agent's live session."""

    def __init__(
        self, coordinator: BithumanCoordinator, code: str, gesture: str
    ) -> None:
        """Name the button after the gesture, translated if bitHuman documents it."""
        key = f"{GESTURE_KEY_PREFIX}{gesture}"
        super().__init__(
            coordinator,
            code,
            ButtonEntityDescription(key=key, translation_key=key)
            if gesture in DOCUMENTED_GESTURES
            else ButtonEntityDescription(
                key=key,
                translation_key="gesture",
                translation_placeholders={"gesture": gesture_label(gesture)},
            ),
        )
        self.gesture = gesture
        self._attr_extra_state_attributes = {"gesture": gesture}

    @property
    def available(self) -> bool:
        """Available while the agent has this gesture and LiveKit is set up."""
        # Without the LiveKit connection (set in the options) it could only fail.
        dynamics = self.dynamics
        return (
            super().available
            and self.coordinator.config_entry.runtime_data.gestures is not None
            and dynamics is not None
            and self.gesture in dynamics.gestures
        )

    async def async_press(self) -> None:
        """Trigger the gesture."""
        await async_trigger_gesture(
            self.coordinator.config_entry, self.code, self.gesture
        )
