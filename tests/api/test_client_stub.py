"""Client transport, retry and edge cases against a scripted local server."""

from __future__ import annotations

import logging
from typing import Any

import aiohttp
import pytest

from custom_components.bithuman.api import (
    DEFAULT_BASE_URL,
    BithumanAgentNotFoundError,
    BithumanClient,
    BithumanConnectionError,
    BithumanError,
    BithumanRateLimitError,
    BithumanResponseError,
    BithumanServerError,
    BithumanTimeoutError,
    BithumanUnavailableError,
    BithumanValidationError,
    RetryPolicy,
)

from .conftest import SECRET, RecordingSleep, Reply, Stub

AGENT = {"code": "A1", "status": "ready", "name": "One"}
DELIVERY = {"agent_code": "A1", "context_type": "speak", "delivered_to_rooms": 1}
SERVER_ERROR = Reply(500, {"error": {"code": "INTERNAL_ERROR", "message": "Oops"}})


def rate_limited(retry_after: str | None) -> Reply:
    headers = {} if retry_after is None else {"Retry-After": retry_after}
    body = {"error": {"code": "RATE_LIMITED", "message": "Too many"}}
    return Reply(429, body, headers)


async def test_headers_and_repr(stub: Stub, stub_client: BithumanClient) -> None:
    stub.script(Reply(body={"data": AGENT}))
    await stub_client.get_agent("A1")
    headers = stub.requests[0].headers
    assert headers["api-secret"] == SECRET
    assert headers["User-Agent"].startswith("bithuman-ha-api/")
    assert "custom_components.bithuman.api" in headers["User-Agent"]
    assert "Idempotency-Key" not in headers
    assert SECRET not in repr(stub_client)
    assert repr(stub_client) == f"BithumanClient(base_url={stub.url!r})"


async def test_secret_never_logged(
    stub: Stub, stub_client: BithumanClient, caplog: pytest.LogCaptureFixture
) -> None:
    stub.script(SERVER_ERROR, SERVER_ERROR, SERVER_ERROR)
    with caplog.at_level(logging.DEBUG), pytest.raises(BithumanServerError):
        await stub_client.get_agent("A1")
    assert "GET /v1/agent/A1 -> 500" in caplog.text
    assert SECRET not in caplog.text


def test_base_url_handling(session: aiohttp.ClientSession) -> None:
    assert BithumanClient(session, SECRET).base_url == DEFAULT_BASE_URL
    client = BithumanClient(session, f" {SECRET}\n", base_url="http://h:1/api/?q=1#f")
    assert client.base_url == "http://h:1/api"
    for bad in ("", "api.bithuman.ai", "ftp://host", "http://"):
        with pytest.raises(ValueError, match="base_url"):
            BithumanClient(session, SECRET, base_url=bad)
    with pytest.raises(ValueError, match="line breaks"):
        BithumanClient(session, "abc\ndef")


async def test_base_url_path_prefix_is_kept(
    stub: Stub, session: aiohttp.ClientSession, policy: RetryPolicy
) -> None:
    client = BithumanClient(
        session, SECRET, base_url=f"{stub.url}/proxy/", retry=policy
    )
    stub.script(Reply(body={"valid": True}))
    assert await client.validate() is True
    assert stub.requests[0].path == "/proxy/v1/validate"


async def test_identifiers_are_quoted(stub: Stub, stub_client: BithumanClient) -> None:
    stub.script(Reply(body={"data": {"status": "ready"}}))
    agent = await stub_client.get_agent("A 1/..?x")
    assert stub.requests[0].path == "/v1/agent/A 1/..?x"
    assert agent.code == "A 1/..?x"
    for bad in ("", "  ", ".", ".."):
        with pytest.raises(BithumanValidationError):
            await stub_client.get_agent(bad)
    assert len(stub.requests) == 1


async def test_validate(stub: Stub, stub_client: BithumanClient) -> None:
    stub.script(Reply(body={"valid": False}))
    assert await stub_client.validate() is False
    stub.script(Reply(401, {"error": {"code": "UNAUTHORIZED", "message": "Bad"}}))
    assert await stub_client.validate() is False
    stub.script(Reply(body={"nope": True}))
    with pytest.raises(BithumanResponseError):
        await stub_client.validate()


async def test_redirects_are_not_followed(
    stub: Stub, stub_client: BithumanClient
) -> None:
    """Following a redirect would hand the api-secret header to another host."""
    stub.script(Reply(302, b"", {"Location": "http://127.0.0.1:9/steal"}))
    with pytest.raises(BithumanResponseError) as err:
        await stub_client.get_account()
    assert err.value.status == 302
    assert len(stub.requests) == 1


