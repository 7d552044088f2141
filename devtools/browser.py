"""A real Chromium for the browser tests: where it is, how to start it, how to log in.

Playwright drives the system's Chromium (`executable_path`): its own browser
download cannot work on machines without general internet access, and
`scripts/setup` installs Debian's `chromium` where it can. `BITHUMAN_CHROMIUM`
points at another Chrome or Chromium.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
import shutil
from typing import Any, Final

ENV_CHROMIUM: Final = "BITHUMAN_CHROMIUM"
CANDIDATES: Final = (
    "chromium",
    "chromium-browser",
    "google-chrome",
    "google-chrome-stable",
    "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome",
    "/Applications/Chromium.app/Contents/MacOS/Chromium",
)
# Headless, and quiet: no sandbox (root in a container), no GPU, nothing
# fetched in the background (no network beyond 127.0.0.1 here).
CHROMIUM_ARGS: Final = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
)
TOKENS_KEY: Final = "hassTokens"


def find_chromium(env: dict[str, str] | None = None) -> Path | None:
    """Return a Chrome/Chromium executable: BITHUMAN_CHROMIUM, else one on PATH."""
    env = dict(os.environ) if env is None else env
    if configured := env.get(ENV_CHROMIUM, "").strip():
        path = Path(configured)
        return path if path.is_file() and os.access(path, os.X_OK) else None
    for candidate in CANDIDATES:
        if found := shutil.which(candidate):
            return Path(found)
    return None


def login_script(tokens: dict[str, Any]) -> str:
    """Return a page script that stores a login where the frontend looks for it.

    Home Assistant's frontend keeps its tokens in localStorage `hassTokens`
    and uses them when their `hassUrl` is the page's origin; run before the
    page's own scripts, it starts logged in. A login the frontend stored
    itself (after a refresh) is left alone.
    """
    key, value = json.dumps(TOKENS_KEY), json.dumps(json.dumps(tokens))
    return (
        f"if (window.localStorage.getItem({key}) === null)"
        f" {{ window.localStorage.setItem({key}, {value}); }}"
    )
