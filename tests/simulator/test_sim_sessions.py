"""Runtime sessions: a live room is a session, billed by the minute."""

import pytest

from bithuman_simulator import ManualClock, Simulator, seed_demo
from bithuman_simulator.demo import DEMO_ROOM, DEMO_SECRET

SESSION_FIELDS = {
    "id",
    "agent_code",
    "agent_name",
    "billing_type",
    "key_alias",
    "room_name",
    "started",
    "last_seen",
    "minutes",
    "credits",
    "burn_rate_cr_per_min",
    "status",
    "has_transcript",
}
SESSIONS = "/v2/u-1/runtime-sessions"


async def test_a_live_room_is_a_live_session(
    api, simulator: Simulator, sim_clock: ManualClock
) -> None:
    simulator.add_agent("u-1", code="A1", name="Front Door", live_rooms=["hall"])
    sim_clock.advance(150)
    reply = await api.get(SESSIONS)
    assert reply.status == 200
    assert reply.body["success"] is True
    data = reply.body["data"]
    assert data["active_count"] == 1
    assert data["live_burn_rate_cr_per_min"] == 4.0
    assert data["credits_this_hour"] == 8
    [session] = data["sessions"]
    assert session.keys() == SESSION_FIELDS
    assert session["agent_code"] == "A1"
    assert session["agent_name"] == "Front Door"
    assert session["room_name"] == "hall"
    assert session["billing_type"] == "usage_agent_video_chat_on_imaginex"
    assert session["status"] == "live"
    assert session["minutes"] == 2.5
    assert session["credits"] == 8
    assert session["burn_rate_cr_per_min"] == 4.0
    assert session["has_transcript"] is False
    assert session["started"].endswith("Z")
    assert session["last_seen"] > session["started"]
    assert "X-RateLimit-Limit" in reply.headers


@pytest.mark.parametrize(
    ("model", "rate"),
    [
        ("essence-1", 2),
        ("expression-1", 4),
        ("expression-2", 4),
        ("essence-2", 4),
    ],
)
async def test_sessions_bill_the_cloud_rate_of_the_model(
    simulator: Simulator, account, sim_clock: ManualClock, model, rate
) -> None:
    simulator.add_agent("u-1", code="A1", model=model, live_rooms=["hall"])
    sim_clock.advance(59)
    assert simulator.usage("u-1") == []
    sim_clock.advance(1)
    [minute] = simulator.usage("u-1")
    assert (minute.kind, minute.amount, minute.agent_code) == ("usage", rate, "A1")
    assert minute.session_id == simulator.sessions("u-1")[0].id
    sim_clock.advance(600)
    assert simulator.account("u-1").balance == 10_000 - 11 * rate
    assert simulator.charges("u-1") == []


async def test_max_and_self_hosted_rates(
    api, simulator: Simulator, sim_clock: ManualClock
) -> None:
    simulator.add_agent("u-1", code="A1", model="essence-2")
    simulator.start_session("A1", "max", model="essence-2-max")
    simulator.start_session("A1", "edge", self_hosted=True)
    sim_clock.advance(60)
    assert sorted(entry.amount for entry in simulator.usage("u-1")) == [2, 8]
    data = (await api.get(SESSIONS)).body["data"]
    assert data["live_burn_rate_cr_per_min"] == 10.0
    kinds = {
        "conversations": ["max"],
        "self_hosted": ["edge"],
        "all": ["edge", "max"],
    }
    for kind, rooms in kinds.items():
        listed = (await api.get(SESSIONS, params={"kind": kind})).body["data"]
        assert [s["room_name"] for s in listed["sessions"]] == rooms
        assert listed["active_count"] == 2
    [edge] = [s for s in simulator.sessions("u-1") if s.room_name == "edge"]
    assert edge.billing_type == "usage_essence_model_self_hosted"
    with pytest.raises(ValueError, match="rate"):
        simulator.start_session("A1", "x", model="essence-3")
    with pytest.raises(ValueError, match="already live"):
        simulator.start_session("A1", "max")