async def test_generate_agent_sends_only_given_fields(
    stub: Stub, stub_client: BithumanClient
) -> None:
    stub.script(Reply(body={"success": True, "agent_id": "A9", "status": "processing"}))
    started = await stub_client.generate_agent(prompt="Hi", aspect_ratio="1:1")
    assert (started.agent_id, started.status) == ("A9", "processing")
    seen = stub.requests[0]
    assert seen.json == {"prompt": "Hi", "aspect_ratio": "1:1"}
    assert len(seen.headers["Idempotency-Key"]) == 36
    await stub_client.generate_agent(idempotency_key="order-42")
    assert stub.requests[1].json == {}
    assert stub.requests[1].headers["Idempotency-Key"] == "order-42"


async def test_each_generate_call_gets_a_fresh_key(
    stub: Stub, stub_client: BithumanClient
) -> None:
    stub.script(Reply(body={"agent_id": "A9", "status": "processing"}))
    await stub_client.generate_dynamics("A9")
    await stub_client.generate_dynamics(
        "A9", duration=3, model="seedance", image_url="u"
    )
    first, second = stub.requests
    assert first.json == {"agent_id": "A9", "duration": 5, "model": "auto"}
    assert second.json == {
        "agent_id": "A9",
        "duration": 3,
        "model": "seedance",
        "image_url": "u",
    }
    assert first.headers["Idempotency-Key"] != second.headers["Idempotency-Key"]


@pytest.mark.parametrize("failure", [SERVER_ERROR, Reply(drop=True)])
async def test_generate_retries_with_the_same_key(
    stub: Stub,
    stub_client: BithumanClient,
    recorded_sleep: RecordingSleep,
    failure: Reply,
) -> None:
    stub.script(failure, Reply(body={"agent_id": "A9", "status": "processing"}))
    started = await stub_client.generate_agent(prompt="Hi")
    assert started.agent_id == "A9"
    keys = {seen.headers["Idempotency-Key"] for seen in stub.requests}
    assert len(stub.requests) == 2
    assert len(keys) == 1
    assert recorded_sleep.delays == [1.0]


async def test_get_retries_with_growing_backoff_then_gives_up(
    stub: Stub, stub_client: BithumanClient, recorded_sleep: RecordingSleep
) -> None:
    stub.script(SERVER_ERROR)
    with pytest.raises(BithumanServerError) as err:
        await stub_client.get_account()
    assert err.value.status == 500
    assert err.value.code == "INTERNAL_ERROR"
    assert len(stub.requests) == 3
    assert recorded_sleep.delays == [1.0, 2.0]


async def test_get_retries_then_succeeds(
    stub: Stub, stub_client: BithumanClient, recorded_sleep: RecordingSleep
) -> None:
    stub.script(Reply(502, b"<html>Bad gateway</html>"), Reply(body={"user_id": "u"}))
    assert (await stub_client.get_account()).user_id == "u"
    assert recorded_sleep.delays == [1.0]


async def test_server_retry_after_is_honoured_within_the_cap(
    stub: Stub, stub_client: BithumanClient, recorded_sleep: RecordingSleep
) -> None:
    busy = Reply(503, {"error": {"code": "NO_AVAILABLE_WORKERS"}}, {"Retry-After": "7"})
    stub.script(busy, Reply(body={"user_id": "u"}))
    await stub_client.get_account()
    assert recorded_sleep.delays == [7.0]
    stub.script(Reply(503, b"", {"Retry-After": "3600"}))
    with pytest.raises(BithumanUnavailableError) as err:
        await stub_client.get_account()
    assert err.value.retry_after == 3600.0
    assert len(stub.requests) == 1


@pytest.mark.parametrize(
    "call",
    [
        lambda c: c.speak("A1", "Hello"),
        lambda c: c.add_context("A1", "Fact"),
        lambda c: c.update_prompt("A1", "Be kind"),
        lambda c: c.create_webhook("https://example.com/hook"),
    ],
    ids=["speak", "add_context", "update_prompt", "create_webhook"],
)
@pytest.mark.parametrize(
    "failure", [SERVER_ERROR, Reply(drop=True)], ids=["500", "drop"]
)
async def test_unsafe_writes_are_not_retried(
    stub: Stub,
    stub_client: BithumanClient,
    recorded_sleep: RecordingSleep,
    call: Any,
    failure: Reply,
) -> None:
    stub.script(failure, Reply(body=DELIVERY))
    with pytest.raises((BithumanServerError, BithumanConnectionError)):
        await call(stub_client)
    assert len(stub.requests) == 1
    assert recorded_sleep.delays == []


