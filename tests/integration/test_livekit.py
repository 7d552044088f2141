"""Gestures over LiveKit: room discovery through the server API, then the RPC.

No LiveKit server exists on this machine. Room discovery runs the real
`livekit.api` client against `livekit_server`, a local stand-in speaking
LiveKit's RoomService twirp protocol; the join and the `trigger_dynamics` RPC
run against `rtc_rooms`, stand-ins for `livekit.rtc.Room` put in place at the
integration's one seam (`create_rtc_room`).
"""

from __future__ import annotations

import json
import logging
from typing import TYPE_CHECKING, Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.button import DOMAIN as BUTTON_DOMAIN, SERVICE_PRESS
from homeassistant.const import ATTR_ENTITY_ID
from homeassistant.core import HomeAssistant, ServiceResponse
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from livekit import rtc
from livekit.protocol.models import ParticipantInfo
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.bithuman.const import (
    CONF_AVATAR_IDENTITY,
    CONF_LIVEKIT_API_SECRET,
    CONF_LIVEKIT_URL,
    DOMAIN,
)
from custom_components.bithuman.livekit import (
    DELIVERY_TIMEOUT,
    DISCOVERY_TIMEOUT,
    _rtc_url,
    create_rtc_room,
)

from .conftest import (
    AVATAR,
    FRONT_DOOR,
    LIVEKIT_API_SECRET,
    LiveKitServer,
    RtcRooms,
    livekit_participant,
)

if TYPE_CHECKING:
    from collections.abc import Callable

    from bithuman_simulator import Simulator

LOBBY = "A10000003"
FRONT_DOOR_TARGET = {ATTR_ENTITY_ID: "sensor.front_door_status"}
LOBBY_TARGET = {ATTR_ENTITY_ID: "sensor.lobby_status"}
GUEST = "guest-7"


@pytest.fixture
async def gesture_entry(
    hass: HomeAssistant,
    *,
    simulator: Simulator,
    account: str,
    agents: dict[str, str],
    config_entry_factory: Callable[..., MockConfigEntry],
    livekit_options: dict[str, str],
) -> MockConfigEntry:
    """Set up the account with LiveKit configured and a third agent, Lobby."""
    simulator.add_agent(
        account,
        code=LOBBY,
        name="Lobby",
        dynamics="ready",
        gestures=["laugh_react", "mini_wave_hello"],
        live_rooms=["lobby"],
    )
    entry = config_entry_factory(
        agents={**agents, LOBBY: "Lobby"}, options=livekit_options
    )
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    return entry


async def trigger(
    hass: HomeAssistant,
    target: dict[str, Any],
    gesture: str = "mini_wave_hello",
    **data: Any,
) -> ServiceResponse:
    """Call bithuman.trigger_gesture and return its response."""
    return await hass.services.async_call(
        DOMAIN,
        "trigger_gesture",
        {"gesture": gesture, **data},
        target=target,
        blocking=True,
        return_response=True,
    )


@pytest.mark.usefixtures("gesture_entry")
async def test_gesture_found_room_and_rpc(
    hass: HomeAssistant, livekit_server: LiveKitServer, rtc_rooms: RtcRooms
) -> None:
    """The avatar's room is found through the server API; the RPC goes there."""
    livekit_server.add_room("hall", [livekit_participant(AVATAR)])
    livekit_server.add_room("office", [livekit_participant(GUEST)])

    response = await trigger(hass, FRONT_DOOR_TARGET)

    assert response == {"agents": {FRONT_DOOR: {"room": "hall"}}}
    assert livekit_server.methods() == [
        ("ListRooms", None),
        ("ListParticipants", "hall"),
        ("ListParticipants", "office"),
    ]
    # Every server call was signed with the configured key, for its own scope.
    for call in livekit_server.calls:
        assert call.claims.video is not None
    assert livekit_server.calls[0].claims.video.room_list
    assert livekit_server.calls[1].claims.video.room_admin
    [room] = rtc_rooms.created
    assert room.url == livekit_server.url.replace("http://", "ws://")
    assert room.options is not None
    assert room.options.auto_subscribe is False
    assert room.rpc_calls == [
        {
            "destination_identity": AVATAR,
            "method": "trigger_dynamics",
            "payload": '{"action": "mini_wave_hello"}',
        }
    ]
    assert json.loads(room.rpc_calls[0]["payload"]) == {"action": "mini_wave_hello"}
    assert room.disconnected
    # A short-lived participant of Home Assistant that may join this room only
    # and send data, nothing else.
    claims = room.claims
    assert claims.identity.startswith("home-assistant-")
    assert claims.name == "Home Assistant"
    assert claims.video is not None
    assert claims.video.room_join is True
    assert claims.video.room == "hall"
    assert claims.video.can_publish is False
    assert claims.video.can_subscribe is False
    assert claims.video.can_publish_data is True
    assert not claims.video.hidden


