"""Data updates for a bitHuman account: one adaptive coordinator per entry.

A single coordinator serves every entity of an account so the request budget
is spent once: the agent list (one request per 100 agents) on every poll, the
account (credits) every 15 minutes and each agent's dynamics hourly, except
that anything in motion (a generation, a dynamics job, work just started from
Home Assistant) is polled every 5 seconds until it settles.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import TYPE_CHECKING, Any, override

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.exceptions import ConfigEntryAuthFailed
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers.update_coordinator import DataUpdateCoordinator, UpdateFailed
from homeassistant.util import dt as dt_util

from .api import (
    Account,
    Agent,
    BithumanAgentNotFoundError,
    BithumanAuthenticationError,
    BithumanClient,
    BithumanError,
    BithumanRateLimitError,
    Dynamics,
)
from .const import (
    CONF_AGENT_CODE,
    DOMAIN,
    EVENT_AGENT_STATUS_CHANGED,
    EVENT_DYNAMICS_STATUS_CHANGED,
    LOGGER,
    SUBENTRY_TYPE_AGENT,
)
from .dynamics_state import dynamics_in_motion, dynamics_state
from .repairs import async_sync_deleted_agent_issues

if TYPE_CHECKING:
    from .livekit import GestureSender

STEADY_INTERVAL = timedelta(minutes=2)
FAST_INTERVAL = timedelta(seconds=5)
ACCOUNT_MAX_AGE = timedelta(minutes=15)
DYNAMICS_MAX_AGE = timedelta(hours=1)
# Work started from Home Assistant may not show upstream on the very next
# poll (the job is queued); keep polling fast for this long regardless.
WATCH_WINDOW = timedelta(seconds=60)
# While rate limited, the last good data is shown for at most this long.
RATE_LIMIT_GRACE = timedelta(minutes=3)


def _now() -> float:
    return dt_util.utcnow().timestamp()


@dataclass(kw_only=True)
class BithumanRuntimeData:
    """Everything a loaded bitHuman entry needs at run time."""

    client: BithumanClient
    coordinator: BithumanCoordinator
    gestures: GestureSender
    agent_codes: set[str]
    entry_data: dict[str, Any]


type BithumanConfigEntry = ConfigEntry[BithumanRuntimeData]


@dataclass(frozen=True, kw_only=True)
class BithumanData:
    """A consistent picture of one bitHuman account."""

    account: Account
    agents: dict[str, Agent] = field(default_factory=dict)
    dynamics: dict[str, Dynamics] = field(default_factory=dict)
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
            update_interval=STEADY_INTERVAL,
            always_update=False,
        )
        self.client = client
        self._account = account
        self._account_read_at = _now()
        self._dynamics_read_at: dict[str, float] = {}
        self._watch_until: dict[str, float] = {}
        self._last_success_at: float | None = None
        self._consecutive_failures = 0
        self._agent_listeners: list[Callable[[set[str]], None]] = []

    @property
    def tracked_codes(self) -> set[str]:
        """Agent codes configured as subentries of this entry."""
        return {
            subentry.data[CONF_AGENT_CODE]
            for subentry in self.config_entry.get_subentries_of_type(
                SUBENTRY_TYPE_AGENT
            )
        }

    @callback
    def async_watch(self, code: str | None = None) -> None:
        """Poll fast now: work was just started from Home Assistant.

        Without a code the account itself is re-read (credits changed).
        """
        if code is not None:
            self._watch_until[code] = _now() + WATCH_WINDOW.total_seconds()
            self._dynamics_read_at.pop(code, None)
        self._account_read_at = float("-inf")
        self.update_interval = FAST_INTERVAL
        self.hass.async_create_task(self.async_request_refresh())

    @callback
    def async_add_agent_listener(
        self, listener: Callable[[set[str]], None]
    ) -> CALLBACK_TYPE:
        """Call listener with the codes of agents added to the entry later."""
        self._agent_listeners.append(listener)

        @callback
        def remove() -> None:
            self._agent_listeners.remove(listener)

        return remove

    @callback
    def async_agents_changed(self, added: set[str]) -> None:
        """Tell the platforms about new agent subentries."""
        for listener in list(self._agent_listeners):
            listener(added)

    @override
    async def _async_update_data(self) -> BithumanData:
        now = _now()
        try:
            data = await self._async_read(now)
        except BithumanAuthenticationError as err:
            raise ConfigEntryAuthFailed(
                translation_domain=DOMAIN, translation_key="auth_failed"
            ) from err
        except BithumanRateLimitError as err:
            return self._rate_limited(err, now)
        except BithumanError as err:
            self._consecutive_failures += 1
            self._set_interval_after_failure()
            raise UpdateFailed(
                translation_domain=DOMAIN,
                translation_key="update_failed",
                translation_placeholders={"error": str(err)},
            ) from err

        self._consecutive_failures = 0
        self._last_success_at = now
        if self.data is not None:
            self._fire_events(self.data, data)
        async_sync_deleted_agent_issues(self.hass, self.config_entry, data.deleted)
        self.update_interval = (
            FAST_INTERVAL if self._in_motion(data, now) else STEADY_INTERVAL
        )
        return data

    async def _async_read(self, now: float) -> BithumanData:
        tracked = self.tracked_codes
        listed = {agent.code: agent for agent in await self.client.list_agents()}
        agents: dict[str, Agent] = {}
        deleted: set[str] = set()
        for code in sorted(tracked):
            if code in listed:
                agents[code] = listed[code]
                continue
            # Not in the owner's list: confirm before calling it deleted.
            try:
                agents[code] = await self.client.get_agent(code)
            except BithumanAgentNotFoundError:
                deleted.add(code)

        if now - self._account_read_at >= ACCOUNT_MAX_AGE.total_seconds():
            self._account = await self.client.get_account()
            self._account_read_at = now

        previous = self.data
        dynamics = {
            code: value
            for code, value in (previous.dynamics if previous else {}).items()
            if code in agents
        }
        due = [
            code
            for code, agent in agents.items()
            if self._dynamics_due(code, agent, previous, now)
        ]
        results = await asyncio.gather(
            *(self.client.get_dynamics(code) for code in due), return_exceptions=True
        )
        for code, result in zip(due, results, strict=True):
            if isinstance(result, BithumanAgentNotFoundError):
                deleted.add(code)
                agents.pop(code)
                dynamics.pop(code, None)
            elif isinstance(result, BaseException):
                raise result
            else:
                dynamics[code] = result
                self._dynamics_read_at[code] = now

        return BithumanData(
            account=self._account,
            agents=agents,
            dynamics=dynamics,
            deleted=frozenset(deleted),
        )

    def _dynamics_due(
        self, code: str, agent: Agent, previous: BithumanData | None, now: float
    ) -> bool:
        read_at = self._dynamics_read_at.get(code)
        if read_at is None or self._watch_until.get(code, 0) > now:
            return True
        if previous is not None:
            # Not known (an agent that was missing and is back): read them.
            if code not in previous.dynamics:
                return True
            if (current := previous.dynamics.get(code)) and dynamics_in_motion(current):
                return True
            before = previous.agents.get(code)
            if before is not None and before.updated_at != agent.updated_at:
                return True
        return now - read_at >= DYNAMICS_MAX_AGE.total_seconds()

    def _in_motion(self, data: BithumanData, now: float) -> bool:
        self._watch_until = {
            code: until for code, until in self._watch_until.items() if until > now
        }
        return (
            bool(self._watch_until)
            or any(not agent.is_generation_terminal for agent in data.agents.values())
            or any(dynamics_in_motion(value) for value in data.dynamics.values())
        )

    def _set_interval_after_failure(self) -> None:
        if self.update_interval is None or self.update_interval >= STEADY_INTERVAL:
            return
        backoff = FAST_INTERVAL * 2**self._consecutive_failures
        self.update_interval = min(backoff, STEADY_INTERVAL)

    def _rate_limited(self, err: BithumanRateLimitError, now: float) -> BithumanData:
        wait = err.retry_after or STEADY_INTERVAL.total_seconds()
        fresh_enough = (
            self._last_success_at is not None
            and now - self._last_success_at < RATE_LIMIT_GRACE.total_seconds()
        )
        if self.data is not None and fresh_enough:
            LOGGER.debug("Rate limited by bitHuman; next poll in %s s", wait)
            self.update_interval = timedelta(seconds=wait)
            return self.data
        raise UpdateFailed(
            translation_domain=DOMAIN,
            translation_key="rate_limited",
            translation_placeholders={"retry_after": str(round(wait))},
            retry_after=wait,
        ) from err

    def _fire_events(self, old: BithumanData, new: BithumanData) -> None:
        device_registry = dr.async_get(self.hass)
        for code, agent in new.agents.items():
            changes: list[tuple[str, str | None, str | None]] = []
            if (before := old.agents.get(code)) and before.status != agent.status:
                changes.append(
                    (EVENT_AGENT_STATUS_CHANGED, before.status, agent.status)
                )
            old_dynamics = old.dynamics.get(code)
            new_dynamics = new.dynamics.get(code)
            if old_dynamics is not None and new_dynamics is not None:
                old_state = dynamics_state(old_dynamics)
                new_state = dynamics_state(new_dynamics)
                if old_state != new_state:
                    changes.append(
                        (EVENT_DYNAMICS_STATUS_CHANGED, old_state, new_state)
                    )
            if not changes:
                continue
            device = device_registry.async_get_device_by_identifier(
                (DOMAIN, code), self.config_entry.entry_id
            )
            for event_type, old_status, new_status in changes:
                event_data: dict[str, Any] = {
                    "agent_code": code,
                    "device_id": device.id if device else None,
                    "old_status": old_status,
                    "new_status": new_status,
                }
                self.hass.bus.async_fire(event_type, event_data)