async def test_rate_limit_waits_retry_after_then_retries_once(
    stub: Stub, stub_client: BithumanClient, recorded_sleep: RecordingSleep
) -> None:
    stub.script(rate_limited("6"), Reply(body=DELIVERY))
    delivery = await stub_client.speak("A1", "Hello")
    assert delivery.delivered_to_rooms == 1
    assert recorded_sleep.delays == [6.0]
    assert len(stub.requests) == 2

    recorded_sleep.delays.clear()
    stub.script(rate_limited("2"), rate_limited("2"), Reply(body=DELIVERY))
    with pytest.raises(BithumanRateLimitError) as err:
        await stub_client.speak("A1", "Hello")
    assert err.value.retry_after == 2.0
    assert recorded_sleep.delays == [2.0]
    assert len(stub.requests) == 2


@pytest.mark.parametrize("retry_after", [None, "31", "tomorrow"])
async def test_rate_limit_without_usable_retry_after_is_raised_at_once(
    stub: Stub,
    stub_client: BithumanClient,
    recorded_sleep: RecordingSleep,
    retry_after: str | None,
) -> None:
    stub.script(rate_limited(retry_after), Reply(body={"user_id": "u"}))
    with pytest.raises(BithumanRateLimitError) as err:
        await stub_client.get_account()
    assert err.value.status == 429
    assert err.value.code == "RATE_LIMITED"
    assert err.value.retry_after == (31.0 if retry_after == "31" else None)
    assert len(stub.requests) == 1
    assert recorded_sleep.delays == []


async def test_rate_limit_and_server_errors_combine(
    stub: Stub, stub_client: BithumanClient, recorded_sleep: RecordingSleep
) -> None:
    """The one 429 retry does not use up the attempts left for failures."""
    stub.script(
        rate_limited("1"), SERVER_ERROR, SERVER_ERROR, Reply(body={"user_id": "u"})
    )
    assert (await stub_client.get_account()).user_id == "u"
    assert recorded_sleep.delays == [1.0, 1.0, 2.0]
    assert len(stub.requests) == 4
    stub.script(SERVER_ERROR, rate_limited("1"), SERVER_ERROR, SERVER_ERROR)
    with pytest.raises(BithumanServerError):
        await stub_client.get_account()
    assert len(stub.requests) == 4


async def test_timeout(
    stub: Stub, session: aiohttp.ClientSession, recorded_sleep: RecordingSleep
) -> None:
    client = BithumanClient(
        session,
        SECRET,
        base_url=stub.url,
        request_timeout=0.05,
        retry=RetryPolicy(attempts=2, sleep=recorded_sleep),
    )
    stub.script(Reply(delay=1.0))
    with pytest.raises(BithumanTimeoutError) as err:
        await client.get_credit_summary()
    assert err.value.status is None
    assert "0.05 s" in err.value.message
    assert len(stub.requests) == 2
    assert len(recorded_sleep.delays) == 1


async def test_connection_refused(
    session: aiohttp.ClientSession, recorded_sleep: RecordingSleep
) -> None:
    client = BithumanClient(
        session,
        SECRET,
        base_url="http://127.0.0.1:9",
        retry=RetryPolicy(attempts=2, sleep=recorded_sleep),
    )
    with pytest.raises(BithumanConnectionError) as err:
        await client.list_webhooks()
    assert not isinstance(err.value, BithumanTimeoutError)
    assert err.value.__cause__ is None
    assert SECRET not in str(err.value)
    assert len(recorded_sleep.delays) == 1


async def test_dropped_connection_on_unsafe_write(
    stub: Stub, stub_client: BithumanClient
) -> None:
    stub.script(Reply(drop=True))
    with pytest.raises(BithumanConnectionError):
        await stub_client.speak("A1", "Hello")


async def test_secret_is_redacted_from_error_messages(
    stub: Stub, stub_client: BithumanClient
) -> None:
    body = {"error": {"code": "UNAUTHORIZED", "message": f"Bad secret {SECRET}"}}
    stub.script(Reply(401, body))
    with pytest.raises(BithumanError) as err:
        await stub_client.get_account()
    assert SECRET not in str(err.value)
    assert SECRET not in repr(err.value)
    assert "**REDACTED**" in err.value.message


