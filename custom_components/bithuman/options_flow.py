"""Options flow: the LiveKit connection used to send gestures to the avatar."""

from __future__ import annotations

import logging
from typing import Any, Final

from homeassistant.config_entries import ConfigFlowResult, OptionsFlow
from homeassistant.helpers.aiohttp_client import async_get_clientsession
from homeassistant.helpers.selector import (
    TextSelector,
    TextSelectorConfig,
    TextSelectorType,
)
import voluptuous as vol

from .const import (
    CONF_AVATAR_IDENTITY,
    CONF_LIVEKIT_API_KEY,
    CONF_LIVEKIT_API_SECRET,
    CONF_LIVEKIT_URL,
    DEFAULT_AVATAR_IDENTITY,
)
from .flow_helpers import is_url
from .livekit_check import LiveKitError, LiveKitProblem, async_check_livekit

_LOGGER = logging.getLogger(__name__)

LIVEKIT_URL_SCHEMES: Final = frozenset({"ws", "wss", "http", "https"})
SCHEMA: Final = vol.Schema(
    {
        vol.Optional(CONF_LIVEKIT_URL): TextSelector(
            TextSelectorConfig(type=TextSelectorType.URL)
        ),
        vol.Optional(CONF_LIVEKIT_API_KEY): TextSelector(
            TextSelectorConfig(autocomplete="off")
        ),
        vol.Optional(CONF_LIVEKIT_API_SECRET): TextSelector(
            TextSelectorConfig(type=TextSelectorType.PASSWORD, autocomplete="off")
        ),
        vol.Optional(
            CONF_AVATAR_IDENTITY, default=DEFAULT_AVATAR_IDENTITY
        ): TextSelector(TextSelectorConfig(autocomplete="off")),
    }
)


class BithumanOptionsFlow(OptionsFlow):
    """The LiveKit connection used to send gestures to the avatar."""

    async def async_step_init(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Ask for the LiveKit URL, API key and secret, and the avatar identity."""
        errors: dict[str, str] = {}
        options = self.config_entry.options
        if user_input is not None:
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
            elif not is_url(url, LIVEKIT_URL_SCHEMES):
                errors[CONF_LIVEKIT_URL] = "livekit_invalid_url"
            else:
                try:
                    await async_check_livekit(
                        async_get_clientsession(self.hass), url, api_key, api_secret
                    )
                except LiveKitError as err:
                    errors["base"] = (
                        "livekit_invalid_auth"
                        if err.problem is LiveKitProblem.REJECTED
                        else "livekit_cannot_connect"
                    )
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
        # Shown again with errors, the form keeps what was typed.
        suggested = user_input or {
            key: value
            for key, value in options.items()
            if key != CONF_LIVEKIT_API_SECRET
        }
        return self.async_show_form(
            step_id="init",
            data_schema=self.add_suggested_values_to_schema(SCHEMA, suggested),
            errors=errors,
        )
