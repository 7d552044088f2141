"""Faults, outages, rate limits and the request log, over real HTTP."""

import asyncio
import json
import time

import aiohttp
import pytest

from bithuman_simulator import Fault, ManualClock, Simulator


async def test_status_fault_with_retry_after(
    api, simulator: Simulator, expect_error
) -> None:
    fault = simulator.add_fault(
        Fault(
            path="/v1/me",
            status=503,
            code="NO_AVAILABLE_WORKERS",
            message="busy",
            retry_after=7,
            times=2,
        )
    )
    for _ in range(2):
        reply = await api.get("/v1/me")
        expect_error(reply, 503, "NO_AVAILABLE_WORKERS", "busy")
        assert reply.headers["Retry-After"] == "7"
    assert (await api.get("/v1/me")).status == 200
    assert fault.hits == 2
    assert simulator.faults == []


async def test_fault_matching(api, simulator: Simulator) -> None:
    simulator.add_agent("u-1", code="A1", live_rooms=["r"])
    simulator.add_fault(Fault(path="/v1/agent/*/speak", method="post", status=500))
    simulator.add_fault(Fault(path=r"^/v2/", regex=True, status=502))
    assert (await api.get("/v1/agent/A1")).status == 200
    assert (await api.post("/v1/agent/A1/speak", json={"message": "x"})).status == 500
    assert (await api.get("/v2/credit-summaries")).status == 502
    assert len(simulator.faults) == 2
    simulator.remove_fault(simulator.faults[0])
    assert (await api.post("/v1/agent/A1/speak", json={"message": "x"})).status == 200
    simulator.clear_faults()
    assert simulator.faults == []
    assert (await api.get("/v2/credit-summaries")).status == 200


async def test_drop_connection(api, simulator: Simulator) -> None:
    fault = simulator.add_fault(Fault(path="/v1/me", drop=True))
    with pytest.raises(aiohttp.ClientConnectionError):
        await api.get("/v1/me")
    simulator.remove_fault(fault)
    assert (await api.get("/v1/me")).status == 200
    simulator.add_fault(Fault(path="/v1/agent/generate", drop=True, times=1))
    with pytest.raises(aiohttp.ClientConnectionError):
        await api.post("/v1/agent/generate", json={})
    assert simulator.count("POST", "/v1/agent/generate") == 1
    assert len(simulator.charges()) == 0


async def test_delay_then_answer(api, simulator: Simulator) -> None:
    simulator.add_fault(Fault(path="/v1/me", delay=0.2, times=1))
    started = time.monotonic()
    assert (await api.get("/v1/me")).status == 200
    assert time.monotonic() - started >= 0.2


async def test_delay_times_out_the_client(api, simulator: Simulator) -> None:
    simulator.add_fault(Fault(path="/v1/me", delay=30, times=1))
    started = time.monotonic()
    with pytest.raises(TimeoutError):
        async with asyncio.timeout(0.2):
            await api.get("/v1/me")
    assert (await api.get("/v1/me")).status == 200
    assert time.monotonic() - started < 5


async def test_delay_then_error(api, simulator: Simulator) -> None:
    simulator.add_fault(Fault(path="/v1/me", delay=0.05, status=500, times=1))
    assert (await api.get("/v1/me")).status == 500


async def test_malformed_invalid_json(api, simulator: Simulator) -> None:
    simulator.add_fault(Fault(path="/v1/me", malformed="invalid_json", times=1))
    reply = await api.get("/v1/me")
    assert reply.status == 200
    assert reply.headers["Content-Type"].startswith("application/json")
    assert reply.body is None
    with pytest.raises(json.JSONDecodeError, match=r"Unterminated|Expecting"):
        json.loads(reply.text)


async def test_malformed_wrong_types(api, simulator: Simulator) -> None:
    simulator.add_agent("u-1", code="A1")
    simulator.add_fault(Fault(path="/v1/agents", malformed="wrong_types", times=1))
    reply = await api.get("/v1/agents")
    assert reply.status == 200
    assert reply.body["success"] == "not-a-number"
    assert reply.body["data"] == {"unexpected": "list"}
    assert reply.body["pagination"]["limit"] == "not-a-number"
    simulator.add_fault(Fault(path="/v1/agent/A1", malformed="wrong_types", times=1))
    data = (await api.get("/v1/agent/A1")).body["data"]
    assert data["status"] == 12345
    assert data["error_message"] == ["null"]


async def test_malformed_html_empty_and_array(api, simulator: Simulator) -> None:
    simulator.add_fault(Fault(path="/v1/me", malformed="html", status=502, times=1))
    simulator.add_fault(Fault(path="/v1/me", malformed="empty", times=1))
    simulator.add_fault(Fault(path="/v1/me", malformed="not_object", times=1))
    html = await api.get("/v1/me")
    assert html.status == 502
    assert html.headers["Content-Type"].startswith("text/html")
    assert "<html>" in html.text
    empty = await api.get("/v1/me")
    assert (empty.status, empty.text) == (200, "")
    array = await api.get("/v1/me")
    assert array.body == ["unexpected", "array"]


