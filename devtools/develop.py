"""`scripts/develop`: a real Home Assistant with bitHuman against the simulator.

Starts the bitHuman API simulator with its demo data and `hass -c config`;
on first start onboards a local owner and adds the bitHuman entry (see
`bootstrap`); prints where to log in; then keeps both running. Ctrl-C stops
both. A restart asked for from Home Assistant's UI restarts `hass`.

Environment: BITHUMAN_HA_PORT (8123), BITHUMAN_SIM_PORT (8765),
BITHUMAN_HA_HOST (127.0.0.1, the address Home Assistant listens on) and
BITHUMAN_SIM_ARGS (extra simulator options, e.g. "--manual-clock").
"""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
import os
from pathlib import Path
import shlex
import signal
import sys
import time
from types import FrameType
from typing import Final, NoReturn

from bithuman_simulator.demo import DEMO_AGENTS, DEMO_SECRET

from .bootstrap import (
    DEV_PASSWORD,
    DEV_USERNAME,
    BootstrapError,
    BootstrapResult,
    bootstrap,
    wait_for_url,
)
from .config_dir import (
    CONFIGURATION_YAML,
    REPO_ROOT,
    prepare_config_dir,
    reset_config_dir,
)
from .ha_requirements import missing_for_hass
from .instance import (
    RESTART_EXIT_CODE,
    Child,
    ProcessExitedError,
    hass_child,
    port_is_free,
    simulator_child,
    wait_for_exit,
)

CONFIG_DIR: Final = REPO_ROOT / "config"
SIMULATOR_LOG: Final = "bithuman_simulator.log"
LOCALHOST: Final = "127.0.0.1"
DEFAULT_HA_PORT: Final = 8123
DEFAULT_SIM_PORT: Final = 8765
STOP_TIMEOUT: Final = 30.0
SIMULATOR_START_TIMEOUT: Final = 30.0


class StopRequestedError(Exception):
    """SIGTERM or SIGHUP arrived: stop like Ctrl-C."""


@dataclass(frozen=True, slots=True)
class Settings:
    """Ports and addresses, from the environment."""

    ha_port: int = DEFAULT_HA_PORT
    sim_port: int = DEFAULT_SIM_PORT
    ha_host: str = LOCALHOST
    sim_args: tuple[str, ...] = ()
    config_dir: Path = CONFIG_DIR

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> Settings:
        """Read BITHUMAN_HA_PORT, BITHUMAN_SIM_PORT, BITHUMAN_HA_HOST, ..._SIM_ARGS."""

        def port(name: str, default: int) -> int:
            raw = env.get(name, "").strip()
            if not raw:
                return default
            if not raw.isdigit() or not 0 < int(raw) < 65536:
                raise ValueError(f"{name}={raw!r} is not a port number")
            return int(raw)

        return cls(
            ha_port=port("BITHUMAN_HA_PORT", DEFAULT_HA_PORT),
            sim_port=port("BITHUMAN_SIM_PORT", DEFAULT_SIM_PORT),
            ha_host=env.get("BITHUMAN_HA_HOST", "").strip() or LOCALHOST,
            sim_args=tuple(shlex.split(env.get("BITHUMAN_SIM_ARGS", ""))),
        )

    @property
    def ha_url(self) -> str:
        """Where Home Assistant answers (always through the loopback address)."""
        return f"http://{LOCALHOST}:{self.ha_port}"

    @property
    def sim_url(self) -> str:
        """Where the simulator answers."""
        return f"http://{LOCALHOST}:{self.sim_port}"


def say(text: str = "") -> None:
    """Print a line now (Home Assistant's log shares the terminal)."""
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


