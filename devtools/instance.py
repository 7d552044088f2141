"""A Home Assistant config directory and the two child processes of a dev instance.

Child processes run in their own session (a terminal's Ctrl-C reaches only the
parent, which stops them in order) and, on Linux, get SIGTERM if the parent
dies without cleaning up, so none is ever left running.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
import contextlib
import ctypes
import ctypes.util
from dataclasses import dataclass, field
from datetime import UTC, datetime
import json
import os
from pathlib import Path
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from typing import IO, Final

REPO_ROOT: Final = Path(__file__).resolve().parents[1]
INTEGRATION_DIR: Final = REPO_ROOT / "custom_components" / "bithuman"
CONFIGURATION_YAML: Final = "configuration.yaml"
HTTP_STORAGE_KEY: Final = "http"
HTTP_STORAGE_VERSION: Final = 2
HTTP_STORAGE_MINOR_VERSION: Final = 2

# Home Assistant's defaults for the stored HTTP settings (the `http` storage
# schema applied to `{}`). `tests/e2e` checks them against Home Assistant's own
# schema, so an upgrade that changes them fails a test instead of a start.
HTTP_DEFAULTS: Final[dict[str, object]] = {
    "cors_allowed_origins": ["https://cast.home-assistant.io"],
    "login_attempts_threshold": -1,
    "ip_ban_enabled": True,
    "ssl_profile": "modern",
    "use_x_frame_options": True,
}
_HTTP_META_KEYS: Final = ("created_at", "error", "error_message")

RECENT_LINES: Final = 200
RESTART_EXIT_CODE: Final = 100  # `hass` exits with it when a restart is asked for
_PR_SET_PDEATHSIG: Final = 1


class ProcessExitedError(Exception):
    """A child process ended when it should still be running."""


# --- the config directory ---------------------------------------------------


def http_settings(host: str, port: int) -> dict[str, object]:
    """Return the HTTP settings (as Home Assistant stores them) for host:port."""
    return {"server_port": port, "server_host": [host], **HTTP_DEFAULTS}


def write_http_storage(config_dir: Path, host: str, port: int) -> bool:
    """Make `host:port` Home Assistant's confirmed ("stable") HTTP settings.

    Home Assistant 2026.10 applies an `http:` block of configuration.yaml as a
    five-minute trial that is reverted (with a restart) unless promoted. The
    settings it keeps live in `.storage/http`; writing them there before it
    starts is the one file under `.storage` this tool writes by hand. Returns
    whether the file changed.
    """
    path = config_dir / ".storage" / HTTP_STORAGE_KEY
    wanted = http_settings(host, port)
    with contextlib.suppress(OSError, ValueError, KeyError, TypeError):
        data = json.loads(path.read_text(encoding="utf-8"))["data"]
        stable = {
            key: value
            for key, value in data["stable"].items()
            if key not in _HTTP_META_KEYS
        }
        if stable == wanted and data["pending"] is None:
            return False
    stored = {
        "version": HTTP_STORAGE_VERSION,
        "minor_version": HTTP_STORAGE_MINOR_VERSION,
        "key": HTTP_STORAGE_KEY,
        "data": {
            "stable": {
                **wanted,
                "created_at": datetime.now(UTC).isoformat(),
                "error": None,
                "error_message": None,
            },
            "pending": None,
            "yaml_migration_done": True,
        },
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(stored, indent=2) + "\n", encoding="utf-8")
    path.chmod(0o600)
    return True


def link_integration(config_dir: Path) -> None:
    """Point `<config>/custom_components/bithuman` at the repository's integration."""
    link = config_dir / "custom_components" / "bithuman"
    target = Path(os.path.relpath(INTEGRATION_DIR, link.parent))
    if link.is_symlink():
        if link.readlink() == target:
            return
        link.unlink()
    elif link.exists():
        raise FileExistsError(
            f"{link} exists and is not a symlink; remove it (or run with --reset)"
        )
    link.parent.mkdir(parents=True, exist_ok=True)
    link.symlink_to(target, target_is_directory=True)


