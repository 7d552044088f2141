"""Every odd answer the contract allows, on demand (Python and control)."""

import pytest

from bithuman_simulator import REMOVE, Fault, Simulator
from bithuman_simulator.overrides import FieldOverrides, apply_patch, patch_json

AGENT_PATHS = ("/v1/agent/A1", "/v1/agent/status/A1")


async def agent_views(api) -> list[dict]:
    """Return agent A1 as the list, get and status endpoints show it."""
    listed = (await api.get("/v1/agents")).body["data"]
    [from_list] = [a for a in listed if a.get("agent_id") == "A1"]
    return [from_list] + [(await api.get(path)).body["data"] for path in AGENT_PATHS]


@pytest.mark.parametrize(
    ("fields", "check"),
    [
        ({"status": None}, lambda a: a["status"] is None),
        ({"status": REMOVE}, lambda a: "status" not in a),
        ({"status": "queued"}, lambda a: a["status"] == "queued"),
        ({"status": "READY"}, lambda a: a["status"] == "READY"),
        ({"code": REMOVE}, lambda a: "code" not in a and a["agent_id"] == "A1"),
        ({"progress": 1.0000001}, lambda a: a["progress"] == 1.0000001),
        ({"dynamics.enabled": "true"}, lambda a: a["dynamics"] == {"enabled": "true"}),
    ],
)
async def test_one_odd_agent(api, simulator: Simulator, fields, check) -> None:
    simulator.add_agent("u-1", code="A1")
    simulator.add_agent("u-1", code="A2")
    simulator.override_agent_fields("A1", fields)
    for view in await agent_views(api):
        assert check(view), view
    neighbour = (await api.get("/v1/agent/A2")).body["data"]
    assert neighbour["status"] == "ready"
    assert neighbour["code"] == "A2"
    assert check(simulator.agent_json("A1"))


async def test_dynamics_enabled_as_a_string(api, simulator: Simulator) -> None:
    simulator.add_agent("u-1", code="A1", dynamics="ready", dynamics_enabled=True)
    simulator.override_agent_fields("A1", {"dynamics.enabled": "true"})
    simulator.override_dynamics_fields("A1", {"enabled": "true", "url": REMOVE})
    agent = (await api.get("/v1/agent/A1")).body["data"]
    assert agent["dynamics"]["enabled"] == "true"
    dynamics = (await api.get("/v1/dynamics/A1")).body["data"]
    assert dynamics["enabled"] == "true"
    assert "url" not in dynamics
    assert dynamics["gestures"]
    simulator.clear_field_overrides("A1")
    assert (await api.get("/v1/dynamics/A1")).body["data"]["url"] is not None
    assert (await api.get("/v1/agent/A1")).body["data"]["dynamics"] == {"enabled": True}


async def test_overrides_need_the_agent_and_go_with_it(
    simulator: Simulator, account
) -> None:
    with pytest.raises(KeyError):
        simulator.override_agent_fields("A9", {"status": None})
    simulator.add_agent("u-1", code="A1")
    simulator.override_agent_fields("A1", {"status": None})
    simulator.delete_agent("A1")
    simulator.add_agent("u-1", code="A1")
    assert simulator.agent_json("A1")["status"] == "ready"
    simulator.override_agent_fields("A1", {"status": None})
    simulator.clear_field_overrides()
    assert simulator.agent_json("A1")["status"] == "ready"


@pytest.mark.parametrize("has_more", ["true", 1, None])
async def test_has_more_of_another_type(api, simulator: Simulator, has_more) -> None:
    simulator.add_agent("u-1", code="A1")
    simulator.add_fault(
        Fault(path="/v1/agents", patch={"pagination.has_more": has_more}, times=1)
    )
    odd = await api.get("/v1/agents")
    assert odd.status == 200
    assert odd.body["pagination"]["has_more"] == has_more
    assert odd.body["data"][0]["code"] == "A1"
    assert "X-RateLimit-Limit" in odd.headers
    assert (await api.get("/v1/agents")).body["pagination"]["has_more"] is False


