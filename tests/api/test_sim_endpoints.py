"""Every client method against the bitHuman API simulator over HTTP."""

from __future__ import annotations

import aiohttp
import pytest

from bithuman_simulator import REMOVE, ManualClock, Simulator
from bithuman_simulator.records import Account
from custom_components.bithuman.api import (
    AgentStatus,
    BithumanAgentNotFoundError,
    BithumanClient,
    BithumanNotFoundError,
)

from .conftest import SIM_SECRET, USER_ID

SEED_GESTURES = [
    "blow_kiss_heart",
    "idle_subtle",
    "laugh_react",
    "mini_wave_hello",
    "talk_head_nod_subtle",
]


async def test_validate(
    client: BithumanClient,
    simulator: Simulator,
    simulator_url: str,
    session: aiohttp.ClientSession,
) -> None:
    assert await client.validate() is True
    wrong = BithumanClient(session, "not-a-secret", base_url=simulator_url)
    assert await wrong.validate() is False
    simulator.set_account_status(SIM_SECRET, "suspended")
    assert await client.validate() is False


async def test_get_account(client: BithumanClient, simulator: Simulator) -> None:
    simulator.set_credits(SIM_SECRET, 1000, topup_credits=240)
    account = await client.get_account()
    assert account.user_id == USER_ID
    assert account.email == "ada@example.com"
    assert account.plan == "pro"
    assert account.plan_code == "membership_pro"
    assert account.credit_balance == 1240
    assert account.plan_credits_remaining == 1000
    assert account.topup_credits_remaining == 240
    assert account.account_status == "active"


async def test_list_agents_follows_every_page(
    client: BithumanClient,
    simulator: Simulator,
    sim_account: Account,
    sim_clock: ManualClock,
) -> None:
    for number in range(230):
        status = "failed" if number % 10 == 0 else "ready"
        simulator.add_agent(SIM_SECRET, code=f"A{number:09d}", status=status)
        sim_clock.advance(1)
    other = simulator.add_account("someone-else")
    simulator.add_agent(other.user_id, code="B000000001")

    listing = await client.list_agents()
    agents = list(listing.agents.values())
    assert len(agents) == 230
    assert listing.unreadable == frozenset()
    assert agents[0].code == "A000000229"
    assert agents[-1].code == "A000000000"
    pages = [r.query for r in simulator.requests if r.path == "/v1/agents"]
    assert [page["offset"] for page in pages] == ["0", "100", "200"]
    assert {page["limit"] for page in pages} == {"100"}
    failed = [agent for agent in agents if agent.known_status is AgentStatus.FAILED]
    assert len(failed) == 23


async def test_list_agents_empty(client: BithumanClient) -> None:
    listing = await client.list_agents()
    assert (listing.agents, listing.unreadable) == ({}, frozenset())


async def test_list_agents_keeps_one_odd_record_apart(
    client: BithumanClient, simulator: Simulator
) -> None:
    simulator.add_agent(SIM_SECRET, code="A1")
    simulator.add_agent(SIM_SECRET, code="A2")
    simulator.add_agent(SIM_SECRET, code="A3")
    simulator.override_agent_fields("A2", {"status": "queued", "progress": 1.0000001})
    simulator.override_agent_fields("A3", {"code": REMOVE, "dynamics.enabled": "true"})
    listing = await client.list_agents()
    assert set(listing.agents) | listing.unreadable == {"A1", "A2", "A3"}
    assert listing.agents["A1"].known_status is AgentStatus.READY


async def test_get_agent(client: BithumanClient, simulator: Simulator) -> None:
    simulator.add_agent(
        SIM_SECRET,
        code="A12345678",
        name="Front Door",
        model="essence-2",
        system_prompt="Be nice",
        dynamics_enabled=True,
    )
    agent = await client.get_agent("A12345678")
    assert agent.code == agent.agent_id == "A12345678"
    assert agent.name == "Front Door"
    assert agent.model == "essence-2"
    assert agent.status == "ready"
    assert agent.known_status is AgentStatus.READY
    assert agent.progress == 1.0
    assert agent.current_step == "done"
    assert agent.system_prompt == "Be nice"
    assert agent.image_url is not None
    assert agent.supported_models == ["essence-2", "essence-2-max"]
    assert agent.created_at is not None
    assert agent.updated_at is not None
    assert agent.dynamics_enabled is True
    assert agent.is_generation_terminal


async def test_get_agent_of_another_account_is_not_found(
    client: BithumanClient, simulator: Simulator
) -> None:
    other = simulator.add_account("someone-else")
    simulator.add_agent(other.user_id, code="B000000001")
    with pytest.raises(BithumanAgentNotFoundError) as err:
        await client.get_agent("B000000001")
    assert err.value.message == "Agent not found for code: B000000001"


