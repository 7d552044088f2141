"""Fixtures for the integration tests: Home Assistant with the bitHuman simulator."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
import hashlib
import json
from pathlib import Path
import string
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any
from unittest.mock import AsyncMock, patch

from aiohttp import web
from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.button import DOMAIN as BUTTON_DOMAIN, SERVICE_PRESS
from homeassistant.const import ATTR_ENTITY_ID, Platform
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import (
    device_registry as dr,
    entity_registry as er,
    issue_registry as ir,
)
from homeassistant.setup import async_setup_component
import jwt
from livekit import api, rtc
from livekit.protocol.models import ParticipantInfo, Room
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_time_changed,
    snapshot_platform,
)
from pytest_homeassistant_custom_component.syrupy import HomeAssistantSnapshotExtension
from syrupy.assertion import SnapshotAssertion

from bithuman_simulator import ManualClock
from custom_components.bithuman import PLATFORMS
from custom_components.bithuman.const import (
    CONF_AGENT_CODE,
    CONF_API_SECRET,
    CONF_API_URL,
    CONF_AVATAR_IDENTITY,
    CONF_EMBED_SALT,
    CONF_LIVEKIT_API_KEY,
    CONF_LIVEKIT_API_SECRET,
    CONF_LIVEKIT_URL,
    CONF_WEBHOOK_ID,
    DEFAULT_AVATAR_IDENTITY,
    DOMAIN,
    SUBENTRY_TYPE_AGENT,
)
from custom_components.bithuman.repairs import issue_id

if TYPE_CHECKING:
    from collections.abc import Generator

    from bithuman_simulator.simulator import Simulator

# Every bitHuman action, as services.yaml, the translations and README list them.
ACTIONS = (
    "speak",
    "add_context",
    "trigger_gesture",
    "generate_dynamics",
    "update_prompt",
    "end_session",
    "generate_agent",
)
ACCOUNT_KEY = "sk_integration_secret_4f1c9a7e2b"
USER_ID = "user-0001"
EMAIL = "ada@example.com"
OTHER_ACCOUNT_KEY = "sk_integration_other_account_9d3b"
OTHER_USER_ID = "user-0002"
OTHER_EMAIL = "grace@example.com"


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations(enable_custom_integrations: None) -> None:
    """Let Home Assistant load the integration from custom_components/."""


_EXCEPTIONS: dict[str, Any] = json.loads(
    (
        Path(__file__).parents[2]
        / "custom_components"
        / "bithuman"
        / "translations"
        / "en.json"
    ).read_text(encoding="utf-8")
)["exceptions"]


@pytest.fixture(autouse=True)
def errors_are_translated() -> Generator[None]:
    """Every error the integration raises, in any test, has its text in en.json.

    And every blank of that text is filled: nothing reaches a user as a key
    name or with a hole in it.
    """
    raised: list[HomeAssistantError] = []
    original = HomeAssistantError.__init__

    def record(self: HomeAssistantError, *args: Any, **kwargs: Any) -> None:
        original(self, *args, **kwargs)
        if self.translation_domain == DOMAIN:
            raised.append(self)

    with patch.object(HomeAssistantError, "__init__", record):
        yield
    for err in raised:
        assert err.translation_key in _EXCEPTIONS, err.translation_key
        text = _EXCEPTIONS[err.translation_key]["message"]
        wanted = {name for _, name, _, _ in string.Formatter().parse(text) if name}
        given = set(err.translation_placeholders or {})
        assert wanted <= given, f"{err.translation_key}: {wanted - given} not filled"


def pytest_configure(config: pytest.Config) -> None:
    """Register the marker of tests that need Home Assistant's real clock."""
    config.addinivalue_line(
        "markers", "real_time: run on the real clock (real timeouts); no `advance`"
    )


@pytest.fixture(autouse=True)
def clocks_agree(request: pytest.FixtureRequest, sim_clock: ManualClock) -> None:
    """Home Assistant's clock reads the simulator's, as real clocks would agree.

    It freezes Home Assistant's clock first thing (tests move both with
    `advance`), so that tokens, entries and records all date from the same
    time; tests of real timeouts are marked `real_time` and keep the real
    clock.
    """
    if request.node.get_closest_marker("real_time") is None:
        freezer: FrozenDateTimeFactory = request.getfixturevalue("freezer")
        freezer.move_to(datetime.fromtimestamp(sim_clock.now(), UTC))


