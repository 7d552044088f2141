"""Embed tokens and the embed page; portraits served by the simulator."""

import base64
import json
import re

import pytest

from bithuman_simulator import ManualClock, Simulator
from bithuman_simulator.embed import EmbedTokenError, mint_token, verify_token


async def mint(api, code: str = "A1", fingerprint: str = "9f3c8b1a") -> str:
    reply = await api.post(
        "/v1/embed-tokens/request", json={"agent_id": code, "fingerprint": fingerprint}
    )
    assert reply.status == 200, reply.text
    return reply.body["data"]["token"]


def path_of(url: str) -> str:
    """Return the path of a URL on the served simulator."""
    return "/" + url.split("/", 3)[3]


def claims(token: str) -> dict:
    payload = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


async def test_token_is_bound_to_agent_and_visitor(api, simulator: Simulator) -> None:
    simulator.add_agent("u-1", code="A1")
    token = await mint(api, fingerprint="abc123")
    bound = claims(token)
    assert (bound["agent_code"], bound["fingerprint"], bound["sub"]) == (
        "A1",
        "abc123",
        "u-1",
    )
    assert bound["exp"] - bound["iat"] == 3600


async def test_embed_page_shows_the_avatar(
    api, simulator: Simulator, sim_clock: ManualClock
) -> None:
    simulator.add_agent("u-1", code="A1", name="Front Door & Co")
    token = await mint(api)
    reply = await api.get(f"/embed/A1?token={token}", auth=None)
    assert reply.status == 200
    assert reply.headers["Content-Type"].startswith("text/html")
    assert '<h1 id="agent-name">Front Door &amp; Co</h1>' in reply.text
    [src] = re.findall(r'<img id="portrait"[^>]* src="([^"]+)"', reply.text)
    portrait = await api.get(src, auth=None)
    assert portrait.status == 200
    assert portrait.headers["Content-Type"] == "image/svg+xml"
    assert ">FD<" in portrait.text
    urls = re.findall(r"(?:https?:)?//[^\s\"'<>]+", reply.text)
    assert urls == []
    assert "default-src 'none'" in reply.headers["Content-Security-Policy"]
    assert "X-Request-Id" in reply.headers
    assert simulator.count() == 1
    assert [entry.path for entry in simulator.page_log.entries] == [
        "/embed/A1",
        src,
    ]
    assert "token" in simulator.page_log.entries[0].query


async def test_embed_page_opens_a_live_session(
    api, simulator: Simulator, sim_clock: ManualClock
) -> None:
    simulator.add_agent("u-1", code="A1")
    token = await mint(api)
    await api.get(f"/embed/A1?token={token}", auth=None)
    await api.get(f"/embed/A1?token={token}", auth=None)
    [session] = simulator.sessions("u-1", live=True)
    assert session.key_alias == "embed"
    assert simulator.agent("A1").live_rooms == [session.room_name]
    spoken = await api.post("/v1/agent/A1/speak", json={"message": "Hi"})
    assert spoken.body["delivered_to_rooms"] == 1
    sim_clock.advance(50)
    beat = await api.post(f"/embed/A1/heartbeat?token={token}", auth=None)
    assert beat.status == 204
    sim_clock.advance(50)
    assert simulator.session(session.id).live
    sim_clock.advance(61)
    ended = simulator.session(session.id)
    assert (ended.live, ended.end_reason) == (False, "viewer-left")
    assert ended.ended_at == ended.started_at + 50 + 60
    gone = await api.post(f"/embed/A1/heartbeat?token={token}", auth=None)
    assert gone.status == 410


async def test_leaving_ends_the_session(api, simulator: Simulator) -> None:
    simulator.add_agent("u-1", code="A1")
    token = await mint(api)
    await api.get(f"/embed/A1?token={token}", auth=None)
    left = await api.post(f"/embed/A1/leave?token={token}", auth=None)
    assert left.status == 204
    assert simulator.sessions("u-1", live=True) == []
    again = await api.post(f"/embed/A1/leave?token={token}", auth=None)
    assert again.status == 204
    refused = await api.post("/embed/A1/leave?token=x", auth=None)
    assert refused.status == 401
    refused = await api.post("/embed/A1/heartbeat", auth=None)
    assert refused.status == 401


async def test_sessions_can_be_left_out(api, simulator: Simulator) -> None:
    simulator.add_agent("u-1", code="A1")
    simulator.settings.embed_starts_sessions = False
    token = await mint(api)
    reply = await api.get(f"/embed/A1?token={token}", auth=None)
    assert reply.status == 200
    assert simulator.sessions() == []


