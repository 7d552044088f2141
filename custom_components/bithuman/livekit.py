"""Gestures over LiveKit: the `trigger_dynamics` RPC to the avatar participant.

bitHuman's managed avatar joins a LiveKit room as a participant (identity
`bithuman-avatar-agent` unless the agent was set up otherwise) and plays a
gesture when it receives the RPC `trigger_dynamics` with the payload
`{"action": "<gesture>"}`. Home Assistant sends it with the official SDKs:

- `livekit.api`, over Home Assistant's shared aiohttp session, finds the room
  where the avatar is live (`RoomService.ListRooms` / `ListParticipants`);
- `livekit.rtc` joins that room for a moment as a Home Assistant participant
  that publishes nothing, performs the RPC and leaves.

The participant is not `hidden`: LiveKit servers do not deliver RPC calls from
hidden participants (livekit/livekit#3832), so a hidden caller would only
ever time out.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import timedelta
import json
from typing import Final
import uuid

import aiohttp
from google.protobuf.message import DecodeError
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers.aiohttp_client import async_get_clientsession
from livekit import api, rtc
from livekit.protocol.models import ParticipantInfo, Room
from livekit.rtc._ffi_client import FfiClient
from yarl import URL

from .const import (
    CONF_AVATAR_IDENTITY,
    CONF_LIVEKIT_API_KEY,
    CONF_LIVEKIT_API_SECRET,
    CONF_LIVEKIT_URL,
    DEFAULT_AVATAR_IDENTITY,
    DOMAIN,
    LOGGER,
)
from .coordinator import BithumanConfigEntry

GESTURE_RPC_METHOD: Final = "trigger_dynamics"
PARTICIPANT_IDENTITY_PREFIX: Final = "home-assistant-"
PARTICIPANT_NAME: Final = "Home Assistant"
# The token only has to outlive joining the room.
TOKEN_TTL: Final = timedelta(minutes=2)
# Room discovery (a few server API calls) and delivery (join, RPC, leave).
DISCOVERY_TIMEOUT: Final = 15.0
CONNECT_TIMEOUT: Final = 10.0
DELIVERY_TIMEOUT: Final = 30.0
# Rooms whose participants are listed at the same time.
MAX_PARALLEL_LISTINGS: Final = 5

_REDACTED: Final = "**REDACTED**"
_RPC_RECIPIENT_GONE: Final = frozenset(
    {
        rtc.RpcError.ErrorCode.RECIPIENT_NOT_FOUND,
        rtc.RpcError.ErrorCode.RECIPIENT_DISCONNECTED,
    }
)


def create_rtc_room() -> rtc.Room:
    """Return a new LiveKit room client.

    This is the one seam between this module and a live LiveKit session:
    tests replace it with a stand-in room, as they have no LiveKit server.
    """
    return rtc.Room()


def _load_rtc_runtime() -> None:
    """Load LiveKit's native library and start its runtime (blocking, once)."""
    FfiClient.instance  # noqa: B018 - the property loads the library


def _rtc_url(url: str) -> str:
    """Return the WebSocket URL the room client connects to."""
    parsed = URL(url)
    if parsed.scheme == "http":
        return str(parsed.with_scheme("ws"))
    if parsed.scheme == "https":
        return str(parsed.with_scheme("wss"))
    return url


def _is_live(participant: ParticipantInfo, identity: str) -> bool:
    """Return whether this participant is the avatar, still in the room."""
    return (
        participant.identity == identity
        and participant.state != ParticipantInfo.State.DISCONNECTED
    )


def _mentions(code: str, room: Room, avatar: ParticipantInfo) -> bool:
    """Return whether the room or the avatar in it names the agent code."""
    needle = code.casefold()
    texts = [room.name, room.metadata, avatar.name, avatar.metadata]
    texts.extend(avatar.attributes.values())
    return any(needle in text.casefold() for text in texts)


@dataclass(frozen=True, slots=True)
class _Connection:
    """The LiveKit options of the entry."""

    url: str
    api_key: str
    api_secret: str
    avatar_identity: str


