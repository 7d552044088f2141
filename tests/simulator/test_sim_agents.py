"""Agent endpoints over HTTP: shapes, pagination, generation, speech."""

import pytest

from bithuman_simulator import ManualClock, Simulator

AGENT_FIELDS = {
    "code",
    "agent_id",
    "name",
    "description",
    "model",
    "supported_models",
    "system_prompt",
    "image_url",
    "video_url",
    "model_url",
    "voice_id",
    "status",
    "progress",
    "progress_msg",
    "current_step",
    "error_message",
    "created_at",
    "updated_at",
    "dynamics",
}


async def test_get_agent_shape(api, simulator: Simulator) -> None:
    simulator.add_agent("u-1", code="A12345678", name="Front Door", model="essence-2")
    reply = await api.get("/v1/agent/A12345678")
    assert reply.status == 200
    assert reply.body["success"] is True
    agent = reply.body["data"]
    assert agent.keys() >= AGENT_FIELDS
    assert agent["agent_id"] == agent["code"]
    assert agent["code"] == "A12345678"
    assert agent["name"] == "Front Door"
    assert agent["status"] == "ready"
    assert agent["progress"] == 1.0
    assert agent["current_step"] == "done"
    assert agent["supported_models"] == ["essence-2", "essence-2-max"]
    assert agent["model_url"].endswith("A12345678.lebundle.imx")
    assert agent["video_url"].endswith(".mp4")
    assert agent["dynamics"] == {}  # enabled is reported once it was set
    assert agent["created_at"].endswith("Z")


async def test_expression_1_has_no_model_file(api, simulator: Simulator) -> None:
    simulator.add_agent("u-1", code="A1", model="expression-1")
    agent = (await api.get("/v1/agent/A1")).body["data"]
    assert agent["model_url"] is None
    assert agent["video_url"] is None
    assert agent["supported_models"] == ["expression-1"]


async def test_unknown_and_foreign_agents_are_not_found(
    api, simulator: Simulator, expect_error
) -> None:
    simulator.add_account("other-secret", user_id="u-2")
    simulator.add_agent("u-2", code="A99OTH9999")
    for path in ("/v1/agent/A99OTH9999", "/v1/agent/status/A99OTH9999"):
        expect_error(
            await api.get(path),
            404,
            "NOT_FOUND",
            "Agent not found for code: A99OTH9999",
        )
    expect_error(await api.get("/v1/agent/NOPE"), 404, "NOT_FOUND")


async def test_list_newest_first_with_pagination(
    api, simulator: Simulator, sim_clock
) -> None:
    for index in range(5):
        simulator.add_agent("u-1", code=f"A0{index}", name=f"Agent {index}")
        sim_clock.advance(1)
    first = await api.get("/v1/agents", params={"limit": "2"})
    assert first.status == 200
    assert first.body["success"] is True
    assert [a["code"] for a in first.body["data"]] == ["A04", "A03"]
    assert first.body["pagination"] == {
        "limit": 2,
        "offset": 0,
        "total": 5,
        "has_more": True,
    }
    last = await api.get("/v1/agents", params={"limit": "2", "offset": "4"})
    assert [a["code"] for a in last.body["data"]] == ["A00"]
    assert last.body["pagination"]["has_more"] is False
    default = await api.get("/v1/agents")
    assert default.body["pagination"]["limit"] == 20
    assert len(default.body["data"]) == 5


async def test_list_filters_by_status(api, simulator: Simulator) -> None:
    simulator.add_agent("u-1", code="A1", status="ready")
    simulator.add_agent("u-1", code="A2", status="failed")
    simulator.add_agent("u-1", code="A3", status="generating")
    reply = await api.get("/v1/agents", params={"status": "failed"})
    assert [a["code"] for a in reply.body["data"]] == ["A2"]
    assert reply.body["pagination"]["total"] == 1


@pytest.mark.parametrize(
    "params",
    [{"limit": "0"}, {"limit": "101"}, {"limit": "ten"}, {"offset": "-1"}],
)
async def test_list_rejects_bad_paging(api, expect_error, params) -> None:
    expect_error(await api.get("/v1/agents", params=params), 400, "VALIDATION_ERROR")


