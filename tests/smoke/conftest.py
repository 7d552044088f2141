"""The smoke test talks to real processes over real sockets on 127.0.0.1."""

import pytest


@pytest.fixture(autouse=True)
def _real_sockets(socket_enabled: None) -> None:
    """Let every test here open sockets (the Home Assistant plugin blocks them)."""