class GestureSender:
    """Send gestures to an agent's live avatar through LiveKit."""

    def __init__(self, hass: HomeAssistant, entry: BithumanConfigEntry) -> None:
        """Read the LiveKit options from the entry when a gesture is sent."""
        self._hass = hass
        self._entry = entry

    @property
    def configured(self) -> bool:
        """Return True when the LiveKit connection options are all set."""
        options = self._entry.options
        return all(
            options.get(key)
            for key in (CONF_LIVEKIT_URL, CONF_LIVEKIT_API_KEY, CONF_LIVEKIT_API_SECRET)
        )

    def _connection(self) -> _Connection:
        options = self._entry.options
        return _Connection(
            url=options[CONF_LIVEKIT_URL],
            api_key=options[CONF_LIVEKIT_API_KEY],
            api_secret=options[CONF_LIVEKIT_API_SECRET],
            avatar_identity=options.get(CONF_AVATAR_IDENTITY)
            or DEFAULT_AVATAR_IDENTITY,
        )

    async def async_trigger(
        self, code: str, agent_name: str, gesture: str, *, room: str | None = None
    ) -> str:
        """Send the gesture; return the room it was played in.

        Without a room, the avatar's room is found through the LiveKit
        server API.
        """
        connection = self._connection()
        placeholders = {
            "agent": agent_name,
            "identity": connection.avatar_identity,
            "gesture": gesture,
        }
        target = await self._async_find_room(connection, code, room, placeholders)
        await self._async_deliver(connection, target, gesture, placeholders)
        LOGGER.debug(
            "Sent gesture %s to %s in LiveKit room %s", gesture, agent_name, target
        )
        return target

    async def _async_find_room(
        self,
        connection: _Connection,
        code: str,
        room: str | None,
        placeholders: dict[str, str],
    ) -> str:
        """Return the room to play the gesture in, checking the avatar is there."""
        livekit_api = api.LiveKitAPI(
            connection.url,
            connection.api_key,
            connection.api_secret,
            session=async_get_clientsession(self._hass),
            failover=False,
        )
        try:
            async with asyncio.timeout(DISCOVERY_TIMEOUT):
                if room is not None:
                    return await self._async_check_room(
                        livekit_api, connection, room, placeholders
                    )
                return await self._async_discover_room(
                    livekit_api, connection, code, placeholders
                )
        except api.ServerError as err:
            raise self._livekit_error(
                connection,
                placeholders,
                f"the LiveKit server answered HTTP {err.status} ({err.code}: "
                f"{err.message})",
            ) from err
        except TimeoutError as err:
            raise self._livekit_error(
                connection, placeholders, "the LiveKit server did not answer in time"
            ) from err
        except aiohttp.ClientError as err:
            raise self._livekit_error(
                connection,
                placeholders,
                f"cannot reach the LiveKit server ({type(err).__name__})",
            ) from err
        except DecodeError as err:
            raise self._livekit_error(
                connection,
                placeholders,
                "the server at the LiveKit URL did not answer like LiveKit",
            ) from err
        finally:
            # Closes only a session the SDK made itself; the shared one stays.
            await livekit_api.aclose()

    async def _async_check_room(
        self,
        livekit_api: api.LiveKitAPI,
        connection: _Connection,
        room: str,
        placeholders: dict[str, str],
    ) -> str:
        """Return the room asked for, once the avatar is seen live in it."""
        participants = await self._async_participants(livekit_api, room)
        if not any(_is_live(p, connection.avatar_identity) for p in participants):
            raise HomeAssistantError(
                translation_domain=DOMAIN,
                translation_key="avatar_not_in_room",
                translation_placeholders={**placeholders, "room": room},
            )
        return room

    async def _async_discover_room(
        self,
        livekit_api: api.LiveKitAPI,
        connection: _Connection,
        code: str,
        placeholders: dict[str, str],
    ) -> str:
        """Return the one room where the agent's avatar is live."""
        rooms = (await livekit_api.room.list_rooms(api.ListRoomsRequest())).rooms
        semaphore = asyncio.Semaphore(MAX_PARALLEL_LISTINGS)

        async def avatar_in(room: Room) -> ParticipantInfo | None:
            async with semaphore:
                participants = await self._async_participants(livekit_api, room.name)
            return next(
                (p for p in participants if _is_live(p, connection.avatar_identity)),
                None,
            )

        avatars = await asyncio.gather(*(avatar_in(room) for room in rooms))
        live = [
            (room, avatar)
            for room, avatar in zip(rooms, avatars, strict=True)
            if avatar is not None
        ]
        if not live:
            raise HomeAssistantError(
                translation_domain=DOMAIN,
                translation_key="avatar_not_live",
                translation_placeholders=placeholders,
            )
        if len(live) == 1:
            return live[0][0].name
        # One avatar identity serves several agents: prefer the room that
        # names this agent (room name or metadata, or the avatar's own).
        named = [room for room, avatar in live if _mentions(code, room, avatar)]
        if len(named) == 1:
            return named[0].name
        candidates = named or [room for room, _ in live]
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="avatar_in_several_rooms",
            translation_placeholders={
                **placeholders,
                "rooms": ", ".join(sorted(room.name for room in candidates)),
            },
        )

    @staticmethod
    async def _async_participants(
        livekit_api: api.LiveKitAPI, room: str
    ) -> list[ParticipantInfo]:
        """Return the room's participants; none for a room that just closed."""
        try:
            response = await livekit_api.room.list_participants(
                api.ListParticipantsRequest(room=room)
            )
        except api.ServerError as err:
            if err.code == api.ServerErrorCode.NOT_FOUND:
                return []
            raise
        return list(response.participants)

    async def _async_deliver(
        self,
        connection: _Connection,
        room: str,
        gesture: str,
        placeholders: dict[str, str],
    ) -> None:
        """Join the room briefly, perform the RPC and leave."""
        token = (
            api.AccessToken(connection.api_key, connection.api_secret)
            .with_identity(f"{PARTICIPANT_IDENTITY_PREFIX}{uuid.uuid4().hex[:12]}")
            .with_name(PARTICIPANT_NAME)
            .with_ttl(TOKEN_TTL)
            .with_grants(
                api.VideoGrants(
                    room_join=True,
                    room=room,
                    can_publish=False,
                    can_subscribe=False,
                    can_publish_data=True,
                )
            )
            .to_jwt()
        )
        await self._hass.async_add_executor_job(_load_rtc_runtime)
        rtc_room = create_rtc_room()
        try:
            async with asyncio.timeout(DELIVERY_TIMEOUT):
                await rtc_room.connect(
                    _rtc_url(connection.url),
                    token,
                    rtc.RoomOptions(
                        auto_subscribe=False, connect_timeout=CONNECT_TIMEOUT
                    ),
                )
                await rtc_room.local_participant.perform_rpc(
                    destination_identity=connection.avatar_identity,
                    method=GESTURE_RPC_METHOD,
                    payload=json.dumps({"action": gesture}),
                )
        except rtc.ConnectError as err:
            raise self._livekit_error(
                connection,
                placeholders,
                f"cannot join the LiveKit room {room} ({err.message})",
            ) from err
        except rtc.RpcError as err:
            if err.code in _RPC_RECIPIENT_GONE:
                raise HomeAssistantError(
                    translation_domain=DOMAIN,
                    translation_key="avatar_not_in_room",
                    translation_placeholders={**placeholders, "room": room},
                ) from err
            raise HomeAssistantError(
                translation_domain=DOMAIN,
                translation_key="gesture_failed",
                translation_placeholders={
                    **placeholders,
                    "room": room,
                    "error": self._redact(connection, err.message),
                },
            ) from err
        except TimeoutError as err:
            raise self._livekit_error(
                connection,
                placeholders,
                f"the LiveKit room {room} did not answer in time",
            ) from err
        finally:
            await self._async_leave(rtc_room)

    @staticmethod
    async def _async_leave(rtc_room: rtc.Room) -> None:
        """Leave the room; a failure to leave only matters to the log."""
        try:
            await rtc_room.disconnect()
        except Exception:  # noqa: BLE001 - the gesture's outcome is already known
            LOGGER.debug("Leaving the LiveKit room failed", exc_info=True)

    @staticmethod
    def _redact(connection: _Connection, text: str) -> str:
        return text.replace(connection.api_secret, _REDACTED)

    def _livekit_error(
        self, connection: _Connection, placeholders: dict[str, str], error: str
    ) -> HomeAssistantError:
        return HomeAssistantError(
            translation_domain=DOMAIN,
            translation_key="livekit_error",
            translation_placeholders={
                **placeholders,
                "error": self._redact(connection, error),
            },
        )
