"""Webhooks: registration, signed deliveries, retries, the log and forgeries."""

import asyncio
import hashlib
import hmac
import json

import pytest

from bithuman_simulator import ManualClock, RealClock, Simulator, SimulatorServer

from .conftest import Receiver


def verify(secret: str, headers, raw_body: bytes, now: float) -> bool:
    """Check a delivery exactly as webhooks.md tells receivers to."""
    ts = headers["X-BitHuman-Timestamp"]
    if abs(now - int(ts)) > 300:
        return False
    sent = headers["X-BitHuman-Signature"].removeprefix("sha256=")
    expected = hmac.new(
        secret.encode(), f"{ts}.".encode() + raw_body, hashlib.sha256
    ).hexdigest()
    return hmac.compare_digest(sent, expected)


async def register(api, url: str, **fields) -> dict:
    reply = await api.post("/v1/webhooks", json={"url": url, **fields})
    assert reply.status == 200, reply.text
    return reply.body["data"]


async def test_test_ping_is_delivered_signed(
    api, simulator: Simulator, receiver: Receiver, sim_clock: ManualClock
) -> None:
    hook = await register(api, receiver.url)
    reply = await api.post(f"/v1/webhooks/{hook['id']}/test")
    assert reply.status == 200
    assert reply.body == {
        "success": True,
        "data": {"delivered": True, "status_code": 200, "attempts": 1},
    }
    [ping] = receiver.received
    assert ping.path == "/hook"
    assert ping.headers["Content-Type"] == "application/json"
    assert ping.headers["X-BitHuman-Event"] == "ping"
    assert ping.headers["X-BitHuman-Delivery"].startswith("evt_")
    assert ping.headers["X-BitHuman-Timestamp"] == str(int(sim_clock.now()))
    assert verify(hook["secret"], ping.headers, ping.body, sim_clock.now())
    body = json.loads(ping.body)
    assert body["id"] == ping.headers["X-BitHuman-Delivery"]
    assert body["event"] == "ping"
    assert body["created"] == int(sim_clock.now())
    assert body["data"] == {"webhook_id": hook["id"]}
    assert "X-RateLimit-Limit" not in reply.headers


async def test_failed_ping_is_not_retried(
    api, simulator: Simulator, receiver: Receiver, sim_clock: ManualClock
) -> None:
    hook = await register(api, receiver.url)
    receiver.statuses = [500]
    reply = await api.post(f"/v1/webhooks/{hook['id']}/test")
    assert reply.body["data"] == {
        "delivered": False,
        "status_code": 500,
        "attempts": 1,
    }
    sim_clock.advance(3600)
    assert await simulator.flush_webhooks() == []


async def test_generation_end_is_delivered_on_flush(
    api, simulator: Simulator, sim_clock: ManualClock, receiver: Receiver
) -> None:
    hook = await register(api, receiver.url)
    generated = await api.post("/v1/agent/generate", json={"prompt": "Hi"})
    code = generated.body["agent_id"]
    assert await simulator.flush_webhooks() == []
    sim_clock.advance(simulator.generation_seconds)
    assert receiver.received == []
    assert len(simulator.pending_webhooks()) == 1
    sim_clock.advance(7)
    [attempt] = await simulator.flush_webhooks()
    assert attempt.status_code == 200
    [ready] = receiver.received
    assert ready.headers["X-BitHuman-Event"] == "agent.ready"
    assert ready.headers["X-BitHuman-Timestamp"] == str(int(sim_clock.now()))
    assert verify(hook["secret"], ready.headers, ready.body, sim_clock.now())
    body = json.loads(ready.body)
    assert body["event"] == "agent.ready"
    assert body["data"] == {"agent_id": code, "code": code}
    assert body["created"] == int(sim_clock.now()) - 7
    assert await simulator.flush_webhooks() == []
    deliveries = await api.get(f"/v1/webhooks/{hook['id']}/deliveries")
    assert deliveries.status == 200
    [logged] = deliveries.body["data"]
    assert logged.keys() == {
        "id",
        "event_type",
        "status_code",
        "attempts",
        "delivered",
        "created_at",
        "updated_at",
    }
    assert (logged["event_type"], logged["status_code"], logged["attempts"]) == (
        "agent.ready",
        200,
        1,
    )
    assert logged["delivered"] is True


