"""The Issues tab as a user reads it: when, which item, what the problem is and what to do; a ⋮ per row,
bulk actions, "all like this", ignored issues brought back, and the empty and no-match states."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from PySide6.QtCore import QItemSelectionModel, Qt
from pytestqt.qtbot import QtBot

from app.core.catalog import load_default
from app.core.model import Issue, IssueState, ItemKind, Scope, Source
from app.ui.issues_tab import IssuesTab
from app.ui.models import COLUMN, COLUMNS, IssuesModel, first_sentence, relative_time

NOW = datetime(2026, 12, 2, 15, 0, tzinfo=UTC)
CATALOG = load_default()
SELECT_ROW = QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows


def issue(n: int, code: str = "DATA_VALIDATION_FAILED", **kw: Any) -> Issue:
    values: dict[str, Any] = {
        "id": n,
        "code": code,
        "scope": Scope.ITEM,
        "source": Source.SALESFORCE,
        "account": "rep@example.com",
        "state": IssueState.OPEN,
        "first_seen": NOW - timedelta(hours=n),
        "last_seen": NOW - timedelta(minutes=5 + n),
        "kind": ItemKind.EMAIL,
        "item_key": f"email:m{n}",
        "item_title": "Hello",
        "item_who": f"Person {n}",
        "item_at": NOW - timedelta(days=2),
        "mailbox_link": f"https://mail.example/m{n}",
        "message": "FIELD_CUSTOM_VALIDATION_EXCEPTION: Amount required",
    }
    values.update(kw)
    return Issue(**values)


@pytest.fixture
def tab(qtbot: QtBot) -> Iterator[IssuesTab]:
    widget = IssuesTab(CATALOG)
    widget.model.clock = lambda: NOW
    qtbot.addWidget(widget)
    widget.resize(1100, 600)
    widget.show()
    yield widget


def cells(model: IssuesModel, row: int) -> dict[str, str]:
    return {key: str(model.data(model.index(row, COLUMN[key])) or "") for key, _, _ in COLUMNS}


def test_columns_read_when_item_problem_and_what_to_do_never_a_raw_code(tab: IssuesTab) -> None:
    tab.set_issues([issue(1, crm_link="https://org.example/003A"), issue(2, source=Source.ENGINE)])
    model = tab.model
    headers = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(6)]
    assert headers == ["When", "Item", "Problem", "What to do", "Mailbox", "Salesforce"]
    row = cells(model, 0)
    entry = CATALOG.get("DATA_VALIDATION_FAILED")
    assert row["when"] == "6 min ago"
    assert row["item"].startswith("Hello — Person 1, ")  # two "Hello" mails told apart by who and when
    assert cells(model, 1)["item"].startswith("Hello — Person 2, ")
    assert row["problem"] == entry.title
    assert row["todo"] == first_sentence(entry.recommendation) and len(row["todo"]) < len(entry.recommendation)
    assert row["actions"] == "⋮"
    shown = " ".join(cells(model, r)[k] for r in range(2) for k in row)
    assert "DATA_VALIDATION_FAILED" not in shown and "Engine" not in shown and "email" not in shown
    # The code, the exact time and the source (in words) are one hover away.
    tip = str(model.data(model.index(0, COLUMN["problem"]), Qt.ItemDataRole.ToolTipRole))
    assert "DATA_VALIDATION_FAILED" in tip and "Amount required" in tip
    assert "Syncbar" in str(model.data(model.index(1, COLUMN["item"]), Qt.ItemDataRole.ToolTipRole))
    assert "Last seen" in str(model.data(model.index(0, COLUMN["when"]), Qt.ItemDataRole.ToolTipRole))
    # Connectivity icons only where there is somewhere to go.
    assert model.data(model.index(0, COLUMN["crm"]), Qt.ItemDataRole.DecorationRole) is not None
    assert model.data(model.index(1, COLUMN["crm"]), Qt.ItemDataRole.DecorationRole) is None
    assert model.data(model.index(1, COLUMN["mailbox"]), Qt.ItemDataRole.DecorationRole) is not None


def test_relative_times() -> None:
    assert relative_time(NOW - timedelta(seconds=20), NOW) == "just now"
    assert relative_time(NOW - timedelta(minutes=5), NOW) == "5 min ago"
    assert relative_time(NOW - timedelta(days=1, hours=1), NOW) in ("yesterday", "2 days ago")
    assert relative_time(NOW - timedelta(days=3), NOW) == "3 days ago"
    assert relative_time(NOW - timedelta(days=30), NOW) != "30 days ago"  # the date, in the user's format


def test_the_salesforce_icon_opens_the_record(tab: IssuesTab, monkeypatch: pytest.MonkeyPatch) -> None:
    from PySide6.QtGui import QDesktopServices

    opened: list[str] = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url.toString()) or True)
    tab.set_issues([issue(1, crm_link="https://org.example/003A")])
    tab._clicked(tab.model.index(0, COLUMN["crm"]))
    tab._clicked(tab.model.index(0, COLUMN["mailbox"]))
    assert opened == ["https://org.example/003A", "https://mail.example/m1"]


def test_each_rows_menu_acts_on_that_row(tab: IssuesTab, qtbot: QtBot) -> None:
    tab.set_issues([issue(1), issue(2), issue(3)])
    retried: list[list[int]] = []
    ignored: list[list[int]] = []
    tab.retry.connect(retried.append)
    tab.ignore.connect(ignored.append)
    tab._clicked(tab.model.index(1, COLUMN["actions"]))  # the second row's ⋮
    qtbot.waitUntil(tab.menu.isVisible)
    assert tab.retry_action.isEnabled() and tab.ignore_action.isVisible() and not tab.unignore_action.isVisible()
    tab.retry_action.trigger()
    tab.menu.hide()
    tab._clicked(tab.model.index(2, COLUMN["actions"]))
    qtbot.waitUntil(tab.menu.isVisible)
    tab.ignore_action.trigger()
    tab.menu.hide()
    assert retried == [[tab.model.issue(1).id]] and ignored == [[tab.model.issue(2).id]]


def test_bulk_actions_on_a_selection_and_all_like_this(tab: IssuesTab, qtbot: QtBot) -> None:
    issues = [issue(n, code="SF_ROW_LOCKED" if n % 2 else "DATA_VALIDATION_FAILED") for n in range(1, 7)]
    tab.set_issues(issues)
    retried: list[list[int]] = []
    ignored: list[list[int]] = []
    tab.retry.connect(retried.append)
    tab.ignore.connect(ignored.append)
    assert not tab.retry_selected.isEnabled()
    sel = tab.view.selectionModel()
    for r in (0, 1, 2):
        sel.select(tab.model.index(r, 0), SELECT_ROW)
    assert tab.retry_selected.isEnabled() and tab.selection_label.text() == "3 selected"
    tab.retry_selected.click()
    assert sorted(retried[-1]) == sorted(tab.model.issue(r).id for r in (0, 1, 2))
    # "All like this": every open issue with the same problem, also those the search hides.
    tab.search.setText("Person 1")
    assert tab.model.rowCount() == 1
    tab.view.selectRow(0)
    tab.menu.aboutToShow.emit()
    assert "Ignore all" in tab.ignore_like_action.text()
    tab.ignore_like_action.trigger()
    assert sorted(ignored[-1]) == [1, 3, 5]


def test_ignored_issues_can_be_shown_and_brought_back(tab: IssuesTab) -> None:
    tab.set_issues([issue(1), issue(2, state=IssueState.IGNORED)])
    assert tab.model.rowCount() == 1  # open issues by default
    tab.state.setCurrentIndex(tab.state.findData("ignored"))
    assert tab.model.rowCount() == 1 and tab.model.issue(0).id == 2
    assert "Ignored" in str(tab.model.data(tab.model.index(0, COLUMN["problem"])))
    retried: list[list[int]] = []
    tab.retry.connect(retried.append)
    tab.view.selectRow(0)
    assert tab.unignore_selected.isEnabled() and not tab.ignore_selected.isEnabled()
    tab.menu.aboutToShow.emit()
    assert tab.unignore_action.isVisible() and not tab.ignore_action.isVisible()
    tab.unignore_action.trigger()  # Un-ignore: the issue opens again and its item is tried at the next sync
    assert retried == [[2]]


def test_empty_and_no_match_states(tab: IssuesTab, qtbot: QtBot) -> None:
    tab.set_issues([])
    assert tab.pages.currentIndex() == 1
    assert tab.empty_text.text() == "No issues — everything synced." and not tab.clear_button.isVisible()
    tab.set_issues([issue(1), issue(2, kind=ItemKind.CONTACT)])
    assert tab.pages.currentWidget() is tab.view
    tab.kind.setCurrentIndex(tab.kind.findData("task"))
    tab.search.setText("nothing like this")
    assert tab.model.rowCount() == 0 and tab.pages.currentIndex() == 1
    assert tab.empty_text.text() == "No issues match these filters." and tab.clear_button.isVisible()
    qtbot.mouseClick(tab.clear_button, Qt.MouseButton.LeftButton)
    assert tab.model.rowCount() == 2 and tab.search.text() == "" and tab.kind.currentData() == ""
    assert tab.pages.currentWidget() is tab.view


def test_copy_details_names_the_code_and_the_fix(tab: IssuesTab) -> None:
    tab.set_issues([issue(1, request_id="r-7")])
    tab.view.selectRow(0)
    text = tab.details_text(tab.selected())
    entry = CATALOG.get("DATA_VALIDATION_FAILED")
    assert "DATA_VALIDATION_FAILED" in text and entry.recommendation in text and "r-7" in text
    assert "Salesforce" in text and "Email" in text


def test_sorting_by_a_column_asks_the_source_for_that_order(tab: IssuesTab) -> None:
    tab.set_issues([issue(1, item_title="b"), issue(2, item_title="a"), issue(3, item_title="c")])
    tab.view.sortByColumn(COLUMN["item"], Qt.SortOrder.AscendingOrder)
    assert [tab.model.issue(r).item_title for r in range(3)] == ["a", "b", "c"]
    tab.view.sortByColumn(COLUMN["when"], Qt.SortOrder.DescendingOrder)
    assert [tab.model.issue(r).id for r in range(3)] == [1, 2, 3]


def test_swedish_headers_values_menu_and_empty_state(qtbot: QtBot) -> None:
    from PySide6.QtWidgets import QApplication

    from app.ui import i18n

    qapp = QApplication.instance()
    assert isinstance(qapp, QApplication)
    translators = i18n.install(qapp, "sv")
    try:
        tab = IssuesTab(CATALOG)
        qtbot.addWidget(tab)
        tab.model.clock = lambda: NOW
        tab.set_issues([issue(1, source=Source.ENGINE, state=IssueState.IGNORED)])
        model = tab.model
        headers = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(6)]
        assert headers == ["När", "Objekt", "Problem", "Gör så här", "Brevlåda", "Salesforce"]
        assert [tab.state.itemText(i) for i in range(tab.state.count())] == [
            "Öppna",
            "Alla lägen",
            "Lösta",
            "Ignorerade",
        ]
        assert [tab.kind.itemText(i) for i in range(tab.kind.count())][1:] == [
            "E-post",
            "Möte",
            "Kontakt",
            "Uppgift",
            "Konto",
        ]
        assert tab.empty_text.text() == "Inga problem – allt är synkat."
        tab.state.setCurrentIndex(1)
        row = cells(model, 0)
        assert row["when"] == "för 6 min sedan" and row["problem"].endswith("(Ignorerade)")
        tip = str(model.data(model.index(0, COLUMN["item"]), Qt.ItemDataRole.ToolTipRole))
        assert "rapporterat av Syncbar" in tip and "E-post" in tip
        tab.view.selectRow(0)
        tab.menu.aboutToShow.emit()
        visible = [a.text() for a in tab.menu.actions() if a.isVisible() and a.text()]
        assert "Sluta ignorera" in visible and "Kopiera detaljer" in visible and "Visa detaljer…" in visible
    finally:
        i18n.remove(qapp, translators)


def test_the_menu_key_opens_the_current_rows_menu(tab: IssuesTab, qtbot: QtBot) -> None:
    from PySide6.QtCore import QPoint

    tab.set_issues([issue(1), issue(2)])
    tab.view.setCurrentIndex(tab.model.index(1, COLUMN["item"]))
    tab._context_menu(QPoint(-5, -5))  # what a keyboard-raised context menu reports: no row under a mouse
    qtbot.waitUntil(tab.menu.isVisible)
    assert tab.selected() == [tab.model.issue(1)]
    tab.menu.hide()
