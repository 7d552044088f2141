"""Dynamics endpoints over HTTP: the never-generated quirk, generation, PUT."""

import pytest

from bithuman_simulator import ManualClock, Simulator
from bithuman_simulator.dynamics import SEED_GESTURES


async def test_never_generated_reads_ready_with_null_url(
    api, simulator: Simulator
) -> None:
    simulator.add_agent("u-1", code="A1")
    reply = await api.get("/v1/dynamics/A1")
    assert reply.status == 200
    assert reply.body == {
        "success": True,
        "data": {"url": None, "status": "ready", "agent_id": "A1", "gestures": {}},
    }


async def test_ready_dynamics_list_gestures(api, simulator: Simulator) -> None:
    simulator.add_agent("u-1", code="A1", dynamics="ready")
    data = (await api.get("/v1/dynamics/A1")).body["data"]
    assert data["status"] == "ready"
    assert data["url"].endswith(".imx")
    assert set(SEED_GESTURES) < set(data["gestures"])
    assert all(url.endswith(".mp4") for url in data["gestures"].values())


async def test_custom_gestures_and_changes(api, simulator: Simulator) -> None:
    simulator.add_agent("u-1", code="A1", dynamics="ready", gestures=["laugh_react"])
    assert list((await api.get("/v1/dynamics/A1")).body["data"]["gestures"]) == [
        "laugh_react"
    ]
    simulator.set_gestures("A1", ["idle_subtle", "mini_wave_hello"])
    gestures = (await api.get("/v1/dynamics/A1")).body["data"]["gestures"]
    assert sorted(gestures) == ["idle_subtle", "mini_wave_hello"]
    simulator.add_agent("u-1", code="A2")
    simulator.set_gestures("A2", ["blow_kiss_heart"])
    assert simulator.dynamics_json("A2")["gestures"] == {}


async def test_generate_dynamics_runs_and_charges(
    api, simulator: Simulator, sim_clock: ManualClock
) -> None:
    simulator.add_agent("u-1", code="A1", gestures=["mini_wave_hello", "laugh_react"])
    reply = await api.post(
        "/v1/dynamics/generate", json={"agent_id": "A1", "duration": 5, "model": "auto"}
    )
    assert reply.status == 200
    assert reply.body == {
        "success": True,
        "message": "Dynamics generation started",
        "agent_id": "A1",
        "status": "processing",
    }
    [charge] = simulator.charges("u-1")
    assert (charge.amount, charge.reason, charge.agent_code) == (
        250,
        "dynamics_generation",
        "A1",
    )
    data = (await api.get("/v1/dynamics/A1")).body["data"]
    assert (data["status"], data["url"], data["gestures"]) == ("processing", None, {})
    sim_clock.advance(30)
    data = (await api.get("/v1/dynamics/A1")).body["data"]
    assert (data["status"], data["url"]) == ("generating", None)
    sim_clock.advance(simulator.dynamics_seconds)
    data = (await api.get("/v1/dynamics/A1")).body["data"]
    assert data["status"] == "ready"
    assert data["url"] is not None
    assert sorted(data["gestures"]) == ["laugh_react", "mini_wave_hello"]


async def test_generate_dynamics_idempotent(api, simulator: Simulator) -> None:
    simulator.add_agent("u-1", code="A1")
    headers = {"Idempotency-Key": "dyn-1"}
    for _ in range(3):
        reply = await api.post(
            "/v1/dynamics/generate", json={"agent_id": "A1"}, headers=headers
        )
        assert reply.status == 200
    assert len(simulator.charges()) == 1
    assert simulator.account("u-1").balance == 9_750


async def test_generate_dynamics_errors(
    api, simulator: Simulator, expect_error
) -> None:
    simulator.add_agent("u-1", code="A1")
    expect_error(await api.post("/v1/dynamics/generate", json={}), 400, "MISSING_PARAM")
    expect_error(
        await api.post(
            "/v1/dynamics/generate", json={"agent_id": "A1", "duration": 30}
        ),
        400,
        "VALIDATION_ERROR",
    )
    expect_error(
        await api.post("/v1/dynamics/generate", json={"agent_id": "A9"}),
        404,
        "NOT_FOUND",
    )
    simulator.set_credits("u-1", 249)
    expect_error(
        await api.post("/v1/dynamics/generate", json={"agent_id": "A1"}),
        402,
        "INSUFFICIENT_BALANCE",
        "Insufficient credits",
    )
    assert simulator.ledger == []


async def test_dynamics_failure_refunds(
    api, simulator: Simulator, sim_clock: ManualClock
) -> None:
    simulator.add_agent("u-1", code="A1")
    simulator.fail_next_dynamics("Seedance quota exceeded")
    await api.post("/v1/dynamics/generate", json={"agent_id": "A1"})
    sim_clock.advance(simulator.dynamics_seconds)
    data = (await api.get("/v1/dynamics/A1")).body["data"]
    assert data["status"] == "failed"
    assert data["error_message"] == "Seedance quota exceeded"
    assert data["url"] is None
    assert [(e.kind, e.amount) for e in simulator.ledger] == [
        ("charge", 250),
        ("refund", 250),
    ]
    assert simulator.account("u-1").balance == 10_000


