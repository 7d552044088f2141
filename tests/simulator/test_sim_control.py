"""The /_simulator control endpoint, driving a served simulator over HTTP."""

import aiohttp
import pytest

from bithuman_simulator import RealClock, Simulator, SimulatorServer


async def test_accounts_agents_and_clock(api, simulator: Simulator) -> None:
    created = await api.post(
        "/_simulator/accounts",
        json={
            "secret": "s-2",
            "user_id": "u-2",
            "email": "b@example.com",
            "credits": 300,
        },
        auth=None,
    )
    assert created.body == {"user_id": "u-2", "email": "b@example.com"}
    agent = await api.post(
        "/_simulator/agents",
        json={
            "owner": "s-2",
            "code": "A22GEN2222",
            "name": "Porch",
            "status": "processing",
            "generation_seconds": 100,
            "system_prompt": "Hi",
        },
        auth=None,
    )
    assert agent.status == 200
    assert agent.body["status"] == "processing"
    advanced = await api.post(
        "/_simulator/clock/advance", json={"seconds": 100}, auth=None
    )
    assert advanced.body["now"] == simulator.now()
    status = await api.get("/v1/agent/status/A22GEN2222", auth="s-2")
    assert status.body["data"]["status"] == "ready"
    state = (await api.get("/_simulator/state", auth=None)).body
    assert state["manual_clock"] is True
    assert state["rate_limits"] is True
    assert state["outage"] is None
    assert {a["user_id"] for a in state["accounts"]} == {"u-1", "u-2"}
    [porch] = state["agents"]
    assert (porch["code"], porch["owner"], porch["live_rooms"]) == (
        "A22GEN2222",
        "u-2",
        [],
    )
    balance = await api.put(
        "/_simulator/accounts/u-2/credits",
        json={"credits": 10, "topup_credits": 5},
        auth=None,
    )
    assert balance.body == {"balance": 15.0}
    suspended = await api.put(
        "/_simulator/accounts/u-2/status", json={"status": "suspended"}, auth=None
    )
    assert suspended.body == {"status": "suspended"}
    assert (await api.get("/v1/me", auth="s-2")).status == 401
    deleted = await api.delete("/_simulator/agents/A22GEN2222", auth=None)
    assert deleted.body == {"deleted": "A22GEN2222"}
    assert "A22GEN2222" not in simulator.agents


async def test_rooms_gestures_and_messages(api, simulator: Simulator) -> None:
    simulator.add_agent("u-1", code="A1", dynamics="ready")
    rooms = await api.put(
        "/_simulator/agents/A1/rooms", json={"rooms": ["lobby"]}, auth=None
    )
    assert rooms.body == {"rooms": ["lobby"]}
    await api.post("/v1/agent/A1/speak", json={"message": "Hello"})
    messages = (await api.get("/_simulator/messages", auth=None)).body["messages"]
    assert [(m["room_id"], m["kind"], m["text"]) for m in messages] == [
        ("lobby", "speak", "Hello")
    ]
    worker = await api.put(
        "/_simulator/agents/A1/rooms/lobby/worker", json={"present": False}, auth=None
    )
    assert worker.body == {"code": "A1", "room": "lobby", "present": False}
    unheard = await api.post("/v1/agent/A1/speak", json={"message": "Anyone?"})
    assert unheard.body["delivered_to_rooms"] == 0
    assert unheard.body["rooms_skipped_no_worker"] == 1
    await api.put(
        "/_simulator/agents/A1/rooms/lobby/worker", json={"present": True}, auth=None
    )
    not_live = await api.put(
        "/_simulator/agents/A1/rooms/attic/worker", json={"present": False}, auth=None
    )
    assert not_live.status == 400
    gestures = await api.put(
        "/_simulator/agents/A1/gestures",
        json={"gestures": ["laugh_react"]},
        auth=None,
    )
    assert list(gestures.body["gestures"]) == ["laugh_react"]
    failing = await api.put(
        "/_simulator/agents/A1/regeneration-failure",
        json={"error": "boom"},
        auth=None,
    )
    assert failing.body == {"error": "boom"}
    put = await api.put("/v1/dynamics/A1", json={"dynamics": {"enabled": True}})
    assert put.body["regeneration_status"] == "failed"


