"""Swedish for the Qt-free texts: the catalogue and the status line."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from app.core import catalog as catalog_mod
from app.core.catalog import Catalog
from app.core.language import language
from app.core.resources import resource_path
from app.core.service import StatusSnapshot, SyncState
from app.core.status_text import status_line


@pytest.fixture
def swedish(monkeypatch: pytest.MonkeyPatch) -> Iterator[Catalog]:
    monkeypatch.setenv("SYNCBAR_LANG", "sv")
    catalog_mod.load_default.cache_clear()
    yield catalog_mod.load_default()
    catalog_mod.load_default.cache_clear()


def test_language_follows_syncbar_lang_then_the_locale(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SYNCBAR_LANG")
    monkeypatch.delenv("LC_ALL", raising=False)
    monkeypatch.delenv("LC_MESSAGES", raising=False)
    monkeypatch.setenv("LANG", "sv_SE.UTF-8")
    assert language() == "sv"
    monkeypatch.setenv("LANG", "de_DE.UTF-8")
    assert language() == "en"  # not spoken yet: English


def test_every_catalogue_entry_has_its_swedish_words(swedish: Catalog) -> None:
    english = Catalog.load()
    shipped = json.loads(resource_path("catalog_sv.json").read_text(encoding="utf-8"))["entries"]
    assert set(shipped) == {e.code for e in english.entries()}
    for entry in english.entries():
        sv = swedish.get(entry.code)
        assert sv.title != entry.title or entry.title in ("Salesforce",), entry.code
        assert sv.reason and sv.recommendation and sv.recommendation != entry.recommendation
        assert (sv.retry_class, sv.scope, sv.fixer, sv.action) == (
            entry.retry_class,
            entry.scope,
            entry.fixer,
            entry.action,
        )
        assert sv.mark_detail == entry.mark_detail  # the marks in the mailbox keep one spelling


def test_status_line_in_swedish(swedish: Catalog) -> None:
    now = datetime(2026, 11, 25, 14, 0, tzinfo=UTC)
    synced = StatusSnapshot(SyncState.IDLE, last_sync_at=now - timedelta(minutes=2), open_issues=3)
    assert status_line(synced, swedish, now) == "Synkad för 2 min sedan med 3 problem"
    reauth = StatusSnapshot(SyncState.NEEDS_REAUTH, error_code="SF_AUTH_FAILED", error_account="rep@acme.com")
    assert (
        status_line(reauth, swedish, now) == "Inloggning krävs (rep@acme.com): Inloggningen till Salesforce har gått ut"
    )
    assert status_line(StatusSnapshot(SyncState.PAUSED), swedish, now) == "Pausad"