@pytest.fixture(autouse=True)
async def core_integration(hass: HomeAssistant) -> None:
    """Set up `homeassistant`, always loaded in a real Home Assistant.

    Assist's conversation agent (pulled in by the satellites) needs it.
    """
    assert await async_setup_component(hass, "homeassistant", {})


@pytest.fixture
def mock_setup_entry() -> Generator[AsyncMock]:
    """Keep flows from setting the entry up for real: they only store it."""
    with patch(
        "custom_components.bithuman.async_setup_entry", return_value=True
    ) as mock_setup:
        yield mock_setup


@pytest.fixture
def account(simulator: Simulator) -> str:
    """Create the main simulator account; return its API secret."""
    simulator.add_account(ACCOUNT_KEY, user_id=USER_ID, email=EMAIL)
    return ACCOUNT_KEY


@pytest.fixture
def other_account(simulator: Simulator) -> str:
    """Create a second simulator account; return its API secret."""
    simulator.add_account(OTHER_ACCOUNT_KEY, user_id=OTHER_USER_ID, email=OTHER_EMAIL)
    return OTHER_ACCOUNT_KEY


def entry_data(secret: str, url: str) -> dict[str, str]:
    """Return what an entry stores: the API secret and URL, and its own ids.

    The ids are fixed per secret, as the config flow would have made them.
    """
    digest = hashlib.sha256(secret.encode()).hexdigest()
    return {
        CONF_API_SECRET: secret,
        CONF_API_URL: url,
        CONF_WEBHOOK_ID: digest[:32],
        CONF_EMBED_SALT: digest[32:],
    }


def agent_subentry(code: str, name: str) -> dict[str, Any]:
    """Return the subentry data of an agent, as the config flow stores it."""
    return {
        "subentry_type": SUBENTRY_TYPE_AGENT,
        "data": {CONF_AGENT_CODE: code},
        "title": name,
        "unique_id": code,
    }


@pytest.fixture
def config_entry_factory(
    simulator_url: str, account: str
) -> Callable[..., MockConfigEntry]:
    """Return a factory of bitHuman entries for the main account on the simulator.

    Pass ``agents={"CODE": "Name"}`` for agent subentries; other keyword
    arguments go to MockConfigEntry.
    """

    def factory(
        *, agents: dict[str, str] | None = None, **kwargs: Any
    ) -> MockConfigEntry:
        options: dict[str, Any] = {
            "domain": DOMAIN,
            "title": EMAIL,
            "unique_id": USER_ID,
            "minor_version": 2,
            "data": entry_data(account, simulator_url),
            "subentries_data": [
                agent_subentry(code, name) for code, name in (agents or {}).items()
            ],
        }
        options.update(kwargs)
        return MockConfigEntry(**options)

    return factory


@pytest.fixture
def mock_config_entry(
    config_entry_factory: Callable[..., MockConfigEntry],
) -> MockConfigEntry:
    """Return a bitHuman entry (not added to Home Assistant) without agents."""
    return config_entry_factory()


FRONT_DOOR = "A10000001"
KITCHEN = "A10000002"


@pytest.fixture
def agents(simulator: Simulator, account: str) -> dict[str, str]:
    """Create two agents: one with dynamics and a live room, one without.

    The API reports Front Door's dynamics as disabled and says nothing about
    Kitchen's.
    """
    simulator.add_agent(
        account,
        code=FRONT_DOOR,
        name="Front Door",
        dynamics="ready",
        gestures=["mini_wave_hello", "talk_head_nod_subtle", "blow_kiss_heart"],
        dynamics_enabled=False,
        live_rooms=["hall"],
    )
    simulator.add_agent(account, code=KITCHEN, name="Kitchen", dynamics="none")
    return {FRONT_DOOR: "Front Door", KITCHEN: "Kitchen"}


@pytest.fixture
def platforms() -> list[Platform]:
    """Return the platforms to set up (parametrize to narrow a snapshot)."""
    return PLATFORMS


@pytest.fixture
async def init_integration(
    hass: HomeAssistant,
    config_entry_factory: Callable[..., MockConfigEntry],
    agents: dict[str, str],
    platforms: list[Platform],
) -> MockConfigEntry:
    """Set up a bitHuman entry with the `agents` against the simulator."""
    entry = config_entry_factory(agents=agents)
    entry.add_to_hass(hass)
    with patch("custom_components.bithuman.PLATFORMS", platforms):
        assert await hass.config_entries.async_setup(entry.entry_id)
        await hass.async_block_till_done()
    return entry


