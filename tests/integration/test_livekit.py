"""Gestures over LiveKit: room discovery through the server API, then the RPC.

No LiveKit server exists on this machine. Room discovery runs the real
`livekit.api` client over HTTP against `livekit_server`, a local stand-in of
LiveKit's RoomService (twirp, protobuf, token checks); joining the room and
the `trigger_dynamics` RPC run against `rtc_rooms`, stand-ins for
`livekit.rtc.Room`, the one boundary that needs a real LiveKit server.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
import json
import logging
from typing import TYPE_CHECKING, Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.const import ATTR_ENTITY_ID
from homeassistant.core import HomeAssistant, ServiceResponse
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from livekit import rtc
from livekit.protocol.models import ParticipantInfo
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.bithuman.const import (
    CONF_AVATAR_IDENTITY,
    CONF_LIVEKIT_API_KEY,
    CONF_LIVEKIT_API_SECRET,
    CONF_LIVEKIT_URL,
    DOMAIN,
)
from custom_components.bithuman.livekit import (
    DELIVERY_TIMEOUT,
    DISCOVERY_TIMEOUT,
    MAX_PARALLEL_LISTINGS,
    _rtc_url,
)

from .conftest import (
    AVATAR,
    EMAIL,
    FRONT_DOOR,
    LIVEKIT_API_KEY,
    LIVEKIT_API_SECRET,
    OTHER_EMAIL,
    OTHER_USER_ID,
    LiveKitServer,
    RtcRooms,
    agent_subentry,
    entry_data,
    livekit_connection,
    livekit_participant,
)

if TYPE_CHECKING:
    from bithuman_simulator import Simulator

LOBBY = "A10000003"
STUDIO = "A20000001"
FRONT_DOOR_TARGET = {ATTR_ENTITY_ID: "sensor.front_door_status"}
GUEST = "guest-7"
# What every gesture error of Front Door's mini_wave_hello names.
FRONT_DOOR_WAVE = {
    "agent": "Front Door",
    "identity": AVATAR,
    "gesture": "mini_wave_hello",
}


@pytest.fixture
async def gesture_entry(
    hass: HomeAssistant,
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


async def set_options(
    hass: HomeAssistant, entry: MockConfigEntry, **options: str
) -> None:
    """Change the entry's LiveKit options and wait for the reload."""
    hass.config_entries.async_update_entry(entry, options={**entry.options, **options})
    await hass.async_block_till_done()


async def trigger(
    hass: HomeAssistant,
    target: dict[str, Any] | None = None,
    gesture: str = "mini_wave_hello",
    **data: Any,
) -> ServiceResponse:
    """Call bithuman.trigger_gesture (Front Door by default); return its response."""
    return await hass.services.async_call(
        DOMAIN,
        "trigger_gesture",
        {"gesture": gesture, **data},
        target=target or FRONT_DOOR_TARGET,
        blocking=True,
        return_response=True,
    )


def assert_error(
    err: BaseException, translation_key: str, placeholders: dict[str, str]
) -> None:
    """Assert a translated error by its key and placeholders."""
    assert isinstance(err, HomeAssistantError)
    assert (err.translation_domain, err.translation_key) == (DOMAIN, translation_key)
    assert err.translation_placeholders == placeholders


async def trigger_given_up(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    hung: asyncio.Event,
    limit: float,
) -> HomeAssistantError:
    """Trigger a gesture, let it hang until `hung`, pass `limit`; return the error."""
    task = hass.async_create_task(trigger(hass))
    await hung.wait()
    freezer.tick(limit + 1)
    with pytest.raises(HomeAssistantError) as exc_info:
        await task
    return exc_info.value


@pytest.fixture
def avatar_in_the_hall(
    gesture_entry: MockConfigEntry, livekit_server: LiveKitServer
) -> None:
    """Front Door's avatar is in the LiveKit room "hall" (the account set up first)."""
    livekit_server.add_room("hall", [livekit_participant(AVATAR)])


# Delivery