async def test_list_shows_only_own_agents(api, simulator: Simulator) -> None:
    simulator.add_account("other-secret", user_id="u-2")
    simulator.add_agent("u-2", code="A2")
    simulator.add_agent("u-1", code="A1")
    reply = await api.get("/v1/agents")
    assert [a["code"] for a in reply.body["data"]] == ["A1"]


async def test_generation_walks_the_documented_states(
    api, simulator: Simulator, sim_clock: ManualClock
) -> None:
    reply = await api.post("/v1/agent/generate", json={"prompt": "Be kind"})
    assert reply.status == 200
    assert reply.body["success"] is True
    assert reply.body["status"] == "processing"
    agent_id = reply.body["agent_id"]
    seen: list[tuple[str, str]] = []
    progress: list[float] = []
    for _ in range(40):
        status = await api.get(f"/v1/agent/status/{agent_id}")
        data = status.body["data"]
        assert data["agent_id"] == agent_id
        assert 0.0 <= data["progress"] <= 1.0
        progress.append(data["progress"])
        if not seen or seen[-1] != (data["status"], data["current_step"]):
            seen.append((data["status"], data["current_step"]))
        sim_clock.advance(5)
    statuses = [status for status, _ in seen]
    assert statuses[0] == "processing"
    assert statuses[-1] == "ready"
    assert {"generating", "completed", "success"} <= set(statuses)
    first_seen = list(dict.fromkeys(statuses))
    assert first_seen == ["processing", "generating", "completed", "success", "ready"]
    steps = list(dict.fromkeys(step for _, step in seen))
    assert steps == ["payment", "persona", "voice_image", "video", "lip_sync", "done"]
    assert progress == sorted(progress)
    assert progress[-1] == 1.0
    final = (await api.get(f"/v1/agent/{agent_id}")).body["data"]
    assert final["status"] == "ready"
    assert final["system_prompt"] == "Be kind"
    assert final["progress_msg"] == "Complete"
    assert final["supported_models"] == ["expression-1"]


async def test_success_mid_run_is_not_terminal(api, simulator: Simulator) -> None:
    simulator.add_agent("u-1", code="A1", status="success")
    data = (await api.get("/v1/agent/status/A1")).body["data"]
    assert data["status"] == "success"
    assert data["progress"] < 1.0
    assert data["model_url"] is None


async def test_legacy_success_row_finishes_on_success(
    api, simulator: Simulator
) -> None:
    simulator.add_agent("u-1", code="A1", legacy_success=True)
    data = (await api.get("/v1/agent/status/A1")).body["data"]
    assert (data["status"], data["progress"]) == ("success", 1.0)


async def test_generation_failure_refunds(
    api, simulator: Simulator, sim_clock: ManualClock
) -> None:
    simulator.fail_next_generation("Voice step failed", at=0.3)
    reply = await api.post("/v1/agent/generate", json={})
    agent_id = reply.body["agent_id"]
    assert simulator.account("u-1").balance == 9_750
    sim_clock.advance(simulator.generation_seconds * 0.31)
    data = (await api.get(f"/v1/agent/status/{agent_id}")).body["data"]
    assert data["status"] == "failed"
    assert data["error_message"] == "Voice step failed"
    assert data["current_step"] == "video"
    assert simulator.account("u-1").balance == 10_000
    kinds = [(e.kind, e.amount) for e in simulator.ledger]
    assert kinds == [("charge", 250), ("refund", 250)]
    sim_clock.advance(500)
    assert len(simulator.ledger) == 2


@pytest.mark.parametrize(
    ("body", "cost", "engine"),
    [
        ({}, 250, "expression-1"),
        ({"model": "expression", "version": "v2"}, 2000, "expression-2"),
        ({"model": "essence"}, 250, "essence-1"),
        ({"model": "essence", "version": "v2"}, 500, "essence-2"),
        ({"model": "essence-2-max"}, 500, "essence-2"),
        ({"model": "expression-2"}, 2000, "expression-2"),
        ({"model": "auto", "prompt": "A realistic receptionist"}, 500, "essence-2"),
        ({"model": "auto", "image": "https://x/cartoon_cat.png"}, 2000, "expression-2"),
    ],
)
async def test_generation_charges_per_model(
    api, simulator: Simulator, body, cost, engine
) -> None:
    reply = await api.post("/v1/agent/generate", json=body)
    assert reply.status == 200, reply.text
    agent = simulator.agent(reply.body["agent_id"])
    assert agent.model == engine
    [charge] = simulator.charges("u-1")
    assert charge.amount == cost
    assert charge.agent_code == agent.code
    assert simulator.account("u-1").balance == 10_000 - cost