async def test_failed_generation_reports_the_error(
    api, simulator: Simulator, sim_clock: ManualClock, receiver: Receiver
) -> None:
    await register(api, receiver.url, events=["agent.failed"])
    simulator.add_agent("u-1", code="A1", status="processing")
    simulator.fail_next_generation("Voice step failed", at=0.2)
    generated = await api.post("/v1/agent/generate", json={})
    sim_clock.advance(simulator.generation_seconds)
    await simulator.flush_webhooks()
    [failed] = receiver.received
    body = json.loads(failed.body)
    assert body["event"] == "agent.failed"
    assert body["data"]["code"] == generated.body["agent_id"]
    assert body["data"]["error"] == "Voice step failed"


async def test_agents_created_finished_are_not_reported(
    api, simulator: Simulator, sim_clock: ManualClock, receiver: Receiver
) -> None:
    await register(api, receiver.url)
    simulator.add_agent("u-1", code="A1", status="ready")
    simulator.add_agent("u-1", code="A2", status="failed")
    simulator.add_agent("u-1", code="A3", legacy_success=True, status="generating")
    sim_clock.advance(simulator.generation_seconds)
    await simulator.flush_webhooks()
    [legacy] = receiver.received
    assert json.loads(legacy.body)["data"]["code"] == "A3"


async def test_retries_with_backoff_then_gives_up(
    api, simulator: Simulator, sim_clock: ManualClock, receiver: Receiver
) -> None:
    hook = await register(api, receiver.url)
    simulator.add_agent("u-1", code="A1", status="generating")
    receiver.statuses = [500, 503, 404, 502]
    sim_clock.advance(simulator.generation_seconds)
    assert [a.status_code for a in await simulator.flush_webhooks()] == [500]
    sim_clock.advance(9)
    assert await simulator.flush_webhooks() == []
    for delay, status in ((1, 503), (60, 404), (300, 502)):
        sim_clock.advance(delay)
        [attempt] = await simulator.flush_webhooks()
        assert attempt.status_code == status
    sim_clock.advance(3600)
    assert await simulator.flush_webhooks() == []
    [delivery] = simulator.webhook_deliveries(hook["id"])
    assert len(delivery.attempts) == 4
    assert delivery.delivered is False
    ids = {a.headers["X-BitHuman-Delivery"] for a in delivery.attempts}
    assert len(ids) == 1
    stamps = [int(a.headers["X-BitHuman-Timestamp"]) for a in delivery.attempts]
    assert stamps == sorted(stamps)
    assert len(set(stamps)) == 4
    logged = (await api.get(f"/v1/webhooks/{hook['id']}/deliveries")).body["data"]
    assert [(d["attempts"], d["delivered"], d["status_code"]) for d in logged] == [
        (4, False, 502)
    ]


async def test_a_retry_can_succeed(
    simulator: Simulator, account, sim_clock: ManualClock
) -> None:
    answers = [ConnectionResetError("reset"), 200]
    sent: list[str] = []

    async def transport(url: str, headers: dict[str, str], body: bytes) -> int:
        sent.append(url)
        answer = answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer

    simulator.webhook_transport = transport
    assert simulator.webhook_transport is transport
    simulator.add_webhook(account, "https://ha.example.com/api/webhook/x", [], None)
    simulator.add_agent("u-1", code="A1", status="generating")
    sim_clock.advance(simulator.generation_seconds)
    [first] = await simulator.flush_webhooks()
    assert (first.status_code, first.error) == (None, "ConnectionResetError: reset")
    sim_clock.advance(10)
    [second] = await simulator.flush_webhooks()
    assert second.ok
    [delivery] = simulator.webhook_deliveries()
    assert delivery.delivered
    assert delivery.api_json()["attempts"] == 2
    assert sent == ["https://ha.example.com/api/webhook/x"] * 2


