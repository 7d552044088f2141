"""How the client reads each response model, field by field, in every envelope."""

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
    Dynamics,
    DynamicsGeneration,
    DynamicsState,
    DynamicsUpdate,
    EmbedToken,
    PromptUpdate,
    RuntimeSessions,
    SessionTermination,
    VoiceCatalog,
    Webhook,
    WebhookWithSecret,
)
from custom_components.bithuman.api.models import (
    Pagination,
    Validation,
    agent as agent_module,
)
from custom_components.bithuman.api.responses import (
    decode_body,
    parse_items,
    parse_model,
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


def test_agent_record_with_only_agent_id_reads_it_as_the_code() -> None:
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


@pytest.mark.parametrize(
    ("body", "code", "agent_id"),
    [
        ({"code": "C1", "status": "ready"}, "C1", "C1"),
        ({"agent_id": "C2", "status": "ready"}, "C2", "C2"),
        ({"code": "", "agent_id": "C3", "status": "x"}, "C3", "C3"),
        ({"code": "C4", "agent_id": 7}, "C4", "C4"),
        ({"code": " C5 "}, "C5", "C5"),
    ],
)
def test_agent_identifiers_fill_each_other(
    body: dict[str, Any], code: str, agent_id: str
) -> None:
    agent = parse_model(Agent, body)
    assert (agent.code, agent.agent_id) == (code, agent_id)


@pytest.mark.parametrize(
    ("body", "expected"),
    [({"status": "ready"}, "A1"), ({"code": "B2", "status": "ready"}, "B2")],
    ids=["missing-code-is-filled", "given-code-is-kept"],
)
def test_agent_defaults_fill_only_a_missing_identifier(
    body: dict[str, Any], expected: str
) -> None:
    agent = parse_model(Agent, body, {"code": "A1"})
    assert (agent.code, agent.agent_id) == (expected, expected)


@pytest.mark.parametrize(
    "body",
    [{"code": "A1"}, {"code": "A1", "status": None}],
    ids=["no-status", "null-status"],
)
def test_agent_without_a_status_has_an_unknown_status(body: dict[str, Any]) -> None:
    agent = parse_model(Agent, body)
    assert agent.status is None
    assert agent.known_status is None
    assert not agent.is_generating


@pytest.mark.parametrize(
    "body",
    [
        {"status": "ready"},
        {"code": 7, "status": "ready"},
        {"code": "   ", "status": "ready"},
        ["not", "an", "object"],
        "text",
        None,
    ],
)
def test_agent_without_an_identifier_is_a_response_error(body: Any) -> None:
    with pytest.raises(BithumanResponseError):
        parse_model(Agent, body)


@pytest.mark.parametrize(
    ("status", "progress", "terminal", "generating"),
    [
        ("processing", 0.02, False, True),
        ("generating", 0.5, False, True),
        ("completed", 0.05, False, True),
        ("completed", 1.0, False, True),
        ("success", 0.2, False, True),
        ("success", None, False, True),
        ("success", 1.0, True, False),
        ("ready", 1.0, True, False),
        ("ready", None, True, False),
        ("failed", 0.3, True, False),
        ("mystery", 1.0, False, False),
    ],
)
def test_generation_is_terminal_only_on_ready_failed_or_finished_success(
    status: str, progress: float | None, terminal: bool, generating: bool
) -> None:
    agent = parse_model(Agent, {"code": "A", "status": status, "progress": progress})
    assert agent.is_generation_terminal is terminal
    assert agent.is_generating is generating


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


def test_unknown_statuses_stop_being_logged_after_a_hundred(
    caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(
        agent_module, "_logged_unknown_statuses", {f"s{n}" for n in range(100)}
    )
    with caplog.at_level(logging.WARNING):
        agent = parse_model(Agent, {"code": "A", "status": "one_too_many"})
    assert agent.status == "one_too_many"
    assert not caplog.records


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
        (1.0000001, 1.0),
        (1.001, 1.0),
        ("0.25", 0.25),
        (45, 0.45),
        (100, 1.0),
        (-0.1, None),
        (150, None),
        ("soon", None),
        (True, None),
        (None, None),
        ([0.5], None),
        (float("nan"), None),
        (10**400, None),
    ],
)
def test_progress_is_a_fraction(raw: Any, expected: float | None) -> None:
    agent = parse_model(Agent, {"code": "A", "status": "generating", "progress": raw})
    assert agent.progress == expected