class Phases:
    """Print each phase as it ends, with its duration."""

    def __init__(self) -> None:
        """Start the clock."""
        self.started = time.monotonic()
        self.last = self.started
        self.extra = 0.0

    def done(self, label: str, seconds: float | None = None) -> None:
        """Report a phase; without seconds, the time since the previous one."""
        now = time.monotonic()
        if seconds is None:
            seconds = now - self.last
        self.last = now
        say(f"==> {label:<64} {seconds:6.1f} s")

    def add_outside(self, label: str, seconds: float) -> None:
        """Report a phase timed before this process started (scripts/setup)."""
        self.extra += seconds
        self.done(label, seconds)
        self.last = time.monotonic()

    @property
    def total(self) -> float:
        """Seconds since the start, setup included."""
        return time.monotonic() - self.started + self.extra


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """Parse the command line."""
    parser = argparse.ArgumentParser(
        prog="scripts/develop",
        description=(
            "Run a real Home Assistant with the bitHuman integration against the"
            " local bitHuman API simulator (demo agents, no account needed)."
        ),
        epilog=(
            "Environment: BITHUMAN_HA_PORT (8123), BITHUMAN_SIM_PORT (8765),"
            " BITHUMAN_HA_HOST (127.0.0.1), BITHUMAN_SIM_ARGS (e.g."
            ' "--manual-clock --generation-seconds 30").'
        ),
    )
    parser.add_argument(
        "--reset",
        action="store_true",
        help="delete everything in config/ but configuration.yaml, then start fresh",
    )
    parser.add_argument(
        "--no-entry",
        action="store_true",
        help="do not add the bitHuman entry (to try the config flow in the UI)",
    )
    return parser.parse_args(argv)


def banner(settings: Settings, result: BootstrapResult, seconds: float) -> str:
    """Return what to print once everything is up."""
    ha, sim = settings.ha_url, settings.sim_url
    width = max(len(agent.name) for agent in DEMO_AGENTS)
    lines = [
        "",
        f"bitHuman development instance up in {seconds:.1f} s",
        "",
        f"  Home Assistant  {ha}",
        f"    log in as     {DEV_USERNAME} / {DEV_PASSWORD}",
        f"  Simulator       {sim}  (the bitHuman API; demo API secret: {DEMO_SECRET})",
        f"    control       {sim}/_simulator/state  (faults, credits, rooms: README)",
        "",
    ]
    if result.entry_problem is not None:
        lines += [
            f"  The bitHuman entry did not load ({result.entry_problem}).",
            "    It keeps the simulator URL of its first start; if BITHUMAN_SIM_PORT",
            f"    changed since, reconfigure it (Advanced > API URL {sim})",
            "    or run scripts/develop --reset.",
        ]
    elif result.entry in {"created", "existing"}:
        lines += [
            f"  You will see    {ha}/config/integrations/integration/bithuman",
            (
                f"    {result.devices} devices, {result.entities} entities: the"
                ' "bitHuman account" (credits, plan) and one device per demo agent:'
            ),
            *(
                f"      {agent.name:<{width}}  {agent.code}  {agent.summary}"
                for agent in DEMO_AGENTS
            ),
        ]
    elif result.entry == "skipped":
        lines += [
            (
                "  No bitHuman entry yet: Settings > Devices & services"
                " > Add integration > bitHuman,"
            ),
            f"    API secret {DEMO_SECRET}, Advanced > API URL {sim}",
        ]
    else:
        lines += [
            (
                f"  Could not log in as {DEV_USERNAME!r}: the bitHuman entry was"
                " not checked."
            ),
            "    scripts/develop --reset starts over with a fresh instance.",
        ]
    lines += [
        "",
        (
            "  Logs            Home Assistant: here and config/home-assistant.log;"
            f" simulator: config/{SIMULATOR_LOG}"
        ),
        "  Stop            Ctrl-C (stops Home Assistant and the simulator)",
        "",
    ]
    return "\n".join(lines)


def _raise_stop(signum: int, _frame: FrameType | None) -> NoReturn:
    raise StopRequestedError(signal.Signals(signum).name)


def check_all(children: Sequence[Child]) -> Callable[[], None]:
    """Return a check that raises once any of the children has exited."""

    def check() -> None:
        for child in children:
            child.check()

    return check


def supervise(hass: Child, simulator: Child) -> int:
    """Keep both running; restart `hass` when it asks to. Return the exit code."""
    while True:
        exited = wait_for_exit([hass, simulator])
        code = exited.returncode()
        if exited is hass and code == RESTART_EXIT_CODE:
            say("==> Home Assistant asked for a restart: starting it again")
            hass.finish()
            hass.start()
            continue
        if exited is hass and code == 0:
            say("==> Home Assistant stopped; stopping the simulator")
            return 0
        exited.check()  # raises ProcessExitedError with the log's last lines


