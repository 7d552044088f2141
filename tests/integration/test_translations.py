"""Every word the user reads comes from the translations, in every language shipped."""

from __future__ import annotations

import ast
import json
from pathlib import Path
import string

import pytest
import yaml

from custom_components.bithuman.const import DOCUMENTED_GESTURES

INTEGRATION = Path(__file__).parents[2] / "custom_components" / "bithuman"
TRANSLATIONS = INTEGRATION / "translations"
EN = json.loads((TRANSLATIONS / "en.json").read_text(encoding="utf-8"))


def _strings(tree: dict, path: str = "") -> dict[str, str]:
    """Flatten a translation file to {dotted key: text}."""
    flat: dict[str, str] = {}
    for key, value in tree.items():
        if isinstance(value, dict):
            flat |= _strings(value, f"{path}{key}.")
        else:
            flat[f"{path}{key}"] = value
    return flat


def _placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


LANGUAGES = sorted(
    path.stem for path in TRANSLATIONS.glob("*.json") if path.stem != "en"
)


@pytest.mark.parametrize("language", LANGUAGES)
def test_each_language_has_the_keys_and_placeholders_of_english(language: str) -> None:
    """A translation is complete, and fills the same blanks as English."""
    english = _strings(EN)
    other = _strings(json.loads((TRANSLATIONS / f"{language}.json").read_text("utf-8")))
    assert set(other) == set(english)
    for key, text in english.items():
        assert _placeholders(other[key]) == _placeholders(text), key
        assert other[key].strip(), key


def test_english_placeholders_parse_as_home_assistant_reads_them() -> None:
    """Home Assistant formats with str.format: no ICU plurals or stray braces."""
    for key, text in _strings(EN).items():
        _placeholders(text)  # raises ValueError on a malformed text
        assert "{{" not in text, key


def _literal_placeholder_values() -> list[str]:
    """Return each `translation_placeholders` value in the code that is English text."""
    found: list[str] = []
    for path in INTEGRATION.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                not isinstance(node, ast.keyword)
                or node.arg != "translation_placeholders"
            ):
                continue
            if not isinstance(node.value, ast.Dict):
                continue
            for value in node.value.values:
                texts: list[str] = []
                if isinstance(value, ast.Constant) and isinstance(value.value, str):
                    texts.append(value.value)
                elif isinstance(value, ast.JoinedStr):
                    texts.extend(
                        part.value
                        for part in value.values
                        if isinstance(part, ast.Constant)
                        and isinstance(part.value, str)
                    )
                found.extend(
                    f"{path.name}:{value.lineno}: {text!r}"
                    for text in texts
                    if any(char.isalpha() for char in text)
                )
    return found


def test_no_placeholder_is_english_written_in_the_code() -> None:
    """Placeholders carry data (names, codes, numbers, bitHuman's words), never ours."""
    assert _literal_placeholder_values() == []


@pytest.mark.parametrize("language", ["en", *LANGUAGES])
def test_documented_gestures_are_named_alike_in_the_picker_and_the_buttons(
    language: str,
) -> None:
    """The actions' gesture picker and the gesture buttons list the same names."""
    strings = json.loads((TRANSLATIONS / f"{language}.json").read_text("utf-8"))
    picker = strings["selector"]["gesture"]["options"]
    services = yaml.safe_load((INTEGRATION / "services.yaml").read_text("utf-8"))
    offered = services["trigger_gesture"]["fields"]["gesture"]["selector"]["select"]
    assert set(offered["options"]) == set(picker) == DOCUMENTED_GESTURES
    buttons = strings["entity"]["button"]
    assert {g: buttons[f"gesture_{g}"]["name"] for g in picker} == picker
