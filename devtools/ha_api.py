"""The part of Home Assistant's HTTP and websocket API the dev tools use.

The same calls the frontend makes: onboarding views, the login flow and
`/auth/token`, config entries and their flows, states, templates, and one
websocket command at a time.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
import json
import time
from typing import Any, Final

import aiohttp

DOMAIN: Final = "bithuman"
DEV_NAME: Final = "Developer"
DEV_USERNAME: Final = "dev"
DEV_PASSWORD: Final = "bithuman-dev"
LANGUAGE: Final = "en"
COUNTRY: Final = "US"  # set as the onboarding form does; unset, it is a repair
ONBOARDING_STEPS: Final = ("user", "core_config", "analytics", "integration")
REQUEST_TIMEOUT: Final = aiohttp.ClientTimeout(total=30)
PROBE_TIMEOUT: Final = aiohttp.ClientTimeout(total=5)
WS_TIMEOUT: Final = aiohttp.ClientWSTimeout(ws_receive=30, ws_close=5)

type Check = Callable[[], None]
"""Raises if something the wait depends on (a child process) is gone."""


class BootstrapError(Exception):
    """Home Assistant did not get where the bootstrap takes it."""


@dataclass(frozen=True, slots=True)
class Credentials:
    """The local owner account created on first start."""

    name: str = DEV_NAME
    username: str = DEV_USERNAME
    password: str = DEV_PASSWORD


async def wait_until(
    probe: Callable[[], Awaitable[bool]],
    *,
    what: str,
    within: float,
    check: Check | None = None,
    interval: float = 0.2,
) -> None:
    """Poll `probe` until it answers True; BootstrapError after `within` s."""
    deadline = time.monotonic() + within
    while True:
        if check is not None:
            check()
        if await probe():
            return
        if time.monotonic() >= deadline:
            raise BootstrapError(f"Timed out after {within:.0f} s waiting for {what}")
        await asyncio.sleep(interval)


async def url_answers(
    session: aiohttp.ClientSession,
    url: str,
    statuses: frozenset[int] = frozenset({200}),
) -> bool:
    """Tell whether GET url answers now, with one of these statuses."""
    try:
        async with session.get(url, timeout=PROBE_TIMEOUT) as response:
            return response.status in statuses
    except aiohttp.ClientError, TimeoutError:
        return False


async def wait_for_url(
    url: str, *, what: str, within: float, check: Check | None = None
) -> None:
    """Wait until GET url answers 200."""
    async with aiohttp.ClientSession() as session:

        async def answers() -> bool:
            return await url_answers(session, url)

        await wait_until(answers, what=what, within=within, check=check)


class HomeAssistantApi:
    """The part of Home Assistant's HTTP API the bootstrap and the e2e test use."""

    def __init__(self, session: aiohttp.ClientSession, base_url: str) -> None:
        """Talk to the Home Assistant at base_url."""
        self.session = session
        self.base_url = base_url.rstrip("/")
        self.access_token: str | None = None
        self.tokens: dict[str, Any] = {}
        """The last `/auth/token` answer (access and refresh token, lifetime)."""

    @property
    def client_id(self) -> str:
        """The OAuth client id: the frontend's own URL, as a browser would send."""
        return f"{self.base_url}/"

    @property
    def redirect_uri(self) -> str:
        """Where a browser would be sent back after logging in."""
        return f"{self.base_url}/?auth_callback=1"

    async def request(
        self,
        method: str,
        path: str,
        *,
        payload: Any = None,
        form: dict[str, str] | None = None,
        auth: bool = True,
    ) -> Any:
        """Send a request; return its JSON (or text) body, raise on non-2xx."""
        headers: dict[str, str] = {}
        if auth:
            if self.access_token is None:
                raise BootstrapError(f"{method} {path} needs a login first")
            headers["Authorization"] = f"Bearer {self.access_token}"
        async with self.session.request(
            method,
            self.base_url + path,
            json=payload,
            data=form,
            headers=headers,
            timeout=REQUEST_TIMEOUT,
        ) as response:
            text = await response.text()
            if not 200 <= response.status < 300:
                raise BootstrapError(
                    f"{method} {path} answered {response.status}: {text[:500]}"
                )
            if response.content_type == "application/json":
                return json.loads(text)
            return text

    async def websocket_command(self, command: str, **data: Any) -> Any:
        """Send one websocket API command (logged in); return its result."""
        ws_url = "ws" + self.base_url.removeprefix("http") + "/api/websocket"
        async with self.session.ws_connect(ws_url, timeout=WS_TIMEOUT) as socket:
            await socket.receive_json()  # auth_required
            await socket.send_json({"type": "auth", "access_token": self.access_token})
            if (answer := await socket.receive_json())["type"] != "auth_ok":
                raise BootstrapError(f"Websocket login refused: {answer}")
            await socket.send_json({"id": 1, "type": command, **data})
            reply = await socket.receive_json()
        if not reply.get("success"):
            raise BootstrapError(f"Websocket {command} failed: {reply.get('error')}")
        return reply.get("result")

    async def answers(self) -> bool:
        """Tell whether the web server is up.

        The onboarding status needs no login; once onboarded it is gone (404).
        """
        return await url_answers(
            self.session, f"{self.base_url}/api/onboarding", frozenset({200, 404})
        )

    async def onboarding_status(self) -> dict[str, bool]:
        """Return each onboarding step and whether it is done."""
        async with self.session.get(
            f"{self.base_url}/api/onboarding", timeout=REQUEST_TIMEOUT
        ) as response:
            if response.status == 404:  # onboarded: the views are gone
                return dict.fromkeys(ONBOARDING_STEPS, True)
            response.raise_for_status()
            steps = await response.json()
        return {step["step"]: step["done"] for step in steps}

    async def _tokens_for(self, code: str) -> None:
        tokens = await self.request(
            "POST",
            "/auth/token",
            form={
                "grant_type": "authorization_code",
                "code": code,
                "client_id": self.client_id,
            },
            auth=False,
        )
        self.access_token = tokens["access_token"]
        self.tokens = {**tokens, "received_at": time.time()}

    def frontend_tokens(self) -> dict[str, Any]:
        """Return the login as the frontend keeps it (localStorage `hassTokens`).

        A page that finds it there starts logged in, and refreshes the access
        token with the refresh token when it expires.
        """
        if not self.tokens:
            raise BootstrapError("No login yet: nothing to hand to the frontend")
        expires_in = int(self.tokens.get("expires_in", 1800))
        return {
            "access_token": self.tokens["access_token"],
            "token_type": self.tokens.get("token_type", "Bearer"),
            "expires_in": expires_in,
            "refresh_token": self.tokens.get("refresh_token"),
            "hassUrl": self.base_url,
            "clientId": self.client_id,
            "expires": int((self.tokens["received_at"] + expires_in) * 1000),
        }

    async def create_owner(self, credentials: Credentials) -> None:
        """Do the onboarding's first step: create the owner, and log in as them."""
        answer = await self.request(
            "POST",
            "/api/onboarding/users",
            payload={
                "client_id": self.client_id,
                "name": credentials.name,
                "username": credentials.username,
                "password": credentials.password,
                "language": LANGUAGE,
            },
            auth=False,
        )
        await self._tokens_for(answer["auth_code"])

    async def login(self, credentials: Credentials) -> bool:
        """Log in through the login flow; False if the credentials are refused."""
        flow = await self.request(
            "POST",
            "/auth/login_flow",
            payload={
                "client_id": self.client_id,
                "handler": ["homeassistant", None],
                "redirect_uri": self.redirect_uri,
            },
            auth=False,
        )
        result = await self.request(
            "POST",
            f"/auth/login_flow/{flow['flow_id']}",
            payload={
                "client_id": self.client_id,
                "username": credentials.username,
                "password": credentials.password,
            },
            auth=False,
        )
        if result.get("type") != "create_entry":
            return False
        await self._tokens_for(result["result"])
        return True

    async def finish_onboarding(self, status: dict[str, bool]) -> list[str]:
        """Do the remaining (logged-in) onboarding steps; return those done now."""
        done_now: list[str] = []
        for step in ONBOARDING_STEPS[1:]:
            if status.get(step):
                continue
            payload: dict[str, str] = {}
            if step == "integration":
                payload = {
                    "client_id": self.client_id,
                    "redirect_uri": self.redirect_uri,
                }
            await self.request("POST", f"/api/onboarding/{step}", payload=payload)
            done_now.append(step)
        return done_now

    async def ensure_country(self) -> bool:
        """Set the country (as the onboarding form does) if unset; tell if it was.

        Unset, Home Assistant raises a repair asking for it.
        """
        config: dict[str, Any] = await self.request("GET", "/api/config")
        if config.get("country"):
            return False
        await self.websocket_command("config/core/update", country=COUNTRY)
        return True

    async def flow_handlers(self) -> list[str]:
        """Return the integrations that can be added through a config flow now."""
        handlers: list[str] = await self.request(
            "GET", "/api/config/config_entries/flow_handlers"
        )
        return handlers

    async def config_entries(self, domain: str | None = DOMAIN) -> list[dict[str, Any]]:
        """Return the config entries of an integration (None: of all)."""
        query = "" if domain is None else f"?domain={domain}"
        entries: list[dict[str, Any]] = await self.request(
            "GET", f"/api/config/config_entries/entry{query}"
        )
        return entries

    async def remove_entries(self, domains: frozenset[str]) -> list[str]:
        """Delete the config entries of these integrations; return their domains."""
        removed: list[str] = []
        for entry in await self.config_entries(None):
            if entry["domain"] in domains:
                await self.request(
                    "DELETE", f"/api/config/config_entries/entry/{entry['entry_id']}"
                )
                removed.append(entry["domain"])
        return removed

    async def _flow_step(
        self, result: dict[str, Any], step_id: str, user_input: dict[str, Any]
    ) -> dict[str, Any]:
        if result.get("type") != "form" or result.get("step_id") != step_id:
            raise BootstrapError(f"Expected the {step_id!r} form, got: {result}")
        answer: dict[str, Any] = await self.request(
            "POST",
            f"/api/config/config_entries/flow/{result['flow_id']}",
            payload=user_input,
        )
        if answer.get("type") == "form" and answer.get("errors"):
            raise BootstrapError(
                f"The {step_id!r} step refused the input: {answer['errors']}"
            )
        return answer

    async def add_bithuman_entry(self, api_secret: str, api_url: str) -> dict[str, Any]:
        """Run the bitHuman config flow, choosing every agent; return the entry."""
        result: dict[str, Any] = await self.request(
            "POST",
            "/api/config/config_entries/flow",
            payload={"handler": DOMAIN, "show_advanced_options": False},
        )
        result = await self._flow_step(
            result, "user", {"api_secret": api_secret, "advanced": {"api_url": api_url}}
        )
        codes = [
            option["value"]
            for item in result.get("data_schema", [])
            if item.get("name") == "agents"
            for option in item.get("selector", {}).get("select", {}).get("options", [])
        ]
        result = await self._flow_step(result, "agents", {"agents": codes})
        if result.get("type") != "create_entry":
            raise BootstrapError(f"The bitHuman config flow ended with: {result}")
        entry: dict[str, Any] = result["result"]
        return entry

    async def render(self, template: str) -> str:
        """Render a template (the REST template endpoint)."""
        text: str = await self.request(
            "POST", "/api/template", payload={"template": template}
        )
        return text

    async def states(self) -> dict[str, dict[str, Any]]:
        """Return every entity's state object, by entity id."""
        states: list[dict[str, Any]] = await self.request("GET", "/api/states")
        return {state["entity_id"]: state for state in states}
