"""Command line: `python -m bithuman_simulator --port 8765 --demo`."""

import argparse
import asyncio
import contextlib
import sys
from typing import TYPE_CHECKING, TextIO

from .clock import ManualClock, RealClock
from .demo import DEMO_AGENTS, DEMO_ROOM, DEMO_SECRET, seed_demo
from .server import SimulatorServer
from .simulator import Simulator

if TYPE_CHECKING:
    from collections.abc import Sequence


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """Parse the command line."""
    parser = argparse.ArgumentParser(
        prog="python -m bithuman_simulator",
        description="A local simulator of the bitHuman API.",
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on")
    parser.add_argument("--port", type=int, default=8765, help="port to listen on")
    parser.add_argument(
        "--demo", action="store_true", help="create a demo account and agents"
    )
    parser.add_argument(
        "--manual-clock",
        action="store_true",
        help="freeze time; advance it with POST /_simulator/clock/advance",
    )
    parser.add_argument(
        "--no-rate-limits", action="store_true", help="never answer 429"
    )
    parser.add_argument("--generation-seconds", type=float, default=180.0)
    parser.add_argument("--dynamics-seconds", type=float, default=120.0)
    parser.add_argument("--regeneration-seconds", type=float, default=30.0)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--tts-max-chars",
        type=int,
        default=None,
        help="refuse /v1/tts text longer than this (default: any length)",
    )
    parser.add_argument(
        "--webhook-base-rewrite",
        action="append",
        default=[],
        type=_rewrite,
        metavar="FROM=TO",
        help="deliver webhooks registered under FROM to TO instead, e.g. "
        "https://ha.example.com=http://127.0.0.1:8123 (repeatable)",
    )
    parser.add_argument(
        "--no-embed-sessions",
        action="store_true",
        help="opening the embed page does not start a live session",
    )
    return parser.parse_args(argv)


def _rewrite(text: str) -> tuple[str, str]:
    """Parse `FROM=TO` (URL prefixes)."""
    source, separator, destination = text.partition("=")
    if not separator or not source or not destination:
        raise argparse.ArgumentTypeError("expected FROM=TO")
    return source, destination


def build_simulator(args: argparse.Namespace) -> Simulator:
    """Create the simulator the arguments describe."""
    sim = Simulator(
        clock=ManualClock() if args.manual_clock else RealClock(),
        rate_limits=not args.no_rate_limits,
        generation_seconds=args.generation_seconds,
        dynamics_seconds=args.dynamics_seconds,
        regeneration_seconds=args.regeneration_seconds,
        seed=args.seed,
        tts_max_chars=args.tts_max_chars,
    )
    sim.settings.embed_starts_sessions = not args.no_embed_sessions
    for source, destination in args.webhook_base_rewrite:
        sim.rewrite_webhooks(source, destination)
    if args.demo:
        seed_demo(sim)
    return sim


def banner(url: str, *, demo: bool) -> str:
    """Return what the server prints on start."""
    lines = [f"bitHuman API simulator listening on {url}"]
    lines.append(f"Control endpoint: {url}/_simulator/state")
    if demo:
        lines.append(f"Demo API secret: {DEMO_SECRET}")
        lines.append("Demo agents:")
        lines.extend(
            f"  {agent.code}  {agent.name:<17} {agent.summary}" for agent in DEMO_AGENTS
        )
        lines.append(
            f"Live room for speak/add-context: {DEMO_ROOM} "
            "(a live session, billed per minute)"
        )
    return "\n".join(lines) + "\n"


async def serve(
    sim: Simulator,
    host: str,
    port: int,
    *,
    demo: bool = False,
    stop: asyncio.Event | None = None,
    out: TextIO | None = None,
) -> None:
    """Serve `sim` until `stop` is set (or forever)."""
    async with SimulatorServer(sim, host, port, background_webhooks=True) as server:
        stream = out or sys.stdout
        stream.write(banner(server.url, demo=demo))
        stream.flush()
        await (stop or asyncio.Event()).wait()


def main(argv: Sequence[str] | None = None) -> int:
    """Run the simulator from the command line."""
    args = parse_args(argv)
    sim = build_simulator(args)
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(serve(sim, args.host, args.port, demo=args.demo))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