@pytest.mark.parametrize(
    ("field", "raw"),
    [
        ("name", {"nested": True}),
        ("created_at", "not a date"),
        ("supported_models", "essence-1"),
        ("dynamics", ["odd"]),
        ("error_message", "  "),
    ],
)
def test_agent_reads_a_wrong_typed_optional_field_as_unknown(
    field: str, raw: Any
) -> None:
    agent = parse_model(Agent, {"code": "A", "status": "ready", field: raw})
    assert getattr(agent, field) in (None, [])
    assert agent.dynamics_enabled is None


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2026-01-15T10:30:00Z", datetime(2026, 1, 15, 10, 30, tzinfo=UTC)),
        ("2026-01-15T10:30:00", datetime(2026, 1, 15, 10, 30, tzinfo=UTC)),
        ("2026-01-15T12:30:00+02:00", datetime(2026, 1, 15, 10, 30, tzinfo=UTC)),
    ],
    ids=["utc", "no-offset", "offset"],
)
def test_agent_times_always_carry_a_time_zone(raw: str, expected: datetime) -> None:
    agent = parse_model(Agent, {"code": "A", "created_at": raw, "updated_at": raw})
    assert agent.created_at == expected
    assert agent.updated_at == expected
    assert agent.created_at.utcoffset() is not None


def test_agent_supported_models_keeps_only_strings() -> None:
    body = {"code": "A", "supported_models": ["essence-2", 3, None, "expression-2"]}
    assert parse_model(Agent, body).supported_models == ["essence-2", "expression-2"]


@pytest.mark.parametrize(
    ("extra", "enabled"),
    [
        ({"dynamics": {}}, None),
        ({"dynamics": {"enabled": False}}, False),
        ({"dynamics": {"enabled": "true"}}, True),
        ({"dynamics": True}, True),
        ({"dynamics_enabled": False, "dynamics": {"enabled": True}}, False),
    ],
)
def test_agent_dynamics_enabled_comes_from_the_flag_or_the_dynamics_object(
    extra: dict[str, Any], enabled: bool | None
) -> None:
    agent = parse_model(Agent, {"code": "A", "status": "ready", **extra})
    assert agent.dynamics_enabled is enabled


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


def test_dynamics_with_a_url_is_ready_with_its_gestures() -> None:
    dynamics = parse_model(Dynamics, DYNAMICS_READY)
    assert dynamics.agent_id == "A91XMB7113"
    assert dynamics.has_dynamics
    assert dynamics.status == "ready"
    assert dynamics.state is DynamicsState.READY
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
    assert dynamics.state is DynamicsState.NOT_GENERATED
    assert dynamics.gestures == {}
    assert dynamics.gesture_names == []
    assert dynamics.agent_id == "A1"


def test_dynamics_blank_url_is_no_dynamics() -> None:
    dynamics = parse_model(Dynamics, {"agent_id": "A", "status": "x", "url": ""})
    assert not dynamics.has_dynamics


@pytest.mark.parametrize(
    ("status", "url", "state", "in_motion"),
    [
        ("ready", "u.imx", DynamicsState.READY, False),
        ("ready", None, DynamicsState.NOT_GENERATED, False),
        ("not_generated", None, DynamicsState.NOT_GENERATED, False),
        ("processing", None, DynamicsState.PROCESSING, True),
        ("generating", None, DynamicsState.GENERATING, True),
        ("generating", "old.imx", DynamicsState.GENERATING, True),
        ("failed", None, DynamicsState.FAILED, False),
        ("failed", "old.imx", DynamicsState.FAILED, False),
        ("exploded", "u.imx", None, False),
        (None, "u.imx", None, False),
    ],
)
def test_dynamics_state_trusts_the_url_over_a_ready_status(
    status: str | None, url: str | None, state: DynamicsState | None, in_motion: bool
) -> None:
    dynamics = parse_model(Dynamics, {"agent_id": "A", "status": status, "url": url})
    assert dynamics.state is state
    assert dynamics.in_motion is in_motion


@pytest.mark.parametrize(
    ("gestures", "expected"),
    [
        (
            {"wave": {"url": "w.mp4"}, "nod": None, "": "skip"},
            {"wave": "w.mp4", "nod": ""},
        ),
        ({"wave": {"path": "w.mp4"}}, {"wave": ""}),
        (["b", "a", 3, ""], {"a": "", "b": ""}),
    ],
    ids=["odd-values", "object-without-url", "list-of-names"],
)
def test_dynamics_odd_gesture_shapes_keep_the_names(
    gestures: Any, expected: dict[str, str]
) -> None:
    body = {"agent_id": "A", "status": "ready", "url": "u", "gestures": gestures}
    assert parse_model(Dynamics, body).gestures == expected