async def test_subscriptions_filter_events(
    simulator: Simulator, account, sim_clock: ManualClock
) -> None:
    got: dict[str, list[str]] = {"ready": [], "all": []}

    async def transport(url: str, headers: dict[str, str], body: bytes) -> int:
        got[url.rsplit("/", 1)[-1]].append(headers["X-BitHuman-Event"])
        return 204

    simulator.webhook_transport = transport
    simulator.add_webhook(account, "https://h.example/ready", ["agent.ready"], None)
    simulator.add_webhook(account, "https://h.example/all", [], None)
    other = simulator.add_account("other", user_id="u-2")
    simulator.add_webhook(other, "https://h.example/theirs", [], None)
    simulator.add_agent("u-1", code="A1", status="generating")
    simulator.fail_next_generation(at=0.5)
    simulator.start_generation("u-1")
    sim_clock.advance(simulator.generation_seconds)
    await simulator.flush_webhooks()
    assert got == {"ready": ["agent.ready"], "all": ["agent.ready", "agent.failed"]}


async def test_deleting_a_webhook_drops_its_pending_deliveries(
    api, simulator: Simulator, sim_clock: ManualClock, receiver: Receiver
) -> None:
    hook = await register(api, receiver.url)
    simulator.add_agent("u-1", code="A1", status="generating")
    sim_clock.advance(simulator.generation_seconds)
    assert len(simulator.pending_webhooks()) == 1
    await api.delete(f"/v1/webhooks/{hook['id']}")
    assert simulator.pending_webhooks() == []
    assert await simulator.flush_webhooks() == []


async def test_webhook_url_rules(api, expect_error) -> None:
    for url in ("http://example.com/h", "ftp://x/h", "https://", "example.com"):
        expect_error(
            await api.post("/v1/webhooks", json={"url": url}), 400, "VALIDATION_ERROR"
        )
    for url in ("https://x.example/h", "http://localhost:8123/h", "http://[::1]/h"):
        assert (await api.post("/v1/webhooks", json={"url": url})).status == 200


async def test_test_and_deliveries_of_unknown_webhooks(api, expect_error) -> None:
    expect_error(await api.post("/v1/webhooks/nope/test"), 404, "NOT_FOUND")
    expect_error(await api.get("/v1/webhooks/nope/deliveries"), 404, "NOT_FOUND")


async def test_send_event_on_demand(
    simulator: Simulator, account, receiver: Receiver, sim_clock: ManualClock
) -> None:
    hook = simulator.add_webhook(account, receiver.url, [], None)
    simulator.add_agent("u-1", code="A1", error_message="Portrait failed")
    [ready] = await simulator.send_webhook_event("A1")
    assert ready.status_code == 200
    [failed] = await simulator.send_webhook_event("A1", "agent.failed")
    assert json.loads(failed.body)["data"]["error"] == "Portrait failed"
    receiver.statuses = [418]
    [custom] = await simulator.send_webhook_event(
        "A1", "agent.failed", error="Boom", webhook_id=hook.id
    )
    assert custom.status_code == 418
    assert json.loads(custom.body)["data"]["error"] == "Boom"
    sim_clock.advance(10)
    [retry] = await simulator.flush_webhooks()
    assert retry.status_code == 200
    assert all(
        verify(hook.secret, r.headers, r.body, sim_clock.now())
        for r in receiver.received
    )


