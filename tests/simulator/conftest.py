"""Fixtures for the simulator's own tests: an account and an HTTP helper."""

from collections.abc import AsyncIterator
from dataclasses import dataclass
import json as json_module
from typing import Any

import aiohttp
from aiohttp import web
from multidict import CIMultiDict
import pytest

from bithuman_simulator import Simulator
from bithuman_simulator.records import Account

SECRET = "secret-123"


@dataclass
class Reply:
    """A response: status, JSON body (None if not JSON), headers, text, bytes."""

    status: int
    body: Any
    headers: CIMultiDict[str]
    text: str
    raw: bytes = b""


class Api:
    """Calls the served simulator the way a client would."""

    def __init__(self, session: aiohttp.ClientSession, base_url: str) -> None:
        """Call `base_url` with `session`."""
        self.session = session
        self.base_url = base_url

    async def call(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        data: str | None = None,
        auth: str | None = SECRET,
        headers: dict[str, str] | None = None,
        params: dict[str, str] | None = None,
    ) -> Reply:
        """Send one request and read the whole answer."""
        sent = dict(headers or {})
        if auth is not None:
            sent["api-secret"] = auth
        async with self.session.request(
            method,
            self.base_url + path,
            json=json,
            data=data,
            headers=sent,
            params=params,
        ) as response:
            raw = await response.read()
            try:
                body = json_module.loads(raw)
            except ValueError:
                body = None
            text = raw.decode(errors="replace")
            return Reply(
                response.status, body, CIMultiDict(response.headers), text, raw
            )

    async def get(self, path: str, **kwargs: Any) -> Reply:
        """GET `path`."""
        return await self.call("GET", path, **kwargs)

    async def post(self, path: str, **kwargs: Any) -> Reply:
        """POST `path`."""
        return await self.call("POST", path, **kwargs)

    async def put(self, path: str, **kwargs: Any) -> Reply:
        """PUT `path`."""
        return await self.call("PUT", path, **kwargs)

    async def delete(self, path: str, **kwargs: Any) -> Reply:
        """DELETE `path`."""
        return await self.call("DELETE", path, **kwargs)


@pytest.fixture
def account(simulator: Simulator) -> Account:
    """Return a Pro account with 10,000 credits reachable with SECRET."""
    return simulator.add_account(
        SECRET, user_id="u-1", email="ada@example.com", plan="pro", credits=10_000
    )


@pytest.fixture
async def api(simulator_url: str, account: Account) -> AsyncIterator[Api]:
    """Return an HTTP helper bound to the served simulator."""
    async with aiohttp.ClientSession() as session:
        yield Api(session, simulator_url)


def assert_error(
    reply: Reply, status: int, code: str, message: str | None = None
) -> None:
    """Check the documented error envelope and matching HTTP status."""
    assert reply.status == status, reply.text
    assert reply.body["status"] == "error"
    assert reply.body["status_code"] == status
    assert reply.body["error"]["httpStatus"] == status
    assert reply.body["error"]["code"] == code
    if message is not None:
        assert reply.body["error"]["message"] == message


@pytest.fixture
def expect_error():
    """Return `assert_error`, for tests to check error envelopes."""
    return assert_error


@dataclass
class Received:
    """One request a webhook receiver got."""

    path: str
    headers: CIMultiDict[str]
    body: bytes


class Receiver:
    """A local HTTP endpoint that records deliveries and answers `statuses`."""

    def __init__(self) -> None:
        """Answer 200 until told otherwise."""
        self.received: list[Received] = []
        self.statuses: list[int] = []
        self.url = ""

    async def handle(self, request: web.Request) -> web.Response:
        """Record the request; answer the next queued status (or 200)."""
        self.received.append(
            Received(request.path, CIMultiDict(request.headers), await request.read())
        )
        return web.Response(status=self.statuses.pop(0) if self.statuses else 200)


@pytest.fixture
async def receiver(socket_enabled: None) -> AsyncIterator[Receiver]:
    """Serve a webhook receiver on 127.0.0.1; `receiver.url` is its hook URL."""
    hooks = Receiver()
    app = web.Application()
    app.router.add_post("/{tail:.*}", hooks.handle)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    hooks.url = f"http://127.0.0.1:{runner.addresses[0][1]}/hook"
    yield hooks
    await runner.cleanup()
