"""Billed endpoints refuse what the docs refuse, before charging anything."""

import pytest

from bithuman_simulator import ManualClock, Simulator


@pytest.mark.parametrize("data", [None, "", "   \n"])
async def test_generate_without_a_body_is_refused_and_free(
    api, simulator: Simulator, expect_error, data
) -> None:
    reply = await api.post(
        "/v1/agent/generate", data=data, headers={"Content-Type": "application/json"}
    )
    expect_error(reply, 400, "VALIDATION_ERROR", "Request body must be valid JSON")
    assert simulator.ledger == []
    assert simulator.agents == {}
    assert simulator.account("u-1").balance == 10_000


async def test_generate_with_an_empty_object_is_billed(
    api, simulator: Simulator
) -> None:
    reply = await api.post("/v1/agent/generate", json={})
    assert reply.status == 200
    assert [charge.amount for charge in simulator.charges("u-1")] == [250]


async def test_dynamics_generate_without_a_body_is_free(
    api, simulator: Simulator, expect_error
) -> None:
    simulator.add_agent("u-1", code="A1")
    expect_error(
        await api.post("/v1/dynamics/generate"),
        400,
        "MISSING_PARAM",
        "Missing required field: agent_id",
    )
    assert simulator.ledger == []


async def test_a_second_dynamics_generation_is_billed_as_the_docs_allow(
    api, simulator: Simulator, sim_clock: ManualClock
) -> None:
    simulator.add_agent("u-1", code="A1")
    for _ in range(2):
        reply = await api.post("/v1/dynamics/generate", json={"agent_id": "A1"})
        assert reply.status == 200
        sim_clock.advance(5)
    assert [c.amount for c in simulator.charges("u-1")] == [250, 250]
    replayed = [
        await api.post(
            "/v1/dynamics/generate",
            json={"agent_id": "A1"},
            headers={"Idempotency-Key": "once"},
        )
        for _ in range(2)
    ]
    assert replayed[1].headers["Idempotency-Replayed"] == "true"
    assert len(simulator.charges("u-1")) == 3


async def test_refused_generations_charge_nothing(
    api, simulator: Simulator, expect_error
) -> None:
    refusals = [
        ({"video": "https://x/v.mp4"}, 400),
        ({"model": "essence-2-quality"}, 400),
        ({"model": "essence-2", "prompt": "a cartoon cat"}, 422),
    ]
    for body, status in refusals:
        assert (await api.post("/v1/agent/generate", json=body)).status == status
    simulator.set_credits("u-1", 249)
    expect_error(
        await api.post("/v1/agent/generate", json={}), 402, "INSUFFICIENT_BALANCE"
    )
    assert simulator.ledger == []