@pytest.mark.parametrize(
    ("extra", "enabled"),
    [
        ({"enabled": True}, True),
        ({"enabled": False}, False),
        ({"enabled": "true"}, True),
        ({"enabled": "off"}, False),
        ({"enabled": 1}, True),
        ({"dynamics": {"enabled": True}}, True),
        ({"toggle_enabled": False}, False),
        ({"enabled": "maybe?"}, None),
        ({"enabled": 2}, None),
        ({}, None),
    ],
)
def test_dynamics_enabled_when_the_body_carries_it(
    extra: dict[str, Any], enabled: bool | None
) -> None:
    body = {"agent_id": "A", "status": "ready", **extra}
    assert parse_model(Dynamics, body).enabled is enabled


def test_dynamics_that_is_not_an_object_is_a_response_error() -> None:
    with pytest.raises(BithumanResponseError):
        parse_model(Dynamics, ["ready"])


def test_dynamics_update_reads_a_flat_answer() -> None:
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


def test_dynamics_update_keeps_the_regeneration_error() -> None:
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
    ids=["flat", "data"],
)
@pytest.mark.parametrize("model", [AgentGeneration, DynamicsGeneration])
def test_generation_answers_read_flat_or_in_data(
    model: type[AgentGeneration | DynamicsGeneration], body: dict[str, Any]
) -> None:
    started = parse_model(model, body)
    assert started.agent_id == "A91XMB7113"
    assert started.status == "processing"


def test_generation_message_beside_data_is_kept() -> None:
    body = {"success": True, "message": "started", "data": {"agent_id": "A1"}}
    started = parse_model(AgentGeneration, body)
    assert started.message == "started"
    assert started.status is None


def test_generation_without_agent_id_reads_as_started_unnamed() -> None:
    """The docs show a 200 answer without agent_id: the job runs, its id unknown."""
    generation = parse_model(AgentGeneration, {"success": True, "status": "processing"})
    assert generation.agent_id is None
    assert generation.status == "processing"


def test_context_delivery_reads_the_documented_answer() -> None:
    body = {"agent_code": "A12345678", "context_type": "speak", "delivered_to_rooms": 1}
    delivery = parse_model(ContextDelivery, body)
    assert delivery.agent_code == "A12345678"
    assert delivery.context_type == "speak"
    assert delivery.delivered_to_rooms == 1
    assert delivery.rooms_skipped_no_worker is None


@pytest.mark.parametrize(
    ("rooms", "expected"),
    [("2", 2), (2.0, 2), (2.5, None), (True, None), ("two", None)],
)
def test_context_delivery_room_count_is_a_whole_number(
    rooms: Any, expected: int | None
) -> None:
    delivery = parse_model(
        ContextDelivery, {"delivered_to_rooms": rooms}, {"agent_code": "B"}
    )
    assert (delivery.agent_code, delivery.delivered_to_rooms) == ("B", expected)


def test_context_delivery_without_agent_code_and_default_is_a_response_error() -> None:
    with pytest.raises(BithumanResponseError):
        parse_model(ContextDelivery, {"context_type": "speak"})


def test_prompt_update_takes_the_agent_code_from_the_request() -> None:
    update = parse_model(PromptUpdate, {"agent_code": "A80HVD8577", "updated": True})
    assert update.updated is True
    assert parse_model(PromptUpdate, {}, {"agent_code": "X"}).agent_code == "X"


# Account, live sessions, voices and webhooks


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


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("12.5", 12.5), (-11, -11.0), (True, None), ("lots", None), ("inf", None)],
)
def test_account_balance_is_a_finite_number(raw: Any, expected: float | None) -> None:
    account = parse_model(Account, {"user_id": "u", "credit_balance": raw})
    assert account.credit_balance == expected


@pytest.mark.parametrize(
    ("body", "valid"),
    [({"valid": True}, True), ({"data": {"valid": False}}, False)],
)
def test_validation_reads_valid(body: dict[str, Any], valid: bool) -> None:
    assert parse_model(Validation, body).valid is valid


def test_validation_without_valid_is_a_response_error() -> None:
    with pytest.raises(BithumanResponseError):
        parse_model(Validation, {"success": True})


SESSIONS = {
    "active_count": 2,
    "sessions": [
        {"id": "s1", "agent_code": "A1", "status": "live"},
        {"id": "s2", "agent_code": "A1", "status": "ended"},
        {"id": "s3", "agent_code": "A2", "status": "live"},
    ],
}


def test_live_sessions_of_an_agent_are_its_running_ones() -> None:
    sessions = parse_model(RuntimeSessions, SESSIONS)
    assert [s.id for s in sessions.live_sessions_of("A1")] == ["s1"]
    assert sessions.live_sessions_of("A3") == []
    assert [s.is_live for s in sessions.sessions] == [True, False, True]


def test_runtime_sessions_without_sessions_is_an_empty_list() -> None:
    sessions = parse_model(RuntimeSessions, {"data": {"active_count": "0"}})
    assert (sessions.active_count, sessions.sessions) == (0, [])