async def set_up_entry(hass: HomeAssistant, entry: MockConfigEntry) -> bool:
    """Add `entry` to Home Assistant and set it up, as at start-up.

    Returns whether setup succeeded; a failed setup leaves the entry in its
    error or retry state for the test to look at.
    """
    entry.add_to_hass(hass)
    set_up = await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    return set_up


@pytest.fixture
async def entry_with_revoked_secret(
    hass: HomeAssistant,
    config_entry_factory: Callable[..., MockConfigEntry],
    simulator: Simulator,
    agents: dict[str, str],
) -> MockConfigEntry:
    """Set up an entry with the `agents` after bitHuman revoked its secret.

    Setup is refused: the entry is left in its error state.
    """
    simulator.revoke_secret(ACCOUNT_KEY)
    entry = config_entry_factory(agents=agents)
    await set_up_entry(hass, entry)
    return entry


type SnapshotEntities = Callable[[], Awaitable[None]]


@pytest.fixture
def snapshot_entities(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    entity_registry: er.EntityRegistry,
    snapshot: SnapshotAssertion,
) -> SnapshotEntities:
    """Return a check of the set-up entry's entities and states against the snapshot.

    Parametrize `platforms` to narrow it to one platform.
    """

    async def check() -> None:
        await snapshot_platform(
            hass, entity_registry, snapshot, init_integration.entry_id
        )

    return check


type EntryIssue = Callable[..., ir.IssueEntry | None]


@pytest.fixture
def entry_issue(
    init_integration: MockConfigEntry, issue_registry: ir.IssueRegistry
) -> EntryIssue:
    """Return a look-up of the set-up entry's repair issue of a kind.

    Call it with the kind and, for an issue about one agent, the agent's
    code; it returns None while there is no such issue.
    """

    def issue(kind: str, code: str | None = None) -> ir.IssueEntry | None:
        return issue_registry.async_get_issue(
            DOMAIN, issue_id(kind, init_integration.entry_id, code)
        )

    return issue


async def entity_action(
    hass: HomeAssistant, domain: str, service: str, entity_id: str, **data: Any
) -> None:
    """Perform an action on one entity, as the user does, and wait for it."""
    await hass.services.async_call(
        domain, service, {ATTR_ENTITY_ID: entity_id, **data}, blocking=True
    )


async def press(hass: HomeAssistant, entity_id: str) -> None:
    """Press a button entity."""
    await entity_action(hass, BUTTON_DOMAIN, SERVICE_PRESS, entity_id)


def agent_device(hass: HomeAssistant, code: str) -> dr.DeviceEntry | None:
    """Return the device of a bitHuman agent (or of the account, by user id)."""
    registry = dr.async_get(hass)
    for entry in hass.config_entries.async_entries(DOMAIN):
        device = registry.async_get_device_by_identifier((DOMAIN, code), entry.entry_id)
        if isinstance(device, dr.DeviceEntry):
            return device
    return None


type Advance = Callable[[float], Awaitable[None]]


@pytest.fixture
def advance(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    sim_clock: ManualClock,
) -> Advance:
    """Move Home Assistant's and the simulator's clocks on together."""

    async def advance(seconds: float) -> None:
        sim_clock.advance(seconds)
        freezer.tick(timedelta(seconds=seconds))
        async_fire_time_changed(hass)
        await hass.async_block_till_done(wait_background_tasks=True)

    return advance


@pytest.fixture
def snapshot(snapshot: SnapshotAssertion) -> SnapshotAssertion:
    """Snapshot with Home Assistant's serializer (ids and times masked).

    Syrupy's own `snapshot` fixture would otherwise win over the plugin's.
    """
    return snapshot.use_extension(HomeAssistantSnapshotExtension)


# LiveKit, for gestures. No LiveKit server exists on this machine, so:
# - `livekit_server` is a small local server speaking LiveKit's RoomService
#   twirp protocol (protobuf in and out, JSON errors) for ListRooms and
#   ListParticipants, checking each call's token as LiveKit does; the real
#   `livekit.api` client talks to it over HTTP;
# - `rtc_rooms` replaces only `livekit.rtc.Room` with a stand-in that records
#   the join, the RPC and the leave (joining a room needs a real LiveKit
#   server with WebRTC).

LIVEKIT_API_KEY = "APIintegrationKey"
LIVEKIT_API_SECRET = "lk-integration-secret-7c2e9f1a4b8d5e3f"
AVATAR = DEFAULT_AVATAR_IDENTITY


