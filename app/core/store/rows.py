"""What a ledger row holds: ``LedgerRow``, and the item's content kept in it as JSON (``items.payload``)
while the item is not yet synced, so a crash after the cursor moved loses nothing.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any, NamedTuple

from app.core.model import Direction, ItemKind, ItemState, MailItem, Person
from app.core.store.database import StoreError, from_ts

_PAYLOAD_JSON = json.JSONEncoder(ensure_ascii=False)  # one encoder for every item (json.dumps makes one per call)


def item_to_json(item: MailItem) -> str:
    sender = item.sender
    return _PAYLOAD_JSON.encode(
        {
            "kind": item.kind.value,
            "mailbox_id": item.mailbox_id,
            "stream": item.stream,
            "subject": item.subject,
            "body": item.body,
            "sender": [sender.address, sender.name] if sender else None,
            "recipients": [[p.address, p.name] for p in item.recipients],
            "occurred_at": item.occurred_at.isoformat() if item.occurred_at else None,
            "end_at": item.end_at.isoformat() if item.end_at else None,
            "direction": item.direction.value,
            "web_link": item.web_link,
            "fields": dict(item.fields),
            "headers": dict(item.headers),
            "labels": list(item.labels),
        }
    )


_KINDS = {kind.value: kind for kind in ItemKind}
_DIRECTIONS = {direction.value: direction for direction in Direction}
_STATES = {state.value: state for state in ItemState}


def item_from_json(text: str) -> MailItem:
    # Read twice per item and cycle (screening, then building): the enums are looked up in dicts,
    # which costs a fraction of calling them; an unknown value still raises ValueError.
    data = json.loads(text)
    get = data.get
    kind, direction = data["kind"], get("direction", "none")
    sender, occurred_at, end_at, labels = get("sender"), get("occurred_at"), get("end_at"), get("labels")
    return MailItem(
        kind=_KINDS[kind] if kind in _KINDS else ItemKind(kind),
        mailbox_id=data["mailbox_id"],
        stream=data["stream"],
        subject=get("subject", ""),
        body=get("body", ""),
        sender=Person(sender[0], sender[1]) if sender else None,
        recipients=tuple([Person(a, n) for a, n in get("recipients", ())]),
        occurred_at=datetime.fromisoformat(occurred_at) if occurred_at else None,
        end_at=datetime.fromisoformat(end_at) if end_at else None,
        direction=_DIRECTIONS[direction] if direction in _DIRECTIONS else Direction(direction),
        web_link=get("web_link", ""),
        fields=dict(get("fields", {})),
        headers=dict(get("headers", {})),
        labels=tuple([str(label) for label in labels]) if labels else (),
    )


class LedgerRow(NamedTuple):
    """One item as the ledger holds it.

    A named tuple rather than a frozen dataclass: a cycle builds two per item, and a tuple is built
    several times faster (a frozen dataclass sets each of its 23 fields through ``object.__setattr__``).
    """

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


# The columns ``row_of`` reads, in its order: rows are read by position (a name costs a search per column).
ROW_COLUMNS = (
    "key, kind, stream, mailbox_id, title, web_link, fingerprint, state, idem_key, record_id, record_type,"
    " last_code, last_message, attempts, next_attempt, first_failed, labels, marked, mark_want, sent_fp, notes,"
    " payload, sent_values"
)
SELECT_ROWS = f"SELECT {ROW_COLUMNS} FROM items"


def row_of(r: Sequence[Any]) -> LedgerRow:
    """A row of ``SELECT_ROWS``."""
    state, labels = r[7], r[16]
    return LedgerRow(
        key=r[0],
        kind=_KINDS[r[1]] if r[1] in _KINDS else ItemKind(r[1]),
        stream=r[2],
        mailbox_id=r[3],
        title=r[4],
        web_link=r[5],
        fingerprint=r[6],
        state=_STATES[state] if state in _STATES else ItemState(state),
        idem_key=r[8],
        record_id=r[9],
        record_type=r[10],
        last_code=r[11],
        last_message=r[12],
        attempts=r[13],
        next_attempt=from_ts(r[14]),
        first_failed=from_ts(r[15]),
        labels=tuple(json.loads(labels)) if labels and labels != "[]" else (),
        marked=r[17],
        mark_want=r[18],
        sent_fp=r[19],
        notes=r[20],
        payload=r[21],
        sent_values=r[22],
    )
