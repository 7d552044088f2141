"""Packages a running Home Assistant needs that the locked test environment lacks.

The lock (`requirements_lock.txt`) holds what the tests import. A real `hass`
process also sets up its frontend and the integrations it always loads
(camera, conversation, tts, ...), each with requirements of its own. Home
Assistant would pip-install them while starting; `scripts/develop` runs it
with `--skip-pip` instead and installs them here, once per environment,
pinned the way Home Assistant's manifests and constraints pin them and
constrained by the lock, so nothing the tests use changes.

The frontend is required (without it Home Assistant starts in recovery
mode). The rest is best effort: a pinned package that cannot be installed
here (no wheel for this Python, no compiler or headers to build it) is
replaced by its newest release with a wheel, or else left out, which costs
its integration.
"""

from __future__ import annotations

from dataclasses import dataclass, field
import hashlib
import importlib.metadata
import importlib.util
import json
from pathlib import Path
import re
import shutil
import subprocess
import sys
from typing import Final

from .instance import INTEGRATION_DIR, REPO_ROOT

FRONTEND: Final = "frontend"
STAMP_NAME: Final = ".develop-packages.json"
SETUP_STAMP_NAME: Final = ".requirements.sha256"
_REQUIREMENT_NAME: Final = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")
_TOP_LEVEL_KEY: Final = re.compile(r"^([a-z0-9_]+):", re.MULTILINE)


class PackageError(Exception):
    """A package Home Assistant cannot run without could not be installed."""


@dataclass(slots=True)
class PackagesReport:
    """What `ensure_runtime_packages` did."""

    cached: bool
    installed: list[str] = field(default_factory=list)
    substituted: dict[str, str] = field(default_factory=dict)
    """Pinned requirement -> the newer release installed instead."""
    unavailable: dict[str, list[str]] = field(default_factory=dict)
    """Requirement -> the integrations that cannot load without it."""


def ha_package_dir() -> Path:
    """Return the installed `homeassistant` package's directory (not imported)."""
    spec = importlib.util.find_spec("homeassistant")
    if spec is None or not spec.submodule_search_locations:
        raise PackageError("homeassistant is not installed in this environment")
    return Path(next(iter(spec.submodule_search_locations)))


def _manifest(domain: str) -> dict[str, object] | None:
    path = ha_package_dir() / "components" / domain / "manifest.json"
    if not path.is_file():
        return None
    data: dict[str, object] = json.loads(path.read_text(encoding="utf-8"))
    return data


def _strings(manifest: dict[str, object] | None, key: str) -> list[str]:
    value = manifest.get(key, []) if manifest else []
    return (
        [item for item in value if isinstance(item, str)]
        if isinstance(value, list)
        else []
    )


def requirement_name(requirement: str) -> str:
    """Return the distribution name of a requirement such as `foo[bar]==1.0`."""
    match = _REQUIREMENT_NAME.match(requirement.strip())
    return match.group(0) if match else requirement


def is_installed(requirement: str) -> bool:
    """Tell whether a distribution of that name is installed (any version)."""
    try:
        importlib.metadata.version(requirement_name(requirement))
    except importlib.metadata.PackageNotFoundError:
        return False
    return True


def with_dependencies(domains: set[str]) -> set[str]:
    """Return the domains and, recursively, the core integrations they depend on."""
    seen: set[str] = set()
    todo = list(domains)
    while todo:
        domain = todo.pop()
        if domain in seen:
            continue
        seen.add(domain)
        todo.extend(_strings(_manifest(domain), "dependencies"))
    return seen


def missing_requirements(domains: set[str]) -> dict[str, list[str]]:
    """Map each requirement of the domains that is not installed to its domains."""
    missing: dict[str, list[str]] = {}
    for domain in sorted(with_dependencies(domains)):
        for requirement in _strings(_manifest(domain), "requirements"):
            if not is_installed(requirement):
                missing.setdefault(requirement, []).append(domain)
    return missing


def configured_domains(configuration_yaml: Path) -> set[str]:
    """Return the core integrations named at the top level of configuration.yaml."""
    keys = set(_TOP_LEVEL_KEY.findall(configuration_yaml.read_text(encoding="utf-8")))
    return {key for key in keys if _manifest(key) is not None}


def always_loaded_domains() -> set[str]:
    """Return the integrations Home Assistant sets up on every normal start.

    Importing `homeassistant.bootstrap` takes seconds; callers cache the result
    through the stamp in `ensure_runtime_packages`.
    """
    from homeassistant import bootstrap  # noqa: PLC0415

    return (
        set(bootstrap.CORE_INTEGRATIONS)
        | set(bootstrap.DEFAULT_INTEGRATIONS)
        | set(bootstrap.FRONTEND_INTEGRATIONS)
    )