@pytest.mark.usefixtures("gesture_entry")
async def test_gesture_in_the_room_given(
    hass: HomeAssistant, livekit_server: LiveKitServer, rtc_rooms: RtcRooms
) -> None:
    """With a room, only that room is checked for the avatar."""
    livekit_server.add_room("hall", [livekit_participant(AVATAR)])
    livekit_server.add_room("studio", [livekit_participant(AVATAR)])

    response = await trigger(hass, FRONT_DOOR_TARGET, "blow_kiss_heart", room="studio")

    assert response == {"agents": {FRONT_DOOR: {"room": "studio"}}}
    assert livekit_server.methods() == [("ListParticipants", "studio")]
    [room] = rtc_rooms.created
    assert room.claims.video is not None
    assert room.claims.video.room == "studio"
    assert room.rpc_calls[0]["payload"] == '{"action": "blow_kiss_heart"}'


@pytest.mark.usefixtures("gesture_entry")
async def test_avatar_not_in_the_room_given(
    hass: HomeAssistant, livekit_server: LiveKitServer, rtc_rooms: RtcRooms
) -> None:
    """A room without the avatar is refused before joining it."""
    livekit_server.add_room(
        "studio",
        [
            livekit_participant(GUEST),
            livekit_participant(AVATAR, state=ParticipantInfo.State.DISCONNECTED),
        ],
    )

    with pytest.raises(HomeAssistantError) as exc_info:
        await trigger(hass, FRONT_DOOR_TARGET, room="studio")

    assert exc_info.value.translation_key == "avatar_not_in_room"
    assert str(exc_info.value) == (
        "The avatar of Front Door (participant bithuman-avatar-agent) is not in "
        "the LiveKit room studio. Check the room name, or leave the room empty to "
        "use the room where the avatar is live"
    )
    assert rtc_rooms.created == []


@pytest.mark.usefixtures("gesture_entry")
async def test_avatar_not_live_anywhere(
    hass: HomeAssistant, livekit_server: LiveKitServer, rtc_rooms: RtcRooms
) -> None:
    """No room holds the avatar: a translated error, and no join."""
    livekit_server.add_room("hall", [livekit_participant(GUEST)])

    with pytest.raises(HomeAssistantError) as exc_info:
        await trigger(hass, FRONT_DOOR_TARGET)

    assert exc_info.value.translation_key == "avatar_not_live"
    assert exc_info.value.translation_placeholders == {
        "agent": "Front Door",
        "identity": AVATAR,
        "gesture": "mini_wave_hello",
    }
    assert rtc_rooms.created == []


@pytest.mark.usefixtures("gesture_entry")
async def test_room_that_closed_while_listing(
    hass: HomeAssistant, livekit_server: LiveKitServer, rtc_rooms: RtcRooms
) -> None:
    """A room gone between ListRooms and ListParticipants counts as empty."""
    livekit_server.add_room("closing", [livekit_participant(AVATAR)])
    livekit_server.add_room("hall", [livekit_participant(AVATAR)])
    livekit_server.vanished.add("closing")

    assert await trigger(hass, FRONT_DOOR_TARGET) == {
        "agents": {FRONT_DOOR: {"room": "hall"}}
    }


@pytest.mark.usefixtures("gesture_entry")
async def test_each_agent_in_the_room_naming_it(
    hass: HomeAssistant, livekit_server: LiveKitServer, rtc_rooms: RtcRooms
) -> None:
    """One avatar identity live in several rooms: each agent goes to its own.

    A room is recognised by its name, its metadata, or the avatar's
    attributes or metadata naming the agent code.
    """
    livekit_server.add_room(
        "front",
        [livekit_participant(AVATAR, attributes={"agent_code": FRONT_DOOR})],
    )
    livekit_server.add_room(
        "reception",
        [livekit_participant(AVATAR)],
        metadata=json.dumps({"agent": LOBBY.lower()}),
    )

    response = await trigger(
        hass, {ATTR_ENTITY_ID: ["sensor.front_door_status", "sensor.lobby_status"]}
    )

    assert response == {
        "agents": {
            FRONT_DOOR: {"room": "front"},
            LOBBY: {"room": "reception"},
        }
    }
    rooms = {
        room.claims.video.room: room.rpc_calls
        for room in rtc_rooms.created
        if room.claims.video is not None
    }
    assert set(rooms) == {"front", "reception"}
    assert all(len(calls) == 1 for calls in rooms.values())


