"""Subentry flow "Add agent": one agent of the account, chosen or typed."""

from __future__ import annotations

from typing import Any

from homeassistant.config_entries import ConfigSubentryFlow, SubentryFlowResult
from homeassistant.helpers.selector import (
    SelectSelector,
    SelectSelectorConfig,
    SelectSelectorMode,
)
import voluptuous as vol

from .api import (
    Agent,
    BithumanAgentNotFoundError,
    BithumanAuthenticationError,
    BithumanClient,
    BithumanValidationError,
)
from .const import (
    CONF_AGENT_CODE,
    CONF_API_SECRET,
    CONF_API_URL,
    DEFAULT_API_URL,
    LIBRARY_URL,
    SUBENTRY_TYPE_AGENT,
)
from .flow_helpers import (
    agent_options,
    agent_subentry,
    agents_of_other_accounts,
    flow_client,
    request_error,
)


class AgentSubentryFlowHandler(ConfigSubentryFlow):
    """Add one agent of the account as a subentry."""

    def __init__(self) -> None:
        """Initialize the flow."""
        self._available: dict[str, Agent] | None = None

    def _client(self) -> BithumanClient:
        """Return a client with the entry's stored secret (loaded or not)."""
        entry = self._get_entry()
        return flow_client(
            self.hass,
            entry.data[CONF_API_SECRET],
            entry.data.get(CONF_API_URL, DEFAULT_API_URL),
        )

    def _abort_reauth(self) -> SubentryFlowResult:
        """Abort because the stored secret was rejected, and start reauth."""
        self._get_entry().async_start_reauth(self.hass)
        return self.async_abort(reason="reauth_required")

    async def async_step_user(
        self, user_input: dict[str, Any] | None = None
    ) -> SubentryFlowResult:
        """Pick an agent not added yet, or type an agent code."""
        errors: dict[str, str] = {}
        entry = self._get_entry()
        configured = {
            subentry.data[CONF_AGENT_CODE]
            for subentry in entry.get_subentries_of_type(SUBENTRY_TYPE_AGENT)
        }
        elsewhere = agents_of_other_accounts(self.hass, entry.entry_id)
        if self._available is None:
            self._available = {}
            try:
                listing = await self._client().list_agents()
            except BithumanAuthenticationError:
                return self._abort_reauth()
            except Exception as err:  # noqa: BLE001 - sorted out by request_error
                # The list is a convenience: a code can still be typed in.
                errors["base"] = request_error(err, "listing bitHuman agents")
            else:
                self._available = {
                    code: agent
                    for code, agent in listing.agents.items()
                    if code not in configured and code not in elsewhere
                }
        if user_input is not None:
            code = user_input[CONF_AGENT_CODE].strip()
            if code in configured:
                return self.async_abort(reason="already_configured")
            if code in elsewhere:
                return self.async_abort(
                    reason="agent_in_other_account",
                    description_placeholders={"account": elsewhere[code]},
                )
            agent = self._available.get(code)
            if agent is None and code:
                try:
                    agent = await self._client().get_agent(code)
                except BithumanAgentNotFoundError, BithumanValidationError:
                    # Not a code bitHuman knows, or not a code at all ("..").
                    errors[CONF_AGENT_CODE] = "agent_not_found"
                except BithumanAuthenticationError:
                    return self._abort_reauth()
                except Exception as err:  # noqa: BLE001 - sorted out by request_error
                    errors["base"] = request_error(err, "reading a bitHuman agent")
            elif agent is None:
                errors[CONF_AGENT_CODE] = "agent_not_found"
            if agent is not None:
                subentry = agent_subentry(agent)
                return self.async_create_entry(
                    title=subentry["title"],
                    data=subentry["data"],
                    unique_id=subentry["unique_id"],
                )
        return self.async_show_form(
            step_id="user",
            data_schema=self.add_suggested_values_to_schema(
                vol.Schema(
                    {
                        vol.Required(CONF_AGENT_CODE): SelectSelector(
                            SelectSelectorConfig(
                                options=agent_options(list(self._available.values())),
                                custom_value=True,
                                sort=True,
                                mode=SelectSelectorMode.DROPDOWN,
                            )
                        )
                    }
                ),
                user_input or {},
            ),
            errors=errors,
            description_placeholders={
                "library_url": LIBRARY_URL,
                "available": str(len(self._available)),
            },
        )
