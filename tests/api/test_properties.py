"""Property tests: any answer yields a model or a typed ``BithumanError``."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
import contextlib
import json
from typing import Any

from hypothesis import HealthCheck, given, settings, strategies as st
from pydantic import BaseModel

from custom_components.bithuman.api import (
    Account,
    Agent,
    AgentGeneration,
    BithumanClient,
    BithumanError,
    ContextDelivery,
    CreditSummary,
    Dynamics,
    DynamicsGeneration,
    DynamicsUpdate,
    EmbedToken,
    PromptUpdate,
    Webhook,
    WebhookWithSecret,
    error_from_response,
)
from custom_components.bithuman.api.models import Validation
from custom_components.bithuman.api.parsing import (
    decode_body,
    parse_model,
    parse_model_list,
    parse_pagination,
)

from .conftest import Reply, Stub

MODELS: list[type[BaseModel]] = [
    Account,
    Agent,
    AgentGeneration,
    ContextDelivery,
    CreditSummary,
    Dynamics,
    DynamicsGeneration,
    DynamicsUpdate,
    EmbedToken,
    PromptUpdate,
    Validation,
    Webhook,
    WebhookWithSecret,
]
FIELD_NAMES = sorted(
    {name for model in MODELS for name in model.model_fields}
    | {"data", "success", "status_code", "error", "pagination", "enabled"}
    | {"code", "message", "httpStatus", "has_more", "isEnterprisePlanUser"}
)

scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=20)
    | st.sampled_from(["ready", "success", "failed", "processing", "", " "])
)
json_values = st.recursive(
    scalars,
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(
            st.sampled_from(FIELD_NAMES) | st.text(max_size=8), children, max_size=6
        )
    ),
    max_leaves=25,
)
envelopes = json_values.flatmap(
    lambda value: st.sampled_from(
        [
            value,
            {"success": True, "data": value},
            {"data": value, "status": "success", "status_code": 200},
            {"error": value, "status": "error", "status_code": 500},
        ]
    )
)


def _json_bytes(value: Any) -> bytes:
    return json.dumps(value).encode()


bodies = envelopes.map(_json_bytes) | st.binary(max_size=64)
statuses = st.integers(min_value=100, max_value=999)
retry_after = st.none() | st.text(max_size=30) | st.integers(-5, 10**6).map(str)


def outcome(
    model: type[BaseModel], status: int, body: bytes, headers: dict[str, str]
) -> object:
    """Run the client's response pipeline without the network."""
    if not 200 <= status < 300:
        return error_from_response(status, body, headers, agent_scoped=status % 2 == 0)
    try:
        payload = decode_body(body)
    except BithumanError as err:
        return err
    parse_pagination(payload)
    with contextlib.suppress(BithumanError):
        parse_model_list(model, payload)
    try:
        return parse_model(model, payload, {"agent_id": "A", "code": "A"})
    except BithumanError as err:
        return err


@settings(max_examples=400)
@given(
    model=st.sampled_from(MODELS),
    status=statuses,
    body=bodies,
    retry_after=retry_after,
)
def test_any_answer_is_a_model_or_a_typed_error(
    model: type[BaseModel], status: int, body: bytes, retry_after: str | None
) -> None:
    headers = {} if retry_after is None else {"Retry-After": retry_after}
    result = outcome(model, status, body, headers)
    if isinstance(result, BithumanError):
        assert result.status in (None, status)
        assert isinstance(result.message, str)
        assert result.message
        assert result.retry_after is None or result.retry_after >= 0
    else:
        assert 200 <= status < 300
        assert isinstance(result, model)


@given(model=st.sampled_from(MODELS), value=json_values)
def test_any_json_parses_or_raises_a_response_error(
    model: type[BaseModel], value: Any
) -> None:
    for payload in (value, {"data": value}, [value]):
        try:
            parse_model(model, payload)
            parse_model_list(model, payload)
        except BithumanError:
            pass


type Call = Callable[[BithumanClient], Awaitable[object]]

CALLS: list[Call] = [
    lambda c: c.validate(),
    lambda c: c.get_account(),
    lambda c: c.get_credit_summary(),
    lambda c: c.list_agents(),
    lambda c: c.get_agent("A1"),
    lambda c: c.get_agent_status("A1"),
    lambda c: c.generate_agent(prompt="p"),
    lambda c: c.update_prompt("A1", "p"),
    lambda c: c.delete_agent("A1"),
    lambda c: c.speak("A1", "hi"),
    lambda c: c.add_context("A1", "fact"),
    lambda c: c.get_dynamics("A1"),
    lambda c: c.generate_dynamics("A1"),
    lambda c: c.set_dynamics_enabled("A1", True),
    lambda c: c.create_webhook("https://example.com"),
    lambda c: c.list_webhooks(),
    lambda c: c.delete_webhook("W1"),
    lambda c: c.request_embed_token("A1", "abc"),
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
    error: BithumanError | None = None
    try:
        await call(stub_client)
    except BithumanError as err:
        error = err
    if error is None:
        assert 200 <= reply.status < 300
    else:
        assert error.status in (None, reply.status)