def stop_all(children: Sequence[Child]) -> None:
    """Stop the children in order: SIGTERM, wait, SIGKILL; a 2nd Ctrl-C hurries."""
    hurry = False

    def on_signal(_signum: int, _frame: FrameType | None) -> None:
        nonlocal hurry
        hurry = True

    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, on_signal)
    for child in children:
        if child.popen is None:
            continue
        started = time.monotonic()
        child.send(signal.SIGTERM)
        while child.returncode() is None:
            if hurry or time.monotonic() - started > STOP_TIMEOUT:
                child.send(signal.SIGKILL)
            time.sleep(0.1)
        code = child.finish()
        how = "" if code in {0, -signal.SIGTERM} else f" (exit code {code})"
        say(f"==> Stopped {child.name}{how} in {time.monotonic() - started:.1f} s")


def main(argv: Sequence[str] | None = None) -> int:
    """Run the development instance until Ctrl-C."""
    args = parse_args(argv)
    try:
        settings = Settings.from_env(os.environ)
    except ValueError as err:
        say(f"error: {err}")
        return 2
    phases = Phases()
    if setup_seconds := os.environ.get("BITHUMAN_DEVELOP_SETUP_SECONDS"):
        phases.add_outside("Setup: .venv ready (scripts/setup)", float(setup_seconds))

    busy = [
        f"{name} port {port} ({variable})"
        for name, host, port, variable in (
            ("Home Assistant", settings.ha_host, settings.ha_port, "BITHUMAN_HA_PORT"),
            ("simulator", LOCALHOST, settings.sim_port, "BITHUMAN_SIM_PORT"),
        )
        if not port_is_free(host, port)
    ]
    if busy:
        say(
            f"error: {' and '.join(busy)} already in use. Is another scripts/develop"
            " running? Stop it, or choose other ports, e.g.\n"
            "  BITHUMAN_HA_PORT=8124 BITHUMAN_SIM_PORT=8766 scripts/develop"
        )
        return 2

    config_dir = settings.config_dir
    if args.reset:
        removed = reset_config_dir(config_dir)
        phases.done(f"Reset config/: removed {', '.join(removed) or 'nothing'}")
    if missing := missing_for_hass(config_dir / CONFIGURATION_YAML):
        say(
            "error: Home Assistant needs packages this environment lacks:"
            f" {', '.join(missing)}. Run scripts/setup (or, if configuration.yaml"
            " or the integration's platforms changed, scripts/lock)."
        )
        return 1
    phases.done("Home Assistant runtime packages checked (all locked)")
    prepare_config_dir(config_dir, settings.ha_host, settings.ha_port)
    phases.done(
        f"config/ ready: integration linked, HTTP on"
        f" {settings.ha_host}:{settings.ha_port}"
    )

    simulator = simulator_child(
        LOCALHOST,
        settings.sim_port,
        log_path=config_dir / SIMULATOR_LOG,
        extra_args=list(settings.sim_args),
    )
    # Its startup log (noisy about integrations unrelated to bitHuman) stays in
    # config/home-assistant.log; the terminal shows its log from the banner on.
    hass = hass_child(config_dir, relay=True)
    children = [hass, simulator]  # stopped in this order
    # Ctrl-C raises KeyboardInterrupt even if the caller started us with
    # SIGINT ignored (as shells do for background jobs); SIGTERM/SIGHUP stop too.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    for signum in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, _raise_stop)
    try:
        simulator.start()
        asyncio.run(
            wait_for_url(
                f"{settings.sim_url}/_simulator/state",
                what="the bitHuman API simulator",
                within=SIMULATOR_START_TIMEOUT,
                check=simulator.check,
            )
        )
        phases.done(f"bitHuman API simulator up at {settings.sim_url} (demo data)")
        hass.start()
        result = asyncio.run(
            bootstrap(
                settings.ha_url,
                api_url=settings.sim_url,
                api_secret=DEMO_SECRET,
                add_entry=not args.no_entry,
                check=check_all(children),
                on_phase=phases.done,
            )
        )
        say(banner(settings, result, phases.total))
        say("Home Assistant's log follows (from its start: config/home-assistant.log)")
        hass.show_output()
        return supervise(hass, simulator)
    except KeyboardInterrupt, StopRequestedError:
        say("\n==> Stopping")
        return 0
    except (BootstrapError, ProcessExitedError, OSError) as err:
        say(f"error: {err}")
        return 1
    finally:
        stop_all(children)


if __name__ == "__main__":
    raise SystemExit(main())
