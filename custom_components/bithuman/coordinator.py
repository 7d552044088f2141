"""Data updates for a bitHuman account: one coordinator per config entry.

A single coordinator serves every entity of an account, so the request
budget is spent once; `schedule.PollSchedule` decides which reads each poll
makes. One agent's odd or failing record makes only that agent unavailable.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from typing import TYPE_CHECKING, override

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant, callback
from homeassistant.exceptions import (
    ConfigEntryAuthFailed,
    ConfigEntryNotReady,
    HomeAssistantError,
)
from homeassistant.helpers.update_coordinator import DataUpdateCoordinator, UpdateFailed
from homeassistant.util import dt as dt_util

from .api import (
    Account,
    Agent,
    BithumanAccountSuspendedError,
    BithumanAgentNotFoundError,
    BithumanAuthenticationError,
    BithumanClient,
    BithumanConnectionError,
    BithumanError,
    BithumanRateLimitError,
    BithumanServerError,
    Dynamics,
    RuntimeSessions,
)
from .const import CONF_AGENT_CODE, DOMAIN, LOGGER, SUBENTRY_TYPE_AGENT
from .repairs import async_raise_account_suspended, async_sync_account_issues
from .schedule import NEVER, STEADY, WATCH, Picture, Plan, PollSchedule, Read

if TYPE_CHECKING:
    from .livekit import GestureSender
    from .push import Push

# Answers that concern every read of the account, not one endpoint.
ACCOUNT_ANSWERS = (
    BithumanAuthenticationError,
    BithumanAccountSuspendedError,
    BithumanRateLimitError,
)
# While rate limited, the last good data is shown for at most this long.
RATE_LIMIT_GRACE = 180.0


def read_error(
    hass: HomeAssistant,
    entry: BithumanConfigEntry,
    err: BithumanError,
    failure: type[ConfigEntryNotReady | UpdateFailed],
) -> HomeAssistantError:
    """Return what a failed read of the account raises: reauth, or `failure` saying why."""
    if isinstance(err, BithumanAuthenticationError):
        return ConfigEntryAuthFailed(
            translation_domain=DOMAIN, translation_key="auth_failed"
        )
    placeholders: dict[str, str] = {}
    if isinstance(err, BithumanAccountSuspendedError):
        async_raise_account_suspended(hass, entry)
        key, placeholders = "account_suspended", {"account": entry.title}
    elif isinstance(err, BithumanConnectionError):
        key = "update_unreachable"
    elif isinstance(err, BithumanServerError) and not err.api_message:
        key, placeholders = "update_server_error", {"request_id": err.request_id or "-"}
    elif err.api_message:
        key = "update_failed"
        placeholders = {"error": err.api_message, "request_id": err.request_id or "-"}
    else:
        key, placeholders = "update_unreadable", {"request_id": err.request_id or "-"}
    return failure(
        translation_domain=DOMAIN,
        translation_key=key,
        translation_placeholders=placeholders,
    )


def _answered_first(plan: Plan) -> bool:
    """Tell whether the poll read the account or agent list before the rest."""
    return bool(plan.reads & {Read.AGENTS, Read.ACCOUNT})


def _fails_poll(err: BithumanError, answered: bool) -> bool:
    """Tell whether one failed read fails the whole poll.

    A connection failure does, unless another read of the same poll was
    ``answered``: then bitHuman is in reach and only that read failed.
    """
    return isinstance(err, ACCOUNT_ANSWERS) or (
        isinstance(err, BithumanConnectionError) and not answered
    )


def _now() -> float:
    return dt_util.utcnow().timestamp()


@dataclass(kw_only=True)
class BithumanRuntimeData:
    """Everything a loaded bitHuman entry needs at run time."""

    client: BithumanClient
    coordinator: BithumanCoordinator
    account_device_id: str
    gestures: GestureSender | None
    push: Push
    tts_requests: int = 0


type BithumanConfigEntry = ConfigEntry[BithumanRuntimeData]


@dataclass(frozen=True, kw_only=True)
class BithumanData(Picture):
    """A consistent picture of one bitHuman account."""

    account: Account
    # On bitHuman but not in Home Assistant: offered to the user.
    untracked: dict[str, Agent] = field(default_factory=dict)
    # Tracked agents whose record or dynamics could not be read this time.
    unreadable: frozenset[str] = frozenset()
    deleted: frozenset[str] = frozenset()


class BithumanCoordinator(DataUpdateCoordinator[BithumanData]):
    """Poll a bitHuman account on an adaptive, budgeted schedule."""

    config_entry: BithumanConfigEntry

    def __init__(
        self,
        hass: HomeAssistant,
        entry: BithumanConfigEntry,
        client: BithumanClient,
        account: Account,
    ) -> None:
        """Initialize the coordinator with the account read during setup."""
        super().__init__(
            hass,
            LOGGER,
            config_entry=entry,
            name=DOMAIN,
            update_interval=timedelta(seconds=STEADY),
            always_update=False,
        )
        self.client = client
        self.schedule = PollSchedule()
        self.schedule.account_read(_now())
        self._account = account
        self._unreadable_records: frozenset[str] = frozenset()
        self._unreadable_dynamics: set[str] = set()
        self._last_success_at = NEVER
        # Paid dynamics work sent from here, by agent: until a read shows it
        # running, this is what refuses a second, billed, request.
        self._generations_requested: dict[str, float] = {}
        self._live_sessions_read: asyncio.Task[RuntimeSessions] | None = None
        self.tracked = frozenset(
            subentry.data[CONF_AGENT_CODE]
            for subentry in entry.get_subentries_of_type(SUBENTRY_TYPE_AGENT)
        )

    @override
    async def async_request_refresh(self) -> None:
        """Read the agents and sessions now, whatever the schedule: someone asked."""
        self.schedule.refresh_requested()
        await super().async_request_refresh()

    @callback
    def async_watch(self, read: Read) -> None:
        """Read this soon and often: Home Assistant just changed what it shows."""
        self.schedule.watch(read, _now())
        self.hass.async_create_task(self.async_request_refresh())

    @callback
    def async_watch_dynamics(self, code: str) -> None:
        """Follow the agent's dynamics closely: work on them just started."""
        self.schedule.watch_dynamics(code, _now())
        self.hass.async_create_task(self.async_request_refresh())

    async def async_read_live_sessions(self) -> RuntimeSessions:
        """Read the live sessions now; callers at the same moment share the read."""
        task = self._live_sessions_read
        if task is None or task.done():
            task = self._live_sessions_read = self.hass.async_create_task(
                self.client.list_live_sessions(self._account.user_id),
                "bithuman live sessions read",
            )
        return await asyncio.shield(task)

    def dynamics_generation_pending(self, code: str) -> bool:
        """Tell whether the agent's dynamics are being generated, or just asked to be."""
        dynamics = self.data.dynamics.get(code)
        if dynamics is not None and dynamics.in_motion:
            return True
        return _now() - self._generations_requested.get(code, NEVER) < WATCH

    @callback
    def async_generation_requested(self, code: str) -> None:
        """Note a dynamics generation about to be requested."""
        self._generations_requested[code] = _now()

    @callback
    def async_generation_refused(self, code: str) -> None:
        """BitHuman refused the generation: nothing runs, another may be asked."""
        self._generations_requested.pop(code, None)

    @callback
    def async_agent_changed(self, code: str) -> None:
        """Re-read the agent at once: bitHuman said it changed."""
        self.schedule.agent_changed(code)
        self.hass.async_create_task(self.async_request_refresh())

    @override
    async def _async_update_data(self) -> BithumanData:
        now = _now()
        previous = self.data
        plan = self.schedule.plan(now, previous, self.tracked)
        # Whatever fails, the next try comes at the steady pace, not in 5 s:
        # the client has retried the request already.
        self.update_interval = timedelta(seconds=STEADY)
        try:
            data = await self._async_read(plan, previous, now)
        except BithumanRateLimitError as err:
            return self._rate_limited(err, now)
        except BithumanError as err:
            raise read_error(self.hass, self.config_entry, err, UpdateFailed) from err
        self.schedule.done(plan, now)
        if Read.AGENTS in plan.reads:
            self._last_success_at = now
        async_sync_account_issues(self.hass, self.config_entry, data)
        self.update_interval = self.schedule.interval(now, data)
        return data

    async def _async_read(
        self, plan: Plan, previous: BithumanData | None, now: float
    ) -> BithumanData:
        if Read.ACCOUNT in plan.reads:
            self._account = await self.client.get_account()
        agents, untracked, deleted = await self._async_read_agents(plan, previous)
        dynamics = await self._async_read_dynamics(plan, previous, agents, now)
        sessions = previous.sessions if previous else None
        if Read.SESSIONS in plan.reads:
            sessions = await self._async_read_sessions(answered=_answered_first(plan))
        return BithumanData(
            account=self._account,
            agents=agents,
            dynamics=dynamics,
            sessions=sessions,
            untracked=untracked,
            unreadable=self._unreadable_records | self._unreadable_dynamics,
            deleted=deleted,
        )

    async def _async_read_agents(
        self, plan: Plan, previous: BithumanData | None
    ) -> tuple[Mapping[str, Agent], dict[str, Agent], frozenset[str]]:
        """Return the tracked agents, the untracked ones and those deleted."""
        if Read.AGENTS not in plan.reads and previous is not None:
            return previous.agents, previous.untracked, previous.deleted
        listing = await self.client.list_agents()
        agents = {code: a for code, a in listing.agents.items() if code in self.tracked}
        untracked = {
            code: a for code, a in listing.agents.items() if code not in self.tracked
        }
        unreadable = set(listing.unreadable & self.tracked)
        deleted: set[str] = set()
        # Gone from the full list: deleted only once bitHuman confirms it.
        for code in sorted(self.tracked - agents.keys() - unreadable):
            try:
                agents[code] = await self.client.get_agent(code)
            except BithumanAgentNotFoundError:
                deleted.add(code)
            except ACCOUNT_ANSWERS:
                raise
            except BithumanError as err:
                LOGGER.debug("Cannot read bitHuman agent %s: %s", code, err)
                unreadable.add(code)
        self._unreadable_records = frozenset(unreadable)
        self._unreadable_dynamics -= deleted
        self.schedule.forget(deleted)
        return agents, untracked, frozenset(deleted)

    async def _async_read_dynamics(
        self,
        plan: Plan,
        previous: BithumanData | None,
        agents: Mapping[str, Agent],
        now: float,
    ) -> dict[str, Dynamics]:
        dynamics = {
            code: value
            for code, value in (previous.dynamics if previous else {}).items()
            if code in agents
        }
        due = set(plan.dynamics)
        if previous is not None:
            # A changed record may mean changed dynamics.
            due.update(
                code
                for code, agent in agents.items()
                if (before := previous.agents.get(code)) is not None
                and before.updated_at != agent.updated_at
            )
        codes = sorted(due & agents.keys())
        results = await asyncio.gather(
            *(self.client.get_dynamics(code) for code in codes),
            return_exceptions=True,
        )
        # Out of reach on every read of this poll: bitHuman's problem, not
        # these agents'.
        answered = _answered_first(plan) or any(
            not isinstance(result, BithumanConnectionError) for result in results
        )
        for code, result in zip(codes, results, strict=True):
            if isinstance(result, Dynamics):
                dynamics[code] = result
                self._unreadable_dynamics.discard(code)
                self.schedule.dynamics_read(code, now)
                continue
            if not isinstance(result, BithumanError) or _fails_poll(result, answered):
                raise result
            LOGGER.debug("Cannot read the dynamics of %s: %s", code, result)
            self._unreadable_dynamics.add(code)
            self.schedule.dynamics_failed(code, now)
        return dynamics

    async def _async_read_sessions(self, *, answered: bool) -> RuntimeSessions | None:
        """Return the live sessions; None (their entities unavailable) on failure."""
        try:
            return await self.client.list_live_sessions(self._account.user_id)
        except BithumanError as err:
            if _fails_poll(err, answered):
                raise
            LOGGER.debug("Cannot read the live sessions: %s", err)
            return None

    def _rate_limited(self, err: BithumanRateLimitError, now: float) -> BithumanData:
        wait = err.retry_after or STEADY
        if self.data is not None and now - self._last_success_at < RATE_LIMIT_GRACE:
            LOGGER.debug("Rate limited by bitHuman; next poll in %s s", wait)
            self.update_interval = timedelta(seconds=wait)
            return self.data
        raise UpdateFailed(
            translation_domain=DOMAIN,
            translation_key="rate_limited",
            translation_placeholders={"retry_after": str(round(wait))},
            retry_after=wait,
        ) from err
