"""Each client method against a scripted local server: what it sends and reads."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
import logging
from typing import Any

import aiohttp
import pytest

from custom_components.bithuman.api import (
    DEFAULT_BASE_URL,
    BithumanClient,
    BithumanConnectionError,
    BithumanError,
    BithumanNotFoundError,
    BithumanResponseError,
    BithumanServerError,
    BithumanValidationError,
    RetryPolicy,
    client as client_module,
)

from .conftest import SECRET, RecordingSleep, Reply, Stub

type Call = Callable[[BithumanClient], Awaitable[object]]

AGENT = {"code": "A1", "status": "ready", "name": "One"}
DELIVERY = {"agent_code": "A1", "context_type": "speak", "delivered_to_rooms": 1}
SERVER_ERROR = Reply(500, {"error": {"code": "INTERNAL_ERROR", "message": "Oops"}})
WEBHOOK_NOT_FOUND = Reply(
    404, {"error": {"code": "NOT_FOUND", "message": "Webhook not found"}}
)


# The connection


async def test_every_request_sends_the_secret_and_user_agent(
    stub: Stub, stub_client: BithumanClient
) -> None:
    stub.script(Reply(body={"data": AGENT}))
    await stub_client.get_agent("A1")
    headers = stub.requests[0].headers
    assert headers["api-secret"] == SECRET
    assert headers["User-Agent"].startswith("bithuman-ha-api/")
    assert "custom_components.bithuman.api" in headers["User-Agent"]
    assert headers["Accept"] == "application/json"
    assert "Idempotency-Key" not in headers


def test_repr_names_the_endpoint_not_the_secret(stub_client: BithumanClient) -> None:
    assert SECRET not in repr(stub_client)
    assert repr(stub_client) == f"BithumanClient(base_url={stub_client.base_url!r})"


def test_default_base_url(session: aiohttp.ClientSession) -> None:
    assert BithumanClient(session, SECRET).base_url == DEFAULT_BASE_URL


def test_base_url_loses_query_fragment_and_trailing_slash(
    session: aiohttp.ClientSession,
) -> None:
    client = BithumanClient(session, f" {SECRET}\n", base_url="http://h:1/api/?q=1#f")
    assert client.base_url == "http://h:1/api"


@pytest.mark.parametrize("bad", ["", "api.bithuman.ai", "ftp://host", "http://"])
def test_base_url_must_be_absolute_http(
    session: aiohttp.ClientSession, bad: str
) -> None:
    with pytest.raises(ValueError, match="base_url"):
        BithumanClient(session, SECRET, base_url=bad)


def test_secret_with_a_line_break_is_refused(session: aiohttp.ClientSession) -> None:
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


async def test_identifiers_are_quoted_into_one_path_segment(
    stub: Stub, stub_client: BithumanClient
) -> None:
    stub.script(Reply(body={"data": {"status": "ready"}}))
    agent = await stub_client.get_agent("A 1/..?x")
    assert stub.requests[0].path == "/v1/agent/A 1/..?x"
    assert agent.code == "A 1/..?x"


@pytest.mark.parametrize("bad", ["", "  ", ".", ".."])
async def test_identifiers_that_would_change_the_path_are_refused(
    stub: Stub, stub_client: BithumanClient, bad: str
) -> None:
    with pytest.raises(BithumanValidationError):
        await stub_client.get_agent(bad)
    assert stub.requests == []


async def test_redirects_are_not_followed(
    stub: Stub, stub_client: BithumanClient
) -> None:
    """Following a redirect would hand the api-secret header to another host."""
    stub.script(Reply(302, b"", {"Location": "http://127.0.0.1:9/steal"}))
    with pytest.raises(BithumanResponseError) as err:
        await stub_client.get_account()
    assert err.value.status == 302
    assert len(stub.requests) == 1


async def test_non_json_success_is_a_response_error_and_not_retried(
    stub: Stub, stub_client: BithumanClient, recorded_sleep: RecordingSleep
) -> None:
    stub.script(Reply(200, b"<html>maintenance</html>"))
    with pytest.raises(BithumanResponseError) as err:
        await stub_client.get_dynamics("A1")
    assert err.value.status is None
    assert recorded_sleep.delays == []


async def test_request_id_is_kept_on_the_raised_error(
    stub: Stub, stub_client: BithumanClient
) -> None:
    stub.script(Reply(404, b"", {"X-Request-Id": "req-7f3a"}))
    with pytest.raises(BithumanNotFoundError) as err:
        await stub_client.get_agent("A1")
    assert err.value.request_id == "req-7f3a"
    assert "req-7f3a" in repr(err.value)


async def test_request_id_of_the_last_attempt_is_kept(
    stub: Stub, stub_client: BithumanClient
) -> None:
    stub.script(
        Reply(500, b"", {"X-Request-Id": "first"}),
        Reply(500, b"", {"X-Request-Id": "second"}),
        Reply(500, b"", {"X-Request-Id": "third"}),
    )
    with pytest.raises(BithumanServerError) as err:
        await stub_client.get_account()
    assert err.value.request_id == "third"


# The secret never leaks


async def test_secret_is_never_logged(
    stub: Stub, stub_client: BithumanClient, caplog: pytest.LogCaptureFixture
) -> None:
    stub.script(SERVER_ERROR)
    with caplog.at_level(logging.DEBUG), pytest.raises(BithumanServerError):
        await stub_client.get_agent("A1")
    assert "GET /v1/agent/A1 -> 500" in caplog.text
    assert SECRET not in caplog.text


@pytest.mark.parametrize(
    "reply",
    [
        Reply(401, {"error": {"code": "UNAUTHORIZED", "message": f"Bad {SECRET}"}}),
        Reply(500, {"error": f"{SECRET} exploded"}),
        Reply(404, {"detail": f"/v1/agent/{SECRET} Not Found"}),
        Reply(429, {"message": f"slow down {SECRET}"}, {"Retry-After": "999"}),
    ],
    ids=["401-envelope", "500-error-string", "404-detail", "429-message"],
)
async def test_secret_echoed_by_the_server_never_reaches_the_error(
    stub: Stub, stub_client: BithumanClient, reply: Reply
) -> None:
    stub.script(reply)
    with pytest.raises(BithumanError) as err:
        await stub_client.get_account()
    assert SECRET not in str(err.value)
    assert SECRET not in repr(err.value)
    assert "**REDACTED**" in err.value.message


@pytest.mark.parametrize(
    "reply",
    [
        Reply(400, {"error": {"code": SECRET, "message": "m"}}),
        Reply(400, {"error": {"code": "X", "message": "m"}}, {"X-Request-Id": SECRET}),
    ],
    ids=["code", "request-id"],
)
async def test_secret_echoed_in_code_or_request_id_never_reaches_the_error(
    stub: Stub, stub_client: BithumanClient, reply: Reply
) -> None:
    stub.script(reply)
    with pytest.raises(BithumanError) as err:
        await stub_client.get_account()
    assert SECRET not in repr(err.value)


@pytest.mark.parametrize(
    ("base_url", "request_timeout", "reply"),
    [
        ("http://127.0.0.1:9", 2.0, None),
        (None, 0.05, Reply(delay=1.0)),
        (None, 2.0, Reply(drop=True)),
    ],
    ids=["refused", "timeout", "dropped"],
)
async def test_secret_never_reaches_a_connection_error(
    stub: Stub,
    session: aiohttp.ClientSession,
    recorded_sleep: RecordingSleep,
    base_url: str | None,
    request_timeout: float,
    reply: Reply | None,
) -> None:
    client = BithumanClient(
        session,
        SECRET,
        base_url=base_url or stub.url,
        request_timeout=request_timeout,
        retry=RetryPolicy(attempts=1, sleep=recorded_sleep),
    )
    if reply is not None:
        stub.script(reply)
    with pytest.raises(BithumanConnectionError) as err:
        await client.get_account()
    assert SECRET not in str(err.value)
    assert SECRET not in repr(err.value)
    assert err.value.status is None


async def test_empty_secret_leaves_messages_alone(
    stub: Stub, session: aiohttp.ClientSession, policy: RetryPolicy
) -> None:
    client = BithumanClient(session, "", base_url=stub.url, retry=policy)
    stub.script(Reply(401, {"error": {"code": "MISSING_AUTH", "message": "No key"}}))
    with pytest.raises(BithumanError) as err:
        await client.get_account()
    assert err.value.message == "No key"


# Account


@pytest.mark.parametrize(
    ("reply", "valid"),
    [
        (Reply(body={"valid": True}), True),
        (Reply(body={"valid": False}), False),
        (Reply(401, {"error": {"code": "UNAUTHORIZED", "message": "Bad"}}), False),
    ],
    ids=["valid", "invalid", "401"],
)
async def test_validate_answers_whether_the_secret_works(
    stub: Stub, stub_client: BithumanClient, reply: Reply, valid: bool
) -> None:
    stub.script(reply)
    assert await stub_client.validate() is valid
    assert (stub.requests[0].method, stub.requests[0].path) == ("POST", "/v1/validate")


async def test_validate_without_valid_is_a_response_error(
    stub: Stub, stub_client: BithumanClient
) -> None:
    stub.script(Reply(body={"nope": True}))
    with pytest.raises(BithumanResponseError):
        await stub_client.validate()


# Agents


async def test_get_agent_reads_progress_above_one_as_done(
    stub: Stub, stub_client: BithumanClient
) -> None:
    stub.script(Reply(body={"data": AGENT | {"progress": 1.0000001}}))
    assert (await stub_client.get_agent("A1")).progress == 1.0


async def test_get_agent_reads_a_percentage_as_a_fraction(
    stub: Stub, stub_client: BithumanClient
) -> None:
    stub.script(Reply(body={"data": AGENT | {"status": "generating", "progress": 45}}))
    assert (await stub_client.get_agent("A1")).progress == 0.45


async def test_generate_agent_sends_only_given_fields_with_a_fresh_key(
    stub: Stub, stub_client: BithumanClient
) -> None:
    stub.script(Reply(body={"success": True, "agent_id": "A9", "status": "processing"}))
    started = await stub_client.generate_agent(prompt="Hi", aspect_ratio="1:1")
    await stub_client.generate_agent(
        prompt="Yo", image="i", audio="a", model="essence-2"
    )
    assert (started.agent_id, started.status) == ("A9", "processing")
    first, second = stub.requests
    assert (first.method, first.path) == ("POST", "/v1/agent/generate")
    assert first.json == {"prompt": "Hi", "aspect_ratio": "1:1"}
    assert second.json == {
        "prompt": "Yo",
        "image": "i",
        "audio": "a",
        "model": "essence-2",
    }
    assert len(first.headers["Idempotency-Key"]) == 36
    assert first.headers["Idempotency-Key"] != second.headers["Idempotency-Key"]


async def test_update_prompt_sends_the_prompt(
    stub: Stub, stub_client: BithumanClient
) -> None:
    stub.script(Reply(body={"updated": True}))
    update = await stub_client.update_prompt("A1", "Be kind")
    assert (update.agent_code, update.updated) == ("A1", True)
    seen = stub.requests[0]
    assert (seen.method, seen.path) == ("POST", "/v1/agent/A1")
    assert seen.json == {"system_prompt": "Be kind"}


@pytest.mark.parametrize(
    ("call", "path", "body"),
    [
        (
            lambda c: c.speak("A1", "Hello", room_id="r1"),
            "/v1/agent/A1/speak",
            {"message": "Hello", "room_id": "r1"},
        ),
        (
            lambda c: c.speak("A1", "Hello"),
            "/v1/agent/A1/speak",
            {"message": "Hello"},
        ),
        (
            lambda c: c.add_context("A1", "Fact"),
            "/v1/agent/A1/add-context",
            {"context": "Fact", "type": "add_context"},
        ),
        (
            lambda c: c.add_context("A1", "Fact", room_id="r2"),
            "/v1/agent/A1/add-context",
            {"context": "Fact", "type": "add_context", "room_id": "r2"},
        ),
    ],
    ids=["speak-room", "speak", "add-context", "add-context-room"],
)
async def test_context_calls_send_the_documented_bodies(
    stub: Stub, stub_client: BithumanClient, call: Call, path: str, body: Any
) -> None:
    stub.script(Reply(body=DELIVERY))
    await call(stub_client)
    seen = stub.requests[0]
    assert (seen.method, seen.path, seen.json) == ("POST", path, body)


async def test_speak_answer_without_delivered_to_rooms_reads_as_unknown(
    stub: Stub, stub_client: BithumanClient
) -> None:
    stub.script(Reply(body={"success": True}))
    delivery = await stub_client.speak("A1", "Hello")
    assert delivery.agent_code == "A1"
    assert delivery.delivered_to_rooms is None


# Dynamics


async def test_get_dynamics_reads_enabled_written_as_a_string(
    stub: Stub, stub_client: BithumanClient
) -> None:
    stub.script(Reply(body={"data": {"status": "ready", "enabled": "true"}}))
    dynamics = await stub_client.get_dynamics("A1")
    assert (dynamics.agent_id, dynamics.enabled) == ("A1", True)
    assert stub.requests[0].path == "/v1/dynamics/A1"


async def test_generate_dynamics_sends_the_defaults_with_a_fresh_key(
    stub: Stub, stub_client: BithumanClient
) -> None:
    stub.script(Reply(body={"success": True, "status": "processing"}))
    started = await stub_client.generate_dynamics("A9")
    await stub_client.generate_dynamics("A9", duration=3, model="seedance")
    assert (started.agent_id, started.status) == ("A9", "processing")
    first, second = stub.requests
    assert (first.method, first.path) == ("POST", "/v1/dynamics/generate")
    assert first.json == {"agent_id": "A9", "duration": 5, "model": "auto"}
    assert second.json == {"agent_id": "A9", "duration": 3, "model": "seedance"}
    assert first.headers["Idempotency-Key"] != second.headers["Idempotency-Key"]


async def test_set_dynamics_enabled_sends_the_exact_body_and_is_retried(
    stub: Stub, stub_client: BithumanClient, recorded_sleep: RecordingSleep
) -> None:
    stub.script(SERVER_ERROR, Reply(body={"regeneration_status": "started"}))
    update = await stub_client.set_dynamics_enabled("A1", False)
    assert update.regeneration_status == "started"
    assert update.agent_id == "A1"
    assert [(seen.method, seen.path, seen.json) for seen in stub.requests] == [
        (
            "PUT",
            "/v1/dynamics/A1",
            {"dynamics": {"enabled": False}, "toggle_enabled": False},
        ),
    ] * 2
    assert recorded_sleep.delays == [1.0]


# Live sessions and embedding


async def test_list_live_sessions_asks_for_the_live_window(
    stub: Stub, stub_client: BithumanClient
) -> None:
    stub.script(Reply(body={"data": {"active_count": 1, "sessions": [{"id": "s1"}]}}))
    sessions = await stub_client.list_live_sessions("user 1")
    assert [s.id for s in sessions.sessions] == ["s1"]
    seen = stub.requests[0]
    assert (seen.method, seen.path) == ("GET", "/v2/user 1/runtime-sessions")
    assert seen.query == {"window": "live", "limit": "200"}


@pytest.mark.parametrize(("reason", "body"), [(None, {}), ("done", {"reason": "done"})])
async def test_terminate_session_sends_the_reason_when_given(
    stub: Stub, stub_client: BithumanClient, reason: str | None, body: Any
) -> None:
    stub.script(Reply(body={"data": {"session_id": "s1", "closed": True}}))
    ended = await stub_client.terminate_session("u1", "s1", reason=reason)
    assert (ended.session_id, ended.closed) == ("s1", True)
    seen = stub.requests[0]
    assert (seen.method, seen.path) == ("POST", "/v2/u1/runtime-sessions/s1/terminate")
    assert seen.json == body


async def test_request_embed_token_sends_agent_and_fingerprint(
    stub: Stub, stub_client: BithumanClient
) -> None:
    stub.script(Reply(body={"data": {"token": "jwt"}}))
    token = await stub_client.request_embed_token("A1", "abc123")
    assert token.token == "jwt"
    seen = stub.requests[0]
    assert (seen.method, seen.path) == ("POST", "/v1/embed-tokens/request")
    assert seen.json == {"agent_id": "A1", "fingerprint": "abc123"}


# Voice


async def test_list_voices_reads_the_catalog(
    stub: Stub, stub_client: BithumanClient
) -> None:
    stub.script(Reply(body={"voices": [{"id": "F1", "kind": "builtin"}]}))
    catalog = await stub_client.list_voices()
    assert [voice.id for voice in catalog.voices] == ["F1"]
    assert (stub.requests[0].method, stub.requests[0].path) == ("GET", "/v1/voices")


async def test_synthesize_returns_the_raw_audio(
    stub: Stub, stub_client: BithumanClient
) -> None:
    audio = b"RIFF\x24\x00\x00\x00WAVEfmt \xff\x00"
    stub.script(Reply(body=audio, headers={"Content-Type": "audio/wav"}))
    assert await stub_client.synthesize("Hello", voice="F1", speed=1.2) == audio
    seen = stub.requests[0]
    assert (seen.method, seen.path) == ("POST", "/v1/tts")
    assert seen.json == {"text": "Hello", "voice": "F1", "speed": 1.2, "format": "wav"}
    assert seen.headers["Accept"] == "*/*"


async def test_synthesize_sends_the_language_when_given(
    stub: Stub, stub_client: BithumanClient
) -> None:
    stub.script(Reply(body=b"RIFF"))
    await stub_client.synthesize("Hallo", language="de")
    assert stub.requests[0].json == {"text": "Hallo", "language": "de", "format": "wav"}


# Webhooks


async def test_create_webhook_subscribes_to_every_event(
    stub: Stub, stub_client: BithumanClient
) -> None:
    stub.script(Reply(body={"data": {"id": "W1", "secret": "whsec_1"}}))
    created = await stub_client.create_webhook("https://e.com/h", description="HA")
    assert (created.id, created.secret) == ("W1", "whsec_1")
    seen = stub.requests[0]
    assert (seen.method, seen.path) == ("POST", "/v1/webhooks")
    assert seen.json == {"url": "https://e.com/h", "events": [], "description": "HA"}


async def test_list_webhooks_skips_unreadable_records(
    stub: Stub, stub_client: BithumanClient
) -> None:
    stub.script(Reply(body={"data": [{"id": "W1"}, {"url": "no-id"}, {"id": "W2"}]}))
    webhooks = await stub_client.list_webhooks()
    assert [hook.id for hook in webhooks] == ["W1", "W2"]
    assert (stub.requests[0].method, stub.requests[0].path) == ("GET", "/v1/webhooks")


@pytest.mark.parametrize(
    "reply",
    [Reply(200, b""), Reply(200, b'{"success": true}'), WEBHOOK_NOT_FOUND],
    ids=["empty-200", "json-200", "404"],
)
async def test_delete_webhook_is_done_when_deleted_or_already_gone(
    stub: Stub, stub_client: BithumanClient, reply: Reply
) -> None:
    stub.script(reply)
    await stub_client.delete_webhook("W1")
    assert (stub.requests[0].method, stub.requests[0].path) == (
        "DELETE",
        "/v1/webhooks/W1",
    )


async def test_delete_webhook_that_a_retry_finds_gone_is_deleted(
    stub: Stub, stub_client: BithumanClient
) -> None:
    stub.script(SERVER_ERROR, WEBHOOK_NOT_FOUND)
    await stub_client.delete_webhook("W1")
    assert [seen.method for seen in stub.requests] == ["DELETE", "DELETE"]


async def test_delete_webhook_failure_is_raised(
    stub: Stub, session: aiohttp.ClientSession
) -> None:
    client = BithumanClient(
        session, SECRET, base_url=stub.url, retry=RetryPolicy(attempts=1)
    )
    stub.script(SERVER_ERROR)
    with pytest.raises(BithumanServerError):
        await client.delete_webhook("W1")


# Listing agents


def agents_page(
    records: list[Any] | range, pagination: dict[str, Any] | None = None
) -> Reply:
    """Return a page of agents; a number in ``records`` is agent ``A<number>``."""
    data = [
        {"code": f"A{record}", "status": "ready"} if isinstance(record, int) else record
        for record in records
    ]
    body: dict[str, Any] = {"data": data}
    if pagination is not None:
        body["pagination"] = pagination
    return Reply(body=body)


MORE, LAST = {"has_more": True}, {"has_more": False}
# has_more as sent: (pagination block, follows a full page, follows a partial one)
HAS_MORE: dict[str, tuple[dict[str, Any] | None, bool, bool]] = {
    "true": ({"has_more": True}, True, True),
    "string-true": ({"has_more": "true"}, True, True),
    "1": ({"has_more": 1}, True, True),
    "false": ({"has_more": False}, False, False),
    "string-false": ({"has_more": "false"}, False, False),
    "0": ({"has_more": 0}, False, False),
    "missing": ({}, True, False),
    "no-pagination": (None, True, False),
    "garbage": ({"has_more": "maybe"}, True, False),
    "list": ({"has_more": [True]}, True, False),
}


@pytest.mark.parametrize(
    ("pagination", "after_full", "after_partial"), HAS_MORE.values(), ids=HAS_MORE
)
@pytest.mark.parametrize("size", [100, 3], ids=["full", "partial"])
async def test_list_agents_follows_has_more_and_never_truncates_a_full_page(
    stub: Stub,
    stub_client: BithumanClient,
    size: int,
    pagination: dict[str, Any] | None,
    after_full: bool,
    after_partial: bool,
) -> None:
    """A full page without a clear ``has_more: false`` may have a successor."""
    follows = after_full if size == 100 else after_partial
    stub.script(
        agents_page(range(size), pagination), agents_page(range(100, 103), LAST)
    )
    listing = await stub_client.list_agents()
    assert len(listing.agents) == size + (3 if follows else 0)
    offsets = [0, size] if follows else [0]
    assert [seen.query for seen in stub.requests] == [
        {"limit": "100", "offset": str(offset)} for offset in offsets
    ]


async def test_list_agents_stops_on_a_page_with_nothing_new(
    stub: Stub, stub_client: BithumanClient
) -> None:
    """A server that ignores ``offset`` answers the same page forever."""
    stub.script(agents_page(range(100), MORE))
    listing = await stub_client.list_agents()
    assert len(listing.agents) == 100
    assert len(stub.requests) == 2


async def test_list_agents_keeps_the_first_copy_of_an_agent_seen_twice(
    stub: Stub, stub_client: BithumanClient
) -> None:
    """An agent created while paging shifts the next page by one."""
    stub.script(
        agents_page([{"code": "A", "name": "first"}, {"code": "B"}], MORE),
        agents_page([{"code": "B", "name": "again"}, {"code": "C"}], MORE),
        agents_page([], LAST),
    )
    listing = await stub_client.list_agents()
    assert list(listing.agents) == ["A", "B", "C"]
    assert listing.agents["A"].name == "first"
    assert listing.agents["B"].name is None
    assert [seen.query["offset"] for seen in stub.requests] == ["0", "2", "4"]


async def test_list_agents_names_unreadable_records_that_carry_a_code(
    stub: Stub, stub_client: BithumanClient
) -> None:
    records = [
        {"code": "A1"},
        {"code": "A2", "data": ["not", "an", "agent"]},
        {"code": "A3", "data": {"code": None, "agent_id": None}},
        {"name": "no code at all"},
    ]
    stub.script(agents_page(records, LAST))
    listing = await stub_client.list_agents()
    assert list(listing.agents) == ["A1"]
    assert listing.unreadable == frozenset({"A2", "A3"})


async def test_list_agents_does_not_call_a_code_unreadable_once_it_was_read(
    stub: Stub, stub_client: BithumanClient
) -> None:
    stub.script(agents_page([{"code": "A1", "data": [1]}, {"code": "A1"}]))
    listing = await stub_client.list_agents()
    assert list(listing.agents) == ["A1"]
    assert listing.unreadable == frozenset()


@pytest.mark.parametrize(
    "data", [{"code": "A1"}, [{"code": "A1"}, "A2"]], ids=["object", "not-records"]
)
async def test_list_agents_that_is_not_a_list_of_records_is_a_response_error(
    stub: Stub, stub_client: BithumanClient, data: Any
) -> None:
    stub.script(Reply(body={"data": data}))
    with pytest.raises(BithumanResponseError):
        await stub_client.list_agents()


async def test_list_agents_gives_up_on_endless_pages(
    stub: Stub, stub_client: BithumanClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("custom_components.bithuman.api.client.MAX_AGENT_PAGES", 2)
    stub.script(*(agents_page([c], MORE) for c in range(3)))
    with pytest.raises(BithumanResponseError, match="does not end"):
        await stub_client.list_agents()
    assert len(stub.requests) == 2


@pytest.mark.parametrize(
    ("record", "code"),
    [({"code": " A1 "}, "A1"), ({"agent_id": "A2"}, "A2"), ({"code": 5}, None)],
)
def test_the_code_of_an_unreadable_record(record: Any, code: str | None) -> None:
    assert client_module._code_of(record) == code


def test_a_record_that_is_not_an_object_names_no_code() -> None:
    """Unreachable through ``list_agents`` since ``parse_items`` refuses them."""
    assert client_module._code_of(["A1"]) is None
