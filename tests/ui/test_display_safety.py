"""Untrusted text (subjects, names, a service's words) is shown literally: a subject holding <h1>, <img> or a link
changes no layout in the Issues tab or Show details, and the CSV export cannot run a spreadsheet formula."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta

from PySide6.QtCore import Qt
from PySide6.QtGui import Qt as GuiQt  # mightBeRichText lives in QtGui
from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import QLabel, QWidget
from pytestqt.qtbot import QtBot

from app.core.catalog import load_default
from app.core.model import Issue, IssueState, ItemKind, Scope, Source
from app.ui.dialogs import DetailsDialog
from app.ui.issues_tab import IssuesTab, csv_cell
from app.ui.models import COLUMNS

CATALOG = load_default()
NOW = datetime(2026, 12, 2, 15, 0, tzinfo=UTC)
RICH = '<h1>Big</h1><img src=x><a href="https://evil.example">click</a> & <b>bold</b>'


def planted(n: int, *, account_scope: bool = False) -> Issue:
    return Issue(
        id=n,
        code="DATA_VALIDATION_FAILED",
        scope=Scope.ACCOUNT if account_scope else Scope.ITEM,
        source=Source.SALESFORCE,
        account=f"ACCT§{RICH}",
        state=IssueState.OPEN,
        first_seen=NOW - timedelta(hours=1),
        last_seen=NOW,
        kind=None if account_scope else ItemKind.EMAIL,
        item_key="" if account_scope else f"email:{n}",
        item_title=f"SUBJ§{RICH}",
        item_who=f"WHO§{RICH}",
        item_at=NOW - timedelta(days=1),
        mailbox_link="https://mail.example/1",
        crm_link="https://org.example/003",
        message=f"MSG§{RICH}",
        request_id=f"REQ§{RICH}",
    )


def shown(text: str, plain: bool) -> str:
    """What Qt puts on screen for a label or tooltip text: rich text is rendered, plain text is as it is."""
    if plain or not GuiQt.mightBeRichText(text):
        return text
    doc = QTextDocument()
    doc.setHtml(text)
    return doc.toPlainText()


def test_every_issues_tab_cell_and_tooltip_shows_planted_markup_literally(qtbot: QtBot) -> None:
    tab = IssuesTab(CATALOG)
    qtbot.addWidget(tab)
    tab.set_issues([planted(1), planted(2, account_scope=True)])
    model = tab.model
    assert model.rowCount() == 2
    seen: dict[str, int] = {}
    for row in range(2):
        for col, (key, _, _) in enumerate(COLUMNS):
            index = model.index(row, col)
            for role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.AccessibleTextRole):
                value = model.data(index, role)
                if not isinstance(value, str):
                    continue
                # A table cell is drawn as plain text by the view; a tooltip as Qt would decide.
                text = shown(value, plain=role != Qt.ItemDataRole.ToolTipRole)
                for field in ("SUBJ§", "WHO§", "ACCT§", "MSG§"):
                    if field in text:
                        assert field + RICH in text, (key, role, field, value)
                        seen[field] = seen.get(field, 0) + 1
    assert set(seen) == {"SUBJ§", "WHO§", "ACCT§", "MSG§"}, seen  # every planted field was on screen somewhere


def _labels_text(widget: QWidget) -> str:
    parts = []
    for label in widget.findChildren(QLabel):
        parts.append(shown(label.text(), label.textFormat() == Qt.TextFormat.PlainText))
        if label.toolTip():
            parts.append(shown(label.toolTip(), False))
    return "\n".join(parts)


def test_show_details_shows_subject_account_and_message_literally(qtbot: QtBot) -> None:
    dialog = DetailsDialog(CATALOG, "DATA_VALIDATION_FAILED", f"MSG§{RICH}", f"ACCT§{RICH}", item=f"SUBJ§{RICH}")
    qtbot.addWidget(dialog)
    text = _labels_text(dialog)
    for field in ("SUBJ§", "ACCT§", "MSG§"):
        assert field + RICH in text, (field, text)
    # Nothing planted became markup: no label renders an image or a heading.
    for label in dialog.findChildren(QLabel):
        if "<img" in label.text():
            assert label.textFormat() == Qt.TextFormat.PlainText, label.text()


def test_csv_export_neutralises_formula_cells(qtbot: QtBot) -> None:
    tab = IssuesTab(CATALOG)
    qtbot.addWidget(tab)
    risky = ['=HYPERLINK("https://evil")', "+1+1", "-2+3", "@SUM(A1)", "\tx", "\rx"]
    issues = [
        Issue(
            id=n,
            code="DATA_VALIDATION_FAILED",
            scope=Scope.ITEM,
            source=Source.SALESFORCE,
            account="rep@example.com",
            state=IssueState.OPEN,
            first_seen=NOW,
            last_seen=NOW - timedelta(minutes=n),
            kind=ItemKind.EMAIL,
            item_key=f"email:{n}",
            item_title=text,
            item_who=text,
            message=text,
        )
        for n, text in enumerate([*risky, "Hello"])
    ]
    tab.set_issues(issues)
    rows = list(csv.DictReader(io.StringIO(tab.export_csv())))
    assert len(rows) == len(risky) + 1
    for row in rows:
        for field in ("item", "correspondent", "message"):
            value = row[field]
            if value.lstrip("'") in risky:
                assert value.startswith("'") and value[1:] in risky, (field, value)
            else:
                assert value == "Hello"
    assert csv_cell(7) == 7 and csv_cell("a=b") == "a=b" and csv_cell("=1") == "'=1"
