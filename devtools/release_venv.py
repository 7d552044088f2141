"""A cached virtual environment of any Home Assistant release, for a real `hass`.

`~/.cache/bithuman-ha/hass-<release>` is made from the same Python as this
environment with uv: `homeassistant==<release>`, then what that release's
manifests pin for a `hass --skip-pip` with the given configuration and
bitHuman (its frontend, voice stack, bitHuman's own requirements; found by
running `devtools.ha_requirements` with the new environment's Python),
under that release's package constraints. A stamp written last records what
it was built from; a second call with the same inputs costs milliseconds,
and one build at a time runs per release (a lock file).

`python -m devtools.release_venv 2026.11.*` builds one and prints its path.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from dataclasses import dataclass
import fcntl
import fnmatch
import hashlib
import os
from pathlib import Path
import re
import shutil
import subprocess
import sys
import sysconfig
import time
from typing import Final

from .config_dir import INTEGRATION_DIR, REPO_ROOT

CACHE_ROOT: Final = (
    Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "bithuman-ha"
)
STAMP_NAME: Final = ".bithuman-release.stamp"
UNRESOLVABLE: Final = "No solution found when resolving dependencies"
EXACT_RELEASE: Final = re.compile(r"^\d{4}\.\d{1,2}\.\d+(\.dev\d+|b\d+)?$")
_PINNED: Final = re.compile(r"^homeassistant==(\S+)", re.MULTILINE | re.IGNORECASE)
# Inputs whose change means a rebuild (besides the release and the Python).
_STAMP_SOURCES: Final = (
    INTEGRATION_DIR / "manifest.json",
    Path(__file__).with_name("ha_requirements.py"),
    Path(__file__),
)


class ReleaseVenvError(Exception):
    """The environment could not be built."""


@dataclass(frozen=True, slots=True)
class ReleaseVenv:
    """A built environment: where it is and which release it holds."""

    release: str
    path: Path
    built_now: bool
    seconds: float

    @property
    def python(self) -> Path:
        """The environment's interpreter."""
        return self.path / "bin" / "python"

    @property
    def stores_http_settings(self) -> bool:
        """Tell whether this release keeps its HTTP address in `.storage/http`.

        From 2026.8 on (`components/http/config.py`); before, configuration.yaml's
        `http:` block alone sets it.
        """
        return any(
            self.path.glob(
                "lib/python*/site-packages/homeassistant/components/http/config.py"
            )
        )


def base_python() -> Path:
    """Return the interpreter this environment was made from."""
    return Path(getattr(sys, "_base_executable", None) or sys.executable)


def uv_binary() -> str:
    """Return the uv next to this interpreter (the locked one), else on PATH."""
    found = shutil.which("uv", path=str(Path(sys.executable).parent)) or shutil.which(
        "uv"
    )
    if found is None:
        raise ReleaseVenvError("uv is not installed (run scripts/setup)")
    return found


def _run(
    argv: Sequence[str],
    *,
    what: str,
    env: dict[str, str] | None = None,
    stdin: str = "",
) -> str:
    result = subprocess.run(  # noqa: S603 - uv and our own interpreters
        list(argv), input=stdin, capture_output=True, text=True, check=False, env=env
    )
    if result.returncode != 0:
        tail = "\n".join((result.stderr or result.stdout).strip().splitlines()[-20:])
        raise ReleaseVenvError(f"Could not {what}:\n{tail}")
    return result.stdout


def _cached_releases(spec: str) -> list[str]:
    """Return the built releases matching a spec, newest first."""
    found = [
        path.name.removeprefix("hass-")
        for path in CACHE_ROOT.glob("hass-*")
        if (path / STAMP_NAME).is_file()
    ]
    matching = [release for release in found if fnmatch.fnmatchcase(release, spec)]
    return sorted(matching, key=_release_key, reverse=True)


def _release_key(release: str) -> tuple[int, ...]:
    return tuple(int(part) for part in re.findall(r"\d+", release))


def resolve_release(spec: str) -> str:
    """Return the exact release a spec names: `2026.8.0` or `2026.11.*` (newest).

    A spec other than an exact release asks the package index (uv resolves
    `homeassistant==<spec>` without its dependencies); if that cannot be
    reached, the newest release already built that matches is used.
    """
    if EXACT_RELEASE.match(spec):
        return spec
    try:
        output = _run(
            [
                uv_binary(),
                "pip",
                "compile",
                "--quiet",
                "--no-deps",
                "--no-header",
                "--no-annotate",
                "--python",
                str(base_python()),
                "-",
            ],
            what=f"find a Home Assistant release matching {spec!r}",
            stdin=f"homeassistant=={spec}\n",
        )
    except ReleaseVenvError:
        if cached := _cached_releases(spec):
            return cached[0]
        raise
    if (match := _PINNED.search(output)) is None:
        raise ReleaseVenvError(f"No Home Assistant release matches {spec!r}")
    return match.group(1)


