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
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta
import json
from typing import Any, Final
import uuid

from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers.aiohttp_client import async_get_clientsession
from homeassistant.util.async_ import gather_with_limited_concurrency
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
from .livekit_check import LiveKitError, livekit_server

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


def _load_rtc_runtime() -> None:
    """Load LiveKit's native library and start its runtime (blocking, once)."""
    FfiClient.instance  # noqa: B018 - the property loads the library


def _rtc_url(url: str) -> str:
    """Return the WebSocket URL the room client connects to."""
    parsed = URL(url)
    scheme = {"http": "ws", "https": "wss"}.get(parsed.scheme)
    return str(parsed.with_scheme(scheme)) if scheme else url


def _mentions(code: str, room: Room, avatar: ParticipantInfo) -> bool:
    """Return whether the room or the avatar in it names the agent code."""
    needle = code.casefold()
    texts = [room.name, room.metadata, avatar.name, avatar.metadata]
    texts.extend(avatar.attributes.values())
    return any(needle in text.casefold() for text in texts)


@dataclass(frozen=True, slots=True)
class GestureSender:
    """Send gestures to an agent's live avatar through LiveKit."""

    # The repr (in logs and debuggers) names the server, never the credentials.
    hass: HomeAssistant = field(repr=False)
    url: str
    api_key: str = field(repr=False)
    api_secret: str = field(repr=False)
    avatar_identity: str

    @classmethod
    def from_options(
        cls, hass: HomeAssistant, options: Mapping[str, Any]
    ) -> GestureSender | None:
        """Return a sender for the entry's LiveKit options; None if they are not set."""
        url = options.get(CONF_LIVEKIT_URL)
        api_key = options.get(CONF_LIVEKIT_API_KEY)
        api_secret = options.get(CONF_LIVEKIT_API_SECRET)
        if not (url and api_key and api_secret):
            return None
        identity = options.get(CONF_AVATAR_IDENTITY) or DEFAULT_AVATAR_IDENTITY
        return cls(hass, url, api_key, api_secret, identity)

    async def async_trigger(
        self, code: str, agent_name: str, gesture: str, *, room: str | None = None
    ) -> str:
        """Send the gesture; return the room it was played in.

        Without a room, the avatar's room is found through the LiveKit
        server API.
        """
        placeholders = {
            "agent": agent_name,
            "identity": self.avatar_identity,
            "gesture": gesture,
        }
        target = await self._async_find_room(code, room, placeholders)
        await self._async_deliver(target, gesture, placeholders)
        LOGGER.debug(
            "Sent gesture %s to %s in LiveKit room %s", gesture, agent_name, target
        )
        return target

    async def _async_find_room(
        self, code: str, room: str | None, placeholders: dict[str, str]
    ) -> str:
        """Return the room to play the gesture in, checking the avatar is there."""
        session = async_get_clientsession(self.hass)
        server = livekit_server(session, self.url, self.api_key, self.api_secret)
        try:
            async with server as livekit_api, asyncio.timeout(DISCOVERY_TIMEOUT):
                if room is None:
                    return await self._async_discover_room(
                        livekit_api, code, placeholders
                    )
                if await self._async_avatar_in(livekit_api, room) is None:
                    raise HomeAssistantError(
                        translation_domain=DOMAIN,
                        translation_key="avatar_not_in_room",
                        translation_placeholders={**placeholders, "room": room},
                    )
                return room
        except LiveKitError as err:
            raise HomeAssistantError(
                translation_domain=DOMAIN,
                translation_key=err.problem.value,
                translation_placeholders={**placeholders, **err.details},
            ) from err

    async def _async_discover_room(
        self, livekit_api: api.LiveKitAPI, code: str, placeholders: dict[str, str]
    ) -> str:
        """Return the one room where the agent's avatar is live."""
        rooms = (await livekit_api.room.list_rooms(api.ListRoomsRequest())).rooms
        avatars: list[ParticipantInfo | None] = await gather_with_limited_concurrency(
            MAX_PARALLEL_LISTINGS,
            *(self._async_avatar_in(livekit_api, room.name) for room in rooms),
        )
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

    async def _async_avatar_in(
        self, livekit_api: api.LiveKitAPI, room: str
    ) -> ParticipantInfo | None:
        """Return the avatar if it is live in the room (not in one that just closed)."""
        try:
            response = await livekit_api.room.list_participants(
                api.ListParticipantsRequest(room=room)
            )
        except api.ServerError as err:
            if err.code == api.ServerErrorCode.NOT_FOUND:
                return None
            raise
        return next(
            (
                participant
                for participant in response.participants
                if participant.identity == self.avatar_identity
                and participant.state != ParticipantInfo.State.DISCONNECTED
            ),
            None,
        )

    def _token(self, room: str) -> str:
        """Return a short-lived token to join the room, publishing nothing."""
        return (
            api.AccessToken(self.api_key, self.api_secret)
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

    async def _async_deliver(
        self, room: str, gesture: str, placeholders: dict[str, str]
    ) -> None:
        """Join the room briefly, perform the RPC and leave."""
        placeholders = {**placeholders, "room": room}
        await self.hass.async_add_executor_job(_load_rtc_runtime)
        rtc_room = rtc.Room()
        try:
            async with asyncio.timeout(DELIVERY_TIMEOUT):
                await rtc_room.connect(
                    _rtc_url(self.url),
                    self._token(room),
                    rtc.RoomOptions(
                        auto_subscribe=False, connect_timeout=CONNECT_TIMEOUT
                    ),
                )
                await rtc_room.local_participant.perform_rpc(
                    destination_identity=self.avatar_identity,
                    method=GESTURE_RPC_METHOD,
                    payload=json.dumps({"action": gesture}),
                )
        except rtc.ConnectError as err:
            raise self._error("livekit_join_failed", placeholders, err.message) from err
        except rtc.RpcError as err:
            if err.code in _RPC_RECIPIENT_GONE:
                raise self._error("avatar_not_in_room", placeholders) from err
            raise self._error("gesture_failed", placeholders, err.message) from err
        except TimeoutError as err:
            raise self._error("livekit_room_timeout", placeholders) from err
        finally:
            try:
                await rtc_room.disconnect()
            except Exception:  # noqa: BLE001 - the gesture's outcome is already known
                LOGGER.debug("Leaving the LiveKit room failed", exc_info=True)

    def _error(
        self, key: str, placeholders: dict[str, str], error: str = ""
    ) -> HomeAssistantError:
        return HomeAssistantError(
            translation_domain=DOMAIN,
            translation_key=key,
            translation_placeholders={
                **placeholders,
                "error": error.replace(self.api_secret, _REDACTED),
            },
        )
