"""Buttons: generate an agent's dynamics, and one per gesture it has."""

from __future__ import annotations

from homeassistant.components.button import ButtonEntity, ButtonEntityDescription
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .actions import async_generate_dynamics, async_trigger_gesture
from .const import CONF_AGENT_CODE, DOMAIN, SUBENTRY_TYPE_AGENT
from .coordinator import BithumanConfigEntry, BithumanCoordinator
from .entity import BithumanAgentEntity, async_setup_agent_entities

PARALLEL_UPDATES = 1

GENERATE_DYNAMICS = ButtonEntityDescription(
    key="generate_dynamics", translation_key="generate_dynamics"
)
GESTURE_KEY_PREFIX = "gesture_"


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
        return [
            BithumanGenerateDynamicsButton(coordinator, code, GENERATE_DYNAMICS),
            *(
                BithumanGestureButton(coordinator, code, gesture)
                for gesture in sorted(shown[code])
            ),
        ]

    @callback
    def follow_gestures() -> None:
        subentries = entry.get_subentries_of_type(SUBENTRY_TYPE_AGENT)
        configured = {subentry.data[CONF_AGENT_CODE] for subentry in subentries}
        for code in set(shown) - configured:
            del shown[code]
        for subentry in subentries:
            code = subentry.data[CONF_AGENT_CODE]
            dynamics = coordinator.data.dynamics.get(code)
            if dynamics is None or code not in shown:
                continue
            wanted = set(dynamics.gesture_names)
            if new := wanted - shown[code]:
                async_add_entities(
                    (
                        BithumanGestureButton(coordinator, code, gesture)
                        for gesture in sorted(new)
                    ),
                    config_subentry_id=subentry.subentry_id,
                )
            for gesture in shown[code] - wanted:
                unique_id = f"{code}_{GESTURE_KEY_PREFIX}{gesture}"
                if entity_id := entity_registry.async_get_entity_id(
                    "button", DOMAIN, unique_id
                ):
                    entity_registry.async_remove(entity_id)
            shown[code] = wanted

    await async_setup_agent_entities(entry, async_add_entities, entities_for)
    entry.async_on_unload(coordinator.async_add_listener(follow_gestures))


class BithumanGenerateDynamicsButton(BithumanAgentEntity, ButtonEntity):
    """Start generating the agent's dynamics (costs 250 credits)."""

    async def async_press(self) -> None:
        """Start the generation with the default duration and model."""
        await async_generate_dynamics(
            self.hass, self.coordinator.config_entry, self.code
        )


class BithumanGestureButton(BithumanAgentEntity, ButtonEntity):
    """Play one gesture in the agent's live session."""

    _attr_translation_key = "gesture"

    def __init__(
        self, coordinator: BithumanCoordinator, code: str, gesture: str
    ) -> None:
        """Name the button after the gesture ("Mini wave hello")."""
        super().__init__(
            coordinator,
            code,
            ButtonEntityDescription(
                key=f"{GESTURE_KEY_PREFIX}{gesture}",
                translation_key="gesture",
                translation_placeholders={
                    "gesture": gesture.replace("_", " ").capitalize()
                },
            ),
        )
        self.gesture = gesture

    @property
    def available(self) -> bool:
        """Available while the agent still has this gesture."""
        dynamics = self.dynamics
        return (
            super().available
            and dynamics is not None
            and self.gesture in dynamics.gestures
        )

    async def async_press(self) -> None:
        """Trigger the gesture."""
        await async_trigger_gesture(
            self.hass, self.coordinator.config_entry, self.code, self.gesture
        )
