"""Smoke."""
from homeassistant.core import HomeAssistant
from pytest_homeassistant_custom_component.common import MockConfigEntry

from bithuman_simulator import Simulator


async def test_smoke(hass: HomeAssistant, init_integration: MockConfigEntry, simulator: Simulator) -> None:
    simulator.clear_requests()
    resp = await hass.services.async_call("bithuman", "speak", {"message": "Hi"}, target={"entity_id": "sensor.front_door_status"}, blocking=True, return_response=True)
    print(resp, simulator.requests)