async def test_put_merges_config_and_regenerates(
    api, simulator: Simulator, sim_clock: ManualClock
) -> None:
    simulator.add_agent("u-1", code="A1", dynamics="ready")
    url = simulator.dynamics_json("A1")["url"]
    reply = await api.put(
        "/v1/dynamics/A1",
        json={
            "dynamics": {"enabled": True, "talking": {"x": 1}},
            "toggle_enabled": True,
        },
    )
    assert reply.status == 200
    assert reply.body == {
        "success": True,
        "message": "Dynamics updated successfully and movements regeneration started",
        "agent_id": "A1",
        "regeneration_status": "started",
    }
    agent = (await api.get("/v1/agent/A1")).body["data"]
    assert agent["dynamics"]["enabled"] is True
    assert agent["dynamics"]["talking"] == {"x": 1}
    assert simulator.agent("A1").dynamics.toggle_enabled is True
    data = (await api.get("/v1/dynamics/A1")).body["data"]
    assert (data["status"], data["url"]) == ("generating", url)
    assert data["gestures"]
    sim_clock.advance(simulator.regeneration_seconds)
    data = (await api.get("/v1/dynamics/A1")).body["data"]
    assert (data["status"], data["url"]) == ("ready", url)
    await api.put(
        "/v1/dynamics/A1",
        json={"dynamics": {"enabled": False}, "toggle_enabled": False},
    )
    agent = (await api.get("/v1/agent/A1")).body["data"]
    assert agent["dynamics"]["enabled"] is False
    assert simulator.agent("A1").dynamics.toggle_enabled is False


async def test_put_during_generation_keeps_generating(
    api, simulator: Simulator, sim_clock: ManualClock
) -> None:
    simulator.add_agent("u-1", code="A1", dynamics="generating")
    await api.put("/v1/dynamics/A1", json={"dynamics": {"enabled": True}})
    sim_clock.advance(simulator.dynamics_seconds)
    data = (await api.get("/v1/dynamics/A1")).body["data"]
    assert data["status"] == "ready"
    assert data["url"] is not None


async def test_put_regeneration_failure_hook(api, simulator: Simulator) -> None:
    simulator.add_agent("u-1", code="A1", dynamics="ready")
    simulator.set_regeneration_failure("A1", "Worker unavailable")
    reply = await api.put("/v1/dynamics/A1", json={"dynamics": {"enabled": True}})
    assert reply.status == 200
    assert reply.body["regeneration_status"] == "failed"
    assert reply.body["regeneration_error"] == "Worker unavailable"
    assert simulator.agent("A1").dynamics.enabled is True
    assert simulator.dynamics_json("A1")["status"] == "ready"
    simulator.set_regeneration_failure("A1", None)
    reply = await api.put("/v1/dynamics/A1", json={"dynamics": {}})
    assert reply.body["regeneration_status"] == "started"


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({}, "MISSING_PARAM"),
        ({"toggle_enabled": True}, "MISSING_PARAM"),
        ({"dynamics": True}, "VALIDATION_ERROR"),
        ({"dynamics": {"enabled": "yes"}}, "VALIDATION_ERROR"),
        ({"dynamics": {}, "toggle_enabled": "on"}, "VALIDATION_ERROR"),
    ],
)
async def test_put_validation(
    api, simulator: Simulator, expect_error, body, code
) -> None:
    simulator.add_agent("u-1", code="A1")
    expect_error(await api.put("/v1/dynamics/A1", json=body), 400, code)


async def test_dynamics_of_unknown_agent(api, expect_error) -> None:
    expect_error(await api.get("/v1/dynamics/A9"), 404, "NOT_FOUND")
    expect_error(
        await api.put("/v1/dynamics/A9", json={"dynamics": {}}), 404, "NOT_FOUND"
    )


async def test_failed_dynamics_state_from_setup(simulator: Simulator, account) -> None:
    simulator.add_agent("u-1", code="A1", dynamics="failed")
    data = simulator.dynamics_json("A1")
    assert data["status"] == "failed"
    assert data["error_message"]


async def test_dynamics_enabled_at_setup(simulator: Simulator, account) -> None:
    simulator.add_agent("u-1", code="A1", dynamics="ready", dynamics_enabled=True)
    assert simulator.agent_json("A1")["dynamics"] == {"enabled": True}


async def test_put_without_generated_dynamics_changes_nothing_visible(
    api, simulator: Simulator
) -> None:
    simulator.add_agent("u-1", code="A1")
    reply = await api.put("/v1/dynamics/A1", json={"dynamics": {"enabled": True}})
    assert reply.body["regeneration_status"] == "started"
    data = (await api.get("/v1/dynamics/A1")).body["data"]
    assert (data["status"], data["url"], data["gestures"]) == ("ready", None, {})
    assert simulator.agent_json("A1")["dynamics"]["enabled"] is True


async def test_python_api_sees_finished_jobs_without_requests(
    simulator: Simulator, account, sim_clock: ManualClock
) -> None:
    simulator.add_agent("u-1", code="A1", dynamics="generating")
    sim_clock.advance(simulator.dynamics_seconds)
    assert simulator.agent("A1").dynamics.url is not None
