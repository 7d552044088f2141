"""A disposable dev instance for tests: the simulator and a real `hass`.

The end-to-end, browser and smoke tests all need the same thing: the bitHuman
API simulator with its demo data (on a manual clock unless asked otherwise)
and `python -m homeassistant` on free ports, on a config directory of their
own prepared the way `scripts/develop` prepares `config/`, then onboarded and
with the bitHuman entry added by `bootstrap`. `Harness` starts, drives and
stops them; `run_sync` runs a coroutine on a private event loop for the
synchronous (module- or session-scoped) fixtures that own one.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Coroutine
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
import re
import sys
from types import TracebackType
from typing import Any, Final, Self

import aiohttp

from bithuman_simulator.demo import DEMO_SECRET

from .bootstrap import BootstrapResult, bootstrap, wait_for_url
from .config_dir import REPO_ROOT, prepare_config_dir
from .ha_api import BootstrapError, Credentials, HomeAssistantApi
from .instance import Child, free_port, hass_child, simulator_child

HOST: Final = "127.0.0.1"
CONFIGURATION: Final = REPO_ROOT / "config" / "configuration.yaml"
HASS_LOG: Final = "home-assistant.log"
# Generous: they only end a test that hangs, never one on a slow machine.
START_TIMEOUT: Final = 300.0
STEP_TIMEOUT: Final = 180.0
_NAMES_BITHUMAN: Final = re.compile(r"bithuman(?![-_]ha\b)", re.IGNORECASE)
_LOG_RECORD: Final = re.compile(
    r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(?:\.\d+)? (?P<level>[A-Z]+) "
    r"\((?P<thread>[^)]*)\) \[(?P<logger>[^\]]+)\] (?P<message>.*)$"
)


def run_sync[T](coroutine: Coroutine[Any, Any, T]) -> T:
    """Run a coroutine to completion on a private event loop.

    Unlike `asyncio.run`, it leaves the thread's current event loop (the one
    pytest-asyncio set) alone. Where a loop already runs in this thread (the
    one Playwright's sync API drives between its calls), it runs in a thread
    of its own, joined before returning.
    """

    def run() -> T:
        loop = asyncio.new_event_loop()
        try:
            return loop.run_until_complete(coroutine)
        finally:
            loop.run_until_complete(loop.shutdown_asyncgens())
            # Joins the loop's executor threads (name lookups), as asyncio.run
            # does: none outlives the call.
            loop.run_until_complete(loop.shutdown_default_executor())
            loop.close()

    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return run()
    with ThreadPoolExecutor(1, thread_name_prefix="run_sync") as pool:
        return pool.submit(run).result()


def _two_free_ports() -> tuple[int, int]:
    first = free_port(HOST)
    while (second := free_port(HOST)) == first:
        pass
    return first, second


@dataclass(frozen=True, slots=True)
class LogRecord:
    """One record of home-assistant.log: its first line and what follows."""

    level: str
    logger: str
    message: str
    text: str


def log_records(text: str) -> list[LogRecord]:
    """Split Home Assistant's log into records (tracebacks stay with theirs)."""
    records: list[LogRecord] = []
    for line in text.splitlines():
        if match := _LOG_RECORD.match(line):
            records.append(
                LogRecord(match["level"], match["logger"], match["message"], line)
            )
        elif records:
            last = records[-1]
            records[-1] = LogRecord(
                last.level, last.logger, last.message, f"{last.text}\n{line}"
            )
    return records


def concerns_bithuman(record: LogRecord) -> bool:
    """Tell whether a record is about bitHuman.

    Its logger is the integration's, its message names it, or a traceback
    passes through its code (a path such as ~/.cache/bithuman-ha is no sign).
    """
    return (
        record.logger.startswith("custom_components.bithuman")
        or _NAMES_BITHUMAN.search(record.message) is not None
        or "custom_components/bithuman/" in record.text
    )


def bithuman_problems(text: str) -> list[LogRecord]:
    """Return the ERROR/CRITICAL records (or tracebacks) that concern bitHuman."""
    return [
        record
        for record in log_records(text)
        if (record.level in {"ERROR", "CRITICAL"} or "Traceback" in record.text)
        and concerns_bithuman(record)
    ]


@dataclass
class Harness:
    """The simulator and `hass` on free ports, on `work_dir/config`.

    `python` runs `hass` (another release's environment, for the smoke test);
    the simulator always runs here. Use as a context manager: both processes
    are stopped whatever happens.
    """

    work_dir: Path
    configuration: Path = CONFIGURATION
    python: Path | str = sys.executable
    manual_clock: bool = True
    sim_args: list[str] = field(default_factory=list)
    http_storage: bool = True
    """False for releases that read the HTTP address from YAML only."""
    ha_port: int = 0
    sim_port: int = 0
    hass: Child | None = None
    simulator: Child | None = None

    @property
    def config_dir(self) -> Path:
        """Home Assistant's config directory."""
        return self.work_dir / "config"

    @property
    def ha_url(self) -> str:
        """Where Home Assistant answers."""
        return f"http://{HOST}:{self.ha_port}"

    @property
    def sim_url(self) -> str:
        """Where the simulator answers."""
        return f"http://{HOST}:{self.sim_port}"

    @property
    def hass_log(self) -> Path:
        """Home Assistant's own log file."""
        return self.config_dir / HASS_LOG

    def start(self) -> Self:
        """Prepare the config directory and start both processes."""
        self.ha_port, self.sim_port = _two_free_ports()
        prepare_config_dir(
            self.config_dir,
            HOST,
            self.ha_port,
            configuration=self.configuration,
            http_storage=self.http_storage,
        )
        extra = ["--manual-clock"] if self.manual_clock else []
        self.simulator = simulator_child(
            HOST,
            self.sim_port,
            log_path=self.work_dir / "simulator.log",
            extra_args=[*extra, *self.sim_args],
        )
        self.hass = hass_child(
            self.config_dir, log_path=self.work_dir / "hass.out", python=self.python
        )
        self.simulator.start()
        self.hass.start()
        return self

    def check(self) -> None:
        """Raise (with the log's last lines) if either process has died."""
        for child in (self.hass, self.simulator):
            if child is not None:
                child.check()

    def stop(self) -> None:
        """Stop Home Assistant, then the simulator."""
        if self.hass is not None:
            self.hass.stop(timeout=30)
        if self.simulator is not None:
            self.simulator.stop(timeout=10)

    def __enter__(self) -> Self:
        """Start; see `start`."""
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        """Stop both processes."""
        self.stop()

    async def bootstrap(self, **options: Any) -> BootstrapResult:
        """Wait for the simulator, then onboard and add the bitHuman entry."""
        await wait_for_url(
            f"{self.sim_url}/_simulator/state",
            what="the bitHuman API simulator",
            within=START_TIMEOUT,
            check=self.check,
        )
        options.setdefault("start_timeout", START_TIMEOUT)
        options.setdefault("step_timeout", STEP_TIMEOUT)
        return await bootstrap(
            self.ha_url,
            api_url=self.sim_url,
            api_secret=DEMO_SECRET,
            check=self.check,
            **options,
        )

    @asynccontextmanager
    async def _logged_in(
        self, credentials: Credentials | None
    ) -> AsyncIterator[HomeAssistantApi]:
        """Log in as a user (the dev owner by default) for the length of the block."""
        credentials = credentials or Credentials()
        async with aiohttp.ClientSession() as session:
            api = HomeAssistantApi(session, self.ha_url)
            if not await api.login(credentials):
                raise BootstrapError(
                    f"The login of {credentials.username!r} was refused"
                )
            yield api

    async def frontend_login(
        self, credentials: Credentials | None = None
    ) -> dict[str, Any]:
        """Log in now (the dev owner by default); return the tokens as the frontend keeps them."""
        async with self._logged_in(credentials) as api:
            return api.frontend_tokens()

    async def websocket(
        self, command: str, credentials: Credentials | None = None, **data: Any
    ) -> Any:
        """Send one websocket command as a user (the dev owner by default); return its result."""
        async with self._logged_in(credentials) as api:
            return await api.websocket_command(command, **data)

    async def simulator_request(
        self, method: str, path: str, payload: Any = None
    ) -> Any:
        """Call the simulator's control API (`/_simulator/<path>`); return JSON."""
        async with (
            aiohttp.ClientSession() as session,
            session.request(
                method, f"{self.sim_url}/_simulator/{path}", json=payload
            ) as response,
        ):
            response.raise_for_status()
            return await response.json()

    async def advance_clock(self, seconds: float) -> float:
        """Move the simulator's manual clock forward; return its time."""
        answer = await self.simulator_request(
            "POST", "clock/advance", {"seconds": seconds}
        )
        now: float = answer["now"]
        return now

    def log_text(self) -> str:
        """Return home-assistant.log as written so far."""
        if not self.hass_log.is_file():
            return ""
        return self.hass_log.read_text(encoding="utf-8", errors="replace")
