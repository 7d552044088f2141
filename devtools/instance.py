"""The child processes of a dev instance (the simulator, `hass`) and free ports.

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
import os
from pathlib import Path
import signal
import socket
import subprocess
import sys
import threading
import time
from typing import IO, Final

REPO_ROOT: Final = Path(__file__).resolve().parents[1]
RECENT_LINES: Final = 200
RESTART_EXIT_CODE: Final = 100  # `hass` exits with it when a restart is asked for
_PR_SET_PDEATHSIG: Final = 1


class ProcessExitedError(Exception):
    """A child process ended when it should still be running."""


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
    config_dir: Path,
    *,
    log_path: Path | None = None,
    relay: bool = False,
    python: Path | str = sys.executable,
) -> Child:
    """Return (not started) Home Assistant on `config_dir`, run by `python`.

    `--skip-pip`: what it needs is in the lock (`ha_requirements`), so it
    never changes the virtual environment or waits on a package index while
    starting. Home Assistant also writes `<config>/home-assistant.log`.
    """
    argv = [
        str(python),
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
