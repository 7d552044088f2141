"""Authentication, account, billing, embed-token and webhook endpoints."""

import base64
import json

import pytest

from bithuman_simulator import Simulator

AUTHENTICATED = [
    ("GET", "/v1/me"),
    ("GET", "/v2/credit-summaries"),
    ("GET", "/v1/agents"),
    ("GET", "/v1/agent/A1"),
    ("GET", "/v1/agent/status/A1"),
    ("POST", "/v1/agent/generate"),
    ("POST", "/v1/agent/A1"),
    ("DELETE", "/v1/agent/A1"),
    ("POST", "/v1/agent/A1/speak"),
    ("POST", "/v1/agent/A1/add-context"),
    ("GET", "/v1/dynamics/A1"),
    ("PUT", "/v1/dynamics/A1"),
    ("POST", "/v1/dynamics/generate"),
    ("POST", "/v1/webhooks"),
    ("GET", "/v1/webhooks"),
    ("GET", "/v1/webhooks/x"),
    ("DELETE", "/v1/webhooks/x"),
    ("POST", "/v1/embed-tokens/request"),
]


@pytest.mark.parametrize(("method", "path"), AUTHENTICATED)
async def test_every_endpoint_needs_the_secret(
    api, simulator: Simulator, expect_error, method, path
) -> None:
    simulator.rate_limits = False
    expect_error(
        await api.call(method, path, auth=None, json={}),
        401,
        "MISSING_AUTH",
        "Missing api-secret header",
    )
    expect_error(
        await api.call(method, path, auth="wrong", json={}),
        401,
        "UNAUTHORIZED",
        "Invalid API secret",
    )


async def test_validate_never_401(api, simulator: Simulator) -> None:
    assert (await api.post("/v1/validate")).body == {"valid": True}
    reply = await api.post("/v1/validate", auth="wrong")
    assert (reply.status, reply.body) == (200, {"valid": False})
    reply = await api.post("/v1/validate", auth=None)
    assert (reply.status, reply.body) == (200, {"valid": False})
    assert "X-RateLimit-Limit" not in reply.headers
    simulator.set_account_status("u-1", "suspended")
    assert (await api.post("/v1/validate")).body == {"valid": False}


async def test_suspended_account(api, simulator: Simulator, expect_error) -> None:
    simulator.set_account_status("u-1", "suspended")
    expect_error(await api.get("/v1/me"), 401, "ACCOUNT_SUSPENDED")


async def test_rotated_secret(api, simulator: Simulator, expect_error) -> None:
    simulator.add_secret("u-1", "secret-new")
    assert (await api.get("/v1/me", auth="secret-new")).status == 200
    simulator.revoke_secret("secret-123")
    expect_error(await api.get("/v1/me"), 401, "UNAUTHORIZED")


async def test_me_shape(api, simulator: Simulator) -> None:
    simulator.set_credits("u-1", 1000, topup_credits=240.5)
    reply = await api.get("/v1/me")
    assert reply.status == 200
    assert reply.body == {
        "data": {
            "user_id": "u-1",
            "email": "ada@example.com",
            "plan": "pro",
            "plan_code": "membership_pro",
            "credit_balance": 1240,
            "plan_credits_remaining": 1000,
            "topup_credits_remaining": 240,
            "account_status": "active",
            "upgrade_url": "https://www.bithuman.ai/pricing",
            "pricing_url": "https://www.bithuman.ai/pricing",
        },
        "status": "success",
        "status_code": 200,
    }
    assert "success" not in reply.body


async def test_credit_summaries_shape(api, simulator: Simulator) -> None:
    simulator.set_credits("u-1", 99, topup_credits=1743)
    reply = await api.get("/v2/credit-summaries", params={"user_id": "someone-else"})
    assert reply.body["success"] is True
    data = reply.body["data"]
    assert data["user_id"] == "u-1"
    assert data["balance"] == 1842.0
    assert isinstance(data["balance"], float)
    assert (data["plan_credits"], data["topup_credits"]) == (99.0, 1743.0)
    assert data["is_enterprise"] is False
    assert data["isEnterprisePlanUser"] is False
    assert data["minutes_estimate"]["essence_2_cloud"] == 460
    assert data["minutes_estimate"]["camera_chat"] == 61
    assert data["minutes_estimate"]["essence_1_self_hosted"] == 1842


async def test_negative_balance_has_no_minutes(simulator: Simulator, account) -> None:
    from bithuman_simulator.views import credit_summary_object

    simulator.set_credits("u-1", -5)
    assert set(credit_summary_object(account)["minutes_estimate"].values()) == {0}


async def test_enterprise_flag(api, simulator: Simulator) -> None:
    simulator.add_account("ent", user_id="u-e", plan="enterprise")
    data = (await api.get("/v2/credit-summaries", auth="ent")).body["data"]
    assert data["is_enterprise"] is True


def _claims(token: str) -> dict:
    payload = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


