"""The simulator's parts on their own: ids, sessions, settings, signing."""

import random

from aiohttp import web
import pytest

from bithuman_simulator import ManualClock, Simulator
from bithuman_simulator.fault_answers import _json_body
from bithuman_simulator.ids import IdSource, new_agent_code
from bithuman_simulator.portraits import initials
from bithuman_simulator.webhook_registry import check_url
from bithuman_simulator.webhook_signing import WebhookEvent, signature, signed_request


def test_ids_are_reproducible_and_avoid_taken_codes() -> None:
    first, second = IdSource(7), IdSource(7)
    assert first.uuid() == second.uuid()
    assert first.extra_hex(32) == second.extra_hex(32)
    taken = {new_agent_code(random.Random(7))}  # noqa: S311 - ids, not secrets
    fresh = IdSource(7)
    fresh.rng = random.Random(7)  # noqa: S311 - ids, not secrets
    assert fresh.agent_code(taken) not in taken


def test_timing_settings_are_shared_with_the_parts() -> None:
    sim = Simulator(clock=ManualClock())
    sim.generation_seconds = 10
    sim.dynamics_seconds = 20
    sim.regeneration_seconds = 5
    assert (
        sim.settings.generation_seconds,
        sim.settings.dynamics_seconds,
        sim.settings.regeneration_seconds,
    ) == (10, 20, 5)
    sim.add_account("s", user_id="u")
    agent = sim.add_agent("s", code="A1", status="processing")
    assert agent.plan.duration == 10


def test_ledger_charge(simulator: Simulator, account) -> None:
    simulator.ledger_book.charge(
        account, 40, reason="custom", agent_code=None, key="k", at=simulator.now()
    )
    [charge] = simulator.charges("u-1")
    assert (charge.amount, charge.reason, charge.idempotency_key) == (40, "custom", "k")


def test_ending_twice_and_ending_unsettled_sessions(
    simulator: Simulator, account, sim_clock: ManualClock
) -> None:
    simulator.set_credits("u-1", 6)
    agent = simulator.add_agent("u-1", code="A1", live_rooms=["hall"])
    [session] = simulator.sessions()
    sim_clock.advance(600)
    book = simulator.session_book
    book.end(session, sim_clock.now(), "room-closed")
    assert session.end_reason == "insufficient-credits"
    assert session.billed_minutes == 4
    book.end(session, sim_clock.now(), "again")
    assert session.end_reason == "insufficient-credits"
    simulator.agents.pop("A1")
    other = book.start(agent, "porch", sim_clock.now())
    book.end(other, sim_clock.now(), "gone")
    assert other.end_reason == "gone"


async def test_voice_and_settings_control(api, simulator: Simulator) -> None:
    voice = await api.post(
        "/_simulator/voices",
        json={"owner": "u-1", "voice_code": "bv1_abc", "base_voice": "F4"},
        auth=None,
    )
    assert voice.body == {"voice_code": "bv1_abc", "base_voice": "F4"}
    assert simulator.voice_codes == {"u-1": {"bv1_abc": "F4"}}
    generated = await api.post("/_simulator/voices", json={"owner": "u-1"}, auth=None)
    assert len(generated.body["voice_code"]) == 36
    settings = await api.put(
        "/_simulator/settings",
        json={
            "embed_starts_sessions": False,
            "embed_idle_seconds": 5,
            "webhook_retry_delays": [1, 2],
            "bill_sessions": False,
        },
        auth=None,
    )
    assert settings.body == {
        "tts_max_chars": None,
        "embed_starts_sessions": False,
        "embed_idle_seconds": 5.0,
        "webhook_retry_delays": [1.0, 2.0],
        "bill_sessions": False,
    }
    unchanged = await api.put("/_simulator/settings", json={}, auth=None)
    assert unchanged.body == settings.body
    bad = await api.post(
        "/_simulator/voices", json={"owner": "u-1", "base_voice": "X"}, auth=None
    )
    assert bad.status == 400


def test_json_body_of_odd_responses() -> None:
    assert _json_body(web.Response(body=None, content_type="application/json")) is None
    assert _json_body(web.Response(text="[1]", content_type="text/plain")) is None
    assert _json_body(web.Response(text="{", content_type="application/json")) is None
    assert _json_body(web.Response(text="[1]", content_type="application/json")) == [1]


def test_signature_follows_the_docs() -> None:
    event = WebhookEvent("evt_1", "agent.ready", 1780417371, {"code": "A1"})
    headers, body = signed_request("whsec_x", event, 1780417371)
    assert body == (
        b'{"id":"evt_1","event":"agent.ready","created":1780417371,'
        b'"data":{"code":"A1"}}'
    )
    assert headers["X-BitHuman-Signature"] == signature("whsec_x", 1780417371, body)
    assert headers["X-BitHuman-Signature"].startswith("sha256=")
    assert len(headers["X-BitHuman-Signature"]) == 7 + 64


@pytest.mark.parametrize(
    ("url", "ok"),
    [
        ("https://ha.example.com/api/webhook/x", True),
        ("http://127.0.0.1:8123/api/webhook/x", True),
        ("http://localhost/x", True),
        ("http://192.168.1.2/x", False),
        ("https:///x", False),
    ],
)
def test_webhook_urls(url: str, ok: bool) -> None:
    if ok:
        check_url(url)
    else:
        with pytest.raises(Exception, match="HTTPS"):
            check_url(url)


def test_initials() -> None:
    assert initials("Front Door") == "FD"
    assert initials("living room host") == "LR"
    assert initials("") == "?"
    assert initials("& -") == "?"