def prepare_config_dir(
    config_dir: Path, host: str, port: int, *, configuration: Path | None = None
) -> None:
    """Make a config directory ready for `hass`: YAML, integration link, HTTP."""
    config_dir.mkdir(parents=True, exist_ok=True)
    if configuration is not None:
        shutil.copyfile(configuration, config_dir / CONFIGURATION_YAML)
    link_integration(config_dir)
    write_http_storage(config_dir, host, port)


def reset_config_dir(config_dir: Path) -> list[str]:
    """Delete everything in the config directory but configuration.yaml.

    Returns the names removed. Everything else there is generated (and
    ignored by git): `.storage`, the database, logs, the integration link.
    """
    removed: list[str] = []
    for entry in sorted(config_dir.iterdir()):
        if entry.name == CONFIGURATION_YAML:
            continue
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry)
        else:
            entry.unlink()
        removed.append(entry.name)
    return removed


# --- ports --------------------------------------------------------------------


def port_is_free(host: str, port: int) -> bool:
    """Tell whether a server could listen on host:port now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        # Servers set SO_REUSEADDR too: a previous run's TIME_WAIT is no obstacle.
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError:
            return False
    return True


def free_port(host: str = "127.0.0.1") -> int:
    """Return a port nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        port: int = sock.getsockname()[1]
    return port


# --- child processes ----------------------------------------------------------


def _load_prctl() -> Callable[..., int] | None:
    """Return libc's prctl on Linux (looked up now: nothing is loaded after fork)."""
    if not sys.platform.startswith("linux"):
        return None
    with contextlib.suppress(OSError, AttributeError):
        prctl: Callable[..., int] = ctypes.CDLL(ctypes.util.find_library("c")).prctl
        return prctl
    return None


_PRCTL: Final = _load_prctl()


def _die_with_parent() -> None:
    """Run in the child before exec: get SIGTERM when the parent dies."""
    if _PRCTL is not None:
        _PRCTL(_PR_SET_PDEATHSIG, signal.SIGTERM)


