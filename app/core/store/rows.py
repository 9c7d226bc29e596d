"""What a ledger row holds: ``LedgerRow``, and the item's content kept in it as JSON (``items.payload``)
while the item is not yet synced, so a crash after the cursor moved loses nothing.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from datetime import datetime

from app.core.model import Direction, ItemKind, ItemState, MailItem, Person
from app.core.store.database import StoreError, from_ts


def item_to_json(item: MailItem) -> str:
    def person(p: Person | None) -> list[str] | None:
        return [p.address, p.name] if p else None

    return json.dumps(
        {
            "kind": item.kind.value,
            "mailbox_id": item.mailbox_id,
            "stream": item.stream,
            "subject": item.subject,
            "body": item.body,
            "sender": person(item.sender),
            "recipients": [[p.address, p.name] for p in item.recipients],
            "occurred_at": item.occurred_at.isoformat() if item.occurred_at else None,
            "end_at": item.end_at.isoformat() if item.end_at else None,
            "direction": item.direction.value,
            "web_link": item.web_link,
            "fields": dict(item.fields),
            "headers": dict(item.headers),
            "labels": list(item.labels),
        },
        ensure_ascii=False,
    )


def item_from_json(text: str) -> MailItem:
    data = json.loads(text)
    sender = data.get("sender")
    return MailItem(
        kind=ItemKind(data["kind"]),
        mailbox_id=data["mailbox_id"],
        stream=data["stream"],
        subject=data.get("subject", ""),
        body=data.get("body", ""),
        sender=Person(sender[0], sender[1]) if sender else None,
        recipients=tuple(Person(a, n) for a, n in data.get("recipients", [])),
        occurred_at=datetime.fromisoformat(data["occurred_at"]) if data.get("occurred_at") else None,
        end_at=datetime.fromisoformat(data["end_at"]) if data.get("end_at") else None,
        direction=Direction(data.get("direction", "none")),
        web_link=data.get("web_link", ""),
        fields=dict(data.get("fields", {})),
        headers=dict(data.get("headers", {})),
        labels=tuple(str(label) for label in data.get("labels", [])),
    )


@dataclass(frozen=True)
class LedgerRow:
    """One item as the ledger holds it."""

    key: str
    kind: ItemKind
    stream: str
    mailbox_id: str
    title: str
    web_link: str
    fingerprint: str
    state: ItemState
    idem_key: str
    record_id: str
    record_type: str
    last_code: str
    last_message: str
    attempts: int
    next_attempt: datetime | None
    first_failed: datetime | None
    labels: tuple[str, ...]
    marked: str  # the detail text of the mark on the mailbox item ('' = not marked)
    mark_want: str  # the detail the item should carry ('' = no mark)
    sent_fp: str  # the fingerprint of the content last sent to the CRM
    notes: str
    payload: str | None
    sent_values: str = ""  # JSON of the values of the write in flight (PENDING), '' otherwise

    def item(self) -> MailItem:
        if self.payload is None:
            raise StoreError(f"the content of {self.key} is no longer kept")
        return item_from_json(self.payload)


def row_of(r: sqlite3.Row) -> LedgerRow:
    return LedgerRow(
        key=r["key"],
        kind=ItemKind(r["kind"]),
        stream=r["stream"],
        mailbox_id=r["mailbox_id"],
        title=r["title"],
        web_link=r["web_link"],
        fingerprint=r["fingerprint"],
        state=ItemState(r["state"]),
        idem_key=r["idem_key"],
        record_id=r["record_id"],
        record_type=r["record_type"],
        last_code=r["last_code"],
        last_message=r["last_message"],
        attempts=r["attempts"],
        next_attempt=from_ts(r["next_attempt"]),
        first_failed=from_ts(r["first_failed"]),
        labels=tuple(json.loads(r["labels"] or "[]")),
        marked=r["marked"],
        mark_want=r["mark_want"],
        sent_fp=r["sent_fp"],
        notes=r["notes"],
        payload=r["payload"],
        sent_values=r["sent_values"],
    )
