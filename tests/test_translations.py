"""Every app's Vietnamese catalog is complete, consistent with English, and compiled."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

TRANSLATIONS = Path(__file__).resolve().parent.parent / "translations"
APPS = ("issuer", "wallet", "verifier")
# Named (%(name)s) and positional (%s, %d) placeholders, which must survive translation.
PLACEHOLDER = re.compile(r"%(?:\([a-z_]+\))?[sdif]")


def catalog(app: str) -> Path:
    return TRANSLATIONS / app / "vi" / "LC_MESSAGES" / "messages.po"


@pytest.mark.parametrize("app", APPS)
def test_every_string_is_translated(app: str) -> None:
    with catalog(app).open("rb") as handle:
        messages = [m for m in read_po(handle) if m.id]
    assert len(messages) > 50
    untranslated = [m.id for m in messages if not m.string or not all(m.string)]
    fuzzy = [m.id for m in messages if m.fuzzy]
    assert untranslated == [] and fuzzy == []


@pytest.mark.parametrize("app", APPS)
def test_placeholders_survive(app: str) -> None:
    with catalog(app).open("rb") as handle:
        messages = [m for m in read_po(handle) if m.id]
    wrong = []
    for m in messages:
        ids = m.id if isinstance(m.id, tuple) else (m.id,)
        strings = m.string if isinstance(m.string, tuple) else (m.string,)
        wanted = sorted(PLACEHOLDER.findall(ids[-1]))
        wrong += [m.id for s in strings if sorted(PLACEHOLDER.findall(s)) != wanted]
    assert wrong == []


@pytest.mark.parametrize("app", APPS)
def test_catalog_is_compiled(app: str) -> None:
    po = catalog(app)
    mo = po.with_suffix(".mo")
    assert mo.exists(), "run: bash scripts/translations.sh compile"
    assert mo.stat().st_mtime >= po.stat().st_mtime, "the .mo is older than the .po: compile"