async def test_ending_a_room_ends_its_session_and_bills_the_last_minute(
    api, simulator: Simulator, sim_clock: ManualClock
) -> None:
    simulator.add_agent("u-1", code="A1", live_rooms=["hall", "porch"])
    sim_clock.advance(90)
    simulator.set_live_rooms("A1", ["porch", "attic"])
    assert simulator.agent("A1").live_rooms == ["porch", "attic"]
    hall = next(s for s in simulator.sessions("u-1") if s.room_name == "hall")
    assert (hall.live, hall.end_reason, hall.credits) == (False, "room-closed", 8)
    recent = (await api.get(SESSIONS, params={"window": "recent"})).body["data"]
    assert [s["room_name"] for s in recent["sessions"]] == ["hall"]
    assert recent["sessions"][0]["status"] == "ended"
    assert recent["sessions"][0]["burn_rate_cr_per_min"] == 0.0
    assert recent["sessions"][0]["minutes"] == 1.5
    live = (await api.get(SESSIONS, params={"window": "live"})).body["data"]
    assert sorted(s["room_name"] for s in live["sessions"]) == ["attic", "porch"]
    assert live["active_count"] == 2
    everything = (
        await api.get(SESSIONS, params={"limit": "2", "kind": "", "window": ""})
    ).body["data"]
    assert len(everything["sessions"]) == 2
    simulator.set_live_rooms("A1", [])
    assert simulator.sessions("u-1", live=True) == []


async def test_credits_this_hour_is_a_sliding_hour(
    api, simulator: Simulator, sim_clock: ManualClock
) -> None:
    simulator.add_agent("u-1", code="A1", model="essence-1", live_rooms=["hall"])
    sim_clock.advance(30 * 60)
    simulator.set_live_rooms("A1", [])
    data = (await api.get(SESSIONS)).body["data"]
    assert (data["credits_this_hour"], data["active_count"]) == (60, 0)
    sim_clock.advance(45 * 60)
    data = (await api.get(SESSIONS)).body["data"]
    assert data["credits_this_hour"] == 2 * 15
    sim_clock.advance(3600)
    assert (await api.get(SESSIONS)).body["data"]["credits_this_hour"] == 0


async def test_terminate_empties_the_room(
    api, simulator: Simulator, sim_clock: ManualClock, expect_error
) -> None:
    simulator.add_agent("u-1", code="A1", live_rooms=["hall", "porch"])
    [hall, _porch] = sorted(simulator.sessions("u-1"), key=lambda s: s.room_name)
    sim_clock.advance(10)
    reply = await api.post(
        f"{SESSIONS}/{hall.id}/terminate", json={"reason": "house empty"}
    )
    assert reply.status == 200
    assert reply.body == {
        "success": True,
        "data": {
            "session_id": hall.id,
            "closed": True,
            "ended": True,
            "self_hosted": False,
            "note": "Session ended — the avatar disconnected and the conversation "
            "closed.",
        },
    }
    assert "X-RateLimit-Limit" in reply.headers
    assert simulator.agent("A1").live_rooms == ["porch"]
    assert simulator.session(hall.id).end_reason == "house empty"
    expect_error(
        await api.post("/v1/agent/A1/speak", json={"message": "Hi", "room_id": "hall"}),
        404,
        "NOT_FOUND",
        "No active rooms found for agent A1",
    )
    expect_error(
        await api.post(f"{SESSIONS}/{hall.id}/terminate", json={}),
        404,
        "NOT_FOUND",
        f"Session not found: {hall.id}",
    )
    bare = await api.post(f"{SESSIONS}/{_porch.id}/terminate")
    assert bare.status == 200
    assert simulator.session(_porch.id).end_reason == "user-terminated"
    expect_error(
        await api.post(f"{SESSIONS}/{_porch.id}/speak", json={}), 404, "NOT_FOUND"
    )


async def test_self_hosted_terminate_and_empty_transcript(
    api, simulator: Simulator
) -> None:
    simulator.add_agent("u-1", code="A1", model="essence-1")
    session = simulator.start_session("A1", "edge", self_hosted=True)
    simulator.add_transcript_message(session.id, "user", "Hello")
    messages = (await api.get(f"{SESSIONS}/{session.id}/messages")).body["data"]
    assert messages["messages"] == []
    listed = (await api.get(SESSIONS)).body["data"]["sessions"]
    assert listed[0]["has_transcript"] is False
    ended = await api.post(f"{SESSIONS}/{session.id}/terminate", json={})
    assert ended.body["data"]["self_hosted"] is True
    assert "hardware" in ended.body["data"]["note"]