async def test_generation_402_when_short(
    api, simulator: Simulator, expect_error
) -> None:
    simulator.set_credits("u-1", 100, topup_credits=100)
    reply = await api.post("/v1/agent/generate", json={})
    expect_error(reply, 402, "INSUFFICIENT_BALANCE")
    assert simulator.ledger == []
    assert simulator.agents == {}
    simulator.set_credits("u-1", 100, topup_credits=200)
    assert (await api.post("/v1/agent/generate", json={})).status == 200
    account = simulator.account("u-1")
    assert (account.plan_credits, account.topup_credits) == (0, 50)


async def test_idempotency_key_charges_once(
    api, simulator: Simulator, sim_clock: ManualClock
) -> None:
    headers = {"Idempotency-Key": "order-42"}
    first = await api.post("/v1/agent/generate", json={"prompt": "x"}, headers=headers)
    second = await api.post("/v1/agent/generate", json={"prompt": "x"}, headers=headers)
    assert first.body == second.body
    assert "Idempotency-Replayed" not in first.headers
    assert second.headers["Idempotency-Replayed"] == "true"
    assert len(simulator.agents) == 1
    [charge] = simulator.charges("u-1")
    assert charge.idempotency_key == "order-42"
    other = await api.post(
        "/v1/agent/generate", json={}, headers={"Idempotency-Key": "order-43"}
    )
    assert other.body["agent_id"] != first.body["agent_id"]
    sim_clock.advance(24 * 3600)
    expired = await api.post("/v1/agent/generate", json={}, headers=headers)
    assert "Idempotency-Replayed" not in expired.headers
    assert len(simulator.charges()) == 3


async def test_idempotent_agent_id_is_derived_from_the_key(
    simulator: Simulator,
) -> None:
    first = Simulator(clock=ManualClock())
    second = Simulator(clock=ManualClock(), seed=99)
    codes = []
    for sim in (first, second):
        account = sim.add_account("s", user_id="u")
        agent = sim.generate_agent(
            account, engine="expression-1", code=None, prompt=None, image=None, key="k"
        )
        codes.append(agent.code)
    assert codes[0] == codes[1]
    assert len(codes[0]) == 10
    assert codes[0].startswith("A")


async def test_failed_first_attempt_is_not_replayed(api, simulator: Simulator) -> None:
    simulator.set_credits("u-1", 0)
    headers = {"Idempotency-Key": "retry-me"}
    assert (
        await api.post("/v1/agent/generate", json={}, headers=headers)
    ).status == 402
    simulator.set_credits("u-1", 1000)
    reply = await api.post("/v1/agent/generate", json={}, headers=headers)
    assert reply.status == 200
    assert "Idempotency-Replayed" not in reply.headers


async def test_custom_agent_id(api, simulator: Simulator, expect_error) -> None:
    reply = await api.post("/v1/agent/generate", json={"agent_id": "A11CUS1111"})
    assert reply.body["agent_id"] == "A11CUS1111"
    again = await api.post("/v1/agent/generate", json={"agent_id": "A11CUS1111"})
    expect_error(again, 400, "VALIDATION_ERROR")


@pytest.mark.parametrize(
    ("body", "code", "fragment"),
    [
        ({"video": "https://x/v.mp4"}, "VIDEO_INPUT_NOT_SUPPORTED", "image-only"),
        ({"model": "my-model"}, "VALIDATION_ERROR", "Invalid model 'my-model'"),
        ({"model": "essence-2-light"}, "VALIDATION_ERROR", "consolidated"),
        ({"model": 5}, "VALIDATION_ERROR", "'model' must be a string"),
        ({"version": "v3"}, "VALIDATION_ERROR", "Invalid version"),
        ({"aspect_ratio": "4:3"}, "VALIDATION_ERROR", "aspect_ratio"),
        ({"framing": "waist"}, "VALIDATION_ERROR", "framing"),
        ({"transparency": "yes"}, "VALIDATION_ERROR", "boolean"),
        ({"duration": "long"}, "VALIDATION_ERROR", "number"),
        ({"duration": True}, "VALIDATION_ERROR", "number"),
        ({"prompt": ["a"]}, "VALIDATION_ERROR", "string"),
    ],
)
async def test_generation_validation(
    api, simulator: Simulator, expect_error, *, body, code, fragment
) -> None:
    reply = await api.post("/v1/agent/generate", json=body)
    expect_error(reply, 400, code)
    assert fragment in reply.body["error"]["message"]
    assert simulator.ledger == []


