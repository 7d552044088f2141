"""The `bithuman/embed_token` websocket command: a live avatar for the dashboard card.

The card asks for an embed URL of an agent; Home Assistant checks that the
user may control the agent's entities, mints a one-hour embed token with a
fingerprint that is stable per user and reveals nothing about them (an HMAC
of the user id with a random per-entry salt), and answers the embed page's
URL with the token. The token is kept nowhere.
"""

from __future__ import annotations

import base64
from collections import defaultdict, deque
import hashlib
import hmac
import json
import time
from typing import Any, Final

from homeassistant.components import websocket_api
from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant, callback
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import device_registry as dr, entity_registry as er
import voluptuous as vol
from yarl import URL

from .actions import ensure_agent_ready
from .const import CONF_EMBED_SALT, DEFAULT_API_URL
from .coordinator import BithumanConfigEntry
from .errors import agent_error, bithuman_exception_handler
from .targets import agent_of_device, check_control

EMBED_PAGE: Final = "https://bithuman.ai/embed"
TOKEN_LIFETIME: Final = 3600
# Mints per user and agent in MINT_WINDOW seconds.
MINTS_ALLOWED: Final = 5
MINT_WINDOW: Final = 60.0
# The card words these errors itself (in the user's language); the others
# come with the translated message.
ERROR_CODES: Final = {
    "agent_not_ready": "not_ready",
    "insufficient_credits": "insufficient_credits",
}


def fingerprint(entry: BithumanConfigEntry, user_id: str) -> str:
    """Return the visitor fingerprint of a Home Assistant user (stable, opaque)."""
    salt = str(entry.data[CONF_EMBED_SALT]).encode()
    return hmac.new(salt, user_id.encode(), hashlib.sha256).hexdigest()


def embed_page(api_url: str, code: str) -> URL:
    """Return the embed page of an agent for this API (the simulator serves one)."""
    base = EMBED_PAGE if api_url == DEFAULT_API_URL else f"{api_url}/embed"
    return URL(base) / code


def token_lifetime(token: str) -> dict[str, int]:
    """Return when the token expires, absolute and in seconds from its minting.

    ``expires_in`` comes from bitHuman's own claims (``exp - iat``), so a
    dashboard whose clock is off still knows how long the link lasts.
    """
    try:
        claims = json.loads(base64.urlsafe_b64decode(token.split(".")[1] + "=="))
        expires_at = int(claims["exp"])
    except IndexError, ValueError, KeyError, TypeError:
        return {
            "expires_at": int(time.time()) + TOKEN_LIFETIME,
            "expires_in": TOKEN_LIFETIME,
        }
    try:
        expires_in = expires_at - int(claims["iat"])
    except KeyError, ValueError, TypeError:
        expires_in = expires_at - int(time.time())
    return {"expires_at": expires_at, "expires_in": max(expires_in, 0)}


# When each user minted tokens for each agent (monotonic clock).
_MINTS: Final[defaultdict[tuple[str, str], deque[float]]] = defaultdict(deque)


def _allow_mint(user_id: str, code: str) -> bool:
    """Count a mint; False when the user minted MINTS_ALLOWED in MINT_WINDOW."""
    now = time.monotonic()
    mints = _MINTS[(user_id, code)]
    while mints and mints[0] <= now - MINT_WINDOW:
        mints.popleft()
    if len(mints) >= MINTS_ALLOWED:
        return False
    mints.append(now)
    return True


@callback
def async_setup_embed(hass: HomeAssistant) -> None:
    """Register the websocket command."""
    websocket_api.async_register_command(hass, ws_embed_token)


@bithuman_exception_handler()
async def _async_mint(entry: BithumanConfigEntry, code: str, user_id: str) -> str:
    """Return a new embed token for the user, or raise the translated refusal."""
    ensure_agent_ready(entry, code)
    if not _allow_mint(user_id, code):
        raise agent_error("embed_rate_limited", entry, code, HomeAssistantError)
    token = await entry.runtime_data.client.request_embed_token(
        code, fingerprint(entry, user_id)
    )
    return token.token


@websocket_api.websocket_command(
    {vol.Required("type"): "bithuman/embed_token", vol.Required("device_id"): str}
)
@websocket_api.async_response
async def ws_embed_token(
    hass: HomeAssistant, connection: websocket_api.ActiveConnection, msg: dict[str, Any]
) -> None:
    """Mint an embed token for an agent; answer the embed page's URL with it."""
    agent = agent_of_device(hass, dr.async_get(hass).async_get(msg["device_id"]))
    if agent is None or agent.entry.state is not ConfigEntryState.LOADED:
        connection.send_error(
            msg["id"], websocket_api.ERR_NOT_FOUND, "Not a bitHuman agent"
        )
        return
    entities = er.async_entries_for_device(er.async_get(hass), msg["device_id"])
    check_control(
        connection.user,
        [entity.entity_id for entity in entities],
        connection.context(msg),
    )
    try:
        token = await _async_mint(agent.entry, agent.code, connection.user.id)
    except HomeAssistantError as err:
        key = err.translation_key or ""
        connection.send_error(
            msg["id"],
            ERROR_CODES.get(key, key or websocket_api.ERR_HOME_ASSISTANT_ERROR),
            str(err),
            translation_key=err.translation_key,
            translation_domain=err.translation_domain,
            translation_placeholders=err.translation_placeholders,
        )
        return
    client = agent.entry.runtime_data.client
    url = embed_page(client.base_url, agent.code).with_query(token=token)
    connection.send_result(msg["id"], {"url": str(url), **token_lifetime(token)})
