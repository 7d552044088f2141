"""What the config, subentry and options flows share (and the entry migration)."""

from __future__ import annotations

import logging
import secrets
from typing import Final

from homeassistant.components import webhook
from homeassistant.config_entries import ConfigSubentryData
from homeassistant.core import HomeAssistant
from homeassistant.helpers.aiohttp_client import async_get_clientsession
from homeassistant.helpers.selector import SelectOptionDict
from yarl import URL

from .api import (
    Agent,
    BithumanAccountSuspendedError,
    BithumanClient,
    BithumanError,
    RetryPolicy,
)
from .const import (
    CONF_AGENT_CODE,
    CONF_EMBED_SALT,
    CONF_WEBHOOK_ID,
    DOMAIN,
    SUBENTRY_TYPE_AGENT,
)

_LOGGER = logging.getLogger(__name__)

# Someone is waiting on the form: no retries, an answer within seconds.
FLOW_REQUEST_TIMEOUT: Final = 10.0
FLOW_RETRY_POLICY: Final = RetryPolicy(attempts=1, max_retry_after=5.0)


def flow_client(hass: HomeAssistant, api_secret: str, api_url: str) -> BithumanClient:
    """Return an API client on Home Assistant's shared HTTP session, for a form."""
    return BithumanClient(
        async_get_clientsession(hass),
        api_secret,
        base_url=api_url,
        request_timeout=FLOW_REQUEST_TIMEOUT,
        retry=FLOW_RETRY_POLICY,
    )


def is_url(value: str, schemes: frozenset[str]) -> bool:
    """Return whether value is an absolute URL with a host in one of the schemes."""
    try:
        parsed = URL(value)
    except ValueError:
        return False
    return parsed.scheme in schemes and bool(parsed.host)


def new_entry_ids() -> dict[str, str]:
    """Return an entry's own ids: its webhook's, and the salt of embed fingerprints."""
    return {
        CONF_WEBHOOK_ID: webhook.async_generate_id(),
        CONF_EMBED_SALT: secrets.token_hex(16),
    }


def agents_of_other_accounts(
    hass: HomeAssistant, entry_id: str | None
) -> dict[str, str]:
    """Return the agents other bitHuman entries have, with those entries' titles.

    Members of a bitHuman organization share its agents; Home Assistant
    shows each agent once (its entities' unique ids are the agent's), under
    the first account it was added to.
    """
    return {
        subentry.data[CONF_AGENT_CODE]: entry.title
        for entry in hass.config_entries.async_entries(DOMAIN)
        if entry.entry_id != entry_id
        for subentry in entry.get_subentries_of_type(SUBENTRY_TYPE_AGENT)
    }


def agent_options(agents: list[Agent]) -> list[SelectOptionDict]:
    """Return the select options for agents: their names, with the code."""
    return [
        SelectOptionDict(
            value=agent.code,
            label=f"{agent.name} ({agent.code})" if agent.name else agent.code,
        )
        for agent in agents
    ]


def agent_subentry(agent: Agent) -> ConfigSubentryData:
    """Return the subentry that tracks an agent."""
    return ConfigSubentryData(
        subentry_type=SUBENTRY_TYPE_AGENT,
        data={CONF_AGENT_CODE: agent.code},
        title=agent.name or agent.code,
        unique_id=agent.code,
    )


def request_error(err: Exception, doing: str) -> str:
    """Return the form's base error for a request that failed while ``doing``.

    A rejected secret is each form's own to handle (a field error, or reauth).
    An unexpected error is logged with its traceback.
    """
    if isinstance(err, BithumanAccountSuspendedError):
        return "account_suspended"
    if isinstance(err, BithumanError):
        return "cannot_connect"
    _LOGGER.error("Unexpected error while %s", doing, exc_info=err)
    return "unknown"