@pytest.mark.usefixtures("gesture_entry")
async def test_several_rooms_and_none_names_the_agent(
    hass: HomeAssistant, livekit_server: LiveKitServer, rtc_rooms: RtcRooms
) -> None:
    """Live in several rooms, none naming the agent: ask for the room."""
    livekit_server.add_room("hall", [livekit_participant(AVATAR)])
    livekit_server.add_room("studio", [livekit_participant(AVATAR)])

    with pytest.raises(ServiceValidationError) as exc_info:
        await trigger(hass, FRONT_DOOR_TARGET)

    assert exc_info.value.translation_key == "avatar_in_several_rooms"
    assert exc_info.value.translation_placeholders is not None
    assert exc_info.value.translation_placeholders["rooms"] == "hall, studio"
    assert "Say which one with the room field" in str(exc_info.value)
    assert rtc_rooms.created == []


async def test_custom_avatar_identity(
    hass: HomeAssistant,
    gesture_entry: MockConfigEntry,
    livekit_server: LiveKitServer,
    rtc_rooms: RtcRooms,
) -> None:
    """The avatar identity option names the participant the RPC goes to."""
    hass.config_entries.async_update_entry(
        gesture_entry,
        options={**gesture_entry.options, CONF_AVATAR_IDENTITY: "front-door-avatar"},
    )
    await hass.async_block_till_done()
    livekit_server.add_room(
        "hall", [livekit_participant(AVATAR), livekit_participant("front-door-avatar")]
    )
    livekit_server.add_room("studio", [livekit_participant(AVATAR)])

    await trigger(hass, FRONT_DOOR_TARGET)

    [room] = rtc_rooms.created
    assert room.claims.video is not None
    assert room.claims.video.room == "hall"
    assert room.rpc_calls[0]["destination_identity"] == "front-door-avatar"


