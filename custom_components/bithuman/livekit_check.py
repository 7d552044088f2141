"""LiveKit connection failures, named once, and the check of a connection.

Both the options flow (checking a URL, key and secret before storing them)
and the gesture sender (finding the avatar's room) talk to LiveKit's server
API through `livekit_server`, which turns whatever that raises into one
`LiveKitError` with a kind, so each caller maps kinds, not library exceptions.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from enum import StrEnum
from typing import Final

import aiohttp
from google.protobuf.message import DecodeError
from livekit import api

LIVEKIT_CHECK_TIMEOUT: Final = 10.0

# Twirp answers these for a token it does not accept.
_AUTH_ERROR_CODES: Final = frozenset(
    {api.ServerErrorCode.UNAUTHENTICATED, api.ServerErrorCode.PERMISSION_DENIED}
)


class LiveKitProblem(StrEnum):
    """Why talking to the LiveKit server failed (also the translation key)."""

    REJECTED = "livekit_rejected"
    SERVER_ERROR = "livekit_server_error"
    TIMEOUT = "livekit_timeout"
    UNREACHABLE = "livekit_unreachable"
    NOT_LIVEKIT = "livekit_not_livekit"


class LiveKitError(Exception):
    """The LiveKit server could not be used; never carries the secret."""

    def __init__(self, problem: LiveKitProblem, **details: str) -> None:
        """Keep the problem and the details that describe it."""
        super().__init__(problem.value)
        self.problem = problem
        self.details = details


@asynccontextmanager
async def livekit_server(
    session: aiohttp.ClientSession, url: str, api_key: str, api_secret: str
) -> AsyncIterator[api.LiveKitAPI]:
    """Yield LiveKit's server API; raise a `LiveKitError` for what fails inside.

    A timeout set inside (`asyncio.timeout`) is a `LiveKitProblem.TIMEOUT`.
    """
    livekit_api = api.LiveKitAPI(
        url, api_key, api_secret, session=session, failover=False
    )
    try:
        yield livekit_api
    except api.ServerError as err:
        if err.status in (401, 403) or err.code in _AUTH_ERROR_CODES:
            raise LiveKitError(LiveKitProblem.REJECTED) from err
        raise LiveKitError(
            LiveKitProblem.SERVER_ERROR, status=str(err.status), code=str(err.code)
        ) from err
    except TimeoutError as err:
        raise LiveKitError(LiveKitProblem.TIMEOUT) from err
    except aiohttp.ClientError as err:
        raise LiveKitError(
            LiveKitProblem.UNREACHABLE, error=type(err).__name__
        ) from err
    except DecodeError as err:
        raise LiveKitError(LiveKitProblem.NOT_LIVEKIT) from err
    finally:
        # Only closes a session the SDK created itself; the shared one stays open.
        await livekit_api.aclose()


async def async_check_livekit(
    session: aiohttp.ClientSession, url: str, api_key: str, api_secret: str
) -> None:
    """Call RoomService.ListRooms with the given credentials (`LiveKitError`)."""
    async with (
        livekit_server(session, url, api_key, api_secret) as livekit_api,
        asyncio.timeout(LIVEKIT_CHECK_TIMEOUT),
    ):
        await livekit_api.room.list_rooms(api.ListRoomsRequest())
