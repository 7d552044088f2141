"""Every example response in bitHuman's docs is understood by the client.

The bodies live in ``tests/fixtures/docs`` (see its README for the source of
each). Success bodies are served by the stub to the client method of their
endpoint; error bodies go through ``error_from_response``.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
import json
from pathlib import Path
import re
from typing import Any

import pytest

from custom_components.bithuman.api import (
    BithumanAgentNotFoundError,
    BithumanAuthenticationError,
    BithumanClient,
    BithumanConflictError,
    BithumanError,
    BithumanInsufficientCreditsError,
    BithumanNotFoundError,
    BithumanRateLimitError,
    BithumanUnavailableError,
    BithumanValidationError,
    DynamicsState,
)
from custom_components.bithuman.api.responses import error_from_response

from .conftest import Reply, Stub

DOCS = Path(__file__).parents[1] / "fixtures" / "docs"
USER_ID = "3f9a-uuid"

type Call = Callable[[BithumanClient], Awaitable[Any]]


def documented(name: str) -> Any:
    """Return the documented body stored as ``<name>.json``."""
    return json.loads((DOCS / f"{name}.json").read_text(encoding="utf-8"))


def dig(result: Any, path: str) -> Any:
    """Return ``result.a.b`` for "a.b"; a number indexes a list; "" is result."""
    for part in filter(None, path.split(".")):
        result = result[int(part)] if part.isdigit() else getattr(result, part)
    return result


def generate(client: BithumanClient) -> Awaitable[Any]:
    """Start a generation with a prompt (the documented generate examples)."""
    return client.generate_agent(prompt="p")


@dataclass(frozen=True)
class Success:
    """A documented success body, the call that receives it, what it reads."""

    fixture: str
    call: Call
    expected: dict[str, Any] = field(default_factory=dict)


SUCCESSES = [
    Success("validate_1", lambda c: c.validate(), {"": True}),
    Success("validate_2", lambda c: c.validate(), {"": False}),
    Success(
        "me_1",
        lambda c: c.get_account(),
        {
            "user_id": "3f9a…-uuid",
            "email": "user@example.com",
            "plan": "pro",
            "plan_code": "membership_pro",
            "credit_balance": 1240.0,
            "plan_credits_remaining": 1000.0,
            "topup_credits_remaining": 240.0,
            "account_status": "active",
        },
    ),
    Success(
        "agent_generate_1", generate, {"agent_id": "A91XMB7113", "status": "processing"}
    ),
    Success(
        "agent_generate_2",
        generate,
        {
            "agent_id": "A80HVD8577",
            "status": "processing",
            "message": "Agent generation started",
        },
    ),
    Success("agent_generate_3", generate, {"status": "processing"}),
    Success("agent_generate_4", generate, {"agent_id": "...", "status": "processing"}),
    Success(
        "agent_get_1",
        lambda c: c.get_agent("A80HVD8577"),
        {
            "code": "A80HVD8577",
            "agent_id": "A80HVD8577",
            "status": "ready",
            "is_generation_terminal": True,
            "model": "essence-2",
            "supported_models": ["essence-2-max", "essence-2"],
            "name": "My Agent",
            "system_prompt": "You are a friendly AI assistant",
            "voice_id": "aBc123…",
            "model_url": "https://assets.bithuman.ai/A80HVD8577/A80HVD8577.lebundle.imx",
            "progress": None,
        },
    ),
    Success(
        "agent_update_1",
        lambda c: c.update_prompt("A80HVD8577", "You are a sales assistant."),
        {"agent_code": "A80HVD8577", "updated": True},
    ),
    Success(
        "speak_1",
        lambda c: c.speak("A12345678", "Hi", room_id="customer_session_1"),
        {"agent_code": "A12345678", "context_type": "speak", "delivered_to_rooms": 1},
    ),
    Success(
        "dynamics_generate_1",
        lambda c: c.generate_dynamics("A80HVD8577"),
        {
            "agent_id": "A80HVD8577",
            "status": "processing",
            "message": "Dynamics generation started",
        },
    ),
    Success(
        "dynamics_generate_2",
        lambda c: c.generate_dynamics("A91XMB7113"),
        {"agent_id": "A91XMB7113", "status": "processing"},
    ),
    Success(
        "dynamics_get_1",
        lambda c: c.get_dynamics("A80HVD8577"),
        {
            "agent_id": "A80HVD8577",
            "has_dynamics": True,
            "state": DynamicsState.READY,
            "gesture_names": [
                "blow_kiss_heart",
                "mini_wave_hello",
                "talk_head_nod_subtle",
            ],
            "enabled": None,
        },
    ),
    Success(
        "dynamics_update_1",
        lambda c: c.set_dynamics_enabled("A80HVD8577", True),
        {"agent_id": "A80HVD8577", "regeneration_status": "started"},
    ),
    Success(
        "runtime_sessions_1",
        lambda c: c.list_live_sessions(USER_ID),
        {
            "active_count": 1,
            "live_burn_rate_cr_per_min": 12.5,
            "credits_this_hour": 340.0,
            "sessions.0.id": "a3f1c8e2-…-9b02",
            "sessions.0.agent_code": "agent_greeter",
            "sessions.0.room_name": "room_a3f1c8e2",
            "sessions.0.started": datetime(2026, 7, 15, 15, 20, tzinfo=UTC),
            "sessions.0.minutes": 13.0,
            "sessions.0.credits": 162.0,
            "sessions.0.is_live": True,
        },
    ),
    Success(
        "session_terminate_1",
        lambda c: c.terminate_session(USER_ID, "a3f1c8e2-…"),
        {"session_id": "a3f1c8e2-…", "closed": True, "ended": True},
    ),
    Success(
        "embed_token_1",
        lambda c: c.request_embed_token("A78WKV4515", "9f3c8b1a2d4e5f6789ab"),
        {
            "token": "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9...",
            "sid": "f3c9...",
            "model": None,
            "supported_models": ["essence-2-max", "expression-2"],
        },
    ),
    Success(
        "voices_1",
        lambda c: c.list_voices(),
        {"voices.0.id": "F1", "voices.0.kind": "builtin", "languages": []},
    ),
    Success(
        "webhooks_create_1",
        lambda c: c.create_webhook(
            "https://example.com/bithuman/webhook", description="prod"
        ),
        {
            "id": "f2cd30a2-…",
            "url": "https://example.com/bithuman/webhook",
            "events": ["agent.ready", "agent.failed"],
            "active": True,
            "secret": "whsec_60fe3d…",
        },
    ),
]


def success_params() -> list[Any]:
    return [pytest.param(case, id=case.fixture) for case in SUCCESSES]


@pytest.mark.parametrize("case", success_params())
async def test_documented_success_body_parses_into_the_model(
    stub: Stub, stub_client: BithumanClient, case: Success
) -> None:
    stub.script(Reply(body=documented(case.fixture)))
    result = await case.call(stub_client)
    assert {path: dig(result, path) for path in case.expected} == case.expected


@dataclass(frozen=True)
class Failure:
    """A documented error body, its HTTP status and the error it must raise."""

    fixture: str
    status: int
    error: type[BithumanError]
    code: str | None


FAILURES = [
    Failure("agent_generate_5", 400, BithumanValidationError, "VALIDATION_ERROR"),
    Failure(
        "agent_generate_6", 400, BithumanValidationError, "VIDEO_INPUT_NOT_SUPPORTED"
    ),
    Failure("agent_generate_7", 422, BithumanValidationError, "MODEL_SUBJECT_MISMATCH"),
    Failure(
        "agent_generate_8", 503, BithumanUnavailableError, "MODEL_NOT_YET_AVAILABLE"
    ),
    Failure("runtime_sessions_2", 404, BithumanNotFoundError, None),
    Failure("embed_token_2", 409, BithumanConflictError, "MODEL_NOT_GENERATED"),
    Failure("errors_1", 401, BithumanAuthenticationError, "ERROR_CODE"),
    Failure("errors_2", 429, BithumanRateLimitError, "RATE_LIMITED"),
    Failure("errors_3", 402, BithumanInsufficientCreditsError, "INSUFFICIENT_BALANCE"),
    Failure("errors_4", 401, BithumanAuthenticationError, "UNAUTHORIZED"),
    Failure("errors_5", 404, BithumanAgentNotFoundError, "NOT_FOUND"),
    Failure("errors_6", 400, BithumanValidationError, "MISSING_PARAM"),
    Failure("errors_7", 400, BithumanValidationError, "VALIDATION_ERROR"),
]


@pytest.mark.parametrize("case", FAILURES, ids=[case.fixture for case in FAILURES])
def test_documented_error_body_maps_to_its_exception_and_code(case: Failure) -> None:
    body = documented(case.fixture)
    assert body.get("status_code", case.status) == case.status
    error = error_from_response(case.status, json.dumps(body).encode(), {})
    assert type(error) is case.error
    assert (error.status, error.code) == (case.status, case.code)
    assert error.message == (body.get("error") or {}).get("message", body.get("detail"))


def test_every_fixture_is_checked_once() -> None:
    checked = [case.fixture for case in SUCCESSES] + [case.fixture for case in FAILURES]
    assert sorted(checked) == sorted(path.stem for path in DOCS.glob("*.json"))


def test_every_fixture_names_its_source_in_the_readme() -> None:
    readme = (DOCS / "README.md").read_text(encoding="utf-8")
    listed = re.findall(r"^\| `([a-z0-9_]+)\.json` \|", readme, re.MULTILINE)
    assert sorted(listed) == sorted(path.stem for path in DOCS.glob("*.json"))