def _install_command(requirements: list[str], *, newest_wheel: bool) -> list[str]:
    bin_dir = Path(sys.executable).parent
    uv = shutil.which("uv", path=str(bin_dir))
    installer = (
        [uv, "pip", "install", "--python", sys.executable]
        if uv
        else [sys.executable, "-m", "pip", "install", "--disable-pip-version-check"]
    )
    # Home Assistant's constraints pin what its manifests pin; the lock keeps
    # what the tests use unchanged. A newest-wheel fallback drops the former.
    constraints = [REPO_ROOT / "requirements_lock.txt"]
    if not newest_wheel:
        constraints.append(ha_package_dir() / "package_constraints.txt")
    options = [
        arg for path in constraints if path.is_file() for arg in ("-c", str(path))
    ]
    if newest_wheel:
        options += ["--only-binary", ":all:"]
    return [*installer, "--quiet", *options, *requirements]


def install(requirements: list[str], *, newest_wheel: bool = False) -> str | None:
    """Install the requirements; return None, or the installer's error output.

    With `newest_wheel`, install the newest release that has a wheel for this
    Python instead of the pinned one.
    """
    result = subprocess.run(  # noqa: S603 - our own interpreter and installer
        _install_command(requirements, newest_wheel=newest_wheel),
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode == 0:
        return None
    return (result.stderr or result.stdout).strip()


def _frontend_missing() -> list[str]:
    return [
        requirement
        for requirement in _strings(_manifest(FRONTEND), "requirements")
        if not is_installed(requirement)
    ]


def ensure_frontend() -> list[str]:
    """Install Home Assistant's frontend if missing; return what was installed."""
    missing = _frontend_missing()
    if missing and (error := install(missing)):
        tail = "\n".join(error.splitlines()[-15:])
        raise PackageError(f"Could not install {', '.join(missing)}:\n{tail}")
    return missing


def _stamp_key(configuration_yaml: Path) -> str:
    setup_stamp = Path(sys.prefix) / SETUP_STAMP_NAME
    parts = [
        importlib.metadata.version("homeassistant"),
        setup_stamp.read_text(encoding="utf-8") if setup_stamp.is_file() else "",
        (INTEGRATION_DIR / "manifest.json").read_text(encoding="utf-8"),
        *sorted(configured_domains(configuration_yaml)),
    ]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def ensure_runtime_packages(configuration_yaml: Path) -> PackagesReport:
    """Install what `hass --skip-pip` needs with this configuration.yaml.

    A pinned requirement that cannot be installed (no wheel for this Python,
    no way to build it) is replaced by its newest release that has a wheel,
    if any: importing it is what matters most. Home Assistant 2026.10's UI
    loads every integration's action descriptions, which imports
    `assist_satellite` and so `assist_pipeline`'s `pymicro_vad`; without it
    the frontend never gets past "Loading".

    Remembered in a stamp inside the virtual environment, keyed on the Home
    Assistant version, the `scripts/setup` stamp (a re-sync of the lock removes
    these packages), bitHuman's manifest and the configured integrations.
    """
    stamp = Path(sys.prefix) / STAMP_NAME
    key = _stamp_key(configuration_yaml)
    if stamp.is_file():
        stored = json.loads(stamp.read_text(encoding="utf-8"))
        if stored.get("key") == key and not _frontend_missing():
            return PackagesReport(
                cached=True,
                substituted=stored["substituted"],
                unavailable=stored["unavailable"],
            )

    report = PackagesReport(cached=False, installed=ensure_frontend())
    # bitHuman's own manifest too: its requirements, the integrations it needs.
    ours = json.loads((INTEGRATION_DIR / "manifest.json").read_text(encoding="utf-8"))
    domains = (
        always_loaded_domains()
        | configured_domains(configuration_yaml)
        | set(_strings(ours, "dependencies"))
    )
    missing = missing_requirements(domains)
    for requirement in _strings(ours, "requirements"):
        if not is_installed(requirement):
            missing.setdefault(requirement, []).append(ours["domain"])
    if not missing or install(list(missing)) is None:
        report.installed.extend(missing)
    else:
        # One of them cannot be installed as pinned: go one by one.
        for requirement, needed_by in missing.items():
            name = requirement_name(requirement)
            if install([requirement]) is None:
                report.installed.append(requirement)
            elif install([name], newest_wheel=True) is None:
                version = importlib.metadata.version(name)
                report.substituted[requirement] = f"{name}=={version}"
            else:
                report.unavailable[requirement] = needed_by
    stamp.write_text(
        json.dumps(
            {
                "key": key,
                "substituted": report.substituted,
                "unavailable": report.unavailable,
            },
            indent=2,
        )
        + "\n",
        encoding="utf-8",
    )
    return report
