"""Fixtures for the API client tests: a scriptable HTTP server and helpers."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
import json
from typing import Any

import aiohttp
from aiohttp import web
from aiohttp.test_utils import TestServer
import pytest

from bithuman_simulator import ManualClock, Simulator
from bithuman_simulator.records import Account
from custom_components.bithuman.api import BithumanClient, RetryPolicy

SECRET = "sk_test_super_secret_value"
SIM_SECRET = "sk_sim_secret_0123456789"
USER_ID = "user-1"

type Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@dataclass
class Reply:
    """What the stub server answers to one request."""

    status: int = 200
    body: bytes | Any = b"{}"
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    drop: bool = False

    def encoded(self) -> bytes:
        """Return the body as bytes, JSON-encoding anything that is not bytes."""
        if isinstance(self.body, bytes):
            return self.body
        return json.dumps(self.body).encode()


@dataclass
class Seen:
    """One request the stub server received."""

    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    json: Any


class Stub:
    """A local HTTP server answering scripted replies in order.

    The last reply repeats once the script runs out.
    """

    def __init__(self) -> None:
        """Start with an empty script."""
        self.replies: list[Reply] = [Reply()]
        self.requests: list[Seen] = []
        self.url = ""

    def script(self, *replies: Reply) -> None:
        """Replace the script."""
        self.replies = list(replies)
        self.requests.clear()

    async def handle(self, request: web.Request) -> web.StreamResponse:
        """Answer the next scripted reply."""
        raw = await request.read()
        try:
            body = json.loads(raw) if raw else None
        except ValueError:
            body = raw
        self.requests.append(
            Seen(
                request.method,
                request.path,
                dict(request.query),
                dict(request.headers),
                body,
            )
        )
        reply = self.replies.pop(0) if len(self.replies) > 1 else self.replies[0]
        if reply.delay:
            await asyncio.sleep(reply.delay)
        if reply.drop:
            assert request.transport is not None
            request.transport.close()
            return web.Response()
        return web.Response(
            status=reply.status, body=reply.encoded(), headers=reply.headers
        )


class RecordingSleep:
    """An injectable ``sleep`` that records delays instead of waiting."""

    def __init__(self) -> None:
        """Start with no recorded delays."""
        self.delays: list[float] = []

    async def __call__(self, delay: float) -> None:
        """Record the delay and yield to the loop."""
        self.delays.append(delay)
        await asyncio.sleep(0)


@asynccontextmanager
async def serving(handler: Handler) -> AsyncIterator[str]:
    """Serve `handler` for every path on 127.0.0.1; yield its base URL."""
    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", handler)
    server = TestServer(app, host="127.0.0.1")
    await server.start_server()
    try:
        yield str(server.make_url("")).rstrip("/")
    finally:
        await server.close()


def fixed_policy(sleep: RecordingSleep) -> RetryPolicy:
    """Return a policy of 3 attempts, 1-4 s backoff, no jitter, sleeping on `sleep`."""
    return RetryPolicy(
        attempts=3,
        base_delay=1.0,
        max_delay=4.0,
        max_retry_after=30.0,
        sleep=sleep,
        random=lambda: 1.0,
    )


def sim_client(
    session: aiohttp.ClientSession, url: str, policy: RetryPolicy, timeout: float
) -> BithumanClient:
    """Return a client authenticated with SIM_SECRET, waiting `timeout` s per answer."""
    return BithumanClient(
        session, SIM_SECRET, base_url=url, request_timeout=timeout, retry=policy
    )


@pytest.fixture(autouse=True)
def _allow_local_sockets(socket_enabled: None) -> None:
    """Let the tests open sockets (Home Assistant's plugin blocks them)."""


@pytest.fixture
async def stub() -> AsyncIterator[Stub]:
    """Serve a scriptable stub on 127.0.0.1."""
    stub = Stub()
    async with serving(stub.handle) as url:
        stub.url = url
        yield stub


@pytest.fixture
async def session() -> AsyncIterator[aiohttp.ClientSession]:
    """Return a client session closed after the test."""
    async with aiohttp.ClientSession() as session:
        yield session


@pytest.fixture
def recorded_sleep() -> RecordingSleep:
    """Return a sleep that records delays."""
    return RecordingSleep()


@pytest.fixture
def policy(recorded_sleep: RecordingSleep) -> RetryPolicy:
    """Return a retry policy with fixed backoff and no real waiting."""
    return fixed_policy(recorded_sleep)


@pytest.fixture
def stub_client(
    stub: Stub, session: aiohttp.ClientSession, policy: RetryPolicy
) -> BithumanClient:
    """Return a client talking to the stub."""
    return BithumanClient(
        session, SECRET, base_url=stub.url, request_timeout=2.0, retry=policy
    )


class LossyProxy:
    """A proxy in front of the simulator that loses answers after the fact.

    The simulator's own faults fire before a request is processed; this one
    forwards the request (so the simulator acts on it, and charges for it)
    and then drops the connection instead of returning the answer.
    """

    def __init__(self, upstream: str, session: aiohttp.ClientSession) -> None:
        """Forward to ``upstream`` with ``session``."""
        self.upstream = upstream
        self.session = session
        self.lose: dict[str, int] = {}
        self.url = ""

    async def handle(self, request: web.Request) -> web.StreamResponse:
        """Forward one request; drop the answer if told to."""
        headers = {
            name: value
            for name, value in request.headers.items()
            if name.lower() not in {"host", "content-length", "transfer-encoding"}
        }
        async with self.session.request(
            request.method,
            self.upstream + request.path_qs,
            data=await request.read(),
            headers=headers,
        ) as upstream:
            body = await upstream.read()
            status = upstream.status
            content_type = upstream.content_type
        if self.lose.get(request.path, 0) > 0:
            self.lose[request.path] -= 1
            assert request.transport is not None
            request.transport.abort()
            return web.Response(status=499)
        return web.Response(status=status, body=body, content_type=content_type)


@pytest.fixture
async def lossy_proxy(simulator_url: str) -> AsyncIterator[LossyProxy]:
    """Serve a LossyProxy in front of the simulator."""
    async with aiohttp.ClientSession() as session:
        proxy = LossyProxy(simulator_url, session)
        async with serving(proxy.handle) as url:
            proxy.url = url
            yield proxy


class ClockSleep(RecordingSleep):
    """A recording sleep that moves the simulator's clock instead of waiting."""

    def __init__(self, clock: ManualClock) -> None:
        """Advance ``clock`` on every sleep."""
        super().__init__()
        self.clock = clock

    async def __call__(self, delay: float) -> None:
        """Record the delay and let that much simulated time pass."""
        self.clock.advance(delay)
        await super().__call__(delay)


@pytest.fixture
def sim_account(simulator: Simulator) -> Account:
    """Return a Pro account with 10,000 credits, reachable with SIM_SECRET."""
    return simulator.add_account(
        SIM_SECRET, user_id=USER_ID, email="ada@example.com", plan="pro", credits=10_000
    )


@pytest.fixture
def clock_sleep(sim_clock: ManualClock) -> ClockSleep:
    """Return a sleep that advances the simulator's clock."""
    return ClockSleep(sim_clock)


@pytest.fixture
def sim_policy(clock_sleep: ClockSleep) -> RetryPolicy:
    """Return a retry policy with fixed backoff on the simulator's clock."""
    return fixed_policy(clock_sleep)


@pytest.fixture
def client(
    simulator_url: str,
    sim_account: Account,
    session: aiohttp.ClientSession,
    sim_policy: RetryPolicy,
) -> BithumanClient:
    """Return a client of the served simulator, authenticated as sim_account."""
    return sim_client(session, simulator_url, sim_policy, 5.0)
