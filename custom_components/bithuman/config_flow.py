"""Config flow for bitHuman: the account, its agents and the LiveKit options."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any, Final

from homeassistant.config_entries import (
    ConfigEntry,
    ConfigEntryState,
    ConfigFlow,
    ConfigFlowResult,
    ConfigSubentryData,
    ConfigSubentryFlow,
    OptionsFlow,
    SubentryFlowResult,
)
from homeassistant.core import HomeAssistant, callback
from homeassistant.data_entry_flow import section
from homeassistant.helpers.aiohttp_client import async_get_clientsession
from homeassistant.helpers.selector import (
    SelectOptionDict,
    SelectSelector,
    SelectSelectorConfig,
    SelectSelectorMode,
    TextSelector,
    TextSelectorConfig,
    TextSelectorType,
)
import voluptuous as vol
from yarl import URL

from .api import (
    Account,
    Agent,
    BithumanAuthenticationError,
    BithumanClient,
    BithumanError,
    BithumanNotFoundError,
    RetryPolicy,
)
from .const import (
    API_KEYS_URL,
    CONF_ADVANCED,
    CONF_AGENT_CODE,
    CONF_AGENTS,
    CONF_API_SECRET,
    CONF_API_URL,
    CONF_AVATAR_IDENTITY,
    CONF_LIVEKIT_API_KEY,
    CONF_LIVEKIT_API_SECRET,
    CONF_LIVEKIT_URL,
    DEFAULT_API_URL,
    DEFAULT_AVATAR_IDENTITY,
    DOMAIN,
    LIBRARY_URL,
    SUBENTRY_TYPE_AGENT,
)
from .livekit_check import (
    LiveKitAuthError,
    LiveKitConnectionError,
    async_check_livekit,
    is_valid_livekit_url,
)

if TYPE_CHECKING:
    from collections.abc import Mapping

_LOGGER = logging.getLogger(__name__)

API_URL_SCHEMES: Final = frozenset({"http", "https"})
FLOW_REQUEST_TIMEOUT: Final = 10.0
FLOW_RETRY_POLICY: Final = RetryPolicy(attempts=1, max_retry_after=5.0)

PASSWORD_SELECTOR: Final = TextSelector(
    TextSelectorConfig(type=TextSelectorType.PASSWORD, autocomplete="off")
)
URL_SELECTOR: Final = TextSelector(TextSelectorConfig(type=TextSelectorType.URL))
TEXT_SELECTOR: Final = TextSelector(TextSelectorConfig(autocomplete="off"))


def _normalize_api_url(value: str) -> str | None:
    """Return the API URL without whitespace or trailing slash, None if invalid."""
    url = value.strip().rstrip("/")
    try:
        parsed = URL(url)
    except ValueError:
        return None
    if parsed.scheme not in API_URL_SCHEMES or not parsed.host:
        return None
    return url


def _credentials_schema(api_url: str, *, secret_required: bool = True) -> vol.Schema:
    """Return the schema asking for the API secret and, folded away, the API URL."""
    secret_marker = vol.Required if secret_required else vol.Optional
    return vol.Schema(
        {
            secret_marker(CONF_API_SECRET): PASSWORD_SELECTOR,
            vol.Required(CONF_ADVANCED): section(
                vol.Schema({vol.Required(CONF_API_URL, default=api_url): URL_SELECTOR}),
                {"collapsed": True},
            ),
        }
    )


def _client(hass: HomeAssistant, api_secret: str, api_url: str) -> BithumanClient:
    """Return an API client on Home Assistant's shared HTTP session.

    Someone is waiting on the form: no retries, answer within seconds.
    """
    return BithumanClient(
        async_get_clientsession(hass),
        api_secret,
        base_url=api_url,
        request_timeout=FLOW_REQUEST_TIMEOUT,
        retry=FLOW_RETRY_POLICY,
    )


async def _async_read_account(
    client: BithumanClient, *, list_agents: bool
) -> tuple[Account, list[Agent]]:
    """Check the secret, then read the account and, if asked, all its agents."""
    if not await client.validate():
        raise BithumanAuthenticationError
    account = await client.get_account()
    return account, await client.list_agents() if list_agents else []


def _agent_label(agent: Agent) -> str:
    """Return how an agent is shown in a list: its name and its code."""
    return f"{agent.name} ({agent.code})" if agent.name else agent.code


def _agent_options(agents: list[Agent]) -> list[SelectOptionDict]:
    """Return the select options for agents."""
    return [
        SelectOptionDict(value=agent.code, label=_agent_label(agent))
        for agent in agents
    ]


def _agent_subentry(agent: Agent) -> ConfigSubentryData:
    """Return the subentry that tracks an agent."""
    return ConfigSubentryData(
        subentry_type=SUBENTRY_TYPE_AGENT,
        data={CONF_AGENT_CODE: agent.code},
        title=agent.name or agent.code,
        unique_id=agent.code,
    )


def _configured_agent_codes(entry: ConfigEntry) -> set[str]:
    """Return the codes of the agents already added to an entry."""
    return {
        subentry.data[CONF_AGENT_CODE]
        for subentry in entry.get_subentries_of_type(SUBENTRY_TYPE_AGENT)
    }


class BithumanConfigFlow(ConfigFlow, domain=DOMAIN):
    """Handle a config flow for bitHuman."""

    VERSION = 1
    MINOR_VERSION = 1

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

    async def _async_check_credentials(
        self,
        user_input: dict[str, Any],
        errors: dict[str, str],
        *,
        list_agents: bool = False,
    ) -> tuple[str, str, Account] | None:
        """Check an API secret and URL from a form; fill errors on failure.

        Returns the cleaned secret, the cleaned URL and the account behind
        them; also reads every agent of the account when list_agents is set.
        """
        api_secret = user_input[CONF_API_SECRET].strip()
        api_url = _normalize_api_url(user_input[CONF_ADVANCED][CONF_API_URL])
        if api_url is None:
            errors["base"] = "invalid_url"
            return None
        if not api_secret or "\r" in api_secret or "\n" in api_secret:
            errors[CONF_API_SECRET] = "invalid_auth"
            return None
        client = _client(self.hass, api_secret, api_url)
        try:
            account, agents = await _async_read_account(client, list_agents=list_agents)
        except BithumanAuthenticationError:
            errors[CONF_API_SECRET] = "invalid_auth"
        except BithumanError:
            errors["base"] = "cannot_connect"
        except Exception:
            _LOGGER.exception("Unexpected error while checking the bitHuman account")
            errors["base"] = "unknown"
        else:
            self._agents = agents
            return api_secret, api_url, account
        return None

    def _async_update_credentials(
        self, entry: ConfigEntry, data_updates: dict[str, Any]
    ) -> ConfigFlowResult:
        """Store new credentials; the entry is reloaded with them.

        A loaded entry's update listener reloads it when its credentials
        change; one that failed to set up has no listener, so the flow does.
        """
        if entry.state is ConfigEntryState.LOADED:
            return self.async_update_and_abort(entry, data_updates=data_updates)
        return self.async_update_reload_and_abort(entry, data_updates=data_updates)

    def _show_credentials_form(
        self,
        step_id: str,
        user_input: dict[str, Any] | None,
        default_api_url: str,
        errors: dict[str, str],
        *,
        secret_required: bool = True,
    ) -> ConfigFlowResult:
        """Show a form asking for the API secret and the API URL.

        The URL the user typed is kept; the secret never goes back to the form.
        """
        suggested: dict[str, Any] = {}
        if user_input is not None:
            suggested = {CONF_ADVANCED: dict(user_input[CONF_ADVANCED])}
        return self.async_show_form(
            step_id=step_id,
            data_schema=self.add_suggested_values_to_schema(
                _credentials_schema(default_api_url, secret_required=secret_required),
                suggested,
            ),
            errors=errors,
            description_placeholders={"api_keys_url": API_KEYS_URL},
        )

    async def async_step_user(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Ask for the API secret of a bitHuman account."""
        errors: dict[str, str] = {}
        if user_input is not None and (
            checked := await self._async_check_credentials(
                user_input, errors, list_agents=True
            )
        ):
            api_secret, api_url, account = checked
            await self.async_set_unique_id(account.user_id)
            self._abort_if_unique_id_configured()
            self._data = {CONF_API_SECRET: api_secret, CONF_API_URL: api_url}
            self._title = account.email or "bitHuman"
            return await self.async_step_agents()
        return self._show_credentials_form("user", user_input, DEFAULT_API_URL, errors)

    async def async_step_agents(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Let the user choose which of the account's agents to add."""
        title = self._title
        if user_input is not None:
            chosen = set(user_input.get(CONF_AGENTS, []))
            return self.async_create_entry(
                title=title,
                data=self._data,
                subentries=[
                    _agent_subentry(agent)
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
                    options=_agent_options(self._agents),
                    multiple=True,
                    mode=SelectSelectorMode.LIST,
                )
            )
        return self.async_show_form(
            step_id="agents",
            data_schema=vol.Schema(schema),
            description_placeholders={
                "account": title,
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
            checked = await self._async_check_credentials(
                {
                    **user_input,
                    CONF_ADVANCED: {
                        CONF_API_URL: entry.data.get(CONF_API_URL, DEFAULT_API_URL)
                    },
                },
                errors,
            )
            if checked:
                api_secret, _, account = checked
                await self.async_set_unique_id(account.user_id)
                self._abort_if_unique_id_mismatch(reason="wrong_account")
                return self._async_update_credentials(
                    entry, {CONF_API_SECRET: api_secret}
                )
        return self.async_show_form(
            step_id="reauth_confirm",
            data_schema=vol.Schema({vol.Required(CONF_API_SECRET): PASSWORD_SELECTOR}),
            errors=errors,
            description_placeholders={"api_keys_url": API_KEYS_URL},
        )

    async def async_step_reconfigure(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Change the API secret or the API URL of the same account."""
        errors: dict[str, str] = {}
        entry = self._get_reconfigure_entry()
        if user_input is not None and (
            checked := await self._async_check_credentials(
                # A blank secret keeps the stored one, which the form never shows.
                {
                    **user_input,
                    CONF_API_SECRET: user_input.get(CONF_API_SECRET, "").strip()
                    or entry.data[CONF_API_SECRET],
                },
                errors,
            )
        ):
            api_secret, api_url, account = checked
            await self.async_set_unique_id(account.user_id)
            self._abort_if_unique_id_mismatch(reason="wrong_account")
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


class AgentSubentryFlowHandler(ConfigSubentryFlow):
    """Add one agent of the account as a subentry."""

    def __init__(self) -> None:
        """Initialize the flow."""
        self._available: dict[str, Agent] = {}

    def _client(self) -> BithumanClient:
        """Return a client with the entry's stored secret (loaded or not)."""
        entry = self._get_entry()
        return _client(
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
        configured = _configured_agent_codes(self._get_entry())

        if user_input is None:
            try:
                agents = await self._client().list_agents()
            except BithumanAuthenticationError:
                return self._abort_reauth()
            except BithumanError:
                # The list is a convenience: a code can still be typed in.
                errors["base"] = "cannot_connect"
            except Exception:
                _LOGGER.exception("Unexpected error while listing bitHuman agents")
                errors["base"] = "unknown"
            else:
                self._available = {
                    agent.code: agent
                    for agent in agents
                    if agent.code not in configured
                }
                if not self._available:
                    return self.async_abort(reason="no_agents_available")
        else:
            code = user_input[CONF_AGENT_CODE].strip()
            agent = self._available.get(code)
            if code in configured:
                return self.async_abort(reason="already_configured")
            if not code:
                errors[CONF_AGENT_CODE] = "agent_not_found"
            elif agent is None:
                try:
                    agent = await self._client().get_agent(code)
                except BithumanNotFoundError:
                    errors[CONF_AGENT_CODE] = "agent_not_found"
                except BithumanAuthenticationError:
                    return self._abort_reauth()
                except BithumanError:
                    errors["base"] = "cannot_connect"
                except Exception:
                    _LOGGER.exception("Unexpected error while reading a bitHuman agent")
                    errors["base"] = "unknown"
            if agent is not None:
                # Home Assistant aborts with already_configured should the API
                # answer with the code of an agent added already.
                subentry = _agent_subentry(agent)
                return self.async_create_entry(
                    title=subentry["title"],
                    data=subentry["data"],
                    unique_id=subentry["unique_id"],
                )

        return self.async_show_form(
            step_id="user",
            data_schema=vol.Schema(
                {
                    vol.Required(CONF_AGENT_CODE): SelectSelector(
                        SelectSelectorConfig(
                            options=_agent_options(list(self._available.values())),
                            custom_value=True,
                            sort=True,
                            mode=SelectSelectorMode.DROPDOWN,
                        )
                    )
                }
            ),
            errors=errors,
            description_placeholders={"library_url": LIBRARY_URL},
        )


class BithumanOptionsFlow(OptionsFlow):
    """The LiveKit connection used to send gestures to the avatar."""

    async def async_step_init(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Ask for the LiveKit URL, API key and secret, and the avatar identity."""
        errors: dict[str, str] = {}
        options = self.config_entry.options
        suggested: Mapping[str, Any] = options
        if user_input is not None:
            suggested = user_input
            url = user_input.get(CONF_LIVEKIT_URL, "").strip().rstrip("/")
            api_key = user_input.get(CONF_LIVEKIT_API_KEY, "").strip()
            typed_secret = user_input.get(CONF_LIVEKIT_API_SECRET, "").strip()
            identity = (
                user_input.get(CONF_AVATAR_IDENTITY, "").strip()
                or DEFAULT_AVATAR_IDENTITY
            )
            # A blank secret keeps the stored one: it is never sent to the form.
            api_secret = typed_secret or options.get(CONF_LIVEKIT_API_SECRET, "")
            if not (url or api_key or typed_secret):
                return self.async_create_entry(data={CONF_AVATAR_IDENTITY: identity})
            if not (url and api_key and api_secret):
                errors["base"] = "livekit_incomplete"
            elif not is_valid_livekit_url(url):
                errors[CONF_LIVEKIT_URL] = "livekit_invalid_url"
            else:
                try:
                    await async_check_livekit(
                        async_get_clientsession(self.hass), url, api_key, api_secret
                    )
                except LiveKitAuthError:
                    errors["base"] = "livekit_invalid_auth"
                except LiveKitConnectionError:
                    errors["base"] = "livekit_cannot_connect"
                except Exception:
                    _LOGGER.exception("Unexpected error while checking LiveKit")
                    errors["base"] = "unknown"
                else:
                    return self.async_create_entry(
                        data={
                            CONF_LIVEKIT_URL: url,
                            CONF_LIVEKIT_API_KEY: api_key,
                            CONF_LIVEKIT_API_SECRET: api_secret,
                            CONF_AVATAR_IDENTITY: identity,
                        }
                    )

        return self.async_show_form(
            step_id="init",
            data_schema=self.add_suggested_values_to_schema(
                vol.Schema(
                    {
                        vol.Optional(CONF_LIVEKIT_URL): URL_SELECTOR,
                        vol.Optional(CONF_LIVEKIT_API_KEY): TEXT_SELECTOR,
                        vol.Optional(CONF_LIVEKIT_API_SECRET): PASSWORD_SELECTOR,
                        vol.Optional(
                            CONF_AVATAR_IDENTITY, default=DEFAULT_AVATAR_IDENTITY
                        ): TEXT_SELECTOR,
                    }
                ),
                {
                    key: value
                    for key, value in suggested.items()
                    if key != CONF_LIVEKIT_API_SECRET
                },
            ),
            errors=errors,
        )