async def test_failures_ledger_and_log(api, simulator: Simulator, sim_clock) -> None:
    simulator.add_agent("u-1", code="A1")
    await api.post(
        "/_simulator/fail-next-generation",
        json={"error_message": "nope", "at": 0.1},
        auth=None,
    )
    await api.post("/_simulator/fail-next-dynamics", json={}, auth=None)
    generated = await api.post(
        "/v1/agent/generate", json={}, headers={"Idempotency-Key": "k1"}
    )
    await api.post("/v1/dynamics/generate", json={"agent_id": "A1"})
    sim_clock.advance(1000)
    status = await api.get(f"/v1/agent/status/{generated.body['agent_id']}")
    assert status.body["data"]["error_message"] == "nope"
    assert (await api.get("/v1/dynamics/A1")).body["data"]["status"] == "failed"
    ledger = (await api.get("/_simulator/ledger", auth=None)).body["ledger"]
    assert [(e["kind"], e["amount"], e["idempotency_key"]) for e in ledger] == [
        ("charge", 250, "k1"),
        ("charge", 250, None),
        ("refund", 250, "k1"),
        ("refund", 250, None),
    ]
    log = (await api.get("/_simulator/requests", auth=None)).body["requests"]
    assert [r["path"] for r in log][:2] == [
        "/v1/agent/generate",
        "/v1/dynamics/generate",
    ]
    assert all(r["headers"].get("api-secret") == "***" for r in log)
    cleared = await api.delete("/_simulator/requests", auth=None)
    assert cleared.body == {"requests": []}
    assert simulator.count() == 0


async def test_faults_and_outage(api, simulator: Simulator) -> None:
    added = await api.post(
        "/_simulator/faults",
        json={"path": "/v1/me", "status": 500, "times": 1, "retry_after": 3},
        auth=None,
    )
    assert added.body["status"] == 500
    assert added.body["hits"] == 0
    listed = (await api.get("/_simulator/faults", auth=None)).body["faults"]
    assert [f["path"] for f in listed] == ["/v1/me"]
    assert (await api.get("/v1/me")).status == 500
    assert (await api.get("/_simulator/faults", auth=None)).body["faults"] == []
    await api.post("/_simulator/faults", json={"status": 500}, auth=None)
    assert (await api.get("/v1/me")).status == 500
    assert (await api.delete("/_simulator/faults", auth=None)).body == {"faults": []}
    assert (await api.get("/v1/me")).status == 200
    outage = await api.put(
        "/_simulator/outage", json={"enabled": True, "mode": "503"}, auth=None
    )
    assert outage.body == {"outage": "503"}
    assert (await api.get("/v1/me")).status == 503
    assert (await api.get("/_simulator/state", auth=None)).status == 200
    await api.put("/_simulator/outage", json={"enabled": False}, auth=None)
    assert (await api.get("/v1/me")).status == 200


async def test_reset(api, simulator: Simulator) -> None:
    simulator.add_agent("u-1", code="A1")
    simulator.set_outage(True, "503")
    reply = await api.post("/_simulator/reset", json={}, auth=None)
    assert reply.body == {"reset": True, "demo": False}
    assert simulator.accounts == {}
    assert simulator.outage is None
    reply = await api.post("/_simulator/reset", json={"demo": True}, auth=None)
    assert "A10RDY0001" in simulator.agents
    assert (await api.post("/v1/validate", auth="demo-secret-bithuman")).body == {
        "valid": True
    }
    await api.post("/_simulator/reset", auth=None)
    assert simulator.agents == {}


@pytest.mark.parametrize(
    ("method", "path", "body", "status"),
    [
        ("POST", "/_simulator/clock/advance", {"seconds": -1}, 400),
        ("POST", "/_simulator/clock/advance", {"minutes": 1}, 400),
        ("POST", "/_simulator/accounts", {"secret": "secret-123"}, 400),
        ("POST", "/_simulator/agents", {"owner": "nobody"}, 404),
        ("POST", "/_simulator/agents", {"owner": "u-1", "status": "odd"}, 400),
        ("DELETE", "/_simulator/agents/A9", None, 404),
        ("PUT", "/_simulator/agents/A9/rooms", {"rooms": []}, 404),
        ("PUT", "/_simulator/agents/A9/rooms/attic/worker", {"present": False}, 404),
        ("PUT", "/_simulator/accounts/u-9/credits", {"credits": 1}, 404),
        ("POST", "/_simulator/faults", {"malformed": "garbage"}, 400),
        ("POST", "/_simulator/fail-next-generation", {"at": 1}, 400),
    ],
)
async def test_control_errors(api, method, path, body, status) -> None:
    reply = await api.call(method, path, json=body, auth=None)
    assert reply.status == status
    assert "error" in reply.body


async def test_advance_needs_a_manual_clock(socket_enabled) -> None:
    async with (
        SimulatorServer(Simulator(clock=RealClock())) as server,
        aiohttp.ClientSession() as session,
        session.post(
            f"{server.url}/_simulator/clock/advance", json={"seconds": 1}
        ) as response,
    ):
        assert response.status == 409
        assert "real time" in (await response.json())["error"]
