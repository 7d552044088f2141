"""Parsing of every documented response shape into the client's models."""

from __future__ import annotations

from datetime import UTC, datetime
import logging
from typing import Any
import uuid

import pytest

from custom_components.bithuman.api import (
    Account,
    Agent,
    AgentGeneration,
    AgentStatus,
    BithumanResponseError,
    ContextDelivery,
    CreditSummary,
    Dynamics,
    DynamicsGeneration,
    DynamicsUpdate,
    EmbedToken,
    PromptUpdate,
    Webhook,
    WebhookWithSecret,
)
from custom_components.bithuman.api.models import Pagination, Validation
from custom_components.bithuman.api.parsing import (
    decode_body,
    parse_model,
    parse_model_list,
    parse_pagination,
    unwrap_payload,
)

AGENT_DATA: dict[str, Any] = {
    "agent_id": "A80HVD8577",
    "code": "A80HVD8577",
    "status": "ready",
    "model": "essence-2",
    "supported_models": ["essence-2-max", "essence-2"],
    "name": "My Agent",
    "system_prompt": "You are a friendly AI assistant",
    "voice_id": "aBc123",
    "image_url": "https://assets.bithuman.ai/A80HVD8577/image.jpg",
    "progress": 1.0,
    "progress_msg": "Complete",
    "current_step": "done",
    "error_message": None,
    "created_at": "2026-01-15T10:30:00Z",
    "updated_at": "2026-01-15T10:35:00.123Z",
    "dynamics": {"enabled": True, "result": {"path": "x"}},
    "subject": "human",
}


@pytest.mark.parametrize(
    "body",
    [
        {"success": True, "data": AGENT_DATA},
        AGENT_DATA,
        {"data": AGENT_DATA, "status": "success", "status_code": 200},
        {"data": AGENT_DATA},
    ],
    ids=["success-data", "flat", "data-status-code", "data-only"],
)
def test_agent_parses_every_envelope(body: dict[str, Any]) -> None:
    agent = parse_model(Agent, body)
    assert agent.code == "A80HVD8577"
    assert agent.agent_id == "A80HVD8577"
    assert agent.status == "ready"
    assert agent.known_status is AgentStatus.READY
    assert agent.name == "My Agent"
    assert agent.model == "essence-2"
    assert agent.supported_models == ["essence-2-max", "essence-2"]
    assert agent.progress == 1.0
    assert agent.progress_msg == "Complete"
    assert agent.current_step == "done"
    assert agent.error_message is None
    assert agent.system_prompt == "You are a friendly AI assistant"
    assert agent.image_url == "https://assets.bithuman.ai/A80HVD8577/image.jpg"
    assert agent.created_at == datetime(2026, 1, 15, 10, 30, tzinfo=UTC)
    assert agent.updated_at is not None
    assert agent.dynamics_enabled is True
    assert agent.is_generation_terminal
    assert agent.model_extra == {"subject": "human"}


def test_agent_status_endpoint_shape() -> None:
    body = {
        "success": True,
        "data": {
            "agent_id": "A80HVD8577",
            "status": "generating",
            "progress": 0.45,
            "progress_msg": "Generating identity video",
            "current_step": "video",
            "error_message": None,
            "supported_models": [],
        },
    }
    agent = parse_model(Agent, body)
    assert agent.code == agent.agent_id == "A80HVD8577"
    assert agent.name is None
    assert agent.model is None
    assert agent.dynamics_enabled is None
    assert agent.progress == 0.45
    assert not agent.is_generation_terminal


def test_agent_code_falls_back_both_ways() -> None:
    assert parse_model(Agent, {"code": "C1", "status": "ready"}).agent_id == "C1"
    assert parse_model(Agent, {"agent_id": "C2", "status": "ready"}).code == "C2"
    assert (
        parse_model(Agent, {"code": "", "agent_id": "C3", "status": "x"}).code == "C3"
    )
    with pytest.raises(BithumanResponseError):
        parse_model(Agent, {"code": 7, "status": "ready"})


def test_agent_defaults_fill_missing_identifier() -> None:
    agent = parse_model(Agent, {"status": "ready"}, {"code": "A1"})
    assert (agent.code, agent.agent_id) == ("A1", "A1")
    kept = parse_model(Agent, {"code": "B2", "status": "ready"}, {"code": "A1"})
    assert kept.code == "B2"


@pytest.mark.parametrize(
    "body",
    [
        {"status": "ready"},
        {"code": "A1"},
        {"code": "A1", "status": None},
        {"code": "   ", "status": "ready"},
        ["not", "an", "object"],
        "text",
        None,
    ],
)
def test_agent_without_essentials_is_a_response_error(body: Any) -> None:
    with pytest.raises(BithumanResponseError):
        parse_model(Agent, body)


