"""The dev tools' own logic, without processes: config dir, log reading, browser."""

import json
from pathlib import Path

import pytest

from devtools.browser import ENV_CHROMIUM, TOKENS_KEY, find_chromium, login_script
from devtools.config_dir import (
    INCLUDE_FILES,
    create_include_files,
    http_yaml,
    prepare_config_dir,
    write_onboarding_storage,
)
from devtools.harness import bithuman_problems, log_records

LOG = """\
2026-12-01 11:07:46.428 WARNING (MainThread) [homeassistant.bootstrap] Skipping pip
2026-12-01 11:07:48.785 ERROR (MainThread) [homeassistant.setup] Setup failed for 'radio_frequency': Unable to import component
Traceback (most recent call last):
  File "/root/.cache/bithuman-ha/hass-2026.10.0/lib/python3.14/site-packages/homeassistant/setup.py", line 341
ModuleNotFoundError: No module named 'rf_protocols'
2026-12-01 11:07:49.000 ERROR (MainThread) [custom_components.bithuman.coordinator] Unexpected error fetching
2026-12-01 11:07:50.000 ERROR (MainThread) [homeassistant.setup] Setup failed for custom integration 'bithuman': boom
2026-12-01 11:07:51.000 ERROR (MainThread) [homeassistant.core] Error doing job
Traceback (most recent call last):
  File "/tmp/config/custom_components/bithuman/sensor.py", line 1, in native_value
KeyError: 'x'
2026-12-01 11:07:52.000 INFO (MainThread) [custom_components.bithuman] all good
"""


def test_log_records_keep_tracebacks_with_their_record() -> None:
    records = log_records(LOG)
    assert [record.level for record in records] == [
        "WARNING",
        "ERROR",
        "ERROR",
        "ERROR",
        "ERROR",
        "INFO",
    ]
    assert "rf_protocols" in records[1].text


def test_bithuman_problems_are_ours_only() -> None:
    """A cache path named bithuman-ha is no sign; our logger, name or code is."""
    problems = bithuman_problems(LOG)
    assert [record.logger for record in problems] == [
        "custom_components.bithuman.coordinator",
        "homeassistant.setup",
        "homeassistant.core",
    ]


def test_prepare_config_dir_makes_a_fresh_install(tmp_path: Path) -> None:
    configuration = tmp_path / "source.yaml"
    configuration.write_text("automation: !include automations.yaml\n")
    config_dir = tmp_path / "config"
    prepare_config_dir(config_dir, "127.0.0.1", 18123, configuration=configuration)
    for name, content in INCLUDE_FILES.items():
        assert (config_dir / name).read_text() == content
    assert (config_dir / "themes").is_dir()
    assert (config_dir / "custom_components" / "bithuman").is_symlink()
    assert json.loads((config_dir / ".storage" / "onboarding").read_text())["data"] == {
        "done": ["core_config"]
    }
    # What the UI saved stays; a started instance's onboarding is its own.
    (config_dir / "automations.yaml").write_text("- id: kept\n")
    (config_dir / ".storage" / "onboarding").unlink()
    (config_dir / ".storage" / "auth").write_text("{}")
    assert create_include_files(config_dir) == []
    assert not write_onboarding_storage(config_dir)
    assert (config_dir / "automations.yaml").read_text() == "- id: kept\n"


def test_http_in_yaml_for_older_releases(tmp_path: Path) -> None:
    configuration = tmp_path / "source.yaml"
    configuration.write_text("logger:\n")
    config_dir = tmp_path / "config"
    prepare_config_dir(
        config_dir, "127.0.0.1", 18125, configuration=configuration, http_storage=False
    )
    assert not (config_dir / ".storage" / "http").exists()
    assert (
        (config_dir / "configuration.yaml")
        .read_text()
        .endswith(http_yaml("127.0.0.1", 18125))
    )


def test_find_chromium_honours_the_variable(tmp_path: Path) -> None:
    fake = tmp_path / "chrome"
    fake.write_text("#!/bin/sh\n")
    assert find_chromium({ENV_CHROMIUM: str(fake)}) is None  # not executable
    fake.chmod(0o755)
    assert find_chromium({ENV_CHROMIUM: str(fake)}) == fake


@pytest.mark.parametrize("tokens", [{"access_token": "a'b\"c</script>"}])
def test_login_script_stores_the_tokens_as_json(tokens: dict[str, str]) -> None:
    script = login_script(tokens)
    assert json.dumps(TOKENS_KEY) in script
    stored = script.split("setItem(", 1)[1].split(", ", 1)[1].rsplit(")", 1)[0]
    assert json.loads(json.loads(stored)) == tokens
