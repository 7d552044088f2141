"""Serve a Simulator on a real TCP port (tests, benchmarks, the CLI)."""

from typing import TYPE_CHECKING, Self

from aiohttp import web

from .app import create_app

if TYPE_CHECKING:
    from types import TracebackType

    from .simulator import Simulator


class SimulatorServer:
    """An HTTP server for a Simulator; use as `async with` or start()/stop()."""

    def __init__(
        self,
        simulator: Simulator,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        shutdown_timeout: float = 1.0,
    ) -> None:
        """Serve `simulator` on `host`:`port` (port 0: any free port)."""
        self.simulator = simulator
        self.host = host
        self.port = port
        self._shutdown_timeout = shutdown_timeout
        self._runner: web.AppRunner | None = None

    @property
    def url(self) -> str:
        """Return the base URL, without a trailing slash."""
        return f"http://{self.host}:{self.port}"

    async def start(self) -> str:
        """Start listening and return the base URL."""
        runner = web.AppRunner(
            create_app(self.simulator),
            access_log=None,
            shutdown_timeout=self._shutdown_timeout,
        )
        await runner.setup()
        site = web.TCPSite(runner, self.host, self.port)
        await site.start()
        self._runner = runner
        self.port = int(runner.addresses[0][1])
        return self.url

    async def stop(self) -> None:
        """Stop listening and close every connection."""
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> Self:
        """Start the server."""
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        """Stop the server."""
        await self.stop()