@pytest.mark.parametrize(
    ("status", "progress", "terminal"),
    [
        ("processing", 0.02, False),
        ("generating", 0.5, False),
        ("completed", 0.05, False),
        ("completed", 1.0, False),
        ("success", 0.2, False),
        ("success", None, False),
        ("success", 1.0, True),
        ("ready", 1.0, True),
        ("ready", None, True),
        ("failed", 0.3, True),
        ("mystery", 1.0, False),
    ],
)
def test_generation_terminal(
    status: str, progress: float | None, terminal: bool
) -> None:
    agent = parse_model(Agent, {"code": "A", "status": status, "progress": progress})
    assert agent.is_generation_terminal is terminal


def test_unknown_status_is_kept_and_logged_once(
    caplog: pytest.LogCaptureFixture,
) -> None:
    status = f"brand_new_{uuid.uuid4().hex}"
    with caplog.at_level(logging.WARNING):
        first = parse_model(Agent, {"code": "A", "status": status})
        second = parse_model(Agent, {"code": "B", "status": status})
    assert first.status == second.status == status
    assert first.known_status is None
    warnings = [r for r in caplog.records if status in r.getMessage()]
    assert len(warnings) == 1
    assert warnings[0].name.startswith("custom_components.bithuman.api")


def test_known_statuses_are_not_logged(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING):
        for status in AgentStatus:
            assert parse_model(Agent, {"code": "A", "status": status}).known_status
    assert not caplog.records


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (0, 0.0),
        (0.5, 0.5),
        (1, 1.0),
        ("0.25", 0.25),
        (45, 0.45),
        (100, 1.0),
        (-0.1, None),
        (150, None),
        ("soon", None),
        (True, None),
        (None, None),
        (float("nan"), None),
        (10**400, None),
    ],
)
def test_progress_is_a_fraction(raw: Any, expected: float | None) -> None:
    agent = parse_model(Agent, {"code": "A", "status": "generating", "progress": raw})
    assert agent.progress == expected


def test_agent_tolerates_wrong_types_in_optional_fields() -> None:
    agent = parse_model(
        Agent,
        {
            "code": "A",
            "status": "ready",
            "name": {"nested": True},
            "created_at": "not a date",
            "supported_models": "essence-1",
            "dynamics": ["odd"],
            "error_message": "  ",
        },
    )
    assert agent.name is None
    assert agent.created_at is None
    assert agent.supported_models == []
    assert agent.dynamics is None
    assert agent.dynamics_enabled is None
    assert agent.error_message is None


def test_agent_dynamics_enabled_from_dynamics_object() -> None:
    off = parse_model(Agent, {"code": "A", "status": "ready", "dynamics": {}})
    assert off.dynamics_enabled is None
    disabled = {"code": "A", "status": "ready", "dynamics": {"enabled": False}}
    assert parse_model(Agent, disabled).dynamics_enabled is False


DYNAMICS_READY = {
    "success": True,
    "data": {
        "url": "https://storage.bithuman.ai/A91XMB7113/my_agent.imx",
        "status": "ready",
        "agent_id": "A91XMB7113",
        "gestures": {
            "talk_head_nod_subtle": "https://storage.bithuman.ai/nod.mp4",
            "mini_wave_hello": "https://storage.bithuman.ai/wave.mp4",
            "blow_kiss_heart": "https://storage.bithuman.ai/kiss.mp4",
        },
    },
}


def test_dynamics_ready() -> None:
    dynamics = parse_model(Dynamics, DYNAMICS_READY)
    assert dynamics.agent_id == "A91XMB7113"
    assert dynamics.has_dynamics
    assert dynamics.status == "ready"
    assert dynamics.gesture_names == [
        "blow_kiss_heart",
        "mini_wave_hello",
        "talk_head_nod_subtle",
    ]
    assert dynamics.enabled is None


@pytest.mark.parametrize("gestures", [None, {}, "nope", 3])
def test_dynamics_never_generated_reads_ready_without_url(gestures: Any) -> None:
    body = {"data": {"url": None, "status": "ready", "gestures": gestures}}
    dynamics = parse_model(Dynamics, body, {"agent_id": "A1"})
    assert dynamics.status == "ready"
    assert not dynamics.has_dynamics
    assert dynamics.gestures == {}
    assert dynamics.gesture_names == []
    assert dynamics.agent_id == "A1"