@pytest.mark.usefixtures("avatar_in_the_hall")
async def test_gesture_is_sent_as_rpc_to_the_avatar(
    hass: HomeAssistant, rtc_rooms: RtcRooms
) -> None:
    """The RPC trigger_dynamics with the action goes to the avatar; then leave."""
    response = await trigger(hass)

    assert response == {"agents": {FRONT_DOOR: {"room": "hall"}}}
    [room] = rtc_rooms.created
    assert room.rpc_calls == [
        {
            "destination_identity": AVATAR,
            "method": "trigger_dynamics",
            "payload": json.dumps({"action": "mini_wave_hello"}),
        }
    ]
    assert room.disconnected


@pytest.mark.usefixtures("avatar_in_the_hall")
async def test_room_is_found_through_the_server_api(
    hass: HomeAssistant, livekit_server: LiveKitServer, rtc_rooms: RtcRooms
) -> None:
    """ListRooms, then each room's participants; the avatar's room is joined."""
    livekit_server.add_room("office", [livekit_participant(GUEST)])

    await trigger(hass)

    assert sorted(livekit_server.methods(), key=str) == sorted(
        [
            ("ListRooms", None),
            ("ListParticipants", "hall"),
            ("ListParticipants", "office"),
        ],
        key=str,
    )
    [room] = rtc_rooms.created
    assert room.claims.video is not None
    assert room.claims.video.room == "hall"


@pytest.mark.usefixtures("avatar_in_the_hall")
async def test_server_calls_are_signed_for_their_scope(
    hass: HomeAssistant, livekit_server: LiveKitServer, rtc_rooms: RtcRooms
) -> None:
    """Each server call carries a token of the configured key for its own grant."""
    await trigger(hass)

    list_rooms, list_participants = livekit_server.calls
    assert list_rooms.claims.video is not None
    assert list_rooms.claims.video.room_list
    assert list_participants.claims.video is not None
    assert list_participants.claims.video.room_admin
    assert list_participants.claims.video.room == "hall"


@pytest.mark.usefixtures("avatar_in_the_hall")
async def test_room_is_joined_as_a_participant_that_publishes_nothing(
    hass: HomeAssistant, rtc_rooms: RtcRooms
) -> None:
    """A short-lived, visible Home Assistant participant that only sends data."""
    await trigger(hass)

    [room] = rtc_rooms.created
    claims = room.claims
    assert claims.identity.startswith("home-assistant-")
    assert claims.name == "Home Assistant"
    assert claims.video is not None
    assert (
        claims.video.room_join,
        claims.video.room,
        claims.video.can_publish,
        claims.video.can_subscribe,
        claims.video.can_publish_data,
        bool(claims.video.hidden),
    ) == (True, "hall", False, False, True, False)
    assert room.options is not None
    assert room.options.auto_subscribe is False


@pytest.mark.usefixtures("avatar_in_the_hall")
async def test_room_client_gets_the_websocket_url(
    hass: HomeAssistant, livekit_server: LiveKitServer, rtc_rooms: RtcRooms
) -> None:
    """The http:// LiveKit URL is joined as ws://."""
    await trigger(hass)

    assert rtc_rooms.created[0].url == livekit_server.url.replace("http://", "ws://")


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://project.livekit.cloud", "wss://project.livekit.cloud"),
        ("http://livekit.local:7880", "ws://livekit.local:7880"),
        ("wss://project.livekit.cloud", "wss://project.livekit.cloud"),
        ("ws://livekit.local:7880", "ws://livekit.local:7880"),
    ],
)
def test_room_url_is_the_websocket_form(url: str, expected: str) -> None:
    """Whatever form the LiveKit URL has, the room client gets ws(s)://."""
    assert _rtc_url(url) == expected


@pytest.mark.parametrize(
    "gesture",
    ["mini_wave_hello", "Mini wave hello", "  MINI WAVE HELLO ", "Mini_Wave_Hello"],
)
@pytest.mark.usefixtures("avatar_in_the_hall")
async def test_gesture_by_action_or_friendly_name(
    hass: HomeAssistant,
    rtc_rooms: RtcRooms,
    gesture: str,
) -> None:
    """The action name and the name on the button both play the gesture."""
    await trigger(hass, gesture=gesture)

    assert rtc_rooms.created[0].rpc_calls[0]["payload"] == json.dumps(
        {"action": "mini_wave_hello"}
    )