async def test_generation_lifecycle(
    client: BithumanClient, simulator: Simulator, sim_clock: ManualClock
) -> None:
    started = await client.generate_agent(prompt="You are a receptionist.")
    assert started.status == "processing"
    assert started.message == "Agent generation started"
    seen: list[tuple[str, float | None]] = []
    terminal_at: list[str] = []
    for _ in range(40):
        agent = await client.get_agent(started.agent_id)
        assert agent.code == started.agent_id
        seen.append((agent.status, agent.progress))
        if agent.is_generation_terminal:
            terminal_at.append(agent.status)
            break
        sim_clock.advance(5)
    statuses = [status for status, _ in seen]
    assert statuses[0] == "processing"
    assert {"generating", "completed", "success"} <= set(statuses)
    assert terminal_at == ["ready"]
    progress = [value for _, value in seen if value is not None]
    assert progress == sorted(progress)
    assert seen[-1] == ("ready", 1.0)
    assert [entry.amount for entry in simulator.charges(SIM_SECRET)] == [250]


async def test_generation_that_fails(
    client: BithumanClient, simulator: Simulator, sim_clock: ManualClock
) -> None:
    simulator.fail_next_generation("Image download failed", at=0.3)
    started = await client.generate_agent(
        prompt="Hi", image="https://example.com/nope.jpg"
    )
    sim_clock.advance(300)
    agent = await client.get_agent(started.agent_id)
    assert agent.known_status is AgentStatus.FAILED
    assert agent.error_message == "Image download failed"
    assert agent.is_generation_terminal


async def test_legacy_success_with_full_progress_is_terminal(
    client: BithumanClient, simulator: Simulator
) -> None:
    simulator.add_agent(SIM_SECRET, code="A1", status="ready", legacy_success=True)
    agent = await client.get_agent("A1")
    assert (agent.status, agent.progress) == ("success", 1.0)
    assert agent.is_generation_terminal


async def test_generate_agent_request(
    client: BithumanClient, simulator: Simulator
) -> None:
    started = await client.generate_agent(
        prompt="Hi", image="https://example.com/face.jpg", model="essence-1"
    )
    request = simulator.requests[-1]
    assert request.json == {
        "prompt": "Hi",
        "image": "https://example.com/face.jpg",
        "model": "essence-1",
    }
    assert request.headers["api-secret"] == "***"
    key = request.headers["Idempotency-Key"]
    [charge] = simulator.charges(SIM_SECRET)
    assert (charge.amount, charge.agent_code, charge.idempotency_key) == (
        250,
        started.agent_id,
        key,
    )


async def test_update_prompt(client: BithumanClient, simulator: Simulator) -> None:
    simulator.add_agent(SIM_SECRET, code="A1")
    update = await client.update_prompt("A1", "You are a pirate.")
    assert (update.agent_code, update.updated) == ("A1", True)
    assert simulator.agent("A1").system_prompt == "You are a pirate."
    assert (await client.get_agent("A1")).system_prompt == "You are a pirate."


async def test_speak(client: BithumanClient, simulator: Simulator) -> None:
    simulator.add_agent(SIM_SECRET, code="A1", live_rooms=["lobby", "kitchen"])
    delivery = await client.speak("A1", "Dinner is ready")
    assert delivery.agent_code == "A1"
    assert delivery.context_type == "speak"
    assert delivery.delivered_to_rooms == 2
    assert delivery.rooms_skipped_no_worker == 0
    one = await client.speak("A1", "Just you", room_id="kitchen")
    assert one.delivered_to_rooms == 1
    said = [(m.room_id, m.text) for m in simulator.messages_for("A1", kind="speak")]
    assert said == [
        ("lobby", "Dinner is ready"),
        ("kitchen", "Dinner is ready"),
        ("kitchen", "Just you"),
    ]


async def test_add_context(client: BithumanClient, simulator: Simulator) -> None:
    simulator.add_agent(SIM_SECRET, code="A1", live_rooms=["lobby"])
    delivery = await client.add_context("A1", "The user likes tea", room_id="lobby")
    assert delivery.context_type == "add_context"
    assert delivery.delivered_to_rooms == 1
    [message] = simulator.messages_for("A1")
    assert (message.kind, message.text) == ("add_context", "The user likes tea")


async def test_dynamics_never_generated(
    client: BithumanClient, simulator: Simulator
) -> None:
    simulator.add_agent(SIM_SECRET, code="A1", dynamics="none")
    dynamics = await client.get_dynamics("A1")
    assert dynamics.agent_id == "A1"
    assert dynamics.status == "ready"
    assert dynamics.url is None
    assert not dynamics.has_dynamics
    assert dynamics.gestures == {}


async def test_dynamics_ready(client: BithumanClient, simulator: Simulator) -> None:
    simulator.add_agent(
        SIM_SECRET, code="A1", dynamics="ready", gestures=list(reversed(SEED_GESTURES))
    )
    dynamics = await client.get_dynamics("A1")
    assert dynamics.has_dynamics
    assert dynamics.gesture_names == SEED_GESTURES
    assert all(url.endswith(".mp4") for url in dynamics.gestures.values())