async def test_delete_is_done_when_a_retry_finds_it_gone(
    stub: Stub, stub_client: BithumanClient
) -> None:
    gone = Reply(404, {"error": {"code": "NOT_FOUND", "message": "Agent not found"}})
    stub.script(SERVER_ERROR, gone)
    await stub_client.delete_agent("A1")
    assert [seen.method for seen in stub.requests] == ["DELETE", "DELETE"]
    stub.script(gone)
    with pytest.raises(BithumanAgentNotFoundError):
        await stub_client.delete_agent("A1")
    stub.script(Reply(200, b""))
    await stub_client.delete_webhook("W1")
    assert stub.requests[0].path == "/v1/webhooks/W1"


async def test_list_agents_pages_dedupes_and_stops(
    stub: Stub, stub_client: BithumanClient
) -> None:
    def page(codes: list[str], has_more: bool) -> Reply:
        data = [{"code": code, "status": "ready"} for code in codes]
        return Reply(body={"data": data, "pagination": {"has_more": has_more}})

    stub.script(page(["A", "B"], True), page(["B", "C"], True), page([], True))
    agents = await stub_client.list_agents(status="ready")
    assert [agent.code for agent in agents] == ["A", "B", "C"]
    assert [seen.query for seen in stub.requests] == [
        {"limit": "100", "offset": "0", "status": "ready"},
        {"limit": "100", "offset": "2", "status": "ready"},
        {"limit": "100", "offset": "4", "status": "ready"},
    ]
    stub.script(page(["A", "B"], True))
    assert len(await stub_client.list_agents()) == 2
    assert len(stub.requests) == 2
    assert "status" not in stub.requests[0].query


async def test_list_agents_gives_up_on_endless_pages(
    stub: Stub, stub_client: BithumanClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("custom_components.bithuman.api.client.MAX_AGENT_PAGES", 2)
    replies = [
        Reply(
            body={
                "data": [{"code": c, "status": "x"}],
                "pagination": {"has_more": True},
            }
        )
        for c in "ABC"
    ]
    stub.script(*replies)
    with pytest.raises(BithumanResponseError):
        await stub_client.list_agents()


async def test_non_json_success_is_a_response_error(
    stub: Stub, stub_client: BithumanClient, recorded_sleep: RecordingSleep
) -> None:
    stub.script(Reply(200, b"<html>maintenance</html>"))
    with pytest.raises(BithumanResponseError) as err:
        await stub_client.get_dynamics("A1")
    assert err.value.status is None
    assert recorded_sleep.delays == []


async def test_webhooks_and_embed_token_bodies(
    stub: Stub, stub_client: BithumanClient
) -> None:
    stub.script(Reply(body={"data": {"id": "W1", "secret": "whsec_1"}}))
    await stub_client.create_webhook(
        "https://e.com/h", events=["agent.ready"], description="d"
    )
    await stub_client.create_webhook("https://e.com/h")
    assert stub.requests[0].json == {
        "url": "https://e.com/h",
        "events": ["agent.ready"],
        "description": "d",
    }
    assert stub.requests[1].json == {"url": "https://e.com/h"}
    stub.script(Reply(body={"data": {"token": "jwt"}}))
    await stub_client.request_embed_token("A1", "abc123")
    await stub_client.request_embed_token("A1", "abc123", model="expression-2")
    assert stub.requests[0].json == {"agent_id": "A1", "fingerprint": "abc123"}
    assert stub.requests[1].json["model"] == "expression-2"


async def test_context_bodies(stub: Stub, stub_client: BithumanClient) -> None:
    stub.script(Reply(body=DELIVERY))
    await stub_client.speak("A1", "Hello", room_id="r1")
    await stub_client.add_context("A1", "Fact")
    await stub_client.add_context("A1", "Fact", room_id="r2")
    assert [seen.json for seen in stub.requests] == [
        {"message": "Hello", "room_id": "r1"},
        {"context": "Fact", "type": "add_context"},
        {"context": "Fact", "type": "add_context", "room_id": "r2"},
    ]


async def test_set_dynamics_enabled_body_is_exact(
    stub: Stub, stub_client: BithumanClient, recorded_sleep: RecordingSleep
) -> None:
    stub.script(SERVER_ERROR, Reply(body={"regeneration_status": "started"}))
    update = await stub_client.set_dynamics_enabled("A1", False)
    assert update.regeneration_status == "started"
    assert update.agent_id == "A1"
    assert [(seen.method, seen.json) for seen in stub.requests] == [
        ("PUT", {"dynamics": {"enabled": False}, "toggle_enabled": False}),
    ] * 2
    assert recorded_sleep.delays == [1.0]
