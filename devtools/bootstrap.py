"""Bring a running Home Assistant to a usable state through its HTTP API.

The same calls the frontend makes: the onboarding views (owner account, core
config, analytics, integrations), the login flow and `/auth/token`, then the
bitHuman config flow through the config-entry flow views. Nothing is written
under `.storage` here.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
import json
import time
from typing import Any, Final, Literal

import aiohttp

DOMAIN: Final = "bithuman"
DEV_NAME: Final = "Developer"
DEV_USERNAME: Final = "dev"
DEV_PASSWORD: Final = "bithuman-dev"
LANGUAGE: Final = "en"
COUNTRY: Final = "US"  # set as the onboarding form does; unset, it is a repair
ONBOARDING_STEPS: Final = ("user", "core_config", "analytics", "integration")
# Onboarding's core-config step adds these (weather, radio, speech, shopping
# list); a development instance of bitHuman has no use for them.
ONBOARDING_DEFAULT_DOMAINS: Final = frozenset(
    {"google_translate", "met", "radio_browser", "shopping_list"}
)
# Seconds to keep looking for them when the bitHuman entry was not set up.
ONBOARDING_SETTLE: Final = 3.0
# Config entry states on the way to an outcome of its setup.
UNSETTLED_STATES: Final = frozenset({None, "not_loaded", "setup_in_progress"})
REQUEST_TIMEOUT: Final = aiohttp.ClientTimeout(total=30)
PROBE_TIMEOUT: Final = aiohttp.ClientTimeout(total=5)
WS_TIMEOUT: Final = aiohttp.ClientWSTimeout(ws_receive=30, ws_close=5)

type Check = Callable[[], None]
"""Raises if something the wait depends on (a child process) is gone."""
type PhaseCallback = Callable[[str, float], None]
"""Told each finished phase: what happened and how many seconds it took."""
type EntryOutcome = Literal["created", "existing", "skipped", "unknown"]


class BootstrapError(Exception):
    """Home Assistant did not get where the bootstrap takes it."""


@dataclass(frozen=True, slots=True)
class Credentials:
    """The local owner account created on first start."""

    name: str = DEV_NAME
    username: str = DEV_USERNAME
    password: str = DEV_PASSWORD


@dataclass(slots=True)
class BootstrapResult:
    """Where the bootstrap left Home Assistant."""

    access_token: str | None = None
    onboarded_now: list[str] = field(default_factory=list)
    entry: EntryOutcome = "unknown"
    entry_title: str | None = None
    entry_problem: str | None = None
    """Why the entry is not loaded (its state and reason), if it is not."""
    agents: int = 0
    entities: int = 0
    devices: int = 0


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
            if step == "core_config":
                # The onboarding form saves the location settings first.
                await self.websocket_command("config/core/update", country=COUNTRY)
            if step == "integration":
                payload = {
                    "client_id": self.client_id,
                    "redirect_uri": self.redirect_uri,
                }
            await self.request("POST", f"/api/onboarding/{step}", payload=payload)
            done_now.append(step)
        return done_now

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


async def _wait_entry_set_up(
    api: HomeAssistantApi, entry_id: str, *, within: float, check: Check | None
) -> dict[str, Any]:
    """Wait until the entry's setup has an outcome; return the entry."""
    entry: dict[str, Any] = {}

    async def settled() -> bool:
        nonlocal entry
        entries = await api.config_entries()
        entry = next((item for item in entries if item["entry_id"] == entry_id), {})
        return entry.get("state") not in UNSETTLED_STATES

    await wait_until(
        settled, what="the bitHuman entry to be set up", within=within, check=check
    )
    return entry


