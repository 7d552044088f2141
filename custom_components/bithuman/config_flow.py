"""Config flow for bitHuman: the account (secret, API URL) and its agents."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Final

from homeassistant.config_entries import (
    ConfigEntry,
    ConfigEntryState,
    ConfigFlow,
    ConfigFlowResult,
    ConfigSubentryFlow,
)
from homeassistant.core import callback
from homeassistant.data_entry_flow import section
from homeassistant.helpers.selector import (
    SelectSelector,
    SelectSelectorConfig,
    SelectSelectorMode,
    TextSelector,
    TextSelectorConfig,
    TextSelectorType,
)
import voluptuous as vol

from .api import Account, Agent, BithumanAuthenticationError
from .const import (
    API_KEYS_URL,
    CONF_ADVANCED,
    CONF_AGENTS,
    CONF_API_SECRET,
    CONF_API_URL,
    DEFAULT_API_URL,
    DOMAIN,
    LIBRARY_URL,
    SUBENTRY_TYPE_AGENT,
)
from .flow_helpers import (
    agent_options,
    agent_subentry,
    agents_of_other_accounts,
    flow_client,
    is_url,
    new_entry_ids,
    request_error,
)
from .options_flow import BithumanOptionsFlow
from .subentry_flow import AgentSubentryFlowHandler

if TYPE_CHECKING:
    from collections.abc import Mapping


API_URL_SCHEMES: Final = frozenset({"http", "https"})
PASSWORD_SELECTOR: Final = TextSelector(
    TextSelectorConfig(type=TextSelectorType.PASSWORD, autocomplete="off")
)
URL_SELECTOR: Final = TextSelector(TextSelectorConfig(type=TextSelectorType.URL))


def _normalize_api_url(value: str) -> str:
    """Return the API URL without whitespace or trailing slash, "" if invalid."""
    url = value.strip().rstrip("/")
    return url if is_url(url, API_URL_SCHEMES) else ""


class BithumanConfigFlow(ConfigFlow, domain=DOMAIN):
    """Handle a config flow for bitHuman."""

    VERSION = 1
    MINOR_VERSION = 2

    def __init__(self) -> None:
        """Initialize the flow."""
        self._data: dict[str, str] = {}
        self._title = ""
        self._agents: list[Agent] = []

    @staticmethod
    @callback
    def async_get_options_flow(config_entry: ConfigEntry) -> BithumanOptionsFlow:
        """Return the options flow (the LiveKit connection)."""
        return BithumanOptionsFlow()

    @classmethod
    @callback
    def async_get_supported_subentry_types(
        cls, config_entry: ConfigEntry
    ) -> dict[str, type[ConfigSubentryFlow]]:
        """Return the subentry types: one per agent."""
        return {SUBENTRY_TYPE_AGENT: AgentSubentryFlowHandler}

    async def _async_check(
        self,
        api_secret: str,
        api_url: str,
        errors: dict[str, str],
        *,
        list_agents: bool,
    ) -> Account | None:
        """Check a secret and URL against the API, taking the account's id.

        Errors go into `errors`; a blank URL is one that was not valid.
        """
        if not api_url:
            errors["base"] = "invalid_url"
            return None
        if not api_secret or "\r" in api_secret or "\n" in api_secret:
            errors[CONF_API_SECRET] = "invalid_auth"
            return None
        client = flow_client(self.hass, api_secret, api_url)
        try:
            valid = await client.validate()
            # A suspended account's secret is not "valid" either: /v1/me says why.
            account = await client.get_account()
            if not valid:
                raise BithumanAuthenticationError  # noqa: TRY301
            if list_agents:
                elsewhere = agents_of_other_accounts(self.hass, None)
                self._agents = [
                    agent
                    for code, agent in (await client.list_agents()).agents.items()
                    if code not in elsewhere
                ]
        except BithumanAuthenticationError:
            errors[CONF_API_SECRET] = "invalid_auth"
        except Exception as err:  # noqa: BLE001 - sorted out by request_error
            errors["base"] = request_error(err, "checking the bitHuman account")
        else:
            await self.async_set_unique_id(account.user_id)
            return account
        return None

    def _show_credentials_form(
        self,
        step_id: str,
        user_input: Mapping[str, Any] | None,
        api_url: str | None,
        errors: dict[str, str],
        *,
        secret_required: bool = True,
    ) -> ConfigFlowResult:
        """Show a form asking for the API secret and, folded away, the API URL.

        Without an `api_url` (reauthentication) only the secret is asked for.
        What was typed is kept.
        """
        secret_marker = vol.Required if secret_required else vol.Optional
        schema: dict[vol.Marker, Any] = {
            secret_marker(CONF_API_SECRET): PASSWORD_SELECTOR
        }
        if api_url is not None:
            schema[vol.Required(CONF_ADVANCED)] = section(
                vol.Schema({vol.Required(CONF_API_URL, default=api_url): URL_SELECTOR}),
                {"collapsed": True},
            )
        return self.async_show_form(
            step_id=step_id,
            data_schema=self.add_suggested_values_to_schema(
                vol.Schema(schema), user_input or {}
            ),
            errors=errors,
            description_placeholders={"api_keys_url": API_KEYS_URL},
        )

    def _async_update_credentials(
        self, entry: ConfigEntry, data_updates: dict[str, str]
    ) -> ConfigFlowResult:
        """Store new credentials (of the same account only) and set the entry up.

        A loaded entry whose data changes reloads itself (its update
        listener); one whose setup failed has no listener, and an unchanged
        secret calls none, so those are reloaded here, after the update.
        """
        self._abort_if_unique_id_mismatch(reason="wrong_account")
        changed = any(
            entry.data.get(key) != value for key, value in data_updates.items()
        )
        # Read before the update: the listener's reload starts at once.
        loaded = entry.state is ConfigEntryState.LOADED
        result = self.async_update_and_abort(entry, data_updates=data_updates)
        if not (changed and loaded):
            self.hass.config_entries.async_schedule_reload(entry.entry_id)
        return result

    async def async_step_user(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Ask for the API secret of a bitHuman account."""
        errors: dict[str, str] = {}
        if user_input is not None:
            api_secret = user_input[CONF_API_SECRET].strip()
            api_url = _normalize_api_url(user_input[CONF_ADVANCED][CONF_API_URL])
            if account := await self._async_check(
                api_secret, api_url, errors, list_agents=True
            ):
                self._abort_if_unique_id_configured()
                self._data = {CONF_API_SECRET: api_secret, CONF_API_URL: api_url}
                self._title = account.email or "bitHuman"
                return await self.async_step_agents()
        return self._show_credentials_form("user", user_input, DEFAULT_API_URL, errors)

    async def async_step_agents(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Let the user choose which of the account's agents to add."""
        if user_input is not None:
            chosen = set(user_input.get(CONF_AGENTS, []))
            return self.async_create_entry(
                title=self._title,
                data={**self._data, **new_entry_ids()},
                subentries=[
                    agent_subentry(agent)
                    for agent in self._agents
                    if agent.code in chosen
                ],
            )
        schema: dict[vol.Marker, Any] = {}
        if self._agents:
            schema[
                vol.Optional(
                    CONF_AGENTS, default=[agent.code for agent in self._agents]
                )
            ] = SelectSelector(
                SelectSelectorConfig(
                    options=agent_options(self._agents),
                    multiple=True,
                    mode=SelectSelectorMode.LIST,
                )
            )
        return self.async_show_form(
            step_id="agents",
            data_schema=vol.Schema(schema),
            description_placeholders={
                "account": self._title,
                "agent_count": str(len(self._agents)),
                "library_url": LIBRARY_URL,
            },
            last_step=True,
        )

    async def async_step_reauth(
        self, entry_data: Mapping[str, Any]
    ) -> ConfigFlowResult:
        """Start re-authentication after the API secret was rejected."""
        return await self.async_step_reauth_confirm()

    async def async_step_reauth_confirm(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Ask for a new API secret for the same account."""
        errors: dict[str, str] = {}
        entry = self._get_reauth_entry()
        if user_input is not None:
            api_secret = user_input[CONF_API_SECRET].strip()
            api_url = entry.data.get(CONF_API_URL, DEFAULT_API_URL)
            if await self._async_check(api_secret, api_url, errors, list_agents=False):
                return self._async_update_credentials(
                    entry, {CONF_API_SECRET: api_secret}
                )
        return self._show_credentials_form("reauth_confirm", user_input, None, errors)

    async def async_step_reconfigure(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Change the API secret or the API URL of the same account."""
        errors: dict[str, str] = {}
        entry = self._get_reconfigure_entry()
        if user_input is not None:
            # A blank secret keeps the stored one, which the form never shows.
            api_secret = (
                user_input.get(CONF_API_SECRET, "").strip()
                or entry.data[CONF_API_SECRET]
            )
            api_url = _normalize_api_url(user_input[CONF_ADVANCED][CONF_API_URL])
            if await self._async_check(api_secret, api_url, errors, list_agents=False):
                return self._async_update_credentials(
                    entry, {CONF_API_SECRET: api_secret, CONF_API_URL: api_url}
                )
        return self._show_credentials_form(
            "reconfigure",
            user_input,
            entry.data.get(CONF_API_URL, DEFAULT_API_URL),
            errors,
            secret_required=False,
        )
