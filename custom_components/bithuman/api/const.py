"""Constants of the bitHuman API client."""

from __future__ import annotations

from typing import Final

import aiohttp

__version__: Final = "0.1.0"

DEFAULT_BASE_URL: Final = "https://api.bithuman.ai"
DEFAULT_REQUEST_TIMEOUT: Final = 15.0

USER_AGENT: Final = (
    f"bithuman-ha-api/{__version__} (custom_components.bithuman.api) "
    f"aiohttp/{aiohttp.__version__}"
)

HEADER_API_SECRET: Final = "api-secret"
HEADER_IDEMPOTENCY_KEY: Final = "Idempotency-Key"
HEADER_RETRY_AFTER: Final = "Retry-After"

AGENTS_PAGE_SIZE: Final = 100
MAX_AGENT_PAGES: Final = 1000

DYNAMICS_GENERATION_CREDITS: Final = 250
