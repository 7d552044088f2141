"""What a real `hass --skip-pip` process needs installed, read from Home Assistant.

A running Home Assistant sets up more than the tests import: its frontend, the
integrations it always loads (every base entity platform among them, hence
`assist_satellite` and `tts` with the voice stack behind them), the ones
`configuration.yaml` names, and bitHuman with the platforms it provides. Each
has requirements in its manifest, pinned. This module collects them from the
installed `homeassistant` package, so that

- `scripts/lock` writes them to `requirements_ha.txt` and locks them together
  with the development requirements (`scripts/setup` installs them; nothing is
  installed while Home Assistant starts),
- `scripts/develop` and the tests can tell what is missing before starting one,
- a smoke-test environment of another Home Assistant release installs what
  that release pins (run this module with that environment's Python).

Only the standard library and `homeassistant` itself are used.
"""

from __future__ import annotations

import argparse
from collections.abc import Iterable, Mapping, Sequence
import hashlib
import importlib.metadata
import importlib.util
import json
from pathlib import Path
import re
import sys
from typing import Final

REPO_ROOT: Final = Path(__file__).resolve().parents[1]
INTEGRATION_DIR: Final = REPO_ROOT / "custom_components" / "bithuman"
CONFIGURATION_YAML: Final = REPO_ROOT / "config" / "configuration.yaml"
REQUIREMENTS_HA: Final = REPO_ROOT / "requirements_ha.txt"
INTEGRATION_LABEL: Final = "custom_components/bithuman"
CHECK_STAMP: Final = ".ha-requirements-checked"
SETUP_STAMP: Final = ".requirements.sha256"
_REQUIREMENT_NAME: Final = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")
_TOP_LEVEL_KEY: Final = re.compile(r"^([a-z0-9_]+):", re.MULTILINE)

type Requirements = dict[str, list[str]]
"""Requirement (as pinned) -> the integrations that need it."""


class RequirementsError(Exception):
    """Home Assistant is not installed where it is looked for."""


def ha_package_dir() -> Path:
    """Return the installed `homeassistant` package's directory (not imported)."""
    spec = importlib.util.find_spec("homeassistant")
    if spec is None or not spec.submodule_search_locations:
        raise RequirementsError("homeassistant is not installed in this environment")
    return Path(next(iter(spec.submodule_search_locations)))


def ha_version() -> str:
    """Return the installed Home Assistant release."""
    return importlib.metadata.version("homeassistant")


def _manifest(path: Path) -> dict[str, object] | None:
    if not path.is_file():
        return None
    data: dict[str, object] = json.loads(path.read_text(encoding="utf-8"))
    return data


def core_manifest(domain: str) -> dict[str, object] | None:
    """Return a core integration's manifest, or None if there is no such one."""
    return _manifest(ha_package_dir() / "components" / domain / "manifest.json")


def strings(manifest: Mapping[str, object] | None, key: str) -> list[str]:
    """Return a manifest's list of strings under `key` (empty if absent)."""
    value = manifest.get(key, []) if manifest else []
    if not isinstance(value, list):
        return []
    return [item for item in value if isinstance(item, str)]


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


def discovery_integrations() -> dict[str, tuple[str, ...]]:
    """Return Home Assistant's discovery integrations and the manifest keys they serve."""
    from homeassistant import requirements  # noqa: PLC0415

    found = getattr(requirements, "DISCOVERY_INTEGRATIONS", {})
    return {domain: tuple(keys) for domain, keys in found.items()}


def with_requirement_dependencies(domains: Iterable[str]) -> set[str]:
    """Return the integrations whose requirements Home Assistant installs for these.

    As its `requirements` module does when it sets one up: the integration,
    then recursively its `dependencies` and `after_dependencies`, and the
    discovery integrations (dhcp, ssdp, zeroconf, mqtt) its manifest names.
    """
    discovery = discovery_integrations()
    seen: set[str] = set()
    todo = list(domains)
    while todo:
        domain = todo.pop()
        if domain in seen:
            continue
        seen.add(domain)
        manifest = core_manifest(domain)
        if manifest is None:
            continue
        todo.extend(strings(manifest, "dependencies"))
        todo.extend(strings(manifest, "after_dependencies"))
        todo.extend(
            check
            for check, keys in discovery.items()
            if any(key in manifest for key in keys)
        )
    return seen


def always_loaded_domains() -> set[str]:
    """Return the integrations Home Assistant sets up on every normal start.

    Imports `homeassistant.bootstrap` (a few seconds), whose sets are built
    at import time (every base entity platform is one of them).
    """
    from homeassistant import bootstrap  # noqa: PLC0415

    names = ("CORE_INTEGRATIONS", "DEFAULT_INTEGRATIONS", "FRONTEND_INTEGRATIONS")
    domains: set[str] = set()
    for name in names:
        domains |= set(getattr(bootstrap, name, ()))
    return domains


def configured_domains(configuration_yaml: Path) -> set[str]:
    """Return the core integrations named at the top level of configuration.yaml."""
    keys = set(_TOP_LEVEL_KEY.findall(configuration_yaml.read_text(encoding="utf-8")))
    return {key for key in keys if core_manifest(key) is not None}