def test_session_termination_reads_closed_and_ended() -> None:
    done = parse_model(SessionTermination, {"data": {"closed": "true", "ended": 0}})
    assert (done.session_id, done.closed, done.ended) == (None, True, False)


def test_voice_catalog_reads_voices_and_languages() -> None:
    body = {
        "voices": [{"id": "F1", "kind": "builtin"}, {"id": "c-9", "name": "Mine"}],
        "languages": ["en", 5, "de"],
    }
    catalog = parse_model(VoiceCatalog, body)
    assert [(v.id, v.kind, v.name) for v in catalog.voices] == [
        ("F1", "builtin", None),
        ("c-9", None, "Mine"),
    ]
    assert catalog.languages == ["en", "de"]


def test_webhook_with_secret_hides_the_secret() -> None:
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


def test_webhook_list_item_with_null_events_has_no_events() -> None:
    listed, unreadable = parse_items(
        Webhook, {"success": True, "data": [{"id": "f2cd30a2", "events": None}]}
    )
    assert [hook.id for hook in listed] == ["f2cd30a2"]
    assert listed[0].events == []
    assert unreadable == []


def test_embed_token_hides_the_token() -> None:
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


# Envelopes, lists and pagination


def test_list_items_and_pagination_are_read_from_the_envelope() -> None:
    body = {
        "success": True,
        "data": [{"code": "A", "status": "ready"}, {"agent_id": "B", "status": "x"}],
        "pagination": {"limit": 2, "offset": 0, "total": 5, "has_more": True},
    }
    agents, unreadable = parse_items(Agent, body)
    assert [agent.code for agent in agents] == ["A", "B"]
    assert unreadable == []
    assert parse_pagination(body) == Pagination(
        limit=2, offset=0, total=5, has_more=True
    )


def test_a_bare_list_is_a_list_of_items() -> None:
    agents, _ = parse_items(Agent, [{"code": "C", "status": "ready"}])
    assert [agent.code for agent in agents] == ["C"]


def test_an_unreadable_record_is_handed_back_without_failing_the_list() -> None:
    agents, unreadable = parse_items(Agent, {"data": [{"code": "A"}, {"x": 1}]})
    assert [agent.code for agent in agents] == ["A"]
    assert unreadable == [{"x": 1}]


@pytest.mark.parametrize(
    "payload",
    [{"data": {"code": "A"}}, {"data": [{"code": "A"}, 5]}, "text"],
    ids=["object", "list-with-a-non-record", "text"],
)
def test_a_list_response_that_is_not_a_list_of_records_is_a_response_error(
    payload: Any,
) -> None:
    with pytest.raises(BithumanResponseError):
        parse_items(Agent, payload)


@pytest.mark.parametrize(
    ("payload", "expected"),
    [
        ([], Pagination()),
        ({"pagination": None}, Pagination()),
        ({"pagination": {"has_more": "yes"}}, Pagination()),
        ({"pagination": {"has_more": "TRUE "}}, Pagination(has_more=True)),
        ({"pagination": {"has_more": 0}}, Pagination(has_more=False)),
        ({"pagination": {"has_more": 2}}, Pagination(has_more=True)),
        ({"pagination": {"total": "7", "limit": 1.5}}, Pagination(total=7)),
    ],
)
def test_pagination_reads_has_more_only_when_it_is_clear(
    payload: Any, expected: Pagination
) -> None:
    assert parse_pagination(payload) == expected


@pytest.mark.parametrize(
    ("payload", "expected"),
    [
        ({"data": [1]}, [1]),
        ({"data": None, "x": 1}, {"data": None, "x": 1}),
        ({"data": {"a": 1}, "status": "ok", "b": 2}, {"a": 1, "b": 2}),
        ({"data": {"a": 1}, "status": "processing"}, {"a": 1, "status": "processing"}),
        ({"data": {"status": "ready"}, "status": "success"}, {"status": "ready"}),
        ({"data": {"a": 1}, "status": "x", "status_code": 200}, {"a": 1}),
        (5, 5),
    ],
)
def test_unwrap_payload_keeps_fields_beside_data_but_not_the_envelope(
    payload: Any, expected: Any
) -> None:
    assert unwrap_payload(payload) == expected


@pytest.mark.parametrize(
    "body", [b"", b"<html>", b"\xff\xfe\x00", b"[" * 100_000, b"1" * 5000]
)
def test_decode_body_rejects_non_json(body: bytes) -> None:
    with pytest.raises(BithumanResponseError):
        decode_body(body)


def test_response_error_names_the_fields_that_failed() -> None:
    with pytest.raises(BithumanResponseError, match=r"fields: agent_id, code"):
        parse_model(Agent, {"status": "ready"})