async def _set_up_bithuman_entry(
    api: HomeAssistantApi,
    result: BootstrapResult,
    *,
    api_url: str,
    api_secret: str,
    add_entry: bool,
    within: float,
    check: Check | None,
    phase: Callable[[str], None],
) -> None:
    """Find or add the bitHuman entry, wait for its setup; fill in `result`."""
    entries = await api.config_entries()
    if entries:
        entry = entries[0]
        result.entry = "existing"
    elif add_entry:
        entry = await api.add_bithuman_entry(api_secret, api_url)
        result.entry = "created"
    else:
        result.entry = "skipped"
        phase("No bitHuman entry added (--no-entry): add it from the UI")
        return
    result.entry_title = entry.get("title")
    phase(
        f"bitHuman entry {result.entry_title!r} "
        + ("added" if result.entry == "created" else "already configured")
    )

    entry = await _wait_entry_set_up(api, entry["entry_id"], within=within, check=check)
    result.agents = int(entry.get("num_subentries", 0))
    if (state := entry.get("state")) != "loaded":
        result.entry_problem = f"{state}: {entry.get('reason') or 'see the log'}"
        phase(f"bitHuman entry NOT loaded ({result.entry_problem})")
        return
    entities = "integration_entities('bithuman')"
    result.entities = int(await api.render(f"{{{{ {entities} | count }}}}"))
    result.devices = int(
        await api.render(
            f"{{{{ {entities} | map('device_id') | reject('none')"
            " | unique | list | count }}"
        )
    )
    phase(
        f"bitHuman entry loaded: {result.entities} entities on {result.devices} devices"
    )


async def _remove_onboarding_defaults(
    api: HomeAssistantApi, *, settle: float
) -> list[str]:
    """Delete the entries onboarding adds in the background; return their domains.

    Its flows run as tasks started by the core-config step: long finished once
    the bitHuman entry has loaded (`settle` 0); otherwise keep looking for
    `settle` seconds.
    """
    removed = await api.remove_entries(ONBOARDING_DEFAULT_DOMAINS)
    deadline = time.monotonic() + settle
    while time.monotonic() < deadline:
        await asyncio.sleep(0.5)
        removed += await api.remove_entries(ONBOARDING_DEFAULT_DOMAINS)
    return removed


async def bootstrap(
    base_url: str,
    *,
    api_url: str,
    api_secret: str,
    credentials: Credentials | None = None,
    add_entry: bool = True,
    check: Check | None = None,
    on_phase: PhaseCallback | None = None,
    start_timeout: float = 120.0,
    step_timeout: float = 60.0,
) -> BootstrapResult:
    """Take a starting Home Assistant to "logged in, bitHuman entry loaded".

    Waits for the web server, onboards (first start) or logs in (later starts),
    waits for the bitHuman config-flow handler (custom integrations load after
    the web server answers), adds the entry pointing at `api_url` with every
    agent unless one exists (or `add_entry` is False), and waits until it is
    loaded. `check` is called while waiting (to notice a dead process).
    """
    credentials = credentials or Credentials()
    result = BootstrapResult()
    # Set once onboarding ran its core-config step in this run.
    onboarding_defaults = False
    started = time.monotonic()

    def phase(label: str) -> None:
        nonlocal started
        if on_phase is not None:
            on_phase(label, time.monotonic() - started)
        started = time.monotonic()

    async with aiohttp.ClientSession() as session:
        api = HomeAssistantApi(session, base_url)
        await wait_until(
            api.answers,
            what=f"Home Assistant to answer at {base_url}",
            within=start_timeout,
            check=check,
        )
        phase(f"Home Assistant answers at {base_url}")

        status = await api.onboarding_status()
        if not status.get("user"):
            await api.create_owner(credentials)
            result.onboarded_now.append("user")
        elif not await api.login(credentials):
            phase(
                f"Could not log in as {credentials.username!r} (password changed?);"
                " not checking the bitHuman entry"
            )
            return result
        result.onboarded_now += await api.finish_onboarding(status)
        onboarding_defaults = "core_config" in result.onboarded_now
        result.access_token = api.access_token
        if result.onboarded_now:
            phase(
                f"Onboarding done: owner {credentials.username!r},"
                f" steps {', '.join(result.onboarded_now)}"
            )
        else:
            phase(f"Logged in as {credentials.username!r} (onboarded before)")

        async def handler_ready() -> bool:
            return DOMAIN in await api.flow_handlers()

        await wait_until(
            handler_ready,
            what="the bitHuman config flow",
            within=step_timeout,
            check=check,
        )
        phase("bitHuman integration found")

        await _set_up_bithuman_entry(
            api,
            result,
            api_url=api_url,
            api_secret=api_secret,
            add_entry=add_entry,
            within=step_timeout,
            check=check,
            phase=phase,
        )
        if onboarding_defaults and (
            removed := await _remove_onboarding_defaults(
                api, settle=0.0 if result.entities else ONBOARDING_SETTLE
            )
        ):
            phase(f"Removed what onboarding adds by default: {', '.join(removed)}")
    return result
