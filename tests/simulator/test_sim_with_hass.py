"""The shared fixtures also work next to Home Assistant's `hass` fixture."""

from homeassistant.core import HomeAssistant
from homeassistant.helpers.aiohttp_client import async_get_clientsession

from bithuman_simulator import ManualClock, Simulator


async def test_hass_session_reaches_the_simulator(
    hass: HomeAssistant,
    simulator: Simulator,
    simulator_url: str,
    sim_clock: ManualClock,
) -> None:
    simulator.add_account("ha-secret", user_id="u-ha", email="ha@example.com")
    simulator.add_agent("ha-secret", code="A12HAS0001", status="processing")
    session = async_get_clientsession(hass)
    async with session.post(
        f"{simulator_url}/v1/validate", headers={"api-secret": "ha-secret"}
    ) as reply:
        assert await reply.json() == {"valid": True}
    sim_clock.advance(simulator.generation_seconds)
    async with session.get(
        f"{simulator_url}/v1/agent/status/A12HAS0001",
        headers={"api-secret": "ha-secret"},
    ) as reply:
        assert (await reply.json())["data"]["status"] == "ready"
    assert simulator.count(path_prefix="/v1/") == 2
