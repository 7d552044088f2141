"""Check a LiveKit connection (URL, API key and API secret) before storing it."""

from __future__ import annotations

import asyncio
from typing import Final

import aiohttp
from google.protobuf.message import DecodeError
from livekit import api
from yarl import URL

LIVEKIT_URL_SCHEMES: Final = frozenset({"ws", "wss", "http", "https"})
LIVEKIT_CHECK_TIMEOUT: Final = 10.0

# Twirp answers these for a token it does not accept.
_AUTH_ERROR_CODES: Final = frozenset(
    {api.ServerErrorCode.UNAUTHENTICATED, api.ServerErrorCode.PERMISSION_DENIED}
)


class LiveKitCheckError(Exception):
    """The LiveKit connection could not be confirmed."""


class LiveKitAuthError(LiveKitCheckError):
    """The LiveKit server rejected the API key or secret."""


class LiveKitConnectionError(LiveKitCheckError):
    """The LiveKit server could not be reached or gave an unusable answer."""


def is_valid_livekit_url(url: str) -> bool:
    """Return whether url is an absolute ws(s):// or http(s):// URL with a host."""
    try:
        parsed = URL(url)
    except ValueError:
        return False
    return parsed.scheme in LIVEKIT_URL_SCHEMES and bool(parsed.host)


async def async_check_livekit(
    session: aiohttp.ClientSession,
    url: str,
    api_key: str,
    api_secret: str,
) -> None:
    """Call RoomService.ListRooms with the given credentials.

    Raises LiveKitAuthError when the credentials are rejected and
    LiveKitConnectionError when the server cannot be reached or does not
    answer like a LiveKit server. The messages never include the secret.
    """
    if not is_valid_livekit_url(url):
        raise LiveKitConnectionError("The LiveKit URL is not a ws(s) or http(s) URL")
    livekit_api = api.LiveKitAPI(
        url, api_key, api_secret, session=session, failover=False
    )
    try:
        async with asyncio.timeout(LIVEKIT_CHECK_TIMEOUT):
            await livekit_api.room.list_rooms(api.ListRoomsRequest())
    except api.ServerError as err:
        if err.status in (401, 403) or err.code in _AUTH_ERROR_CODES:
            raise LiveKitAuthError(
                f"LiveKit rejected the API key or secret (HTTP {err.status})"
            ) from err
        raise LiveKitConnectionError(
            f"LiveKit answered HTTP {err.status} ({err.code})"
        ) from err
    except TimeoutError as err:
        raise LiveKitConnectionError("LiveKit did not answer in time") from err
    except aiohttp.ClientError as err:
        raise LiveKitConnectionError(
            f"Cannot reach LiveKit: {type(err).__name__}"
        ) from err
    except DecodeError as err:
        raise LiveKitConnectionError(
            "The server at the LiveKit URL did not answer like LiveKit"
        ) from err
    finally:
        # Only closes a session the SDK created itself; the shared one stays open.
        await livekit_api.aclose()
