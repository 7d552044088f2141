"""Property tests: any answer yields a sensible model or a typed ``BithumanError``."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
import contextlib
from datetime import datetime
import json
import math
import types
from typing import Any, Union, get_args, get_origin

from hypothesis import HealthCheck, given, settings, strategies as st
from pydantic import BaseModel
import pytest

from custom_components.bithuman.api import (
    Account,
    Agent,
    AgentGeneration,
    BithumanClient,
    BithumanError,
    BithumanResponseError,
    ContextDelivery,
    Dynamics,
    DynamicsGeneration,
    DynamicsUpdate,
    EmbedToken,
    PromptUpdate,
    RuntimeSession,
    RuntimeSessions,
    SessionTermination,
    Voice,
    VoiceCatalog,
    Webhook,
    WebhookWithSecret,
)
from custom_components.bithuman.api.models import Pagination, Validation
from custom_components.bithuman.api.responses import (
    decode_body,
    error_from_response,
    parse_items,
    parse_model,
    parse_pagination,
)

from .conftest import Reply, Stub

WHEN = "2026-07-15T15:20:00Z"
SESSION = {
    "id": "s1",
    "agent_code": "A1",
    "agent_name": "Greeter",
    "room_name": "room_1",
    "status": "live",
    "started": WHEN,
    "last_seen": WHEN,
    "minutes": 13.0,
    "credits": 162,
    "burn_rate_cr_per_min": 12.5,
}
WEBHOOK = {
    "id": "W1",
    "url": "https://example.com/hook",
    "events": ["agent.ready"],
    "description": "HA",
    "active": True,
    "created_at": WHEN,
    "updated_at": WHEN,
}

# One complete, valid record per model; each property spoils one field of it.
VALID: dict[type[BaseModel], dict[str, Any]] = {
    Account: {
        "user_id": "u1",
        "email": "ada@example.com",
        "plan": "pro",
        "plan_code": "membership_pro",
        "credit_balance": 1240,
        "plan_credits_remaining": 1000,
        "topup_credits_remaining": 240,
        "account_status": "active",
        "upgrade_url": "https://u",
        "pricing_url": "https://p",
    },
    Validation: {"valid": True},
    Pagination: {"has_more": True, "offset": 0, "limit": 100, "total": 137},
    Agent: {
        "code": "A1",
        "agent_id": "A1",
        "status": "ready",
        "name": "One",
        "description": "d",
        "model": "essence-2",
        "supported_models": ["essence-2"],
        "system_prompt": "Be kind",
        "image_url": "i",
        "video_url": "v",
        "model_url": "m",
        "voice_id": "F1",
        "progress": 1.0,
        "progress_msg": "Complete",
        "current_step": "done",
        "error_message": "none",
        "event_type": "lip_created",
        "created_at": WHEN,
        "updated_at": WHEN,
        "dynamics": {"enabled": True},
        "dynamics_enabled": True,
    },
    AgentGeneration: {"agent_id": "A1", "status": "processing", "message": "m"},
    PromptUpdate: {"agent_code": "A1", "updated": True},
    ContextDelivery: {
        "agent_code": "A1",
        "context_type": "speak",
        "delivered_to_rooms": 1,
        "rooms_skipped_no_worker": 0,
    },
    Dynamics: {
        "agent_id": "A1",
        "status": "ready",
        "url": "u.imx",
        "gestures": {"wave": "w.mp4"},
        "enabled": True,
        "toggle_enabled": True,
        "error_message": "none",
    },
    DynamicsGeneration: {"agent_id": "A1", "status": "processing", "message": "m"},
    DynamicsUpdate: {
        "agent_id": "A1",
        "regeneration_status": "started",
        "regeneration_error": "e",
        "message": "m",
    },
    RuntimeSession: SESSION,
    RuntimeSessions: {
        "active_count": 1,
        "live_burn_rate_cr_per_min": 12.5,
        "credits_this_hour": 340,
        "sessions": [SESSION],
    },
    SessionTermination: {"session_id": "s1", "closed": True, "ended": True},
    EmbedToken: {
        "token": "jwt",
        "sid": "f3c9",
        "model": "expression-2",
        "supported_models": ["expression-2"],
    },
    Voice: {"id": "F1", "kind": "builtin", "name": "Fiona"},
    VoiceCatalog: {"voices": [{"id": "F1"}], "languages": ["en"]},
    Webhook: WEBHOOK,
    WebhookWithSecret: WEBHOOK | {"secret": "whsec_1"},
}
MODELS = list(VALID)

# The identifiers the client fills in from the request, per model.
CLIENT_DEFAULTS: dict[type[BaseModel], dict[str, str]] = {
    Agent: {"code": "A1"},
    PromptUpdate: {"agent_code": "A1"},
    ContextDelivery: {"agent_code": "A1"},
    Dynamics: {"agent_id": "A1"},
    DynamicsGeneration: {"agent_id": "A1"},
    DynamicsUpdate: {"agent_id": "A1"},
}
# Fields read from other fields when their own value is unusable.
DERIVED = {
    (Agent, "code"),
    (Agent, "agent_id"),
    (Agent, "dynamics_enabled"),
    (Dynamics, "enabled"),
}
MISSING = object()

ENVELOPES: list[Callable[[Any], Any]] = [
    lambda body: body,
    lambda body: {"success": True, "data": body},
    lambda body: {"data": body, "status": "success", "status_code": 200},
    lambda body: {"data": body},
]

json_scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=20)
    | st.sampled_from(["", " ", "true", "0", "1.5", WHEN, "ready", "live"])
)
json_values = st.recursive(
    json_scalars,
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=12,
)
# Missing, null, or a value of each JSON type.
field_values = st.one_of(
    st.just(MISSING),
    st.none(),
    st.text(max_size=20) | st.sampled_from(["", "  ", "true", WHEN, "45"]),
    st.integers() | st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.lists(json_values, max_size=3),
    st.dictionaries(
        st.sampled_from(["enabled", "url", "id", "code"]) | st.text(max_size=5),
        json_values,
        max_size=3,
    ),
)


def conforms(value: Any, annotation: Any, *, item: bool = False) -> bool:
    """Return whether ``value`` is a sensible value of the field's type.

    A string field is never blank (blank reads as unknown); a string inside a
    list or map may be (a gesture without a URL maps to "").
    """
    origin = get_origin(annotation)
    if origin in (Union, types.UnionType):
        return any(conforms(value, arg) for arg in get_args(annotation))
    if annotation is type(None):
        return value is None
    if annotation is str:
        return isinstance(value, str) and (item or bool(value.strip()))
    if annotation is bool:
        return isinstance(value, bool)
    if annotation is int:
        return type(value) is int
    if annotation is float:
        return type(value) is float and math.isfinite(value)
    if annotation is datetime:
        return isinstance(value, datetime)
    if origin is list:
        (kind,) = get_args(annotation)
        return isinstance(value, list) and all(
            conforms(v, kind, item=True) for v in value
        )
    if origin is dict:
        key, kind = get_args(annotation)
        return isinstance(value, dict) and all(
            conforms(k, key) and (kind is Any or conforms(v, kind, item=True))
            for k, v in value.items()
        )
    assert isinstance(annotation, type)
    assert issubclass(annotation, BaseModel)
    return isinstance(value, annotation) and model_is_sensible(value)


def model_is_sensible(instance: BaseModel) -> bool:
    """Return whether every field of ``instance`` has a value of its type."""
    return all(
        conforms(getattr(instance, name), info.annotation)
        for name, info in type(instance).model_fields.items()
    )


@st.composite
def spoiled_bodies(draw: st.DrawFn) -> tuple[type[BaseModel], str, Any, Any, bool]:
    """Draw a model, one field to spoil, its new value, the payload, defaults."""
    model = draw(st.sampled_from(MODELS))
    field = draw(st.sampled_from(sorted(set(VALID[model]) | set(model.model_fields))))
    value = draw(field_values)
    envelope = draw(st.sampled_from(ENVELOPES))
    return (
        model,
        field,
        value,
        envelope(spoil(model, field, value)),
        draw(st.booleans()),
    )


@settings(max_examples=1000)
@given(case=spoiled_bodies())
def test_one_field_of_any_value_gives_a_sensible_model_or_a_response_error(
    case: tuple[type[BaseModel], str, Any, Any, bool],
) -> None:
    check_spoiled(*case)


# One value of each JSON type, and the awkward ones among them.
EACH_JSON_TYPE: list[Any] = [
    MISSING,
    None,
    "text",
    "",
    "true",
    WHEN,
    7,
    0,
    2.5,
    float("nan"),
    True,
    False,
    [],
    ["x", 1],
    {},
    {"enabled": True, "url": "u"},
]


def check_spoiled(
    model: type[BaseModel], field: str, value: Any, payload: Any, with_defaults: bool
) -> None:
    """Assert ``payload`` parses into a sensible ``model`` or a response error."""
    defaults = CLIENT_DEFAULTS.get(model) if with_defaults else None
    try:
        parsed = parse_model(model, payload, defaults)
    except BithumanResponseError:
        return
    assert isinstance(parsed, model)
    assert model_is_sensible(parsed), (field, value, payload)
    info = model.model_fields.get(field)
    if (
        value in (MISSING, None)
        and info is not None
        and not info.is_required()
        and (model, field) not in DERIVED
        and field not in (defaults or {})
    ):
        assert getattr(parsed, field) == info.get_default(call_default_factory=True)


def spoil(model: type[BaseModel], field: str, value: Any) -> dict[str, Any]:
    """Return the valid record of ``model`` with ``field`` set to ``value``."""
    body = dict(VALID[model])
    if value is MISSING:
        body.pop(field, None)
    else:
        body[field] = value
    return body


@pytest.mark.parametrize("model", MODELS, ids=lambda model: model.__name__)
def test_each_field_missing_null_or_of_each_json_type_in_each_envelope(
    model: type[BaseModel],
) -> None:
    for field in sorted(set(VALID[model]) | set(model.model_fields)):
        for value in EACH_JSON_TYPE:
            for envelope in ENVELOPES:
                for with_defaults in (False, True):
                    payload = envelope(spoil(model, field, value))
                    check_spoiled(model, field, value, payload, with_defaults)


@given(model=st.sampled_from(MODELS), value=json_values)
def test_any_json_parses_or_raises_a_response_error(
    model: type[BaseModel], value: Any
) -> None:
    for payload in (value, {"data": value}, [value], {"data": [value]}):
        with contextlib.suppress(BithumanResponseError):
            assert model_is_sensible(parse_model(model, payload))
        try:
            good, _ = parse_items(model, payload)
        except BithumanResponseError:
            continue
        assert all(model_is_sensible(item) for item in good)


def _json_bytes(value: Any) -> bytes:
    return json.dumps(value).encode()


bodies = json_values.flatmap(
    lambda value: st.sampled_from(
        [
            value,
            {"success": True, "data": value},
            {"data": value, "status": "success", "status_code": 200},
            {"error": value, "status": "error", "status_code": 500},
        ]
    )
).map(_json_bytes) | st.binary(max_size=64)
headers = st.fixed_dictionaries(
    {},
    optional={
        "Retry-After": st.text(max_size=30) | st.integers(-5, 10**6).map(str),
        "X-Request-Id": st.text(max_size=10),
    },
)


@settings(max_examples=400)
@given(
    model=st.sampled_from(MODELS),
    status=st.integers(min_value=100, max_value=999),
    body=bodies,
    headers=headers,
)
def test_any_answer_is_a_model_or_a_typed_error(
    model: type[BaseModel], status: int, body: bytes, headers: dict[str, str]
) -> None:
    if not 200 <= status < 300:
        raised = error_from_response(status, body, headers)
        assert raised.status == status
        assert raised.message
        assert raised.retry_after is None or 0 <= raised.retry_after <= 600
        assert raised.request_id == (headers.get("X-Request-Id") or None)
        return
    try:
        payload = decode_body(body)
        parse_pagination(payload)
        parsed = parse_model(model, payload)
    except BithumanResponseError as err:
        error: BithumanResponseError | None = err
    else:
        error = None
        assert model_is_sensible(parsed)
    assert error is None or error.status is None


type Call = Callable[[BithumanClient], Awaitable[object]]

CALLS: list[Call] = [
    lambda c: c.validate(),
    lambda c: c.get_account(),
    lambda c: c.list_agents(),
    lambda c: c.get_agent("A1"),
    lambda c: c.generate_agent(prompt="p"),
    lambda c: c.update_prompt("A1", "p"),
    lambda c: c.speak("A1", "hi"),
    lambda c: c.add_context("A1", "fact"),
    lambda c: c.get_dynamics("A1"),
    lambda c: c.generate_dynamics("A1"),
    lambda c: c.set_dynamics_enabled("A1", True),
    lambda c: c.list_live_sessions("u1"),
    lambda c: c.terminate_session("u1", "s1"),
    lambda c: c.request_embed_token("A1", "abc"),
    lambda c: c.list_voices(),
    lambda c: c.synthesize("hi"),
    lambda c: c.create_webhook("https://example.com", description="d"),
    lambda c: c.list_webhooks(),
    lambda c: c.delete_webhook("W1"),
]


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    call=st.sampled_from(CALLS),
    reply=st.builds(
        Reply,
        status=st.integers(min_value=200, max_value=599),
        body=bodies,
        headers=st.sampled_from(
            [{}, *({"Retry-After": v} for v in ("0", "1", "9999", "x"))]
        ),
    ),
)
async def test_any_http_answer_is_a_result_or_a_typed_error(
    stub: Stub, stub_client: BithumanClient, call: Call, reply: Reply
) -> None:
    stub.script(reply)
    try:
        await call(stub_client)
    except BithumanError as err:
        error: BithumanError | None = err
    else:
        error = None
    if error is None:
        assert 200 <= reply.status < 300 or reply.status == 404
    else:
        assert error.status in (None, reply.status)


# Listing agents over pages, some records broken

GOOD, BROKEN_WITH_CODE, BROKEN_WITHOUT_CODE = "good", "broken", "anonymous"
NO_CODE_RECORDS: list[dict[str, Any]] = [
    {"name": "nameless"},
    {"code": None, "status": "ready"},
    {"code": 5, "agent_id": [1]},
    {"code": "  ", "agent_id": ""},
]


def record(kind: str, code: str, variant: int) -> dict[str, Any]:
    """Return an agent record of ``kind`` for ``code``."""
    if kind == GOOD:
        good: list[dict[str, Any]] = [
            {"code": code, "status": "ready"},
            {"agent_id": code, "progress": "bad", "created_at": 3},
            {"code": code, "agent_id": None, "name": {"x": 1}, "dynamics": "on"},
        ]
        return good[variant % 3]
    if kind == BROKEN_WITH_CODE:
        broken: list[dict[str, Any]] = [
            {"code": code, "data": ["not", "an", "agent"]},
            {"code": code, "data": {"code": None, "agent_id": None}},
        ]
        return broken[variant % 2]
    return NO_CODE_RECORDS[variant % len(NO_CODE_RECORDS)]


page_kinds = st.lists(
    st.tuples(
        st.sampled_from([GOOD, BROKEN_WITH_CODE, BROKEN_WITHOUT_CODE]),
        st.integers(0, 11),
    ),
    min_size=1,
    max_size=6,
).filter(lambda kinds: any(kind != BROKEN_WITHOUT_CODE for kind, _ in kinds))


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    pages=st.lists(page_kinds, min_size=1, max_size=4),
    more=st.sampled_from([True, "true", 1]),
    last=st.sampled_from([False, "false", 0, None]),
)
async def test_list_agents_returns_every_readable_agent_and_names_broken_ones(
    stub: Stub,
    stub_client: BithumanClient,
    pages: list[list[tuple[str, int]]],
    more: Any,
    last: Any,
) -> None:
    readable: set[str] = set()
    broken: set[str] = set()
    replies = []
    for number, kinds in enumerate(pages):
        records = []
        for index, (kind, variant) in enumerate(kinds):
            code = f"A{number}x{index}"
            records.append(record(kind, code, variant))
            if kind == GOOD:
                readable.add(code)
            elif kind == BROKEN_WITH_CODE:
                broken.add(code)
        has_more = more if number < len(pages) - 1 else last
        pagination = {} if has_more is None else {"has_more": has_more}
        replies.append(Reply(body={"data": records, "pagination": pagination}))
    stub.script(*replies)

    listing = await stub_client.list_agents()

    assert set(listing.agents) == readable
    assert listing.unreadable == broken
    assert all(model_is_sensible(agent) for agent in listing.agents.values())
    offsets = [0]
    for kinds in pages[:-1]:
        offsets.append(offsets[-1] + len(kinds))
    assert [int(seen.query["offset"]) for seen in stub.requests] == offsets