async def test_livekit_rejects_the_credentials(
    hass: HomeAssistant,
    gesture_entry: MockConfigEntry,
    livekit_server: LiveKitServer,
    rtc_rooms: RtcRooms,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A wrong secret is a translated LiveKit error that never shows a secret."""
    wrong_secret = "lk-wrong-secret-0f9e8d7c6b5a4f3e2d1c"
    hass.config_entries.async_update_entry(
        gesture_entry,
        options={**gesture_entry.options, CONF_LIVEKIT_API_SECRET: wrong_secret},
    )
    await hass.async_block_till_done()
    livekit_server.add_room("hall", [livekit_participant(AVATAR)])
    caplog.set_level(logging.DEBUG)

    with pytest.raises(HomeAssistantError) as exc_info:
        await trigger(hass, FRONT_DOOR_TARGET)

    assert exc_info.value.translation_key == "livekit_error"
    message = str(exc_info.value)
    assert message == (
        "Could not send the gesture to Front Door through LiveKit: the LiveKit "
        "server answered HTTP 401 (unauthenticated: invalid token). Check the "
        "LiveKit connection in the integration's options"
    )
    for text in (message, caplog.text):
        assert wrong_secret not in text
        assert LIVEKIT_API_SECRET not in text
    assert rtc_rooms.created == []


@pytest.mark.parametrize(
    ("setup", "error"),
    [
        (
            lambda server: setattr(
                server,
                "error",
                (503, {"code": "unavailable", "msg": "node draining"}),
            ),
            "the LiveKit server answered HTTP 503 (unavailable: node draining)",
        ),
        (
            lambda server: setattr(server, "answer_garbage", True),
            "the server at the LiveKit URL did not answer like LiveKit",
        ),
    ],
    ids=["server_error", "not_livekit"],
)
@pytest.mark.usefixtures("gesture_entry")
async def test_livekit_server_failures(
    hass: HomeAssistant,
    livekit_server: LiveKitServer,
    rtc_rooms: RtcRooms,
    setup: Callable[[LiveKitServer], None],
    error: str,
) -> None:
    """Server API failures become the translated livekit_error."""
    livekit_server.add_room("hall", [livekit_participant(AVATAR)])
    setup(livekit_server)

    with pytest.raises(HomeAssistantError) as exc_info:
        await trigger(hass, FRONT_DOOR_TARGET)

    assert exc_info.value.translation_key == "livekit_error"
    assert exc_info.value.translation_placeholders is not None
    assert exc_info.value.translation_placeholders["error"] == error


@pytest.mark.usefixtures("gesture_entry")
async def test_participants_refused(
    hass: HomeAssistant, livekit_server: LiveKitServer, rtc_rooms: RtcRooms
) -> None:
    """A key allowed to list rooms but not their participants: a clear error."""
    livekit_server.add_room("hall", [livekit_participant(AVATAR)])
    livekit_server.participants_error = (
        403,
        {"code": "permission_denied", "msg": "no room admin grant"},
    )

    with pytest.raises(HomeAssistantError) as exc_info:
        await trigger(hass, FRONT_DOOR_TARGET)

    assert exc_info.value.translation_key == "livekit_error"
    assert exc_info.value.translation_placeholders is not None
    assert exc_info.value.translation_placeholders["error"] == (
        "the LiveKit server answered HTTP 403 (permission_denied: no room admin grant)"
    )


async def test_livekit_unreachable(
    hass: HomeAssistant,
    gesture_entry: MockConfigEntry,
    livekit_server: LiveKitServer,
    rtc_rooms: RtcRooms,
    unused_tcp_port: int,
) -> None:
    """Nothing listening at the LiveKit URL: a translated LiveKit error."""
    hass.config_entries.async_update_entry(
        gesture_entry,
        options={
            **gesture_entry.options,
            CONF_LIVEKIT_URL: f"wss://127.0.0.1:{unused_tcp_port}",
        },
    )
    await hass.async_block_till_done()

    with pytest.raises(HomeAssistantError) as exc_info:
        await trigger(hass, FRONT_DOOR_TARGET)

    assert exc_info.value.translation_key == "livekit_error"
    assert exc_info.value.translation_placeholders is not None
    assert exc_info.value.translation_placeholders["error"].startswith(
        "cannot reach the LiveKit server ("
    )


@pytest.mark.usefixtures("gesture_entry")
async def test_livekit_server_too_slow(
    hass: HomeAssistant,
    livekit_server: LiveKitServer,
    rtc_rooms: RtcRooms,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Room discovery that takes too long is given up with a clear error."""
    livekit_server.add_room("hall", [livekit_participant(AVATAR)])
    livekit_server.stall = True

    call = hass.async_create_task(trigger(hass, FRONT_DOOR_TARGET))
    await livekit_server.stalled.wait()
    freezer.tick(DISCOVERY_TIMEOUT + 1)
    with pytest.raises(HomeAssistantError) as exc_info:
        await call

    assert exc_info.value.translation_key == "livekit_error"
    assert exc_info.value.translation_placeholders is not None
    assert exc_info.value.translation_placeholders["error"] == (
        "the LiveKit server did not answer in time"
    )
    assert rtc_rooms.created == []


@pytest.mark.usefixtures("gesture_entry")
async def test_joining_the_room_fails(
    hass: HomeAssistant, livekit_server: LiveKitServer, rtc_rooms: RtcRooms
) -> None:
    """A refused join is a translated LiveKit error; the room is left."""
    livekit_server.add_room("hall", [livekit_participant(AVATAR)])
    rtc_rooms.connect_error = rtc.ConnectError("engine: signal failure: 401")

    with pytest.raises(HomeAssistantError) as exc_info:
        await trigger(hass, FRONT_DOOR_TARGET)

    assert exc_info.value.translation_key == "livekit_error"
    assert exc_info.value.translation_placeholders is not None
    assert exc_info.value.translation_placeholders["error"] == (
        "cannot join the LiveKit room hall (engine: signal failure: 401)"
    )
    [room] = rtc_rooms.created
    assert room.rpc_calls == []
    assert room.disconnected


@pytest.mark.parametrize(
    ("code", "translation_key"),
    [
        (rtc.RpcError.ErrorCode.UNSUPPORTED_METHOD, "gesture_failed"),
        (rtc.RpcError.ErrorCode.APPLICATION_ERROR, "gesture_failed"),
        (rtc.RpcError.ErrorCode.RECIPIENT_NOT_FOUND, "avatar_not_in_room"),
        (rtc.RpcError.ErrorCode.RECIPIENT_DISCONNECTED, "avatar_not_in_room"),
    ],
)
@pytest.mark.usefixtures("gesture_entry")
async def test_rpc_refused(
    hass: HomeAssistant,
    livekit_server: LiveKitServer,
    rtc_rooms: RtcRooms,
    code: rtc.RpcError.ErrorCode,
    translation_key: str,
) -> None:
    """The avatar's RPC error reaches the user, translated."""
    livekit_server.add_room("hall", [livekit_participant(AVATAR)])
    rtc_rooms.rpc_error = rtc.RpcError(code, "Method not supported at destination")

    with pytest.raises(HomeAssistantError) as exc_info:
        await trigger(hass, FRONT_DOOR_TARGET)

    assert exc_info.value.translation_key == translation_key
    assert rtc_rooms.created[0].disconnected
    if translation_key == "gesture_failed":
        assert str(exc_info.value) == (
            "The avatar of Front Door did not play mini_wave_hello in the LiveKit "
            "room hall: Method not supported at destination"
        )


@pytest.mark.usefixtures("gesture_entry")
async def test_rpc_never_answered(
    hass: HomeAssistant,
    livekit_server: LiveKitServer,
    rtc_rooms: RtcRooms,
    freezer: FrozenDateTimeFactory,
) -> None:
    """A join or RPC that hangs is given up; the room is still left."""
    livekit_server.add_room("hall", [livekit_participant(AVATAR)])
    rtc_rooms.rpc_hangs = True

    call = hass.async_create_task(trigger(hass, FRONT_DOOR_TARGET))
    await rtc_rooms.rpc_started.wait()
    freezer.tick(DELIVERY_TIMEOUT + 1)
    with pytest.raises(HomeAssistantError) as exc_info:
        await call

    assert exc_info.value.translation_key == "livekit_error"
    assert exc_info.value.translation_placeholders is not None
    assert exc_info.value.translation_placeholders["error"] == (
        "the LiveKit room hall did not answer in time"
    )
    assert rtc_rooms.created[0].disconnected


@pytest.mark.usefixtures("gesture_entry")
async def test_leaving_the_room_fails(
    hass: HomeAssistant,
    livekit_server: LiveKitServer,
    rtc_rooms: RtcRooms,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A gesture delivered is a success even if leaving the room fails."""
    livekit_server.add_room("hall", [livekit_participant(AVATAR)])
    rtc_rooms.disconnect_error = RuntimeError("already closed")
    caplog.set_level(logging.DEBUG, logger="custom_components.bithuman")

    assert await trigger(hass, FRONT_DOOR_TARGET) == {
        "agents": {FRONT_DOOR: {"room": "hall"}}
    }
    assert "Leaving the LiveKit room failed" in caplog.text


@pytest.mark.usefixtures("gesture_entry")
async def test_gesture_button_uses_the_same_path(
    hass: HomeAssistant, livekit_server: LiveKitServer, rtc_rooms: RtcRooms
) -> None:
    """Pressing a gesture button sends the same RPC as the action."""
    livekit_server.add_room("hall", [livekit_participant(AVATAR)])

    await hass.services.async_call(
        BUTTON_DOMAIN,
        SERVICE_PRESS,
        {ATTR_ENTITY_ID: "button.front_door_talk_head_nod_subtle"},
        blocking=True,
    )

    [room] = rtc_rooms.created
    assert room.rpc_calls == [
        {
            "destination_identity": AVATAR,
            "method": "trigger_dynamics",
            "payload": '{"action": "talk_head_nod_subtle"}',
        }
    ]


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://project.livekit.cloud", "wss://project.livekit.cloud"),
        ("http://livekit.local:7880", "ws://livekit.local:7880"),
        ("wss://project.livekit.cloud", "wss://project.livekit.cloud"),
        ("ws://livekit.local:7880", "ws://livekit.local:7880"),
    ],
)
def test_room_url(url: str, expected: str) -> None:
    """The room client gets the WebSocket form of the LiveKit URL."""
    assert _rtc_url(url) == expected


async def test_the_seam_makes_a_real_room() -> None:
    """Outside tests the seam returns the SDK's own room client."""
    assert isinstance(create_rtc_room(), rtc.Room)