async def test_forged_deliveries(
    simulator: Simulator, account, receiver: Receiver, sim_clock: ManualClock
) -> None:
    hook = simulator.add_webhook(account, receiver.url, ["agent.failed"], None)
    simulator.add_agent("u-1", code="A1")
    now = sim_clock.now()
    receiver.statuses = [401, 401, 400, 202]
    for tamper in ("bad_signature", "stale_timestamp", "not_json", "unknown_event"):
        [attempt] = await simulator.send_forged_webhook("A1", tamper)
        assert attempt.delivery_id
    bad, stale, not_json, unknown = receiver.received
    assert not verify(hook.secret, bad.headers, bad.body, now)
    assert int(stale.headers["X-BitHuman-Timestamp"]) == int(now) - 301
    assert not verify(hook.secret, stale.headers, stale.body, now)
    assert verify(hook.secret, stale.headers, stale.body, now - 301)
    assert verify(hook.secret, not_json.headers, not_json.body, now)
    with pytest.raises(ValueError, match="Expecting value"):
        json.loads(not_json.body)
    assert verify(hook.secret, unknown.headers, unknown.body, now)
    assert unknown.headers["X-BitHuman-Event"] == json.loads(unknown.body)["event"]
    assert json.loads(unknown.body)["event"] not in {"agent.ready", "agent.failed"}
    statuses = [d.status_code for d in simulator.webhook_deliveries()]
    assert statuses == [401, 401, 400, 202]
    assert all(d.forged for d in simulator.webhook_deliveries())
    receiver.statuses = [500]
    await simulator.send_forged_webhook("A1", "bad_signature", webhook_id=hook.id)
    sim_clock.advance(3600)
    assert await simulator.flush_webhooks() == []


async def test_replay_resends_byte_for_byte(
    api, simulator: Simulator, account, receiver: Receiver
) -> None:
    hook = simulator.add_webhook(account, receiver.url, [], None)
    simulator.add_agent("u-1", code="A1")
    [original] = await simulator.send_webhook_event("A1")
    receiver.statuses = [401]
    replayed = await simulator.replay_webhook()
    assert replayed.status_code == 401
    first, second = receiver.received
    assert first.body == second.body
    for name in ("X-BitHuman-Delivery", "X-BitHuman-Timestamp", "X-BitHuman-Signature"):
        assert first.headers[name] == second.headers[name]
    again = await simulator.replay_webhook(original.delivery_id)
    assert again.body == original.body
    listed = (await api.get(f"/v1/webhooks/{hook.id}/deliveries")).body["data"]
    assert len(listed) == 1
    with pytest.raises(KeyError):
        await simulator.replay_webhook("nope")


async def test_replay_needs_a_sent_delivery(simulator: Simulator, account) -> None:
    with pytest.raises(KeyError):
        await simulator.replay_webhook()
    simulator.add_webhook(account, "https://h.example/x", [], None)
    simulator.add_agent("u-1", code="A1", status="generating")
    simulator.clock.advance(simulator.generation_seconds)  # type: ignore[attr-defined]
    [pending] = simulator.pending_webhooks()
    with pytest.raises(ValueError, match="never sent"):
        await simulator.dispatcher.replay(pending)


async def test_rewrites_send_to_another_base(
    simulator: Simulator, account, receiver: Receiver
) -> None:
    simulator.add_webhook(account, "https://ha.example.com/api/webhook/abc", [], None)
    simulator.add_agent("u-1", code="A1")
    simulator.rewrite_webhooks(
        "https://ha.example.com", receiver.url.removesuffix("/hook")
    )
    [attempt] = await simulator.send_webhook_event("A1")
    assert attempt.status_code == 200
    assert attempt.url.endswith("/api/webhook/abc")
    assert receiver.received[0].path == "/api/webhook/abc"


async def test_reset_keeps_the_wiring(simulator: Simulator, account) -> None:
    async def transport(url: str, headers: dict[str, str], body: bytes) -> int:
        return 200

    simulator.webhook_transport = transport
    simulator.rewrite_webhooks("https://a", "http://127.0.0.1:1")
    simulator.reset()
    assert simulator.webhook_transport is transport
    assert simulator.dispatcher.rewrites == [("https://a", "http://127.0.0.1:1")]


