"""Docs are tests: every setting appears in README's configuration table, and nothing there is invented."""

from __future__ import annotations

import re
from pathlib import Path

from callwarden.config import Settings

README = Path(__file__).resolve().parents[2] / "README.md"


def documented() -> set[str]:
    return set(re.findall(r"^\| `(CALLWARDEN_[A-Z0-9_]+)` \|", README.read_text(encoding="utf-8"), re.MULTILINE))


def test_every_setting_is_documented() -> None:
    settings = {f"CALLWARDEN_{name.upper()}" for name in Settings.model_fields}
    assert settings - documented() == set(), "settings missing from README's configuration table"


def test_no_documented_setting_is_unknown() -> None:
    settings = {f"CALLWARDEN_{name.upper()}" for name in Settings.model_fields}
    assert documented() - settings == set(), "README documents settings that do not exist"


def test_every_setting_has_a_description() -> None:
    assert all(field.description for field in Settings.model_fields.values())
