"""Constants of the bitHuman API client."""

from __future__ import annotations

from typing import Final

import aiohttp

__version__: Final = "0.2.0"

DEFAULT_BASE_URL: Final = "https://api.bithuman.ai"
DEFAULT_REQUEST_TIMEOUT: Final = 15.0

USER_AGENT: Final = (
    f"bithuman-ha-api/{__version__} (custom_components.bithuman.api) "
    f"aiohttp/{aiohttp.__version__}"
)

HEADER_API_SECRET: Final = "api-secret"
HEADER_IDEMPOTENCY_KEY: Final = "Idempotency-Key"
HEADER_RETRY_AFTER: Final = "Retry-After"
HEADER_REQUEST_ID: Final = "X-Request-Id"
HEADER_RATE_LIMIT: Final = "X-RateLimit-Limit"
HEADER_RATE_REMAINING: Final = "X-RateLimit-Remaining"
HEADER_RATE_RESET: Final = "X-RateLimit-Reset"

AGENTS_PAGE_SIZE: Final = 100
LIVE_SESSIONS_LIMIT: Final = 200
MAX_AGENT_PAGES: Final = 1000