def test_dynamics_blank_url_is_no_dynamics() -> None:
    dynamics = parse_model(Dynamics, {"agent_id": "A", "status": "x", "url": ""})
    assert not dynamics.has_dynamics


def test_dynamics_odd_gesture_shapes_keep_names() -> None:
    odd = {
        "agent_id": "A",
        "status": "ready",
        "url": "u",
        "gestures": {"wave": {"url": "w.mp4"}, "nod": None, "": "skip"},
    }
    assert parse_model(Dynamics, odd).gestures == {"wave": "w.mp4", "nod": ""}
    listed = {"agent_id": "A", "status": "ready", "gestures": ["b", "a", 3, ""]}
    assert parse_model(Dynamics, listed).gesture_names == ["a", "b"]


@pytest.mark.parametrize(
    ("extra", "enabled"),
    [
        ({"enabled": True}, True),
        ({"enabled": False}, False),
        ({"dynamics": {"enabled": True}}, True),
        ({"toggle_enabled": False}, False),
        ({"enabled": "maybe?"}, None),
        ({}, None),
    ],
)
def test_dynamics_enabled_when_the_body_carries_it(
    extra: dict[str, Any], enabled: bool | None
) -> None:
    body = {"agent_id": "A", "status": "ready", **extra}
    assert parse_model(Dynamics, body).enabled is enabled


def test_dynamics_update_flat() -> None:
    update = parse_model(
        DynamicsUpdate,
        {
            "success": True,
            "message": "Dynamics updated successfully and movements regeneration started",
            "agent_id": "A91XMB7113",
            "regeneration_status": "started",
        },
    )
    assert update.regeneration_status == "started"
    assert update.regeneration_error is None
    assert update.message is not None
    failed = parse_model(
        DynamicsUpdate,
        {"regeneration_status": "failed", "regeneration_error": "boom"},
        {"agent_id": "A"},
    )
    assert failed.regeneration_error == "boom"
    assert failed.agent_id == "A"


@pytest.mark.parametrize(
    "body",
    [
        {
            "success": True,
            "message": "Dynamics generation started",
            "agent_id": "A91XMB7113",
            "status": "processing",
        },
        {"success": True, "data": {"agent_id": "A91XMB7113", "status": "processing"}},
    ],
)
def test_generation_answers(body: dict[str, Any]) -> None:
    agent = parse_model(AgentGeneration, body)
    dynamics = parse_model(DynamicsGeneration, body)
    assert agent.agent_id == dynamics.agent_id == "A91XMB7113"
    assert agent.status == dynamics.status == "processing"


def test_generation_message_beside_data_is_kept() -> None:
    body = {"success": True, "message": "started", "data": {"agent_id": "A1"}}
    started = parse_model(AgentGeneration, body)
    assert started.message == "started"
    assert started.status is None


def test_generation_without_agent_id_is_a_response_error() -> None:
    with pytest.raises(BithumanResponseError):
        parse_model(AgentGeneration, {"success": True, "status": "processing"})


def test_context_delivery() -> None:
    body = {"agent_code": "A12345678", "context_type": "speak", "delivered_to_rooms": 1}
    delivery = parse_model(ContextDelivery, body)
    assert delivery.agent_code == "A12345678"
    assert delivery.context_type == "speak"
    assert delivery.delivered_to_rooms == 1
    assert delivery.rooms_skipped_no_worker is None
    filled = parse_model(
        ContextDelivery, {"delivered_to_rooms": "2"}, {"agent_code": "B"}
    )
    assert (filled.agent_code, filled.delivered_to_rooms) == ("B", 2)
    with pytest.raises(BithumanResponseError):
        parse_model(ContextDelivery, {"agent_code": "A"})


def test_prompt_update() -> None:
    update = parse_model(PromptUpdate, {"agent_code": "A80HVD8577", "updated": True})
    assert update.updated is True
    assert parse_model(PromptUpdate, {}, {"agent_code": "X"}).agent_code == "X"


def test_account_from_data_status_envelope() -> None:
    body = {
        "data": {
            "user_id": "3f9a-uuid",
            "email": "user@example.com",
            "plan": "pro",
            "plan_code": "membership_pro",
            "credit_balance": 1240,
            "plan_credits_remaining": 1000,
            "topup_credits_remaining": 240,
            "account_status": "active",
        },
        "status": "success",
        "status_code": 200,
    }
    account = parse_model(Account, body)
    assert account.user_id == "3f9a-uuid"
    assert account.email == "user@example.com"
    assert account.plan == "pro"
    assert account.plan_code == "membership_pro"
    assert account.credit_balance == 1240
    assert account.plan_credits_remaining == 1000
    assert account.topup_credits_remaining == 240
    assert account.account_status == "active"
    assert "status" not in (account.model_extra or {})


