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

EVENT_AGENT_STATUS_CHANGED: Final = "bithuman_agent_status_changed"
EVENT_DYNAMICS_STATUS_CHANGED: Final = "bithuman_dynamics_status_changed"

TOP_UP_URL: Final = "https://www.bithuman.ai"
MANUFACTURER: Final = "bitHuman"

API_KEYS_URL: Final = "https://www.bithuman.ai/developer/api-keys"
LIBRARY_URL: Final = "https://www.bithuman.ai/#library"
