"""One dev instance for the e2e tests: the simulator (manual clock) and a real `hass`.

Started the way `scripts/develop` starts them (`devtools.harness`), onboarded
and with the bitHuman entry added once; the tests share it (each asserts only what it changes itself).
They talk to real processes over real sockets on 127.0.0.1.
"""

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import pytest_socket

from devtools.bootstrap import BootstrapResult, HomeAssistantApi
from devtools.harness import Harness, run_sync


@pytest.fixture(autouse=True)
def _real_sockets(socket_enabled: None) -> None:
    """Let every test here open sockets (the Home Assistant plugin blocks them)."""


@dataclass
class DevInstance:
    """The running processes and what the first bootstrap reported."""

    harness: Harness
    first: BootstrapResult
    phases: list[str] = field(default_factory=list)

    @property
    def token(self) -> str:
        """An access token of the owner (valid 30 minutes)."""
        assert self.first.access_token
        return self.first.access_token


async def preferred_pipeline(api: HomeAssistantApi) -> dict[str, Any]:
    """Return Home Assistant's preferred Assist pipeline."""
    listing = await api.websocket_command("assist_pipeline/pipeline/list")
    return next(
        pipeline
        for pipeline in listing["pipelines"]
        if pipeline["id"] == listing["preferred_pipeline"]
    )


@pytest.fixture(scope="package")
def dev_instance(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DevInstance]:
    """Start, onboard and bootstrap the instance; stop it after the last e2e test."""
    # Set up before any test's `socket_enabled`: allow sockets for it too.
    pytest_socket.enable_socket()
    work_dir: Path = tmp_path_factory.mktemp("dev-instance")
    with Harness(work_dir, manual_clock=True) as harness:
        phases: list[str] = []
        first = run_sync(
            harness.bootstrap(on_phase=lambda label, _seconds: phases.append(label))
        )
        yield DevInstance(harness, first, phases)