def test_credit_summary() -> None:
    body = {
        "success": True,
        "data": {
            "user_id": "229be55d",
            "balance": 1842.0,
            "plan_credits": 99.0,
            "topup_credits": 1743.0,
            "minutes_estimate": {"essence_2_cloud": 460, "voice_chat": "x"},
            "isEnterprisePlanUser": True,
        },
    }
    summary = parse_model(CreditSummary, body)
    assert summary.balance == 1842.0
    assert summary.plan_credits == 99.0
    assert summary.topup_credits == 1743.0
    assert summary.is_enterprise is True
    assert summary.minutes_estimate == {"essence_2_cloud": 460}
    bare = parse_model(CreditSummary, {"balance": "12.5", "minutes_estimate": [1]})
    assert (bare.balance, bare.minutes_estimate, bare.is_enterprise) == (12.5, {}, None)
    with pytest.raises(BithumanResponseError):
        parse_model(CreditSummary, {"data": {"balance": "lots"}})


def test_webhooks() -> None:
    created = parse_model(
        WebhookWithSecret,
        {
            "success": True,
            "data": {
                "id": "f2cd30a2",
                "url": "https://example.com/hook",
                "events": ["agent.ready", "agent.failed"],
                "active": True,
                "secret": "whsec_60fe3d",
            },
        },
    )
    assert created.secret == "whsec_60fe3d"
    assert created.events == ["agent.ready", "agent.failed"]
    assert "whsec_60fe3d" not in repr(created)
    assert "whsec_60fe3d" not in str(created)
    listed = parse_model_list(
        Webhook,
        {"success": True, "data": [{"id": "f2cd30a2", "events": None}]},
    )
    assert [hook.id for hook in listed] == ["f2cd30a2"]
    assert listed[0].events == []


def test_embed_token() -> None:
    body = {
        "status": "success",
        "status_code": 200,
        "data": {
            "token": "eyJhbGciOi.secret.jwt",
            "sid": "f3c9",
            "supported_models": ["essence-2-max", "expression-2"],
        },
    }
    token = parse_model(EmbedToken, body)
    assert token.token == "eyJhbGciOi.secret.jwt"
    assert token.sid == "f3c9"
    assert token.model is None
    assert token.supported_models == ["essence-2-max", "expression-2"]
    assert "eyJhbGciOi" not in repr(token)


def test_validation() -> None:
    assert parse_model(Validation, {"valid": True}).valid is True
    assert parse_model(Validation, {"data": {"valid": False}}).valid is False
    with pytest.raises(BithumanResponseError):
        parse_model(Validation, {"success": True})


def test_list_and_pagination() -> None:
    body = {
        "success": True,
        "data": [{"code": "A", "status": "ready"}, {"agent_id": "B", "status": "x"}],
        "pagination": {"limit": 2, "offset": 0, "total": 5, "has_more": True},
    }
    assert [agent.code for agent in parse_model_list(Agent, body)] == ["A", "B"]
    assert parse_pagination(body) == Pagination(
        limit=2, offset=0, total=5, has_more=True
    )
    assert parse_model_list(Agent, [{"code": "C", "status": "ready"}])[0].code == "C"
    assert parse_pagination([]) == Pagination()
    assert parse_pagination({"pagination": {"has_more": "yes"}}).has_more is False
    with pytest.raises(BithumanResponseError):
        parse_model_list(Agent, {"data": {"code": "A"}})
    with pytest.raises(BithumanResponseError):
        parse_model_list(Agent, {"data": [{"code": "A"}]})


@pytest.mark.parametrize(
    ("payload", "expected"),
    [
        ({"data": [1]}, [1]),
        ({"data": None, "x": 1}, {"data": None, "x": 1}),
        ({"data": {"a": 1}, "status": "ok", "b": 2}, {"a": 1, "b": 2}),
        ({"data": {"a": 1}, "status": "processing"}, {"a": 1, "status": "processing"}),
        ({"data": {"status": "ready"}, "status": "success"}, {"status": "ready"}),
        (5, 5),
    ],
)
def test_unwrap_payload(payload: Any, expected: Any) -> None:
    assert unwrap_payload(payload) == expected


@pytest.mark.parametrize(
    "body", [b"", b"<html>", b"\xff\xfe\x00", b"[" * 100_000, b"1" * 5000]
)
def test_decode_body_rejects_non_json(body: bytes) -> None:
    with pytest.raises(BithumanResponseError):
        decode_body(body)