def integration_domains(integration_dir: Path = INTEGRATION_DIR) -> set[str]:
    """Return the core integrations a custom integration needs loaded.

    Its manifest's `dependencies` and `after_dependencies`, and every platform
    it provides: a module named after a core integration (`sensor.py`,
    `tts.py`, `assist_satellite.py`, `diagnostics.py`, ...) is loaded through
    that integration.
    """
    manifest = _manifest(integration_dir / "manifest.json")
    platforms = {
        path.stem
        for path in integration_dir.glob("*.py")
        if core_manifest(path.stem) is not None
    }
    return (
        set(strings(manifest, "dependencies"))
        | set(strings(manifest, "after_dependencies"))
        | platforms
    )


def runtime_requirements(
    configuration_yaml: Path = CONFIGURATION_YAML,
    integration_dir: Path | None = INTEGRATION_DIR,
) -> Requirements:
    """Return every requirement a `hass` with this configuration needs.

    With `integration_dir`, the custom integration's own requirements and the
    core integrations it needs are included.
    """
    domains = always_loaded_domains() | configured_domains(configuration_yaml)
    if integration_dir is not None:
        domains |= integration_domains(integration_dir)
    requirements: Requirements = {}
    for domain in sorted(with_requirement_dependencies(domains)):
        for requirement in strings(core_manifest(domain), "requirements"):
            requirements.setdefault(requirement, []).append(domain)
    if integration_dir is not None:
        ours = _manifest(integration_dir / "manifest.json")
        for requirement in strings(ours, "requirements"):
            requirements.setdefault(requirement, []).append(INTEGRATION_LABEL)
    return requirements


def missing_requirements(requirements: Requirements) -> Requirements:
    """Return those of the requirements that are not installed (by name)."""
    return {
        requirement: domains
        for requirement, domains in requirements.items()
        if not is_installed(requirement)
    }


def _check_key(configuration_yaml: Path, integration_dir: Path) -> str:
    setup_stamp = Path(sys.prefix) / SETUP_STAMP
    parts = [
        ha_version(),
        setup_stamp.read_text(encoding="utf-8") if setup_stamp.is_file() else "",
        configuration_yaml.read_text(encoding="utf-8"),
        (integration_dir / "manifest.json").read_text(encoding="utf-8"),
        *sorted(path.name for path in integration_dir.glob("*.py")),
    ]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def missing_for_hass(
    configuration_yaml: Path = CONFIGURATION_YAML,
    integration_dir: Path = INTEGRATION_DIR,
) -> Requirements:
    """Return what a `hass --skip-pip` with this configuration lacks here.

    Remembered (when nothing is missing) in a stamp inside the virtual
    environment, keyed on what could change the answer: Home Assistant's
    release, the `scripts/setup` stamp, the configuration, bitHuman's
    manifest and modules. So only the first start after a change pays for
    importing `homeassistant.bootstrap`.
    """
    stamp = Path(sys.prefix) / CHECK_STAMP
    key = _check_key(configuration_yaml, integration_dir)
    if stamp.is_file() and stamp.read_text(encoding="utf-8") == key:
        return {}
    missing = missing_requirements(
        runtime_requirements(configuration_yaml, integration_dir)
    )
    if not missing:
        stamp.write_text(key, encoding="utf-8")
    return missing


def _label(path: Path) -> str:
    resolved = path.resolve()
    if resolved.is_relative_to(REPO_ROOT):
        return str(resolved.relative_to(REPO_ROOT))
    return str(path)


def render(
    requirements: Requirements,
    version: str,
    configuration_yaml: Path = CONFIGURATION_YAML,
) -> str:
    """Return requirements_ha.txt's text: one pinned line per requirement."""
    lines = [
        "# Generated by scripts/lock (python -m devtools.ha_requirements): what a",
        f"# real `hass --skip-pip` with {_label(configuration_yaml)} and bitHuman",
        f"# needs, as Home Assistant {version}'s manifests pin it. Do not edit.",
    ]
    for requirement in sorted(
        requirements, key=lambda item: (requirement_name(item).lower(), item)
    ):
        domains = ", ".join(requirements[requirement])
        lines.append(f"{requirement}  # {domains}")
    return "\n".join(lines) + "\n"


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    """Parse the command line."""
    parser = argparse.ArgumentParser(
        prog="python -m devtools.ha_requirements",
        description=(
            "Print (or write, or check) the pinned requirements a real Home"
            " Assistant with this configuration and bitHuman needs."
        ),
    )
    parser.add_argument("--configuration", type=Path, default=CONFIGURATION_YAML)
    parser.add_argument(
        "--no-integration",
        action="store_true",
        help="leave out bitHuman's own requirements and platforms",
    )
    action = parser.add_mutually_exclusive_group()
    action.add_argument("--write", type=Path, help="write the file (requirements_ha)")
    action.add_argument(
        "--check", type=Path, help="exit 1 unless the file is up to date"
    )
    action.add_argument(
        "--missing",
        action="store_true",
        help="print only those not installed; exit 1 if there are any",
    )
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line."""
    args = parse_args(argv)
    requirements = runtime_requirements(
        args.configuration, None if args.no_integration else INTEGRATION_DIR
    )
    if args.missing:
        missing = missing_requirements(requirements)
        sys.stdout.write("".join(f"{requirement}\n" for requirement in missing))
        return 1 if missing else 0
    text = render(requirements, ha_version(), args.configuration)
    if args.write is not None:
        args.write.write_text(text, encoding="utf-8")
        return 0
    if args.check is not None:
        current = args.check.read_text(encoding="utf-8") if args.check.is_file() else ""
        if current != text:
            sys.stderr.write(f"{args.check} is out of date: run scripts/lock\n")
            return 1
        return 0
    sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