@pytest.mark.usefixtures("avatar_in_the_hall")
async def test_gesture_in_the_room_given(
    hass: HomeAssistant, livekit_server: LiveKitServer, rtc_rooms: RtcRooms
) -> None:
    """With a room, only that room is checked for the avatar, then joined."""
    livekit_server.add_room("studio", [livekit_participant(AVATAR)])

    response = await trigger(hass, gesture="blow_kiss_heart", room="studio")

    assert response == {"agents": {FRONT_DOOR: {"room": "studio"}}}
    assert livekit_server.methods() == [("ListParticipants", "studio")]
    [room] = rtc_rooms.created
    assert room.claims.video is not None
    assert room.claims.video.room == "studio"


@pytest.mark.usefixtures("avatar_in_the_hall")
async def test_unknown_gesture_never_reaches_livekit(
    hass: HomeAssistant, livekit_server: LiveKitServer, rtc_rooms: RtcRooms
) -> None:
    """A gesture the agent lacks is refused before any LiveKit call."""
    with pytest.raises(ServiceValidationError):
        await trigger(hass, gesture="laugh_react")

    assert livekit_server.calls == []
    assert rtc_rooms.created == []


@pytest.mark.usefixtures("avatar_in_the_hall")
async def test_button_press_sends_the_same_rpc(
    hass: HomeAssistant, rtc_rooms: RtcRooms
) -> None:
    """Pressing a gesture button sends the RPC the action sends."""
    await hass.services.async_call(
        "button",
        "press",
        {ATTR_ENTITY_ID: "button.front_door_talk_head_nod_subtle"},
        blocking=True,
    )

    [room] = rtc_rooms.created
    assert room.rpc_calls[0]["payload"] == json.dumps(
        {"action": "talk_head_nod_subtle"}
    )


