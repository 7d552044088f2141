"""The simulator's home page: where a device's "Visit" link leads."""

from bithuman_simulator import Simulator

from .conftest import SECRET, Api


async def test_home_page_lists_the_agents(api: Api, simulator: Simulator) -> None:
    simulator.add_agent(SECRET, code="A1", name="Front Door")
    reply = await api.get("/", auth=None)
    assert reply.status == 200
    assert "bitHuman API simulator" in reply.text
    assert "Front Door" in reply.text
    assert "/_simulator/state" in reply.text