@dataclass(slots=True)
class Child:
    """A child process in its own process group.

    Its output goes to `log_path` (appended) if given; else, with `relay`,
    through a pipe: kept (last lines only) until `show_output()`, then copied
    to our stdout line by line; else to our stdout directly.
    """

    name: str
    argv: list[str]
    log_path: Path | None = None
    relay: bool = False
    cwd: Path = REPO_ROOT
    env: dict[str, str] | None = None
    popen: subprocess.Popen[bytes] | None = field(default=None, repr=False)
    _log: IO[bytes] | None = field(default=None, repr=False)
    _recent: deque[str] = field(default_factory=lambda: deque(maxlen=RECENT_LINES))
    _show: threading.Event = field(default_factory=threading.Event, repr=False)

    def start(self) -> Child:
        """Start (or restart) the process."""
        output: IO[bytes] | int | None = None
        if self.log_path is not None:
            if self._log is None:
                self.log_path.parent.mkdir(parents=True, exist_ok=True)
                self._log = self.log_path.open("ab")
            output = self._log
        elif self.relay:
            output = subprocess.PIPE
        self.popen = subprocess.Popen(  # noqa: S603 - our own interpreter and modules
            self.argv,
            cwd=self.cwd,
            env=self.env,
            stdin=subprocess.DEVNULL,
            stdout=output,
            stderr=None if output is None else subprocess.STDOUT,
            start_new_session=True,
            # Only prctl runs between fork and exec (looked up beforehand).
            preexec_fn=_die_with_parent,  # noqa: PLW1509
        )
        if self.popen.stdout is not None:
            threading.Thread(
                target=self._pump,
                args=(self.popen.stdout,),
                name=f"output of {self.name}",
                daemon=True,
            ).start()
        return self

    def _pump(self, stream: IO[bytes]) -> None:
        with stream:
            for raw in iter(stream.readline, b""):
                line = raw.decode(errors="replace")
                self._recent.append(line.rstrip("\n"))
                if self._show.is_set():
                    sys.stdout.write(line)
                    sys.stdout.flush()

    def show_output(self) -> None:
        """From now on, copy the relayed output to our stdout."""
        self._show.set()

    @property
    def pid(self) -> int | None:
        """The process id, once started."""
        return None if self.popen is None else self.popen.pid

    def returncode(self) -> int | None:
        """Return the exit code, or None while it runs."""
        return None if self.popen is None else self.popen.poll()

    def log_tail(self, lines: int = 25) -> str:
        """Return the last lines of its output (if kept in a file or relayed)."""
        if self.log_path is None:
            return "\n".join(list(self._recent)[-lines:])
        if not self.log_path.is_file():
            return ""
        with self.log_path.open("rb") as log:
            log.seek(0, os.SEEK_END)
            log.seek(max(0, log.tell() - 64 * 1024))
            text = log.read().decode(errors="replace")
        return "\n".join(text.splitlines()[-lines:])

    def check(self) -> None:
        """Raise `ProcessExitedError` if the process has ended."""
        if (code := self.returncode()) is not None:
            message = f"{self.name} exited with code {code}"
            if tail := self.log_tail():
                message += f"; its last lines:\n{tail}"
            raise ProcessExitedError(message)

    def send(self, signum: signal.Signals) -> None:
        """Send a signal to the process group while its leader runs."""
        if self.popen is not None and self.popen.poll() is None:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(self.popen.pid, signum)

    def finish(self) -> int | None:
        """After the leader exited: kill what it left in its group, close the log."""
        if self.popen is None:
            return None
        code = self.popen.poll()
        if code is not None:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(self.popen.pid, signal.SIGKILL)
        if self._log is not None:
            self._log.close()
            self._log = None
        return code

    def stop(self, timeout: float = 30.0) -> int | None:
        """Stop the process group: SIGTERM, then SIGKILL after `timeout` seconds.

        Returns the exit code (None if it was never started).
        """
        if self.popen is None:
            return None
        self.send(signal.SIGTERM)
        try:
            self.popen.wait(timeout)
        except subprocess.TimeoutExpired:
            self.send(signal.SIGKILL)
            self.popen.wait()
        return self.finish()


def simulator_child(
    host: str,
    port: int,
    *,
    log_path: Path | None = None,
    extra_args: list[str] | None = None,
) -> Child:
    """Return (not started) the bitHuman API simulator with its demo data."""
    argv = [
        sys.executable,
        "-m",
        "bithuman_simulator",
        "--host",
        host,
        "--port",
        str(port),
        "--demo",
        *(extra_args or []),
    ]
    return Child("the bitHuman API simulator", argv, log_path=log_path)


def hass_child(
    config_dir: Path, *, log_path: Path | None = None, relay: bool = False
) -> Child:
    """Return (not started) Home Assistant on `config_dir`.

    `--skip-pip`: what it needs is installed by `packages`, so it never
    changes the virtual environment or waits on a package index while
    starting. Home Assistant also writes `<config>/home-assistant.log`.
    """
    argv = [
        sys.executable,
        "-m",
        "homeassistant",
        "--config",
        str(config_dir),
        "--skip-pip",
    ]
    if log_path is not None or (relay and not sys.stdout.isatty()):
        argv.append("--log-no-color")
    return Child("Home Assistant", argv, log_path=log_path, relay=relay)


def wait_for_exit(children: list[Child], poll: float = 0.5) -> Child:
    """Block until one of the children exits; return it."""
    while True:
        for child in children:
            if child.returncode() is not None:
                return child
        time.sleep(poll)
