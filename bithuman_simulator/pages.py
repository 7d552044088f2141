"""What the simulator serves besides the API: the embed page and portraits.

- `GET /embed/{code}?token=...` (no api-secret, as on bitHuman): with a valid
  embed token for that agent, a page showing a stand-in avatar (its name in
  `<h1 id="agent-name">` and its portrait); otherwise a 401/403 page saying
  why. Opening it starts a live session (unless `embed_starts_sessions` is
  off); the page keeps it open with a heartbeat (`POST .../heartbeat`) and
  ends it when it goes away (`POST .../leave`). It loads nothing from any
  other origin.
- `GET /assets/{code}/{file}`: an agent's generated portrait (SVG).
- `GET /`: the simulator's own home page (where a device's "Visit" link
  leads when Home Assistant uses the simulator): its accounts and agents.
"""

import html
from typing import TYPE_CHECKING

from aiohttp import web

from .embed import EmbedTokenError, verify_token
from .generation import snapshot
from .portraits import ASSETS_PATH, SVG_CONTENT_TYPE, portrait_svg
from .routing import SIMULATOR_KEY

if TYPE_CHECKING:
    from .embed import EmbedClaims
    from .records import AgentRecord
    from .simulator import Simulator

CONTENT_SECURITY_POLICY = (
    "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; "
    "script-src 'unsafe-inline'; connect-src 'self'"
)
HEARTBEAT_SECONDS = 15
STYLE = (
    "body{margin:0;min-height:100vh;display:flex;align-items:center;"
    "justify-content:center;background:#101418;color:#f2f4f5;"
    "font-family:system-ui,sans-serif}main{text-align:center;padding:1rem}"
    "img{width:min(60vw,320px);aspect-ratio:1;border-radius:50%}"
)
HEARTBEAT_SCRIPT = (
    "const q=location.search,p=location.pathname;"
    "setInterval(()=>fetch(p+'/heartbeat'+q,{method:'POST'}).catch(()=>{}),"
    f"{HEARTBEAT_SECONDS * 1000});"
    "addEventListener('pagehide',()=>navigator.sendBeacon(p+'/leave'+q));"
)


class RefusalError(Exception):
    """An embed request the page refuses, with the status and why."""

    def __init__(self, status: int, reason: str) -> None:
        """Describe the refusal."""
        super().__init__(reason)
        self.status = status
        self.reason = reason


def _page(title: str, body: str, status: int = 200) -> web.Response:
    document = (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width,initial-scale=1">'
        f"<title>{html.escape(title)}</title><style>{STYLE}</style></head>"
        f"<body>{body}</body></html>"
    )
    return web.Response(
        status=status,
        text=document,
        content_type="text/html",
        headers={"Content-Security-Policy": CONTENT_SECURITY_POLICY},
    )


def _refusal(error: RefusalError) -> web.Response:
    body = (
        '<main><h1 id="embed-error">This avatar cannot be shown</h1>'
        f'<p id="reason">{html.escape(error.reason)}</p></main>'
    )
    return _page("bitHuman embed", body, error.status)


def _checked(
    request: web.Request, *, check_expiry: bool = True
) -> tuple[Simulator, AgentRecord, EmbedClaims]:
    """Return the agent and claims of an embed request, or raise the refusal."""
    sim = request.app[SIMULATOR_KEY]
    sim.settle()
    code = request.match_info["code"]
    now = sim.now() if check_expiry else float("-inf")
    try:
        claims = verify_token(request.query.get("token"), code, now)
    except EmbedTokenError as err:
        raise RefusalError(err.status, err.reason) from None
    agent = sim.agents.get(code)
    if agent is None:
        raise RefusalError(404, "This agent does not exist.")
    if agent.owner != claims.user_id:
        raise RefusalError(403, "This embed token is for another account.")
    return sim, agent, claims


async def embed_page(request: web.Request) -> web.Response:
    """`GET /embed/{code}?token=...`: the stand-in avatar, or why not."""
    try:
        sim, agent, claims = _checked(request)
    except RefusalError as err:
        return _refusal(err)
    state = snapshot(agent.plan, sim.now())
    if not state.terminal or state.status == "failed":
        return _refusal(RefusalError(409, "This agent is not ready yet."))
    session = sim.open_embed_session(agent, claims)
    room = "" if session is None else session.room_name
    name = html.escape(agent.name)
    body = (
        f'<main id="avatar" data-agent-code="{html.escape(agent.code)}" '
        f'data-room="{html.escape(room)}">'
        f'<img id="portrait" alt="{name}" '
        f'src="{ASSETS_PATH}/{html.escape(agent.code)}/{agent.portrait.file}">'
        f'<h1 id="agent-name">{name}</h1>'
        '<p id="status">Simulated bitHuman avatar: listening</p></main>'
        f"<script>{HEARTBEAT_SCRIPT}</script>"
    )
    return _page(f"{agent.name} · bitHuman", body)


async def embed_heartbeat(request: web.Request) -> web.Response:
    """`POST /embed/{code}/heartbeat`: keep the page's session open (410: gone)."""
    try:
        sim, _agent, claims = _checked(request, check_expiry=False)
    except RefusalError as err:
        return web.Response(status=err.status, text=err.reason)
    alive = sim.session_book.heartbeat(claims.sid, sim.now())
    return web.Response(status=204 if alive else 410)


async def embed_leave(request: web.Request) -> web.Response:
    """`POST /embed/{code}/leave`: the page went away; end its session."""
    try:
        sim, _agent, claims = _checked(request, check_expiry=False)
    except RefusalError as err:
        return web.Response(status=err.status, text=err.reason)
    session = sim.session_book.embed_session(claims.sid)
    if session is not None:
        sim.session_book.end(session, sim.now(), "viewer-left")
    return web.Response(status=204)


async def portrait(request: web.Request) -> web.Response:
    """`GET /assets/{code}/{file}`: a portrait the agent has (or had)."""
    sim = request.app[SIMULATOR_KEY]
    agent = sim.agents.get(request.match_info["code"])
    color = (
        None
        if agent is None
        else agent.portrait.history.get(request.match_info["file"])
    )
    if agent is None or color is None:
        return web.Response(status=404, text="Not Found")
    return web.Response(
        body=portrait_svg(agent.name, color),
        content_type=SVG_CONTENT_TYPE,
        headers={"Cache-Control": "public, max-age=31536000, immutable"},
    )


async def home(request: web.Request) -> web.Response:
    """`GET /`: what this simulator holds, and where to drive it."""
    sim = request.app[SIMULATOR_KEY]
    sim.settle()
    rows = "".join(
        f"<li><code>{html.escape(code)}</code> {html.escape(agent.name)}</li>"
        for code, agent in sorted(sim.agents.items())
    )
    return _page(
        "bitHuman API simulator",
        "<main><h1>bitHuman API simulator</h1>"
        f"<p>{len(sim.accounts)} account(s), {len(sim.agents)} agent(s):</p>"
        f"<ul>{rows}</ul>"
        '<p><a href="/_simulator/state">/_simulator/state</a></p></main>',
    )


def register(router: web.UrlDispatcher) -> None:
    """Add the home page, the embed page and the portraits."""
    router.add_get("/", home)
    router.add_get("/embed/{code}", embed_page)
    router.add_post("/embed/{code}/heartbeat", embed_heartbeat)
    router.add_post("/embed/{code}/leave", embed_leave)
    router.add_get(ASSETS_PATH + "/{code}/{file}", portrait)