async def test_speak_without_delivered_to_rooms(api, simulator: Simulator) -> None:
    simulator.add_agent("u-1", code="A1", live_rooms=["hall"])
    simulator.add_fault(
        Fault(path="/v1/agent/*/speak", patch={"delivered_to_rooms": REMOVE})
    )
    simulator.add_fault(
        Fault(path="/v1/agent/*/add-context", patch={"delivered_to_rooms": REMOVE})
    )
    spoken = await api.post("/v1/agent/A1/speak", json={"message": "Hi"})
    assert spoken.status == 200
    assert spoken.body == {
        "agent_code": "A1",
        "context_type": "speak",
        "rooms_skipped_no_worker": 0,
    }
    added = await api.post("/v1/agent/A1/add-context", json={"context": "x"})
    assert "delivered_to_rooms" not in added.body
    assert len(simulator.messages) == 2


@pytest.mark.parametrize(
    ("fault", "retry_after"),
    [
        (Fault(status=429, code="RATE_LIMITED", retry_after=3600), "3600"),
        (
            Fault(
                status=429,
                code="RATE_LIMITED",
                headers={"Retry-After": "Thu, 01 Jan 2099 00:00:00 GMT"},
            ),
            "Thu, 01 Jan 2099 00:00:00 GMT",
        ),
        (Fault(status=429, code="RATE_LIMITED"), None),
        (Fault(status=503, code="NO_AVAILABLE_WORKERS", retry_after=5), "5"),
        (Fault(status=503, code="NO_AVAILABLE_WORKERS"), None),
    ],
)
async def test_429_and_503_with_and_without_retry_after(
    api, simulator: Simulator, expect_error, fault, retry_after
) -> None:
    simulator.add_fault(fault)
    reply = await api.get("/v1/me")
    expect_error(reply, fault.status, fault.code)
    assert reply.headers.get("Retry-After") == retry_after


@pytest.mark.parametrize("status", [401, 403])
async def test_suspension_with_either_status(
    api, simulator: Simulator, expect_error, status
) -> None:
    simulator.set_account_status("u-1", "suspended", http_status=status)
    for path in ("/v1/me", "/v1/agents", "/v2/u-1/runtime-sessions"):
        expect_error(await api.get(path), status, "ACCOUNT_SUSPENDED")
    assert (await api.post("/v1/validate")).body == {"valid": False}
    simulator.set_account_status("u-1", "active")
    assert (await api.get("/v1/me")).status == 200


def test_suspension_checks(simulator: Simulator, account) -> None:
    with pytest.raises(ValueError, match="401 or 403"):
        simulator.set_account_status("u-1", "suspended", http_status=402)
    with pytest.raises(ValueError, match="status"):
        simulator.set_account_status("u-1", "sleeping")


async def test_gateway_404_on_one_path(api, simulator: Simulator, expect_error) -> None:
    simulator.add_agent("u-1", code="A1", dynamics="ready")
    simulator.add_agent("u-1", code="A2", dynamics="ready")
    simulator.add_fault(
        Fault(
            path="/v1/dynamics/A1",
            method="GET",
            status=404,
            code="NOT_FOUND",
            message="Endpoint not found",
        )
    )
    expect_error(
        await api.get("/v1/dynamics/A1"), 404, "NOT_FOUND", "Endpoint not found"
    )
    assert (await api.get("/v1/agent/A1")).status == 200
    assert (await api.get("/v1/dynamics/A2")).status == 200


async def test_5xx_on_one_agents_dynamics_only(
    api, simulator: Simulator, expect_error
) -> None:
    for code in ("A1", "A2"):
        simulator.add_agent("u-1", code=code, dynamics="ready")
    simulator.add_fault(Fault(path="/v1/dynamics/A2", method="GET", status=502))
    expect_error(await api.get("/v1/dynamics/A2"), 502, "INTERNAL_ERROR")
    assert (await api.get("/v1/dynamics/A1")).status == 200
    assert (await api.put("/v1/dynamics/A2", json={"dynamics": {}})).status == 200


