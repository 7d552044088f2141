"""Constants for the bitHuman integration."""

from __future__ import annotations

import logging
from typing import Final

DOMAIN: Final = "bithuman"
LOGGER = logging.getLogger(__package__)

DEFAULT_API_URL: Final = "https://api.bithuman.ai"
DEFAULT_AVATAR_IDENTITY: Final = "bithuman-avatar-agent"

CONF_API_SECRET: Final = "api_secret"
CONF_API_URL: Final = "api_url"
CONF_ADVANCED: Final = "advanced"
CONF_AGENTS: Final = "agents"
CONF_AGENT_CODE: Final = "agent_code"
CONF_LIVEKIT_URL: Final = "livekit_url"
CONF_LIVEKIT_API_KEY: Final = "livekit_api_key"
CONF_LIVEKIT_API_SECRET: Final = "livekit_api_secret"
CONF_AVATAR_IDENTITY: Final = "avatar_identity"

SUBENTRY_TYPE_AGENT: Final = "agent"

MANUFACTURER: Final = "bitHuman"
WEBSITE_URL: Final = "https://www.bithuman.ai"
TOP_UP_URL: Final = "https://www.bithuman.ai/pricing"
API_KEYS_URL: Final = "https://www.bithuman.ai/developer/api-keys"
LIBRARY_URL: Final = "https://www.bithuman.ai/#library"

# One-time charges (billing.md); `auto` is the worst case of its routing.
DYNAMICS_CREDITS: Final = 250
AGENT_CREDITS: Final[dict[str | None, int]] = {
    None: 250,
    "expression": 250,
    "essence": 250,
    "expression-1": 250,
    "essence-1": 250,
    "essence-2": 500,
    "essence-2-max": 500,
    "expression-2": 2000,
    "auto": 2000,
}

# Push: Home Assistant's webhook id, bitHuman's id and signing secret for it.
CONF_WEBHOOK_ID: Final = "webhook_id"
CONF_WEBHOOK_REMOTE_ID: Final = "webhook_remote_id"
CONF_WEBHOOK_SECRET: Final = "webhook_secret"
CONF_WEBHOOK_URL: Final = "webhook_url"
# A random per-entry salt for the embed fingerprint of each user.
CONF_EMBED_SALT: Final = "embed_salt"

# The gestures bitHuman's docs name: each has translated names of its own.
DOCUMENTED_GESTURES: Final = frozenset(
    {
        "mini_wave_hello",
        "talk_head_nod_subtle",
        "blow_kiss_heart",
        "laugh_react",
        "idle_subtle",
    }
)