@pytest.mark.usefixtures("avatar_in_the_hall")
async def test_leaving_the_room_failing_is_still_a_success(
    hass: HomeAssistant,
    rtc_rooms: RtcRooms,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The gesture was delivered: a failed leave is only logged."""
    rtc_rooms.disconnect_error = RuntimeError("already closed")
    caplog.set_level(logging.DEBUG, logger="custom_components.bithuman")

    assert await trigger(hass) == {"agents": {FRONT_DOOR: {"room": "hall"}}}
    assert "Leaving the LiveKit room failed" in caplog.text


# Which room


@pytest.mark.parametrize(
    "participants",
    [
        pytest.param([livekit_participant(GUEST)], id="guest-only"),
        pytest.param(
            [livekit_participant(AVATAR, state=ParticipantInfo.State.DISCONNECTED)],
            id="avatar-disconnected",
        ),
        pytest.param(None, id="no-such-room"),
    ],
)
@pytest.mark.usefixtures("gesture_entry")
async def test_avatar_not_in_the_room_given(
    hass: HomeAssistant,
    livekit_server: LiveKitServer,
    rtc_rooms: RtcRooms,
    participants: list[ParticipantInfo] | None,
) -> None:
    """A room without the live avatar is refused before joining it."""
    if participants is not None:
        livekit_server.add_room("studio", participants)

    with pytest.raises(HomeAssistantError) as exc_info:
        await trigger(hass, room="studio")

    assert_error(
        exc_info.value, "avatar_not_in_room", {**FRONT_DOOR_WAVE, "room": "studio"}
    )
    assert rtc_rooms.created == []


@pytest.mark.parametrize(
    "rooms",
    [
        pytest.param({}, id="no-rooms"),
        pytest.param({"hall": [livekit_participant(GUEST)]}, id="guests-only"),
        pytest.param(
            {
                "hall": [
                    livekit_participant(
                        AVATAR, state=ParticipantInfo.State.DISCONNECTED
                    )
                ]
            },
            id="avatar-disconnected",
        ),
    ],
)
@pytest.mark.usefixtures("gesture_entry")
async def test_avatar_not_live_anywhere(
    hass: HomeAssistant,
    livekit_server: LiveKitServer,
    rtc_rooms: RtcRooms,
    rooms: dict[str, list[ParticipantInfo]],
) -> None:
    """No room holds the live avatar: avatar_not_live, and no join."""
    for name, participants in rooms.items():
        livekit_server.add_room(name, participants)

    with pytest.raises(HomeAssistantError) as exc_info:
        await trigger(hass)

    assert_error(exc_info.value, "avatar_not_live", FRONT_DOOR_WAVE)
    assert rtc_rooms.created == []


@pytest.mark.usefixtures("gesture_entry")
async def test_room_that_closed_while_listing_is_skipped(
    hass: HomeAssistant, livekit_server: LiveKitServer, rtc_rooms: RtcRooms
) -> None:
    """A room gone between ListRooms and ListParticipants counts as empty."""
    livekit_server.add_room("closing", [livekit_participant(AVATAR)])
    livekit_server.add_room("hall", [livekit_participant(AVATAR)])
    livekit_server.vanished.add("closing")

    assert await trigger(hass) == {"agents": {FRONT_DOOR: {"room": "hall"}}}


@pytest.mark.usefixtures("gesture_entry")
async def test_every_room_is_checked_however_many(
    hass: HomeAssistant, livekit_server: LiveKitServer, rtc_rooms: RtcRooms
) -> None:
    """More rooms than are listed at once: all are checked, the avatar found."""
    for number in range(MAX_PARALLEL_LISTINGS * 2):
        livekit_server.add_room(f"room-{number}", [livekit_participant(GUEST)])
    livekit_server.add_room("hall", [livekit_participant(AVATAR)])

    assert await trigger(hass) == {"agents": {FRONT_DOOR: {"room": "hall"}}}
    assert len(livekit_server.calls) == MAX_PARALLEL_LISTINGS * 2 + 2


@pytest.mark.parametrize(
    ("room_metadata", "avatar"),
    [
        pytest.param("", {"name": f"Avatar {FRONT_DOOR}"}, id="avatar-name"),
        pytest.param("", {"metadata": f'{{"code": "{FRONT_DOOR}"}}'}, id="avatar-meta"),
        pytest.param("", {"attributes": {"agent": FRONT_DOOR.lower()}}, id="attribute"),
        pytest.param(json.dumps({"agent": FRONT_DOOR}), {}, id="room-metadata"),
    ],
)
@pytest.mark.usefixtures("avatar_in_the_hall")
async def test_avatar_in_several_rooms_goes_to_the_room_naming_the_agent(
    hass: HomeAssistant,
    livekit_server: LiveKitServer,
    rtc_rooms: RtcRooms,
    room_metadata: str,
    avatar: dict[str, Any],
) -> None:
    """One avatar identity live in several rooms: the one naming the code wins."""
    livekit_server.add_room(
        "front", [livekit_participant(AVATAR, **avatar)], metadata=room_metadata
    )

    assert await trigger(hass) == {"agents": {FRONT_DOOR: {"room": "front"}}}


@pytest.mark.usefixtures("avatar_in_the_hall")
async def test_avatar_in_several_rooms_by_room_name(
    hass: HomeAssistant, livekit_server: LiveKitServer, rtc_rooms: RtcRooms
) -> None:
    """A room named after the agent code is the agent's."""
    livekit_server.add_room(f"room-{FRONT_DOOR.lower()}", [livekit_participant(AVATAR)])

    assert await trigger(hass) == {
        "agents": {FRONT_DOOR: {"room": f"room-{FRONT_DOOR.lower()}"}}
    }


@pytest.mark.usefixtures("gesture_entry")
async def test_each_agent_goes_to_its_own_room(
    hass: HomeAssistant, livekit_server: LiveKitServer, rtc_rooms: RtcRooms
) -> None:
    """Two agents sharing one avatar identity each play in their own room."""
    livekit_server.add_room(
        "front", [livekit_participant(AVATAR, attributes={"agent_code": FRONT_DOOR})]
    )
    livekit_server.add_room(
        "reception", [livekit_participant(AVATAR)], metadata=json.dumps({"a": LOBBY})
    )

    response = await trigger(
        hass, {ATTR_ENTITY_ID: ["sensor.front_door_status", "sensor.lobby_status"]}
    )

    assert response == {
        "agents": {FRONT_DOOR: {"room": "front"}, LOBBY: {"room": "reception"}}
    }
    assert sorted(
        (room.claims.video.room, len(room.rpc_calls))
        for room in rtc_rooms.created
        if room.claims.video is not None
    ) == [("front", 1), ("reception", 1)]


@pytest.mark.parametrize(
    ("rooms", "asked_about"),
    [
        # Live in several rooms, none naming the agent: say which one.
        pytest.param(
            {"studio": "", "hall": ""}, "hall, studio", id="none-naming-the-agent"
        ),
        # Two rooms name the agent: the question lists those two only.
        pytest.param(
            {"hall": "", "front-1": FRONT_DOOR, "front-2": FRONT_DOOR},
            "front-1, front-2",
            id="two-naming-the-agent",
        ),
    ],
)
@pytest.mark.usefixtures("gesture_entry")
async def test_several_rooms_ask_for_the_room(
    hass: HomeAssistant,
    livekit_server: LiveKitServer,
    rtc_rooms: RtcRooms,
    rooms: dict[str, str],
    asked_about: str,
) -> None:
    """The avatar is live in several rooms: say which one, from those that fit."""
    for name, metadata in rooms.items():
        livekit_server.add_room(name, [livekit_participant(AVATAR)], metadata=metadata)

    with pytest.raises(ServiceValidationError) as exc_info:
        await trigger(hass)

    assert_error(
        exc_info.value,
        "avatar_in_several_rooms",
        {**FRONT_DOOR_WAVE, "rooms": asked_about},
    )
    assert rtc_rooms.created == []


# The LiveKit options


async def test_custom_avatar_identity_receives_the_rpc(
    hass: HomeAssistant,
    gesture_entry: MockConfigEntry,
    livekit_server: LiveKitServer,
    rtc_rooms: RtcRooms,
) -> None:
    """The avatar identity option names the participant looked for and called."""
    await set_options(hass, gesture_entry, **{CONF_AVATAR_IDENTITY: "door-avatar"})
    livekit_server.add_room(
        "hall", [livekit_participant(AVATAR), livekit_participant("door-avatar")]
    )
    livekit_server.add_room("studio", [livekit_participant(AVATAR)])

    await trigger(hass)

    [room] = rtc_rooms.created
    assert room.claims.video is not None
    assert room.claims.video.room == "hall"
    assert room.rpc_calls[0]["destination_identity"] == "door-avatar"


async def test_empty_avatar_identity_means_the_default(
    hass: HomeAssistant,
    gesture_entry: MockConfigEntry,
    livekit_server: LiveKitServer,
    rtc_rooms: RtcRooms,
) -> None:
    """An empty avatar identity option falls back to bitHuman's default."""
    await set_options(hass, gesture_entry, **{CONF_AVATAR_IDENTITY: ""})
    livekit_server.add_room("hall", [livekit_participant(AVATAR)])

    await trigger(hass)

    assert rtc_rooms.created[0].rpc_calls[0]["destination_identity"] == AVATAR


@pytest.mark.parametrize(
    "missing", [CONF_LIVEKIT_URL, CONF_LIVEKIT_API_KEY, CONF_LIVEKIT_API_SECRET]
)
async def test_incomplete_livekit_options_are_not_configured(
    hass: HomeAssistant,
    gesture_entry: MockConfigEntry,
    livekit_server: LiveKitServer,
    missing: str,
) -> None:
    """Without any one of URL, key and secret, gestures are not set up."""
    await set_options(hass, gesture_entry, **{missing: ""})

    with pytest.raises(ServiceValidationError) as exc_info:
        await trigger(hass)

    assert_error(
        exc_info.value,
        "livekit_not_configured",
        {"agent": "Front Door", "account": EMAIL},
    )
    assert livekit_server.calls == []


def test_gesture_sender_repr_names_no_credentials(
    gesture_entry: MockConfigEntry,
) -> None:
    """The sender's repr (in logs and debuggers) shows the URL, not the key."""
    text = repr(gesture_entry.runtime_data.gestures)

    assert gesture_entry.options[CONF_LIVEKIT_URL] in text
    assert AVATAR in text
    assert LIVEKIT_API_SECRET not in text
    assert LIVEKIT_API_KEY not in text


# LiveKit failures


def wrong_secret(
    entry: MockConfigEntry, server: LiveKitServer, port: int
) -> dict[str, str]:
    """Configure a secret LiveKit does not accept."""
    return {CONF_LIVEKIT_API_SECRET: "lk-wrong-secret-0f9e8d7c6b5a4f3e2d1c"}


def participants_refused(
    entry: MockConfigEntry, server: LiveKitServer, port: int
) -> dict[str, str]:
    """Let the key list rooms but not their participants."""
    server.participants_error = (
        403,
        {"code": "permission_denied", "msg": "no room admin grant"},
    )
    return {}


def answer(status: int, code: str, msg: str) -> Callable[..., dict[str, str]]:
    """Make every server call answer this twirp error."""

    def setup(
        entry: MockConfigEntry, server: LiveKitServer, port: int
    ) -> dict[str, str]:
        server.error = (status, {"code": code, "msg": msg})
        return {}

    return setup


def participants_answer(status: int, code: str) -> Callable[..., dict[str, str]]:
    """Make ListParticipants answer this twirp error."""

    def setup(
        entry: MockConfigEntry, server: LiveKitServer, port: int
    ) -> dict[str, str]:
        server.participants_error = (status, {"code": code, "msg": "boom"})
        return {}

    return setup


def garbage(entry: MockConfigEntry, server: LiveKitServer, port: int) -> dict[str, str]:
    """Answer bytes that are not LiveKit's protobuf."""
    server.answer_garbage = True
    return {}


def nothing_listening(
    entry: MockConfigEntry, server: LiveKitServer, port: int
) -> dict[str, str]:
    """Point the LiveKit URL at a port where nothing listens."""
    return {CONF_LIVEKIT_URL: f"wss://127.0.0.1:{port}"}


@pytest.mark.parametrize(
    ("setup", "translation_key", "extra"),
    [
        pytest.param(wrong_secret, "livekit_rejected", {}, id="401-wrong-secret"),
        pytest.param(
            participants_refused, "livekit_rejected", {}, id="403-participants"
        ),
        pytest.param(
            answer(400, "permission_denied", "no grant"),
            "livekit_rejected",
            {},
            id="permission-denied-code",
        ),
        pytest.param(
            answer(503, "unavailable", "node draining"),
            "livekit_server_error",
            {"status": "503", "code": "unavailable"},
            id="503",
        ),
        pytest.param(
            answer(404, "not_found", "no such service"),
            "livekit_server_error",
            {"status": "404", "code": "not_found"},
            id="404-list-rooms",
        ),
        pytest.param(
            participants_answer(500, "internal"),
            "livekit_server_error",
            {"status": "500", "code": "internal"},
            id="500-participants",
        ),
        pytest.param(garbage, "livekit_not_livekit", {}, id="not-livekit"),
        pytest.param(
            nothing_listening,
            "livekit_unreachable",
            {"error": "ClientConnectorError"},
            id="unreachable",
        ),
    ],
)
async def test_livekit_server_failure_becomes_its_translated_error(
    hass: HomeAssistant,
    gesture_entry: MockConfigEntry,
    livekit_server: LiveKitServer,
    rtc_rooms: RtcRooms,
    unused_tcp_port: int,
    setup: Callable[..., dict[str, str]],
    translation_key: str,
    extra: dict[str, str],
) -> None:
    """Each way LiveKit's server API fails has its own message; no join."""
    livekit_server.add_room("hall", [livekit_participant(AVATAR)])
    if options := setup(gesture_entry, livekit_server, unused_tcp_port):
        await set_options(hass, gesture_entry, **options)

    with pytest.raises(HomeAssistantError) as exc_info:
        await trigger(hass)

    assert_error(exc_info.value, translation_key, {**FRONT_DOOR_WAVE, **extra})
    assert rtc_rooms.created == []


async def test_rejected_credentials_never_show_a_secret(
    hass: HomeAssistant,
    gesture_entry: MockConfigEntry,
    livekit_server: LiveKitServer,
    rtc_rooms: RtcRooms,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Neither the message nor the log holds the stored or the wrong secret."""
    wrong = "lk-wrong-secret-0f9e8d7c6b5a4f3e2d1c"
    await set_options(hass, gesture_entry, **{CONF_LIVEKIT_API_SECRET: wrong})
    livekit_server.add_room("hall", [livekit_participant(AVATAR)])
    caplog.set_level(logging.DEBUG)

    with pytest.raises(HomeAssistantError) as exc_info:
        await trigger(hass)

    for text in (str(exc_info.value), caplog.text):
        assert wrong not in text
        assert LIVEKIT_API_SECRET not in text


@pytest.mark.usefixtures("avatar_in_the_hall")
async def test_livekit_server_too_slow(
    hass: HomeAssistant,
    livekit_server: LiveKitServer,
    rtc_rooms: RtcRooms,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Room discovery that takes too long is given up: livekit_timeout."""
    livekit_server.stall = True

    error = await trigger_given_up(
        hass, freezer, livekit_server.stalled, DISCOVERY_TIMEOUT
    )

    assert_error(error, "livekit_timeout", FRONT_DOOR_WAVE)
    assert rtc_rooms.created == []


@pytest.mark.usefixtures("avatar_in_the_hall")
async def test_joining_the_room_fails(hass: HomeAssistant, rtc_rooms: RtcRooms) -> None:
    """A refused join: livekit_join_failed with LiveKit's reason; room left."""
    rtc_rooms.connect_error = rtc.ConnectError("engine: signal failure: 401")

    with pytest.raises(HomeAssistantError) as exc_info:
        await trigger(hass)

    assert_error(
        exc_info.value,
        "livekit_join_failed",
        {**FRONT_DOOR_WAVE, "room": "hall", "error": "engine: signal failure: 401"},
    )
    [room] = rtc_rooms.created
    assert room.rpc_calls == []
    assert room.disconnected


@pytest.mark.usefixtures("avatar_in_the_hall")
async def test_secret_in_a_livekit_message_is_redacted(
    hass: HomeAssistant, rtc_rooms: RtcRooms
) -> None:
    """A LiveKit message quoting the secret reaches the user redacted."""
    rtc_rooms.connect_error = rtc.ConnectError(f"bad token {LIVEKIT_API_SECRET}")

    with pytest.raises(HomeAssistantError) as exc_info:
        await trigger(hass)

    assert exc_info.value.translation_placeholders is not None
    assert exc_info.value.translation_placeholders["error"] == "bad token **REDACTED**"
    assert LIVEKIT_API_SECRET not in str(exc_info.value)


@pytest.mark.parametrize(
    ("code", "translation_key", "error"),
    [
        (rtc.RpcError.ErrorCode.UNSUPPORTED_METHOD, "gesture_failed", "Not here"),
        (rtc.RpcError.ErrorCode.APPLICATION_ERROR, "gesture_failed", "Not here"),
        (rtc.RpcError.ErrorCode.RECIPIENT_NOT_FOUND, "avatar_not_in_room", ""),
        (rtc.RpcError.ErrorCode.RECIPIENT_DISCONNECTED, "avatar_not_in_room", ""),
    ],
)
@pytest.mark.usefixtures("avatar_in_the_hall")
async def test_rpc_refused(
    hass: HomeAssistant,
    rtc_rooms: RtcRooms,
    code: rtc.RpcError.ErrorCode,
    translation_key: str,
    error: str,
) -> None:
    """The avatar's RPC error: gone avatar, or its reason; the room is left."""
    rtc_rooms.rpc_error = rtc.RpcError(code, "Not here")

    with pytest.raises(HomeAssistantError) as exc_info:
        await trigger(hass)

    assert_error(
        exc_info.value,
        translation_key,
        {**FRONT_DOOR_WAVE, "room": "hall", "error": error},
    )
    assert rtc_rooms.created[0].disconnected


@pytest.mark.usefixtures("avatar_in_the_hall")
async def test_rpc_never_answered(
    hass: HomeAssistant,
    rtc_rooms: RtcRooms,
    freezer: FrozenDateTimeFactory,
) -> None:
    """An RPC that hangs is given up: livekit_room_timeout; the room is left."""
    rtc_rooms.rpc_hangs = True

    error = await trigger_given_up(
        hass, freezer, rtc_rooms.rpc_started, DELIVERY_TIMEOUT
    )

    assert_error(
        error,
        "livekit_room_timeout",
        {**FRONT_DOOR_WAVE, "room": "hall", "error": ""},
    )
    assert rtc_rooms.created[0].disconnected


# Unexpected failures


@pytest.mark.usefixtures("avatar_in_the_hall")
async def test_unexpected_failure_is_reported_and_logged_once(
    hass: HomeAssistant,
    rtc_rooms: RtcRooms,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A bug hit while delivering: unexpected_error, its traceback logged once."""
    rtc_rooms.connect_error = RuntimeError("boom")

    with pytest.raises(HomeAssistantError) as exc_info:
        await trigger(hass)

    assert_error(exc_info.value, "unexpected_error", {"agent": "Front Door"})
    [record] = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert record.getMessage() == (
        "Unexpected error in bithuman.trigger_gesture for Front Door"
    )
    assert record.exc_info is not None
    assert isinstance(record.exc_info[1], RuntimeError)


@pytest.mark.usefixtures("gesture_entry")
async def test_unexpected_failure_for_one_agent_spares_the_others(
    hass: HomeAssistant,
    simulator: Simulator,
    other_account: str,
    simulator_url: str,
    livekit_server: LiveKitServer,
    rtc_rooms: RtcRooms,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A bug hit for one agent: the others still play; the error says who."""
    simulator.add_agent(
        other_account,
        code=STUDIO,
        name="Studio",
        dynamics="ready",
        gestures=["mini_wave_hello"],
    )
    # An option no form would accept: the LiveKit client cannot even be made.
    studio = MockConfigEntry(
        domain=DOMAIN,
        title=OTHER_EMAIL,
        unique_id=OTHER_USER_ID,
        minor_version=2,
        data=entry_data(other_account, simulator_url),
        options=livekit_connection("http://[::1"),
        subentries_data=[agent_subentry(STUDIO, "Studio")],
    )
    studio.add_to_hass(hass)
    assert await hass.config_entries.async_setup(studio.entry_id)
    await hass.async_block_till_done()
    livekit_server.add_room("hall", [livekit_participant(AVATAR)])

    with pytest.raises(HomeAssistantError) as exc_info:
        await trigger(
            hass, {ATTR_ENTITY_ID: ["sensor.front_door_status", "sensor.studio_status"]}
        )

    err = exc_info.value
    assert err.translation_key == "partial_failure"
    assert err.translation_placeholders == {
        "succeeded": "Front Door",
        "failed": "Studio: An unexpected error happened for Studio. Look for "
        "bitHuman in the Home Assistant log",
    }
    assert len(rtc_rooms.created[0].rpc_calls) == 1
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR] == [
        "Unexpected error in bithuman.trigger_gesture for Studio"
    ]


@pytest.mark.usefixtures("avatar_in_the_hall")
async def test_cancellation_while_delivering_is_not_turned_into_an_error(
    hass: HomeAssistant, rtc_rooms: RtcRooms
) -> None:
    """Cancelled mid-delivery (Home Assistant stopping): the cancellation goes on."""
    rtc_rooms.connect_error = asyncio.CancelledError()  # type: ignore[assignment]

    with pytest.raises(asyncio.CancelledError):
        await trigger(hass)

    assert rtc_rooms.created[0].disconnected