async def test_patch_and_headers_on_broken_and_error_answers(
    api, simulator: Simulator
) -> None:
    simulator.add_fault(
        Fault(
            path="/v1/me",
            status=500,
            patch={"error.code": "UPSTREAM"},
            headers={"X-Edge": "1"},
            times=1,
        )
    )
    reply = await api.get("/v1/me")
    assert (reply.status, reply.body["error"]["code"]) == (500, "UPSTREAM")
    assert reply.headers["X-Edge"] == "1"
    simulator.add_fault(
        Fault(path="/v1/me", malformed="html", patch={"a": 1}, headers={"X-Edge": "2"})
    )
    html = await api.get("/v1/me")
    assert html.body is None
    assert html.headers["X-Edge"] == "2"


async def test_odd_answers_over_the_control_endpoint(
    api, simulator: Simulator, expect_error
) -> None:
    simulator.add_agent("u-1", code="A1", dynamics="ready")
    set_agent = await api.put(
        "/_simulator/agents/A1/overrides",
        json={"set": {"status": "queued", "progress": 1.0000001}, "remove": ["code"]},
        auth=None,
    )
    assert set_agent.status == 200
    assert set_agent.body["status"] == "queued"
    assert "code" not in set_agent.body
    set_dynamics = await api.put(
        "/_simulator/agents/A1/overrides",
        json={"target": "dynamics", "set": {"enabled": "true"}},
        auth=None,
    )
    assert set_dynamics.body["enabled"] == "true"
    state = (await api.get("/_simulator/state", auth=None)).body
    assert state["overrides"]["A1"]["agent"] == {
        "status": "queued",
        "progress": 1.0000001,
        "code": "<remove>",
    }
    assert state["agents"][0]["code"] == "A1"
    assert (await api.get("/v1/agent/A1")).body["data"]["status"] == "queued"
    cleared = await api.delete("/_simulator/agents/A1/overrides", auth=None)
    assert cleared.body == {"overrides": {}}
    assert (await api.get("/v1/agent/A1")).body["data"]["status"] == "ready"
    fault = await api.post(
        "/_simulator/faults",
        json={
            "path": "/v1/agents",
            "patch": {"pagination.has_more": 1},
            "remove": ["success"],
            "headers": {"Retry-After": "Thu, 01 Jan 2099 00:00:00 GMT"},
        },
        auth=None,
    )
    assert fault.body["patch"] == {"pagination.has_more": 1, "success": "<remove>"}
    listed = await api.get("/v1/agents")
    assert listed.body["pagination"]["has_more"] == 1
    assert "success" not in listed.body
    assert listed.headers["Retry-After"] == "Thu, 01 Jan 2099 00:00:00 GMT"
    suspended = await api.put(
        "/_simulator/accounts/u-1/status",
        json={"status": "suspended", "http_status": 403},
        auth=None,
    )
    assert suspended.status == 200
    expect_error(await api.get("/v1/me"), 403, "ACCOUNT_SUSPENDED")
    missing = await api.put(
        "/_simulator/agents/A9/overrides", json={"set": {}}, auth=None
    )
    assert missing.status == 404
    assert (
        await api.delete("/_simulator/agents/A9/overrides", auth=None)
    ).status == 404


def test_apply_patch_paths() -> None:
    document = {"a": {"b": 1}, "items": [{"x": 1}, {"x": 2}], "n": 3}
    patched = apply_patch(
        document,
        {
            "a.b": REMOVE,
            "a.c.d": True,
            "items.1.x": "two",
            "items.0": REMOVE,
            "items.9.x": 0,
            "items.y": 0,
            "n.deeper": 1,
            "gone.away": REMOVE,
        },
    )
    assert patched == {"a": {"c": {"d": True}}, "items": [{"x": "two"}], "n": 3}
    assert document["a"] == {"b": 1}
    assert apply_patch([1, 2], {"1": 5}) == [1, 5]
    assert patch_json({"a": REMOVE, "b": None}) == {"a": "<remove>", "b": None}
    assert repr(REMOVE) == "REMOVE"
    overrides = FieldOverrides()
    body = {"status": "ready"}
    assert overrides.apply("A1", "agent", body) is body
