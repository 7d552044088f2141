"""The command line, the demo data and the standalone server."""

import asyncio
import io
import socket
import sys

import aiohttp
import pytest

from bithuman_simulator import (
    DEMO_SECRET,
    ManualClock,
    RealClock,
    Simulator,
    __main__ as cli,
    seed_demo,
)
from bithuman_simulator.demo import DEMO_AGENTS, DEMO_ROOM


def test_parse_args_defaults() -> None:
    args = cli.parse_args([])
    assert (args.host, args.port, args.demo, args.manual_clock) == (
        "127.0.0.1",
        8765,
        False,
        False,
    )
    assert args.no_rate_limits is False
    assert args.generation_seconds == 180.0


def test_build_simulator_from_flags() -> None:
    args = cli.parse_args(
        [
            "--port",
            "9000",
            "--demo",
            "--manual-clock",
            "--no-rate-limits",
            "--generation-seconds",
            "60",
            "--dynamics-seconds",
            "30",
            "--regeneration-seconds",
            "5",
        ]
    )
    sim = cli.build_simulator(args)
    assert isinstance(sim.clock, ManualClock)
    assert sim.rate_limits is False
    assert (sim.generation_seconds, sim.dynamics_seconds, sim.regeneration_seconds) == (
        60,
        30,
        5,
    )
    assert {agent.code for agent in DEMO_AGENTS} == set(sim.agents)
    plain = cli.build_simulator(cli.parse_args([]))
    assert isinstance(plain.clock, RealClock)
    assert plain.agents == {}


def test_banner_lists_the_demo() -> None:
    text = cli.banner("http://127.0.0.1:8765", demo=True)
    assert "http://127.0.0.1:8765" in text
    assert DEMO_SECRET in text
    assert all(agent.code in text for agent in DEMO_AGENTS)
    assert DEMO_SECRET not in cli.banner("http://x", demo=False)


def test_main_runs_until_interrupted(monkeypatch: pytest.MonkeyPatch) -> None:
    served: list[tuple[str, int, bool]] = []

    async def fake_serve(sim: Simulator, host: str, port: int, *, demo: bool) -> None:
        served.append((host, port, demo))
        raise KeyboardInterrupt

    monkeypatch.setattr(cli, "serve", fake_serve)
    assert cli.main(["--port", "9999", "--demo"]) == 0
    assert served == [("127.0.0.1", 9999, True)]


async def test_serve_prints_and_answers(socket_enabled: None) -> None:
    sim = Simulator(clock=ManualClock())
    seed_demo(sim)
    stop = asyncio.Event()
    out = io.StringIO()
    task = asyncio.create_task(
        cli.serve(sim, "127.0.0.1", 0, demo=True, stop=stop, out=out)
    )
    for _ in range(100):
        if out.getvalue():
            break
        await asyncio.sleep(0.01)
    url = out.getvalue().split()[5]
    assert url.startswith("http://127.0.0.1:")
    async with (
        aiohttp.ClientSession() as session,
        session.post(
            f"{url}/v1/validate", headers={"api-secret": DEMO_SECRET}
        ) as reply,
    ):
        assert await reply.json() == {"valid": True}
    stop.set()
    await task


async def test_demo_agents_behave_as_described(socket_enabled: None) -> None:
    clock = ManualClock()
    sim = Simulator(clock=clock)
    account = seed_demo(sim)
    assert account.email == "demo@example.com"
    status = {code: sim.agent_json(code)["status"] for code in sim.agents}
    assert status == {
        "A10RDY0001": "ready",
        "A20NDY0002": "ready",
        "A30GEN0003": "processing",
        "A40FAI0004": "failed",
        "A50DYN0005": "ready",
    }
    dynamics = {code: sim.dynamics_json(code) for code in sim.agents}
    assert dynamics["A10RDY0001"]["url"] is not None
    assert len(dynamics["A10RDY0001"]["gestures"]) >= 5
    assert sim.agent_json("A10RDY0001")["dynamics"]["enabled"] is True
    assert dynamics["A20NDY0002"] == {
        "url": None,
        "status": "ready",
        "agent_id": "A20NDY0002",
        "gestures": {},
    }
    assert dynamics["A50DYN0005"]["status"] == "processing"
    assert sim.agent("A10RDY0001").live_rooms == [DEMO_ROOM]
    clock.advance(sim.generation_seconds)
    assert sim.agent_json("A30GEN0003")["status"] == "ready"
    assert sim.dynamics_json("A50DYN0005")["url"] is not None


async def test_module_runs_as_a_program(socket_enabled: None) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bithuman_simulator",
        "--port",
        str(port),
        "--demo",
        stdout=asyncio.subprocess.PIPE,
    )
    try:
        assert process.stdout is not None
        first = await asyncio.wait_for(process.stdout.readline(), 20)
        assert f"http://127.0.0.1:{port}" in first.decode()
        async with (
            aiohttp.ClientSession() as session,
            session.get(
                f"http://127.0.0.1:{port}/v1/agents",
                headers={"api-secret": DEMO_SECRET},
            ) as reply,
        ):
            body = await reply.json()
        assert body["pagination"]["total"] == len(DEMO_AGENTS)
    finally:
        process.terminate()
        await process.wait()


def test_new_options() -> None:
    args = cli.parse_args(
        [
            "--tts-max-chars",
            "200",
            "--webhook-base-rewrite",
            "https://ha.example.com=http://127.0.0.1:8123",
            "--webhook-base-rewrite",
            "https://b=http://c",
            "--no-embed-sessions",
        ]
    )
    sim = cli.build_simulator(args)
    assert sim.settings.tts_max_chars == 200
    assert sim.settings.embed_starts_sessions is False
    assert sim.dispatcher.rewrites == [
        ("https://ha.example.com", "http://127.0.0.1:8123"),
        ("https://b", "http://c"),
    ]
    plain = cli.build_simulator(cli.parse_args([]))
    assert plain.settings.tts_max_chars is None
    assert plain.settings.embed_starts_sessions is True


@pytest.mark.parametrize("value", ["nothing", "=http://x", "https://x="])
def test_rewrite_needs_from_and_to(value: str) -> None:
    with pytest.raises(SystemExit):
        cli.parse_args(["--webhook-base-rewrite", value])


async def test_serve_delivers_webhooks_even_on_a_manual_clock(
    socket_enabled: None, receiver
) -> None:
    clock = ManualClock()
    sim = Simulator(clock=clock)
    account = sim.add_account("s", user_id="u")
    sim.add_webhook(account, receiver.url, [], None)
    sim.add_agent("s", code="A1", status="generating")
    stop = asyncio.Event()
    task = asyncio.create_task(
        cli.serve(sim, "127.0.0.1", 0, stop=stop, out=io.StringIO())
    )
    clock.advance(sim.generation_seconds)
    for _ in range(100):
        if receiver.received:
            break
        await asyncio.sleep(0.05)
    stop.set()
    await task
    assert len(receiver.received) == 1