async def test_refused_tokens(
    api, simulator: Simulator, sim_clock: ManualClock
) -> None:
    simulator.add_agent("u-1", code="A1")
    simulator.add_agent("u-1", code="A2")
    token = await mint(api, "A1")
    cases = {
        "/embed/A1": (401, "needs a token"),
        "/embed/A1?token=": (401, "needs a token"),
        "/embed/A1?token=abc": (401, "invalid"),
        f"/embed/A1?token={token[:-2]}xx": (401, "invalid"),
        f"/embed/A2?token={token}": (403, "another agent"),
    }
    for path, (status, reason) in cases.items():
        reply = await api.get(path, auth=None)
        assert reply.status == status, path
        assert 'id="embed-error"' in reply.text
        assert reason in reply.text
    sim_clock.advance(3600)
    expired = await api.get(f"/embed/A1?token={token}", auth=None)
    assert expired.status == 401
    assert "expired" in expired.text
    assert simulator.sessions() == []


async def test_embed_page_for_missing_foreign_or_unready_agents(
    api, simulator: Simulator
) -> None:
    simulator.add_agent("u-1", code="A1")
    simulator.add_agent("u-1", code="A2", status="generating")
    simulator.add_agent("u-1", code="A3", status="failed")
    deleted = await mint(api, "A1")
    simulator.delete_agent("A1")
    assert (await api.get(f"/embed/A1?token={deleted}", auth=None)).status == 404
    for code in ("A2", "A3"):
        token = await mint(api, code)
        reply = await api.get(f"/embed/{code}?token={token}", auth=None)
        assert reply.status == 409
        assert "not ready" in reply.text
    simulator.add_account("other", user_id="u-2")
    simulator.add_agent("u-2", code="B1")
    forged, _ = mint_token("u-1", "B1", "ff", simulator.now(), None)
    assert (await api.get(f"/embed/B1?token={forged}", auth=None)).status == 403


@pytest.mark.parametrize(
    "payload",
    [
        b"not json",
        b"[1]",
        b'{"exp": "soon"}',
        b'{"exp": 99999999999, "agent_code": 5}',
    ],
)
def test_verify_rejects_odd_claims(payload: bytes) -> None:
    from bithuman_simulator import embed

    header = embed._b64(b'{"alg":"HS256"}')
    body = embed._b64(payload)
    token = f"{header}.{body}.{embed._sign(f'{header}.{body}')}"
    with pytest.raises(EmbedTokenError) as caught:
        verify_token(token, "A1", 0)
    assert caught.value.status == 401


def test_verify_keeps_the_model() -> None:
    token, sid = mint_token("u", "A1", "ff", 100, "essence-2-max")
    verified = verify_token(token, "A1", 200)
    assert (verified.model, verified.sid, verified.expires_at) == (
        "essence-2-max",
        sid,
        3700,
    )


async def test_portrait_urls_follow_the_origin(
    api, simulator: Simulator, simulator_url: str
) -> None:
    simulator.add_agent("u-1", code="A1", name="Kitchen Helper")
    image_url = (await api.get("/v1/agent/A1")).body["data"]["image_url"]
    assert image_url.startswith(f"{simulator_url}/assets/A1/image_")
    assert re.search(r"/image_\d{8}_\d{6}_000001\.svg$", image_url)
    assert simulator.agent_json("A1")["image_url"] == image_url
    other_origin = image_url.replace("127.0.0.1", "localhost")
    listed = await api.get("/v1/agents", headers={"Host": other_origin.split("/")[2]})
    assert listed.body["data"][0]["image_url"] == other_origin
    served = await api.get(path_of(image_url), auth=None)
    assert "KH" in served.text
    assert served.headers["Cache-Control"].startswith("public")


async def test_changing_the_portrait_changes_the_url(
    api, simulator: Simulator, sim_clock: ManualClock
) -> None:
    simulator.add_agent("u-1", code="A1")
    before = (await api.get("/v1/agent/A1")).body["data"]["image_url"]
    after = simulator.set_portrait("A1", color="#112233")
    assert after != before
    assert (await api.get("/v1/agent/A1")).body["data"]["image_url"] == after
    assert "#112233" in (await api.get(path_of(after), auth=None)).text
    assert (await api.get(path_of(before), auth=None)).status == 200
    via_control = await api.put("/_simulator/agents/A1/portrait", json={}, auth=None)
    assert via_control.body["image_url"] not in {before, after}
    bad = await api.put(
        "/_simulator/agents/A1/portrait", json={"color": "red"}, auth=None
    )
    assert bad.status == 400


async def test_unknown_portraits_and_explicit_urls(api, simulator: Simulator) -> None:
    simulator.add_agent("u-1", code="A1", image_url="https://cdn.example/a1.jpg")
    assert (await api.get("/v1/agent/A1")).body["data"]["image_url"] == (
        "https://cdn.example/a1.jpg"
    )
    assert (await api.get("/assets/A1/image_x.svg", auth=None)).status == 404
    assert (await api.get("/assets/A9/image_x.svg", auth=None)).status == 404
    simulator.set_portrait("A1")
    assert "/assets/A1/" in simulator.agent_json("A1")["image_url"]


def test_image_url_without_a_server() -> None:
    sim = Simulator(clock=ManualClock())
    sim.add_account("s", user_id="u")
    sim.add_agent("s", code="A1")
    assert sim.agent_json("A1")["image_url"].startswith(
        "https://assets.bithuman.ai/A1/image_"
    )
