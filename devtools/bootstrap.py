"""Bring a running Home Assistant to a usable state through its HTTP API.

The same calls the frontend makes: the onboarding views (owner account, core
config, analytics, integrations), the login flow and `/auth/token`, then the
bitHuman config flow through the config-entry flow views. Nothing is written
under `.storage` here (`config_dir` prepares a fresh directory so that the
core-config step is done already: that step starts flows that add weather,
radio, speech and shopping-list entries in the background, at a moment no
client can observe; they would have to be removed after an unknowable delay).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
import time
from typing import Any, Final, Literal

import aiohttp

from .assist import ensure_assist_voice
from .dashboard import DASHBOARD_TITLE, DASHBOARD_URL_PATH, ensure_avatar_dashboard
from .ha_api import (
    DEV_PASSWORD,
    DEV_USERNAME,
    DOMAIN,
    ONBOARDING_STEPS,
    BootstrapError,
    Check,
    Credentials,
    HomeAssistantApi,
    wait_for_url,
    wait_until,
)

__all__ = [
    "DEV_PASSWORD",
    "DEV_USERNAME",
    "ONBOARDING_STEPS",
    "BootstrapError",
    "BootstrapResult",
    "Credentials",
    "HomeAssistantApi",
    "bootstrap",
    "wait_for_url",
]

# Onboarding's core-config step adds these (weather, radio, speech, shopping
# list); a development instance of bitHuman has no use for them.
ONBOARDING_DEFAULT_DOMAINS: Final = frozenset(
    {"google_translate", "met", "radio_browser", "shopping_list"}
)
# Seconds to keep looking for them when the bitHuman entry was not set up.
ONBOARDING_SETTLE: Final = 3.0
# Config entry states on the way to an outcome of its setup.
UNSETTLED_STATES: Final = frozenset({None, "not_loaded", "setup_in_progress"})

type PhaseCallback = Callable[[str, float], None]
"""Told each finished phase: what happened and how many seconds it took."""
type EntryOutcome = Literal["created", "existing", "skipped", "unknown"]


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
    dashboard: str | None = None
    """The Avatars dashboard's URL path, once it exists."""
    assist_voice: str | None = None
    """What became of the preferred Assist pipeline's TTS (see `devtools.assist`)."""


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
    if (outcome := await ensure_avatar_dashboard(api)) != "no_agents":
        result.dashboard = DASHBOARD_URL_PATH
        phase(
            f"Dashboard {DASHBOARD_TITLE!r} (/{DASHBOARD_URL_PATH}) "
            + (
                "added with an avatar card per agent"
                if outcome == "created"
                else "kept"
            )
        )
    result.assist_voice = await ensure_assist_voice(api)
    if result.assist_voice == "set":
        phase("Assist speaks with bitHuman's Voice (the preferred pipeline's TTS)")


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
        await api.ensure_country()
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