def build_flags() -> dict[str, str]:
    """Return the environment with compiler flags that find Python's headers.

    A Python unpacked from Debian packages keeps its multiarch `pyconfig.h`
    one level above the include directory sysconfig reports.
    """
    include = Path(sysconfig.get_paths()["include"])
    flags = f"-I{include.parent} -I{include}"
    env = dict(os.environ)
    for name in ("CPPFLAGS", "CFLAGS", "CXXFLAGS"):
        env[name] = f"{flags} {env.get(name, '')}".strip()
    return env


def _stamp(release: str, configuration: Path) -> str:
    digest = hashlib.sha256()
    digest.update(release.encode())
    digest.update(str(base_python().resolve()).encode())
    digest.update(sys.version.encode())
    digest.update(configuration.read_bytes())
    for source in _STAMP_SOURCES:
        digest.update(source.read_bytes())
    digest.update(
        " ".join(sorted(path.name for path in INTEGRATION_DIR.glob("*.py"))).encode()
    )
    return digest.hexdigest()


def _build(path: Path, release: str, configuration: Path) -> None:
    uv = uv_binary()
    shutil.rmtree(path, ignore_errors=True)
    _run(
        [uv, "venv", "--quiet", "--python", str(base_python()), str(path)],
        what=f"create {path}",
    )
    python = str(path / "bin" / "python")
    env = build_flags()
    pip_install = [uv, "pip", "install", "--quiet", "--python", python]
    _run(
        [*pip_install, f"homeassistant=={release}"],
        what=f"install homeassistant=={release}",
        env=env,
    )
    # That release's manifests, read by its own interpreter (bitHuman's
    # platforms and requirements included), constrained as it constrains them.
    requirements = _run(
        [
            python,
            "-m",
            "devtools.ha_requirements",
            "--configuration",
            str(configuration),
        ],
        what=f"read Home Assistant {release}'s manifests",
        env={**env, "PYTHONPATH": str(REPO_ROOT)},
    )
    requirements_file = path / "requirements_ha.txt"
    requirements_file.write_text(requirements, encoding="utf-8")
    found = sorted(
        path.glob("lib/python*/site-packages/homeassistant/package_constraints.txt")
    )
    if not found:
        raise ReleaseVenvError(f"No Home Assistant package constraints in {path}")
    constraints = str(found[0])
    _run(
        [*pip_install, "-c", constraints, "-r", str(requirements_file)],
        what=(
            f"install what Home Assistant {release}'s and bitHuman's manifests pin"
            f" under {release}'s package constraints"
        ),
        env=env,
    )


def ensure_release_venv(spec: str, configuration: Path) -> ReleaseVenv:
    """Return the environment of a release, building it unless it is current."""
    started = time.monotonic()
    release = resolve_release(spec)
    path = CACHE_ROOT / f"hass-{release}"
    stamp_path = path / STAMP_NAME
    wanted = _stamp(release, configuration)
    CACHE_ROOT.mkdir(parents=True, exist_ok=True)
    unresolvable = CACHE_ROOT / f"hass-{release}.unresolvable"
    with (CACHE_ROOT / f"hass-{release}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if stamp_path.is_file() and stamp_path.read_text(encoding="utf-8") == wanted:
            return ReleaseVenv(release, path, False, time.monotonic() - started)
        if unresolvable.is_file():
            key, _, reason = unresolvable.read_text(encoding="utf-8").partition("\n")
            if key == wanted:
                raise ReleaseVenvError(f"{reason}\n(remembered in {unresolvable})")
        try:
            _build(path, release, configuration)
        except ReleaseVenvError as err:
            # A resolver's "no solution" is an answer, not an accident: keep it
            # until an input changes, so that a rerun fails in milliseconds.
            if UNRESOLVABLE in str(err):
                unresolvable.write_text(f"{wanted}\n{err}", encoding="utf-8")
                shutil.rmtree(path, ignore_errors=True)
            raise
        unresolvable.unlink(missing_ok=True)
        stamp_path.write_text(wanted, encoding="utf-8")
    return ReleaseVenv(release, path, True, time.monotonic() - started)


def main(argv: Sequence[str] | None = None) -> int:
    """Build (or find) the environments of the releases given; print their paths."""
    parser = argparse.ArgumentParser(prog="python -m devtools.release_venv")
    parser.add_argument("releases", nargs="+", help="e.g. 2026.8.0 or '2026.11.*'")
    parser.add_argument(
        "--configuration",
        type=Path,
        default=REPO_ROOT / "tests" / "smoke" / "configuration.yaml",
    )
    args = parser.parse_args(argv)
    for spec in args.releases:
        venv = ensure_release_venv(spec, args.configuration)
        how = "built" if venv.built_now else "cached"
        sys.stdout.write(f"{venv.release}: {venv.path} ({how}, {venv.seconds:.1f} s)\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
