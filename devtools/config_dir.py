"""A Home Assistant config directory made ready for a development `hass`.

What `scripts/develop` does to `config/` and the tests to a temporary copy:
configuration.yaml, the include files a fresh install has, the integration
linked into `custom_components/`, and the HTTP settings in `.storage/http`.
"""

from __future__ import annotations

import contextlib
from datetime import UTC, datetime
import json
import os
from pathlib import Path
import shutil
from typing import Final

REPO_ROOT: Final = Path(__file__).resolve().parents[1]
INTEGRATION_DIR: Final = REPO_ROOT / "custom_components" / "bithuman"
CONFIGURATION_YAML: Final = "configuration.yaml"
HTTP_STORAGE_KEY: Final = "http"
HTTP_STORAGE_VERSION: Final = 2
HTTP_STORAGE_MINOR_VERSION: Final = 2

# Home Assistant's defaults for the stored HTTP settings (the `http` storage
# schema applied to `{}`). `tests/e2e` checks them against Home Assistant's own
# schema, so an upgrade that changes them fails a test instead of a start.
HTTP_DEFAULTS: Final[dict[str, object]] = {
    "cors_allowed_origins": ["https://cast.home-assistant.io"],
    "login_attempts_threshold": -1,
    "ip_ban_enabled": True,
    "ssl_profile": "modern",
    "use_x_frame_options": True,
}
_HTTP_META_KEYS: Final = ("created_at", "error", "error_message")

# What a fresh Home Assistant install creates beside configuration.yaml: the
# files its `!include`s name (automations, scripts and scenes saved in the UI
# go there) and the themes folder. `prepare_config_dir` creates the missing ones.
INCLUDE_FILES: Final[dict[str, str]] = {
    "automations.yaml": "[]",
    "scripts.yaml": "",
    "scenes.yaml": "",
}
THEMES_DIR: Final = "themes"
# Onboarding's storage, with the core-config step marked done (see
# `write_onboarding_storage`).
ONBOARDING_STORAGE: Final[dict[str, object]] = {
    "version": 4,
    "minor_version": 1,
    "key": "onboarding",
    "data": {"done": ["core_config"]},
}


def http_settings(host: str, port: int) -> dict[str, object]:
    """Return the HTTP settings (as Home Assistant stores them) for host:port."""
    return {"server_port": port, "server_host": [host], **HTTP_DEFAULTS}


def write_http_storage(config_dir: Path, host: str, port: int) -> bool:
    """Make `host:port` Home Assistant's confirmed ("stable") HTTP settings.

    Home Assistant 2026.10 applies an `http:` block of configuration.yaml as a
    five-minute trial that is reverted (with a restart) unless promoted. The
    settings it keeps live in `.storage/http`; writing them there before it
    starts is the one file under `.storage` this tool writes by hand. Returns
    whether the file changed.
    """
    path = config_dir / ".storage" / HTTP_STORAGE_KEY
    wanted = http_settings(host, port)
    with contextlib.suppress(OSError, ValueError, KeyError, TypeError):
        data = json.loads(path.read_text(encoding="utf-8"))["data"]
        stable = {
            key: value
            for key, value in data["stable"].items()
            if key not in _HTTP_META_KEYS
        }
        if stable == wanted and data["pending"] is None:
            return False
    stored = {
        "version": HTTP_STORAGE_VERSION,
        "minor_version": HTTP_STORAGE_MINOR_VERSION,
        "key": HTTP_STORAGE_KEY,
        "data": {
            "stable": {
                **wanted,
                "created_at": datetime.now(UTC).isoformat(),
                "error": None,
                "error_message": None,
            },
            "pending": None,
            "yaml_migration_done": True,
        },
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(stored, indent=2) + "\n", encoding="utf-8")
    path.chmod(0o600)
    return True


def link_integration(config_dir: Path) -> None:
    """Point `<config>/custom_components/bithuman` at the repository's integration."""
    link = config_dir / "custom_components" / "bithuman"
    target = Path(os.path.relpath(INTEGRATION_DIR, link.parent))
    if link.is_symlink():
        if link.readlink() == target:
            return
        link.unlink()
    elif link.exists():
        raise FileExistsError(
            f"{link} exists and is not a symlink; remove it (or run with --reset)"
        )
    link.parent.mkdir(parents=True, exist_ok=True)
    link.symlink_to(target, target_is_directory=True)


def create_include_files(config_dir: Path) -> list[str]:
    """Create the empty include files and themes folder a fresh install has.

    Existing ones are left alone (they hold what was saved in the UI). Returns
    the names created.
    """
    created: list[str] = []
    for name, content in INCLUDE_FILES.items():
        path = config_dir / name
        if not path.exists():
            path.write_text(content, encoding="utf-8")
            created.append(name)
    if not (themes := config_dir / THEMES_DIR).exists():
        themes.mkdir()
        created.append(THEMES_DIR)
    return created


def write_onboarding_storage(config_dir: Path) -> bool:
    """On a fresh config directory, mark onboarding's core-config step done.

    That step (location, units, country) is what the dev tools set through
    the API anyway; posting it would also start flows that add weather, radio,
    speech and shopping-list entries in background tasks no client can wait
    for. Written only before Home Assistant's first start (no `.storage/auth`,
    no onboarding storage); returns whether it was.
    """
    storage = config_dir / ".storage"
    path = storage / "onboarding"
    if path.exists() or (storage / "auth").exists():
        return False
    storage.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(ONBOARDING_STORAGE, indent=2) + "\n", encoding="utf-8")
    path.chmod(0o600)
    return True


def http_yaml(host: str, port: int) -> str:
    """Return an `http:` block for releases without stored HTTP settings.

    Before Home Assistant 2026.8 the server's address came from
    configuration.yaml alone (no trial, nothing to promote).
    """
    return f"\nhttp:\n  server_host: {host}\n  server_port: {port}\n"


def prepare_config_dir(
    config_dir: Path,
    host: str,
    port: int,
    *,
    configuration: Path | None = None,
    http_storage: bool = True,
) -> None:
    """Make a config directory ready for `hass`: YAML, integration link, HTTP.

    With `http_storage` False (releases before 2026.8), the address goes into
    configuration.yaml instead of `.storage/http`.
    """
    config_dir.mkdir(parents=True, exist_ok=True)
    if configuration is not None:
        shutil.copyfile(configuration, config_dir / CONFIGURATION_YAML)
    create_include_files(config_dir)
    write_onboarding_storage(config_dir)
    link_integration(config_dir)
    if http_storage:
        write_http_storage(config_dir, host, port)
    else:
        with (config_dir / CONFIGURATION_YAML).open("a", encoding="utf-8") as yaml:
            yaml.write(http_yaml(host, port))


def reset_config_dir(config_dir: Path) -> list[str]:
    """Delete everything in the config directory but configuration.yaml.

    Returns the names removed. Everything else there is generated (and
    ignored by git): `.storage`, the database, logs, the integration link.
    """
    removed: list[str] = []
    for entry in sorted(config_dir.iterdir()):
        if entry.name == CONFIGURATION_YAML:
            continue
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry)
        else:
            entry.unlink()
        removed.append(entry.name)
    return removed