async def test_generate_dynamics(
    client: BithumanClient, simulator: Simulator, sim_clock: ManualClock
) -> None:
    simulator.add_agent(SIM_SECRET, code="A1", dynamics="none")
    started = await client.generate_dynamics("A1", duration=3)
    assert (started.agent_id, started.status) == ("A1", "processing")
    request = simulator.requests[-1]
    assert request.json == {"agent_id": "A1", "duration": 3, "model": "auto"}
    assert "Idempotency-Key" in request.headers
    assert (await client.get_dynamics("A1")).status == "processing"
    sim_clock.advance(60)
    middle = await client.get_dynamics("A1")
    assert (middle.status, middle.has_dynamics) == ("generating", False)
    sim_clock.advance(120)
    done = await client.get_dynamics("A1")
    assert done.status == "ready"
    assert done.has_dynamics
    assert set(SEED_GESTURES) <= set(done.gesture_names)
    assert [entry.amount for entry in simulator.charges(SIM_SECRET)] == [250]


async def test_set_dynamics_enabled(
    client: BithumanClient, simulator: Simulator, sim_clock: ManualClock
) -> None:
    simulator.add_agent(SIM_SECRET, code="A1", dynamics="ready")
    update = await client.set_dynamics_enabled("A1", True)
    assert update.regeneration_status == "started"
    assert update.agent_id == "A1"
    assert update.message is not None
    assert simulator.requests[-1].json == {
        "dynamics": {"enabled": True},
        "toggle_enabled": True,
    }
    assert (await client.get_agent("A1")).dynamics_enabled is True
    regenerating = await client.get_dynamics("A1")
    assert (regenerating.status, regenerating.has_dynamics) == ("generating", True)
    sim_clock.advance(60)
    assert (await client.get_dynamics("A1")).status == "ready"

    await client.set_dynamics_enabled("A1", False)
    assert simulator.requests[-1].json == {
        "dynamics": {"enabled": False},
        "toggle_enabled": False,
    }
    assert (await client.get_agent("A1")).dynamics_enabled is False


async def test_set_dynamics_regeneration_failure(
    client: BithumanClient, simulator: Simulator
) -> None:
    simulator.add_agent(SIM_SECRET, code="A1", dynamics="ready")
    simulator.set_regeneration_failure("A1", "Worker unavailable")
    update = await client.set_dynamics_enabled("A1", True)
    assert update.regeneration_status == "failed"
    assert update.regeneration_error == "Worker unavailable"


async def test_webhooks(client: BithumanClient, simulator: Simulator) -> None:
    created = await client.create_webhook(
        "https://example.com/hook", description="prod"
    )
    assert created.secret.startswith("whsec_")
    assert created.secret not in repr(created)
    assert created.url == "https://example.com/hook"
    assert created.events == []
    assert created.description == "prod"
    assert created.active is True
    assert created.created_at is not None
    listed = await client.list_webhooks()
    assert [hook.id for hook in listed] == [created.id]
    assert "secret" not in (listed[0].model_extra or {})
    await client.delete_webhook(created.id)
    assert await client.list_webhooks() == []
    await client.delete_webhook(created.id)  # already gone counts as deleted
    assert simulator.count("DELETE", f"/v1/webhooks/{created.id}") == 2


async def test_embed_token(client: BithumanClient, simulator: Simulator) -> None:
    simulator.add_agent(SIM_SECRET, code="A1", model="expression-2")
    token = await client.request_embed_token("A1", "9f3c8b1a2d4e")
    assert token.token.count(".") == 2
    assert token.sid
    assert token.model is None
    assert token.supported_models == ["expression-2"]
    assert simulator.requests[-1].json == {
        "agent_id": "A1",
        "fingerprint": "9f3c8b1a2d4e",
    }


async def test_live_sessions_and_terminate(
    client: BithumanClient, simulator: Simulator, sim_clock: ManualClock
) -> None:
    simulator.add_agent(SIM_SECRET, code="A1", live_rooms=["hall", "porch"])
    simulator.add_agent(SIM_SECRET, code="A2", model="essence-1", live_rooms=["den"])
    sim_clock.advance(90)
    live = await client.list_live_sessions(USER_ID)
    assert live.active_count == 3
    assert live.live_burn_rate_cr_per_min == 10.0
    assert live.credits_this_hour == 10
    sessions = live.live_sessions_of("A1")
    assert sorted(s.room_name for s in sessions) == ["hall", "porch"]
    assert all(s.is_live and s.minutes == 1.5 for s in sessions)
    ended = await client.terminate_session(USER_ID, sessions[0].id, reason="bye")
    assert (ended.session_id, ended.closed, ended.ended) == (sessions[0].id, True, True)
    assert simulator.session(sessions[0].id).end_reason == "bye"
    assert len((await client.list_live_sessions(USER_ID)).live_sessions_of("A1")) == 1
    with pytest.raises(BithumanNotFoundError):
        await client.terminate_session(USER_ID, sessions[0].id)


async def test_voices_and_speech(client: BithumanClient) -> None:
    catalog = await client.list_voices()
    assert [voice.id for voice in catalog.voices][:2] == ["M1", "M2"]
    assert {voice.kind for voice in catalog.voices} == {"builtin"}
    assert "en" in catalog.languages
    audio = await client.synthesize("Hello there.", voice="F2", speed=1.2)
    assert audio.startswith(b"RIFF")
    assert audio[8:12] == b"WAVE"
