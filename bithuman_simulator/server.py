"""Serve a Simulator on a real TCP port (tests, benchmarks, the CLI)."""

import asyncio
import contextlib
import logging
from typing import TYPE_CHECKING, Self

from aiohttp import web

from .app import create_app
from .clock import ManualClock

if TYPE_CHECKING:
    from types import TracebackType

    from .simulator import Simulator

DELIVERY_INTERVAL = 0.2
_LOGGER = logging.getLogger(__name__)


class SimulatorServer:
    """An HTTP server for a Simulator; use as `async with` or start()/stop().

    While it runs it delivers queued webhook events in the background, every
    `DELIVERY_INTERVAL` seconds, when `background_webhooks` is on (default:
    on with a real clock; a test on a manual clock calls
    `await sim.flush_webhooks()` instead, so deliveries stay deterministic).
    """

    def __init__(
        self,
        simulator: Simulator,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        shutdown_timeout: float = 1.0,
        background_webhooks: bool | None = None,
    ) -> None:
        """Serve `simulator` on `host`:`port` (port 0: any free port)."""
        self.simulator = simulator
        self.host = host
        self.port = port
        self._shutdown_timeout = shutdown_timeout
        self._runner: web.AppRunner | None = None
        self._background = (
            not isinstance(simulator.clock, ManualClock)
            if background_webhooks is None
            else background_webhooks
        )
        self._deliveries: asyncio.Task[None] | None = None

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
        self.simulator.public_url = self.url
        if self._background:
            self._deliveries = asyncio.create_task(self._deliver_forever())
        return self.url

    async def _deliver_forever(self) -> None:
        """Deliver queued webhook events as they fall due."""
        while True:
            await asyncio.sleep(DELIVERY_INTERVAL)
            try:
                await self.simulator.flush_webhooks()
            except Exception:
                _LOGGER.exception("Webhook delivery failed; trying again shortly")

    async def stop(self) -> None:
        """Stop delivering and listening, and close every connection."""
        if self._deliveries is not None:
            self._deliveries.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._deliveries
            self._deliveries = None
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