async def test_transcript(api, simulator: Simulator, sim_clock: ManualClock) -> None:
    simulator.add_agent("u-1", code="A1", live_rooms=["hall"])
    [session] = simulator.sessions("u-1")
    simulator.add_transcript_message(session.id, "user", "Hi there")
    sim_clock.advance(2)
    await api.post("/v1/agent/A1/speak", json={"message": "Hello! How can I help?"})
    await api.post("/v1/agent/A1/add-context", json={"context": "silent"})
    reply = await api.get(f"{SESSIONS}/{session.id}/messages")
    assert reply.status == 200
    data = reply.body["data"]
    assert data["session_id"] == session.id
    assert data["agent_code"] == "A1"
    assert data["live"] is True
    assert data["ended"] is None
    assert [(m["role"], m["message"]) for m in data["messages"]] == [
        ("user", "Hi there"),
        ("assistant", "Hello! How can I help?"),
    ]
    assert data["messages"][0]["timestamp"] < data["messages"][1]["timestamp"]
    listed = (await api.get(SESSIONS)).body["data"]["sessions"]
    assert listed[0]["has_transcript"] is True
    simulator.end_session(session.id)
    ended = (await api.get(f"{SESSIONS}/{session.id}/messages")).body["data"]
    assert ended["live"] is False
    assert ended["ended"].endswith("Z")


async def test_other_users_and_sessions_are_not_found(
    api, simulator: Simulator, expect_error
) -> None:
    simulator.add_account("other", user_id="u-2")
    simulator.add_agent("u-2", code="B1", live_rooms=["theirs"])
    [theirs] = simulator.sessions("u-2")
    expect_error(await api.get("/v2/u-2/runtime-sessions"), 404, "NOT_FOUND")
    expect_error(
        await api.post(f"/v2/u-2/runtime-sessions/{theirs.id}/terminate", json={}),
        404,
        "NOT_FOUND",
    )
    for path in (f"{SESSIONS}/{theirs.id}/messages", f"{SESSIONS}/nope/messages"):
        expect_error(await api.get(path), 404, "NOT_FOUND")
    expect_error(
        await api.post(f"{SESSIONS}/{theirs.id}/terminate", json={}),
        404,
        "NOT_FOUND",
    )
    assert simulator.session(theirs.id).live
    assert (await api.get(SESSIONS)).body["data"]["sessions"] == []


@pytest.mark.parametrize(
    "path",
    [
        "/v2//runtime-sessions",
        "/v2//runtime-sessions/abc/messages",
        "/v2//runtime-sessions/abc/terminate",
    ],
)
async def test_empty_user_id_answers_the_router_404(api, path) -> None:
    for method in ("GET", "POST"):
        reply = await api.call(method, path)
        assert reply.status == 404
        assert reply.body == {"detail": "Not Found"}
        assert "X-Request-Id" in reply.headers


@pytest.mark.parametrize(
    "params",
    [
        {"window": "today"},
        {"kind": "cloud"},
        {"limit": "0"},
        {"limit": "201"},
        {"limit": "many"},
    ],
)
async def test_list_validation(api, expect_error, params) -> None:
    expect_error(await api.get(SESSIONS, params=params), 400, "VALIDATION_ERROR")


async def test_terminate_body_validation(
    api, simulator: Simulator, expect_error
) -> None:
    simulator.add_agent("u-1", code="A1", live_rooms=["hall"])
    [session] = simulator.sessions("u-1")
    expect_error(
        await api.post(f"{SESSIONS}/{session.id}/terminate", json={"reason": 3}),
        400,
        "VALIDATION_ERROR",
    )
    assert simulator.session(session.id).live


async def test_sessions_need_auth_and_are_metered(
    api, simulator: Simulator, expect_error
) -> None:
    expect_error(await api.get(SESSIONS, auth=None), 401, "MISSING_AUTH")
    read = await api.get(SESSIONS)
    assert read.headers["X-RateLimit-Limit"] == "720"
    simulator.add_agent("u-1", code="A1", live_rooms=["hall"])
    [session] = simulator.sessions("u-1")
    write = await api.post(f"{SESSIONS}/{session.id}/terminate", json={})
    assert write.headers["X-RateLimit-Limit"] == "180"