async def test_embed_token(api, simulator: Simulator) -> None:
    simulator.add_agent("u-1", code="A1", model="essence-2")
    reply = await api.post(
        "/v1/embed-tokens/request", json={"agent_id": "A1", "fingerprint": "9f3c"}
    )
    assert reply.status == 200
    assert reply.body["status"] == "success"
    assert reply.body["status_code"] == 200
    data = reply.body["data"]
    assert data["supported_models"] == ["essence-2", "essence-2-max"]
    assert data["sid"]
    assert "model" not in data
    claims = _claims(data["token"])
    assert claims["agent_code"] == "A1"
    assert claims["exp"] - claims["iat"] == 3600
    with_model = await api.post(
        "/v1/embed-tokens/request",
        json={"agent_id": "A1", "fingerprint": "9f3c", "model": "essence-2-gpu"},
    )
    assert with_model.body["data"]["model"] == "essence-2-gpu"
    assert _claims(with_model.body["data"]["token"])["model"] == "essence-2-gpu"


@pytest.mark.parametrize(
    ("body", "status", "code", "message"),
    [
        pytest.param(
            {"agent_id": "A1", "fingerprint": "9f3c", "model": "expression-2"},
            409,
            "MODEL_NOT_GENERATED",
            "agent A1's expression-2 model hasn't been generated yet",
            id="model-not-generated",
        ),
        pytest.param(
            {"agent_id": "A1", "fingerprint": "9f3c", "model": "bogus"},
            400,
            "VALIDATION_ERROR",
            None,
            id="unknown-model",
        ),
        pytest.param(
            {"agent_id": "A1"},
            400,
            "MISSING_PARAM",
            "Missing required field: fingerprint",
            id="no-fingerprint",
        ),
        pytest.param(
            {"agent_id": "A9", "fingerprint": "x"},
            404,
            "NOT_FOUND",
            None,
            id="no-agent",
        ),
    ],
)
async def test_embed_token_refusals(
    api, simulator: Simulator, expect_error, body, status, code, message
) -> None:
    simulator.add_agent("u-1", code="A1", model="essence-2")
    reply = await api.post("/v1/embed-tokens/request", json=body)
    expect_error(reply, status, code, message)


async def test_webhooks_lifecycle(api, simulator: Simulator, expect_error) -> None:
    created = await api.post(
        "/v1/webhooks",
        json={
            "url": "https://example.com/hook",
            "events": ["agent.ready", "agent.failed"],
            "description": "prod",
        },
    )
    assert created.status == 200
    assert created.body["success"] is True
    hook = created.body["data"]
    assert hook["secret"].startswith("whsec_")
    assert hook["active"] is True
    assert hook["events"] == ["agent.ready", "agent.failed"]
    assert hook["description"] == "prod"
    listed = await api.get("/v1/webhooks")
    assert [h["id"] for h in listed.body["data"]] == [hook["id"]]
    assert "secret" not in listed.body["data"][0]
    fetched = await api.get(f"/v1/webhooks/{hook['id']}")
    assert fetched.body["data"]["url"] == "https://example.com/hook"
    assert "secret" not in fetched.body["data"]
    deleted = await api.delete(f"/v1/webhooks/{hook['id']}")
    assert deleted.body == {"success": True, "deleted": True}
    expect_error(await api.get(f"/v1/webhooks/{hook['id']}"), 404, "NOT_FOUND")
    expect_error(await api.delete(f"/v1/webhooks/{hook['id']}"), 404, "NOT_FOUND")


async def test_webhook_all_events_and_no_rate_limit(api, simulator: Simulator) -> None:
    reply = await api.post("/v1/webhooks", json={"url": "http://127.0.0.1/h"})
    assert reply.body["data"]["events"] == []
    assert reply.body["data"]["description"] is None
    assert "X-RateLimit-Limit" not in reply.headers


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({}, "MISSING_PARAM"),
        ({"url": "ftp://x"}, "VALIDATION_ERROR"),
        ({"url": "https://x", "events": "agent.ready"}, "VALIDATION_ERROR"),
        ({"url": "https://x", "events": ["agent.deleted"]}, "VALIDATION_ERROR"),
        ({"url": "https://x", "events": [1]}, "VALIDATION_ERROR"),
        ({"url": "https://x", "description": 3}, "VALIDATION_ERROR"),
    ],
)
async def test_webhook_validation(api, expect_error, body, code) -> None:
    expect_error(await api.post("/v1/webhooks", json=body), 400, code)


async def test_foreign_webhook_is_not_found(
    api, simulator: Simulator, expect_error
) -> None:
    other = simulator.add_account("other", user_id="u-2")
    hook = simulator.add_webhook(other, "https://x", [], None)
    expect_error(await api.get(f"/v1/webhooks/{hook.id}"), 404, "NOT_FOUND")
    assert (await api.get("/v1/webhooks")).body["data"] == []


async def test_unknown_route_and_method(api, expect_error) -> None:
    expect_error(
        await api.get("/v1/nothing-here"), 404, "NOT_FOUND", "Endpoint not found"
    )
    expect_error(await api.call("PATCH", "/v1/agents"), 405, "METHOD_NOT_ALLOWED")


async def test_account_helpers(simulator: Simulator) -> None:
    simulator.add_account("s1", user_id="u-1")
    with pytest.raises(ValueError, match="secret"):
        simulator.add_account("s1")
    with pytest.raises(ValueError, match="exists"):
        simulator.add_account("s2", user_id="u-1")
    with pytest.raises(ValueError, match="secret"):
        simulator.add_secret("u-1", "s1")
    with pytest.raises(KeyError):
        simulator.account("nobody")
    generated = simulator.add_account("s3")
    assert generated.email == f"{generated.user_id}@example.com"
    assert simulator.account("s3") is generated