def livekit_participant(
    identity: str,
    *,
    state: ParticipantInfo.State.ValueType = ParticipantInfo.State.ACTIVE,
    name: str = "",
    metadata: str = "",
    attributes: dict[str, str] | None = None,
) -> ParticipantInfo:
    """Return a participant as LiveKit's server API lists it."""
    return ParticipantInfo(
        sid=f"PA_{identity}",
        identity=identity,
        state=state,
        name=name,
        metadata=metadata,
        attributes=attributes or {},
    )


@dataclass
class TwirpCall:
    """One RoomService call the LiveKit stand-in server received."""

    method: str
    room: str | None
    claims: api.Claims


@dataclass
class LiveKitServer:
    """LiveKit's RoomService (ListRooms, ListParticipants) over twirp."""

    url: str = ""
    rooms: dict[str, Room] = field(default_factory=dict)
    participants: dict[str, list[ParticipantInfo]] = field(default_factory=dict)
    calls: list[TwirpCall] = field(default_factory=list)
    # (HTTP status, JSON body) answered to every call, when set.
    error: tuple[int, dict[str, str]] | None = None
    # (HTTP status, JSON body) answered to ListParticipants only, when set.
    participants_error: tuple[int, dict[str, str]] | None = None
    # Rooms listed by ListRooms that are gone by the time they are asked about.
    vanished: set[str] = field(default_factory=set)
    answer_garbage: bool = False
    # Hold every call until the test ends (`stalled` is set once one is held).
    stall: bool = False
    stalled: asyncio.Event = field(default_factory=asyncio.Event)
    released: asyncio.Event = field(default_factory=asyncio.Event)

    def add_room(
        self,
        name: str,
        participants: list[ParticipantInfo],
        *,
        metadata: str = "",
    ) -> None:
        """Open a room with these participants."""
        self.rooms[name] = Room(
            sid=f"RM_{name}",
            name=name,
            metadata=metadata,
            num_participants=len(participants),
        )
        self.participants[name] = participants

    async def handle(self, request: web.Request) -> web.StreamResponse:
        """Answer one twirp call like LiveKit's server."""
        token = request.headers.get("Authorization", "").removeprefix("Bearer ")
        try:
            claims = api.TokenVerifier(LIVEKIT_API_KEY, LIVEKIT_API_SECRET).verify(
                token
            )
        except jwt.PyJWTError:
            return web.json_response(
                {"code": "unauthenticated", "msg": "invalid token"}, status=401
            )
        method = request.match_info["method"]
        body = await request.read()
        if self.stall:
            self.stalled.set()
            await self.released.wait()
        grants = claims.video or api.VideoGrants()
        if method == "ListRooms":
            self.calls.append(TwirpCall(method, None, claims))
            names = set(api.ListRoomsRequest.FromString(body).names)
            if not grants.room_list:
                return _permission_denied()
            reply: Any = api.ListRoomsResponse(
                rooms=[
                    room
                    for name, room in self.rooms.items()
                    if not names or name in names
                ]
            )
        elif method == "ListParticipants":
            room_name = api.ListParticipantsRequest.FromString(body).room
            self.calls.append(TwirpCall(method, room_name, claims))
            if not grants.room_admin or grants.room != room_name:
                return _permission_denied()
            if self.participants_error is not None:
                status, error = self.participants_error
                return web.json_response(error, status=status)
            if room_name not in self.rooms or room_name in self.vanished:
                return web.json_response(
                    {"code": "not_found", "msg": "requested room does not exist"},
                    status=404,
                )
            reply = api.ListParticipantsResponse(
                participants=self.participants[room_name]
            )
        else:
            return web.json_response(
                {"code": "bad_route", "msg": f"no handler for {method}"}, status=404
            )
        if self.error is not None:
            status, error = self.error
            return web.json_response(error, status=status)
        if self.answer_garbage:
            return web.Response(
                body=b"\xff\xff\xff\xff", content_type="application/protobuf"
            )
        return web.Response(
            body=reply.SerializeToString(), content_type="application/protobuf"
        )

    def methods(self) -> list[tuple[str, str | None]]:
        """Return the calls received, as (method, room)."""
        return [(call.method, call.room) for call in self.calls]


def _permission_denied() -> web.Response:
    return web.json_response(
        {"code": "permission_denied", "msg": "insufficient permissions"}, status=403
    )