async def test_essence_2_subject_gate(api, simulator: Simulator, expect_error) -> None:
    reply = await api.post(
        "/v1/agent/generate",
        json={"model": "essence-2", "prompt": "A friendly cartoon robot"},
    )
    expect_error(reply, 422, "MODEL_SUBJECT_MISMATCH")
    assert simulator.ledger == []


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ("{not json", "Request body must be valid JSON"),
        ("[1, 2]", "Request body must be a JSON object"),
    ],
)
async def test_malformed_bodies(api, expect_error, data, message) -> None:
    reply = await api.post(
        "/v1/agent/generate", data=data, headers={"Content-Type": "application/json"}
    )
    expect_error(reply, 400, "VALIDATION_ERROR", message)


async def test_update_prompt(api, simulator: Simulator, expect_error) -> None:
    simulator.add_agent("u-1", code="A1")
    reply = await api.post("/v1/agent/A1", json={"system_prompt": "Be brief."})
    assert reply.status == 200
    assert reply.body == {"agent_code": "A1", "updated": True}
    assert simulator.agent("A1").system_prompt == "Be brief."
    expect_error(await api.post("/v1/agent/A1", json={}), 400, "MISSING_PARAM")
    expect_error(
        await api.post("/v1/agent/NOPE", json={"system_prompt": "x"}), 404, "NOT_FOUND"
    )


async def test_delete_agent(api, simulator: Simulator, expect_error) -> None:
    simulator.add_agent("u-1", code="A1")
    reply = await api.delete("/v1/agent/A1")
    assert reply.body == {"success": True, "agent_code": "A1", "deleted": True}
    expect_error(await api.get("/v1/agent/A1"), 404, "NOT_FOUND")
    expect_error(await api.delete("/v1/agent/A1"), 404, "NOT_FOUND")


async def test_speak_delivers_to_every_live_room(api, simulator: Simulator) -> None:
    simulator.add_agent("u-1", code="A1", live_rooms=["lobby", "kitchen"])
    reply = await api.post("/v1/agent/A1/speak", json={"message": "Dinner is ready"})
    assert reply.status == 200
    assert reply.body["agent_code"] == "A1"
    assert reply.body["context_type"] == "speak"
    assert reply.body["delivered_to_rooms"] == 2
    said = simulator.messages_for("A1", kind="speak")
    assert [(m.room_id, m.text) for m in said] == [
        ("lobby", "Dinner is ready"),
        ("kitchen", "Dinner is ready"),
    ]


@pytest.mark.parametrize("path", ["/v1/agent/A1/speak", "/v1/agent/A1/add-context"])
async def test_rooms_without_an_avatar_worker_are_skipped(
    api, simulator: Simulator, path: str
) -> None:
    """200 all the same; the rooms without a worker are counted, not reached."""
    simulator.add_agent("u-1", code="A1", live_rooms=["lobby", "kitchen"])
    body = {"message": "Hi", "context": "Hi"}
    simulator.set_worker_present("A1", "kitchen", present=False)
    reply = await api.post(path, json=body)
    assert reply.status == 200
    assert reply.body["delivered_to_rooms"] == 1
    assert reply.body["rooms_skipped_no_worker"] == 1
    assert [m.room_id for m in simulator.messages_for("A1")] == ["lobby"]

    simulator.set_worker_present("A1", "lobby", present=False)
    reply = await api.post(path, json=body)
    assert reply.status == 200
    assert reply.body["delivered_to_rooms"] == 0
    assert reply.body["rooms_skipped_no_worker"] == 2
    assert len(simulator.messages_for("A1")) == 1

    simulator.set_worker_present("A1", "kitchen", present=True)
    assert (await api.post(path, json=body)).body["delivered_to_rooms"] == 1