async def test_malformed_on_unknown_route(api, simulator: Simulator) -> None:
    simulator.add_fault(Fault(path="/v1/nowhere", malformed="wrong_types", times=1))
    reply = await api.get("/v1/nowhere")
    assert reply.status == 404
    assert reply.body["error"]["code"] == 12345


async def test_outage_drop_and_503(api, simulator: Simulator, expect_error) -> None:
    simulator.set_outage(True)
    with pytest.raises(aiohttp.ClientConnectionError):
        await api.post("/v1/validate")
    simulator.set_outage(True, mode="503")
    expect_error(await api.get("/v2/credit-summaries"), 503, "NO_AVAILABLE_WORKERS")
    simulator.set_outage(False)
    assert (await api.get("/v1/me")).status == 200
    simulator.set_outage(True, "503")
    simulator.clear_faults()
    assert (await api.get("/v1/me")).status == 200


async def test_rate_limit_generate_tier(
    api, simulator: Simulator, sim_clock: ManualClock, expect_error
) -> None:
    simulator.add_account("free", user_id="u-f", plan="free", credits=100_000)
    replies = [
        await api.post("/v1/agent/generate", json={}, auth="free") for _ in range(5)
    ]
    assert [r.status for r in replies] == [200, 200, 200, 200, 429]
    assert replies[0].headers["X-RateLimit-Limit"] == "4"
    assert replies[0].headers["X-RateLimit-Remaining"] == "3"
    assert int(replies[0].headers["X-RateLimit-Reset"]) >= int(sim_clock.now())
    limited = replies[-1]
    expect_error(limited, 429, "RATE_LIMITED")
    assert "generate" in limited.body["error"]["message"]
    assert limited.headers["Retry-After"] == "15"
    assert limited.headers["X-RateLimit-Remaining"] == "0"
    assert len(simulator.charges("u-f")) == 4
    reads = await api.get("/v1/me", auth="free")
    assert reads.status == 200
    assert reads.headers["X-RateLimit-Limit"] == "120"
    sim_clock.advance(15)
    assert (await api.post("/v1/agent/generate", json={}, auth="free")).status == 200


async def test_rate_limit_is_per_account(api, simulator: Simulator) -> None:
    simulator.add_account("free-a", user_id="a", plan="free")
    simulator.add_account("free-b", user_id="b", plan="free")
    simulator.add_agent("a", code="A1")
    for _ in range(30):
        await api.post("/v1/agent/A1", json={"system_prompt": "x"}, auth="free-a")
    assert (
        await api.post("/v1/agent/A1", json={"system_prompt": "x"}, auth="free-a")
    ).status == 429
    assert (await api.post("/v1/webhooks", json={}, auth="free-b")).status == 400


async def test_rate_limits_off(api, simulator: Simulator) -> None:
    simulator.rate_limits = False
    reply = await api.get("/v1/me")
    assert "X-RateLimit-Limit" not in reply.headers
    assert reply.headers["X-Request-Id"]


async def test_failed_auth_is_throttled(
    api, simulator: Simulator, expect_error
) -> None:
    statuses = [(await api.get("/v1/me", auth="bad")).status for _ in range(31)]
    assert statuses[:30] == [401] * 30
    expect_error(
        await api.get("/v1/me", auth="bad"),
        429,
        "RATE_LIMITED",
    )
    assert (await api.get("/v1/me", auth=None)).headers["Retry-After"]
    assert (await api.get("/v1/me")).status == 200


async def test_request_log(api, simulator: Simulator, sim_clock: ManualClock) -> None:
    simulator.add_agent("u-1", code="A1", live_rooms=["r"])
    await api.get("/v1/agents", params={"limit": "5"})
    sim_clock.advance(2)
    await api.post(
        "/v1/agent/A1/speak",
        json={"message": "Hi"},
        headers={"Authorization": "Bearer x"},
    )
    await api.post("/v1/agent/generate", data="not json")
    await api.get("/_simulator/state")
    first, second, third = simulator.requests
    assert (first.method, first.path, first.query) == (
        "GET",
        "/v1/agents",
        {"limit": "5"},
    )
    assert first.json is None
    assert first.headers["api-secret"] == "***"
    assert second.json == {"message": "Hi"}
    assert second.headers["Authorization"] == "***"
    assert second.time == first.time + 2
    assert third.json == "not json"
    assert "secret-123" not in repr(simulator.requests)
    assert simulator.count() == 3
    assert simulator.count("post") == 2
    assert simulator.count(path_prefix="/v1/agent/") == 2
    assert simulator.count("GET", "/v1/agents") == 1
    assert first.as_json()["headers"]["api-secret"] == "***"
    simulator.clear_requests()
    assert simulator.count() == 0