@pytest.fixture
async def livekit_server(socket_enabled: None) -> AsyncIterator[LiveKitServer]:
    """Serve a LiveKit RoomService stand-in on a free 127.0.0.1 port."""
    server = LiveKitServer()
    app = web.Application()
    app.router.add_post("/twirp/livekit.RoomService/{method}", server.handle)
    runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    server.url = f"http://127.0.0.1:{runner.addresses[0][1]}"
    yield server
    server.released.set()
    await runner.cleanup()


def livekit_connection(
    url: str, key: str = LIVEKIT_API_KEY, secret: str = LIVEKIT_API_SECRET
) -> dict[str, str]:
    """Return the LiveKit connection options: URL, API key and API secret."""
    return {
        CONF_LIVEKIT_URL: url,
        CONF_LIVEKIT_API_KEY: key,
        CONF_LIVEKIT_API_SECRET: secret,
    }


@pytest.fixture
def livekit_options(livekit_server: LiveKitServer) -> dict[str, str]:
    """Return entry options pointing gestures at the LiveKit stand-in."""
    return {**livekit_connection(livekit_server.url), CONF_AVATAR_IDENTITY: AVATAR}


class FakeRtcRoom:
    """Stand-in for `livekit.rtc.Room`: records the join, the RPC and the leave."""

    def __init__(self, rooms: RtcRooms) -> None:
        """Behave as `rooms` says."""
        self._rooms = rooms
        self.url: str | None = None
        self.token: str | None = None
        self.options: rtc.RoomOptions | None = None
        self.rpc_calls: list[dict[str, Any]] = []
        self.disconnected = False
        self.local_participant = SimpleNamespace(perform_rpc=self._perform_rpc)

    @property
    def claims(self) -> api.Claims:
        """The claims of the token the room was joined with."""
        assert self.token is not None
        return api.TokenVerifier(LIVEKIT_API_KEY, LIVEKIT_API_SECRET).verify(self.token)

    async def connect(
        self, url: str, token: str, options: rtc.RoomOptions | None = None
    ) -> None:
        """Record the join; fail as configured."""
        self.url, self.token, self.options = url, token, options
        if self._rooms.connect_error is not None:
            raise self._rooms.connect_error

    async def _perform_rpc(
        self,
        *,
        destination_identity: str,
        method: str,
        payload: str,
        response_timeout: float | None = None,
        max_round_trip_latency: float | None = None,
    ) -> str:
        self.rpc_calls.append(
            {
                "destination_identity": destination_identity,
                "method": method,
                "payload": payload,
            }
        )
        if self._rooms.rpc_hangs:
            self._rooms.rpc_started.set()
            await asyncio.Event().wait()
        if self._rooms.rpc_error is not None:
            raise self._rooms.rpc_error
        return "ok"

    async def disconnect(self) -> None:
        """Record the leave."""
        self.disconnected = True
        if self._rooms.disconnect_error is not None:
            raise self._rooms.disconnect_error


@dataclass
class RtcRooms:
    """The stand-in rooms the integration created, and how they behave."""

    created: list[FakeRtcRoom] = field(default_factory=list)
    connect_error: Exception | None = None
    rpc_error: Exception | None = None
    # Never answer the RPC (and set `rpc_started` once it is sent).
    rpc_hangs: bool = False
    rpc_started: asyncio.Event = field(default_factory=asyncio.Event)
    disconnect_error: Exception | None = None

    def new_room(self) -> FakeRtcRoom:
        """Create a stand-in room (called where the SDK's room is created)."""
        room = FakeRtcRoom(self)
        self.created.append(room)
        return room


@pytest.fixture
def rtc_rooms() -> Generator[RtcRooms]:
    """Replace `livekit.rtc.Room` at the integration's seam with stand-ins."""
    rooms = RtcRooms()
    with patch("livekit.rtc.Room", side_effect=rooms.new_room):
        yield rooms


@pytest.fixture(autouse=True)
def retry_on_simulated_time(sim_clock: ManualClock) -> Generator[list[float]]:
    """Let the client's waits (backoff, Retry-After) pass on the simulator's clock.

    They are real sleeps in production; here they move the simulator's clock
    instead, so a test can check that nothing was asked before `Retry-After`
    without waiting for it. Yields the waits, in order.
    """
    waits: list[float] = []

    async def sleep(seconds: float) -> None:
        waits.append(seconds)
        sim_clock.advance(seconds)

    with patch("custom_components.bithuman.api.retry.sleep", sleep):
        yield waits