async def test_sessions_end_when_credits_run_out(
    simulator: Simulator, account, sim_clock: ManualClock
) -> None:
    simulator.set_credits("u-1", 10)
    simulator.add_agent("u-1", code="A1", model="essence-2", live_rooms=["hall"])
    sim_clock.advance(10 * 60)
    [session] = simulator.sessions("u-1")
    assert not session.live
    assert session.end_reason == "insufficient-credits"
    assert session.billed_minutes == 5
    assert simulator.account("u-1").balance == -10
    assert session.ended_at == session.started_at + 5 * 60
    assert simulator.agent("A1").live_rooms == []


async def test_deleting_an_agent_ends_its_sessions(
    simulator: Simulator, account, sim_clock: ManualClock
) -> None:
    simulator.add_agent("u-1", code="A1", live_rooms=["hall"])
    [session] = simulator.sessions()
    sim_clock.advance(30)
    simulator.delete_agent("A1")
    assert simulator.session(session.id).end_reason == "agent-deleted"
    assert [entry.amount for entry in simulator.usage()] == [4]
    simulator.delete_agent("A1")


async def test_a_deleted_owner_is_not_billed(
    simulator: Simulator, sim_clock: ManualClock
) -> None:
    simulator.add_account("s", user_id="u")
    simulator.add_agent("s", code="A1", live_rooms=["hall"])
    del simulator.accounts["u"]
    sim_clock.advance(120)
    assert simulator.session_book.sessions[simulator.sessions()[0].id].credits == 0
    assert simulator.ledger == []


async def test_sessions_can_run_unbilled(
    api, simulator: Simulator, sim_clock: ManualClock
) -> None:
    simulator.settings.bill_sessions = False
    simulator.add_agent("u-1", code="A1", live_rooms=["hall"])
    sim_clock.advance(600)
    data = (await api.get(SESSIONS)).body["data"]
    assert (data["active_count"], data["live_burn_rate_cr_per_min"]) == (1, 4.0)
    assert (data["credits_this_hour"], data["sessions"][0]["credits"]) == (0, 0)
    assert data["sessions"][0]["minutes"] == 10.0
    assert simulator.account("u-1").balance == 10_000
    assert simulator.ledger == []


async def test_demo_front_door_is_a_live_session(sim_clock: ManualClock) -> None:
    sim = Simulator(clock=sim_clock)
    seed_demo(sim)
    [session] = sim.sessions(DEMO_SECRET, live=True)
    assert (session.agent_code, session.room_name) == ("A10RDY0001", DEMO_ROOM)
    assert session.rate == 4
    sim_clock.advance(60)
    assert sim.credits_this_hour("demo-user") == 4


async def test_session_control_endpoints(
    api, simulator: Simulator, sim_clock: ManualClock
) -> None:
    simulator.add_agent("u-1", code="A1", model="essence-2")
    started = await api.post(
        "/_simulator/sessions",
        json={"code": "A1", "room": "lab", "model": "essence-2-max"},
        auth=None,
    )
    assert started.status == 200
    assert (started.body["rate"], started.body["live"]) == (8, True)
    session_id = started.body["id"]
    line = await api.post(
        f"/_simulator/sessions/{session_id}/transcript",
        json={"message": "Hi"},
        auth=None,
    )
    assert line.body == {"lines": 1}
    sim_clock.advance(61)
    listed = (await api.get("/_simulator/sessions", auth=None)).body["sessions"]
    assert [(s["room_name"], s["credits"]) for s in listed] == [("lab", 8)]
    ended = await api.delete(
        f"/_simulator/sessions/{session_id}", json={"reason": "done"}, auth=None
    )
    assert (ended.body["live"], ended.body["end_reason"]) == (False, "done")
    state = (await api.get("/_simulator/state", auth=None)).body
    assert state["live_sessions"] == 0
    missing = await api.delete("/_simulator/sessions/nope", auth=None)
    assert missing.status == 404
    bad = await api.post(
        "/_simulator/sessions",
        json={"code": "A1", "room": "x", "model": "z"},
        auth=None,
    )
    assert bad.status == 400