async def test_webhook_control_endpoints(
    api, simulator: Simulator, receiver: Receiver, sim_clock: ManualClock
) -> None:
    hook = await register(api, "https://ha.example.com/api/webhook/abc")
    simulator.add_agent("u-1", code="A1", status="generating")
    rewrites = await api.put(
        "/_simulator/webhooks/rewrites",
        json={
            "rewrites": {"https://ha.example.com": receiver.url.removesuffix("/hook")}
        },
        auth=None,
    )
    assert list(rewrites.body["rewrites"]) == ["https://ha.example.com"]
    sim_clock.advance(simulator.generation_seconds)
    state = (await api.get("/_simulator/state", auth=None)).body
    assert (state["webhooks"], state["pending_webhooks"]) == (1, 1)
    flushed = await api.post("/_simulator/webhooks/flush", auth=None)
    [attempt] = flushed.body["attempts"]
    assert attempt["status_code"] == 200
    assert attempt["headers"]["X-BitHuman-Event"] == "agent.ready"
    assert json.loads(attempt["body"])["data"]["code"] == "A1"
    sent = await api.post(
        "/_simulator/webhooks/send",
        json={"code": "A1", "event": "agent.failed", "error": "x"},
        auth=None,
    )
    assert sent.body["attempts"][0]["status_code"] == 200
    receiver.statuses = [401]
    forged = await api.post(
        "/_simulator/webhooks/forged",
        json={"code": "A1", "tamper": "stale_timestamp", "webhook_id": hook["id"]},
        auth=None,
    )
    assert forged.body["attempts"][0]["status_code"] == 401
    receiver.statuses = [409]
    replayed = await api.post("/_simulator/webhooks/replay", json={}, auth=None)
    assert replayed.body["attempts"][0]["status_code"] == 409
    log = (await api.get("/_simulator/webhooks/deliveries", auth=None)).body
    assert [d["forged"] for d in log["deliveries"]] == [
        None,
        None,
        "stale_timestamp",
        "replay",
    ]
    assert log["deliveries"][0]["attempt_log"][0]["url"].startswith("http://127.0.0.1")
    bad = await api.post(
        "/_simulator/webhooks/forged", json={"code": "A1", "tamper": "odd"}, auth=None
    )
    assert bad.status == 400
    missing = await api.post(
        "/_simulator/webhooks/replay", json={"delivery_id": "nope"}, auth=None
    )
    assert missing.status == 404


async def test_real_clock_server_delivers_in_the_background(
    socket_enabled, receiver: Receiver
) -> None:
    sim = Simulator(clock=RealClock(), generation_seconds=0.2)
    account = sim.add_account("s", user_id="u")
    sim.add_webhook(account, receiver.url, [], None)
    async with SimulatorServer(sim):
        sim.start_generation("s")
        for _ in range(100):
            if receiver.received:
                break
            await asyncio.sleep(0.05)
    [ready] = receiver.received
    assert ready.headers["X-BitHuman-Event"] == "agent.ready"


async def test_manual_clock_server_waits_for_flush(
    simulator: Simulator, simulator_url: str, account, receiver: Receiver
) -> None:
    simulator.add_webhook(account, receiver.url, [], None)
    simulator.add_agent("u-1", code="A1", status="generating")
    simulator.clock.advance(simulator.generation_seconds)  # type: ignore[attr-defined]
    await asyncio.sleep(0.5)
    assert receiver.received == []
    await simulator.flush_webhooks()
    assert len(receiver.received) == 1


async def test_default_transport_connection_error_is_a_failed_attempt(
    simulator: Simulator, account, socket_enabled
) -> None:
    simulator.add_webhook(account, "http://127.0.0.1:9/refused", [], None)
    simulator.add_agent("u-1", code="A1")
    [refused] = await simulator.send_webhook_event("A1")
    assert refused.status_code is None
    assert refused.error
    [delivery] = simulator.pending_webhooks()
    assert delivery.next_attempt_at == refused.time + 10


async def test_background_delivery_survives_errors(socket_enabled, caplog) -> None:
    sim = Simulator(clock=RealClock())
    calls: list[int] = []

    async def broken() -> list:
        calls.append(1)
        raise RuntimeError("boom")

    sim.flush_webhooks = broken  # type: ignore[method-assign]
    async with SimulatorServer(sim):
        for _ in range(100):
            if len(calls) >= 2:
                break
            await asyncio.sleep(0.05)
    assert len(calls) >= 2
    assert "Webhook delivery failed" in caplog.text