async def test_a_room_ending_forgets_it_had_no_worker(
    api, simulator: Simulator
) -> None:
    """The same room started again later is served by its new session's worker."""
    simulator.add_agent("u-1", code="A1", live_rooms=["lobby"])
    simulator.set_worker_present("A1", "lobby", present=False)
    simulator.set_live_rooms("A1", [])
    simulator.set_live_rooms("A1", ["lobby"])
    assert simulator.agent("A1").rooms_without_worker == set()
    with pytest.raises(ValueError, match="not live in 'attic'"):
        simulator.set_worker_present("A1", "attic", present=False)


async def test_speak_to_one_room(api, simulator: Simulator, expect_error) -> None:
    simulator.add_agent("u-1", code="A1", live_rooms=["lobby", "kitchen"])
    reply = await api.post(
        "/v1/agent/A1/speak", json={"message": "Hi", "room_id": "kitchen"}
    )
    assert reply.body["delivered_to_rooms"] == 1
    assert [m.room_id for m in simulator.messages_for("A1", room_id="kitchen")] == [
        "kitchen"
    ]
    expect_error(
        await api.post(
            "/v1/agent/A1/speak", json={"message": "Hi", "room_id": "attic"}
        ),
        404,
        "NOT_FOUND",
        "No active rooms found for agent A1",
    )


async def test_speak_errors(api, simulator: Simulator, expect_error) -> None:
    simulator.add_agent("u-1", code="A1")
    expect_error(
        await api.post("/v1/agent/A1/speak", json={"message": "Hi"}),
        404,
        "NOT_FOUND",
        "No active rooms found for agent A1",
    )
    expect_error(
        await api.post("/v1/agent/A9/speak", json={"message": "Hi"}),
        404,
        "NOT_FOUND",
        "Agent not found for code: A9",
    )
    expect_error(await api.post("/v1/agent/A1/speak", json={}), 400, "MISSING_PARAM")
    expect_error(
        await api.post("/v1/agent/A1/speak", json={"message": "  "}),
        400,
        "VALIDATION_ERROR",
    )
    expect_error(
        await api.post("/v1/agent/A1/speak", json={"message": 3}),
        400,
        "VALIDATION_ERROR",
    )
    simulator.set_live_rooms("A1", ["lobby"])
    ok = await api.post("/v1/agent/A1/speak", json={"message": "Hi", "room_id": ""})
    assert ok.body["delivered_to_rooms"] == 1
    assert simulator.messages == simulator.messages_for("A1")


async def test_add_context(api, simulator: Simulator, expect_error) -> None:
    simulator.add_agent("u-1", code="A1", live_rooms=["lobby"])
    reply = await api.post("/v1/agent/A1/add-context", json={"context": "VIP guest"})
    assert reply.body == {
        "agent_code": "A1",
        "context_type": "add_context",
        "delivered_to_rooms": 1,
        "rooms_skipped_no_worker": 0,
    }
    spoken = await api.post(
        "/v1/agent/A1/add-context", json={"context": "Say hi", "type": "speak"}
    )
    assert spoken.body["context_type"] == "speak"
    assert [m.kind for m in simulator.messages_for("A1")] == ["add_context", "speak"]
    expect_error(
        await api.post(
            "/v1/agent/A1/add-context", json={"context": "x", "type": "yell"}
        ),
        400,
        "VALIDATION_ERROR",
    )
    expect_error(
        await api.post("/v1/agent/A1/add-context", json={}), 400, "MISSING_PARAM"
    )
    simulator.set_live_rooms("A1", [])
    expect_error(
        await api.post("/v1/agent/A1/add-context", json={"context": "x"}),
        404,
        "NOT_FOUND",
        "No active rooms found for agent A1",
    )


async def test_start_generation_from_python(
    simulator: Simulator, account, sim_clock: ManualClock
) -> None:
    agent = simulator.start_generation(
        "secret-123", model="essence-2", idempotency_key="k", prompt="Hi"
    )
    assert simulator.agent_json(agent.code)["status"] == "processing"
    assert simulator.account("u-1").balance == 9_500
    [charge] = simulator.charges("secret-123")
    assert (charge.amount, charge.idempotency_key) == (500, "k")
    simulator.fail_next_generation(at=0.0)
    failed = simulator.start_generation("u-1")
    sim_clock.advance(1)
    assert simulator.account("u-1").balance == 9_500
    assert simulator.agent_json(failed.code)["status"] == "failed"
    with pytest.raises(ValueError, match="engine"):
        simulator.start_generation("u-1", model="auto")
