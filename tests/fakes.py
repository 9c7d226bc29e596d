"""In-memory fakes of the core ports (tests only; never imported by ``app``).

``FakeMailbox`` keeps a change log per stream; its cursor is a position in
that log, so edits and deletions arrive as later changes, and a cursor can
be expired.  ``FakeCrm`` stores records with their idempotency key and, by
default, *creates* on every push without an existing id (no upsert): a
duplicate in a test is the engine's fault, never hidden by the fake.
Both can raise a scripted error or "die" (``Crash``, a ``BaseException``,
as a killed process would stop) at a chosen call.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta

from app.core.competitors import Traces, category_traces
from app.core.errors import AccountError, CursorExpired, ItemError
from app.core.model import (
    ApiUsage,
    CrmMatch,
    CrmRecord,
    Direction,
    ItemKind,
    MailItem,
    Person,
    PushResult,
)
from app.core.ports import Attachment, ChangePage, Mark, MarkResult

OWNER = "rep@example.com"
T0 = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)


class Crash(BaseException):
    """The process died here (not an ``Exception``: nothing in the engine may catch it)."""


class Clock:
    def __init__(self, start: datetime = T0) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, delta: timedelta) -> None:
        self.now += delta


@dataclass
class Faults:
    """Scripted failures: ``errors[op]`` raises once per listed error; ``die_at`` kills call number N."""

    errors: dict[str, list[Exception]] = field(default_factory=dict)  # a SyncbarError, or a bug
    die_at: int | None = None
    die_after_effect: bool = False  # die after the call took effect (the answer is lost)
    calls: int = 0
    log: list[str] = field(default_factory=list)

    def enter(self, op: str) -> None:
        self.calls += 1
        self.log.append(op)
        pending = self.errors.get(op)
        if pending:
            raise pending.pop(0)
        if self.die_at == self.calls and not self.die_after_effect:
            raise Crash(f"died before {op} (call {self.calls})")

    def leave(self, op: str) -> None:
        if self.die_at == self.calls and self.die_after_effect:
            raise Crash(f"died after {op} (call {self.calls})")


def email(
    n: int,
    *,
    to: str = "alice@customer.com",
    sender: str = OWNER,
    subject: str | None = None,
    stream: str = "sent",
    when: datetime | None = None,
    headers: Mapping[str, str] | None = None,
    body: str = "Hello",
) -> MailItem:
    return MailItem(
        kind=ItemKind.EMAIL,
        mailbox_id=f"m{n}",
        stream=stream,
        subject=subject if subject is not None else f"Quote {n}",
        body=body,
        sender=Person(sender, "Sender"),
        recipients=(Person(to, "To"),),
        occurred_at=when or T0 - timedelta(hours=1),
        direction=Direction.OUTBOUND if sender == OWNER else Direction.INBOUND,
        web_link=f"https://mail.example/m{n}",
        headers=dict(headers or {"Message-ID": f"<m{n}@example.com>"}),
    )


def contact(n: int, *, last: str = "Doe", address: str | None = None) -> MailItem:
    return MailItem(
        kind=ItemKind.CONTACT,
        mailbox_id=f"c{n}",
        stream="contacts",
        subject="",
        fields={"first_name": "Jo", "last_name": last, "email": address or f"person{n}@customer.com"},
        web_link=f"https://mail.example/c{n}",
    )


class FakeMailbox:
    def __init__(
        self,
        items: Sequence[MailItem] = (),
        *,
        account: str = OWNER,
        page_size: int = 50,
        streams: Sequence[str] = ("inbox", "sent", "contacts"),
    ) -> None:
        self.account = account
        self.page_size = page_size
        self._streams = list(streams)
        self.log: dict[str, list[tuple[str, MailItem | str]]] = {s: [] for s in self._streams}
        self.items: dict[str, MailItem] = {}
        self.epoch: dict[str, int] = dict.fromkeys(self._streams, 0)
        self.marks: dict[str, str] = {}  # mailbox id -> detail
        self.labels: dict[str, tuple[str, ...]] = {}
        self.sent: list[tuple[str, str]] = []
        self.mails: list[tuple[str, str, str, list[Attachment]]] = []  # send_mail: to, subject, body, files
        self.categories: list[str] = []  # the master category list (other tools add theirs)
        self.faults = Faults()
        # Mailbox ids the mailbox refuses to (un)mark, with the code it answers (``ok=False`` per item,
        # as a Graph $batch sub-response 404/429 or an EWS per-item error does); the rest of the batch applies.
        self.refuse: dict[str, str] = {}
        for item in items:
            self.add(item)

    # --- test controls ---

    def add(self, item: MailItem) -> None:
        self.items[item.mailbox_id] = item
        self.log.setdefault(item.stream, []).append(("item", item))

    def edit(self, mailbox_id: str, **changes: object) -> MailItem:
        item = replace(self.items[mailbox_id], **changes)  # type: ignore[arg-type]
        self.add(item)
        return item

    def remove(self, mailbox_id: str) -> None:
        item = self.items.pop(mailbox_id)
        self.log[item.stream].append(("removed", mailbox_id))

    def expire_cursors(self) -> None:
        for stream in self.epoch:
            self.epoch[stream] += 1

    # --- the port ---

    def streams(self) -> Sequence[str]:
        self.faults.enter("streams")
        return list(self._streams)

    def changes(self, stream: str, cursor: str | None) -> ChangePage:
        """A page of the stream's log; ``None`` reads it from the start (every item, then later edits)."""
        self.faults.enter("changes")
        position = 0
        epoch = self.epoch[stream]
        if cursor is not None:
            epoch_text, _, pos_text = cursor.partition(":")
            if int(epoch_text) != epoch:
                raise CursorExpired("the sync state is no longer valid", service_code="syncStateNotFound")
            position = int(pos_text)
        log = self.log.get(stream, [])
        chunk = log[position : position + self.page_size]
        items = [entry for kind, entry in chunk if kind == "item" and isinstance(entry, MailItem)]
        removed = [entry for kind, entry in chunk if kind == "removed" and isinstance(entry, str)]
        end = position + len(chunk)
        self.faults.leave("changes")
        return ChangePage(items=self._labelled(items), removed=removed, cursor=f"{epoch}:{end}", more=end < len(log))

    def _labelled(self, items: Sequence[MailItem]) -> list[MailItem]:
        out = []
        for item in items:
            labels = self.labels.get(item.mailbox_id, ())
            if labels:
                item = replace(item, labels=labels)
            out.append(item)
        return out

    def fetch(self, stream: str, mailbox_id: str) -> MailItem:
        self.faults.enter("fetch")
        if mailbox_id not in self.items:
            raise ItemError("MBX_ITEM_NOT_FOUND", f"{mailbox_id} is gone")
        return self._labelled([self.items[mailbox_id]])[0]

    def mark(self, marks: Sequence[Mark]) -> list[MarkResult]:
        self.faults.enter("mark")
        results = []
        for m in marks:
            refused = self._refused(m)
            if refused:
                results.append(MarkResult(m.mailbox_id, False, refused))
                continue
            self.marks[m.mailbox_id] = m.detail
            own = tuple(x for x in m.labels if not x.startswith("Sync Error"))
            self.labels[m.mailbox_id] = (*own, "Sync Error", f"Sync Error: {m.detail}")
            self._touched(m)
            results.append(MarkResult(m.mailbox_id, True))
        self.faults.leave("mark")
        return results

    def unmark(self, marks: Sequence[Mark]) -> list[MarkResult]:
        self.faults.enter("unmark")
        results = []
        for m in marks:
            refused = self._refused(m)
            if refused:
                results.append(MarkResult(m.mailbox_id, False, refused))
                continue
            self.marks.pop(m.mailbox_id, None)
            self.labels[m.mailbox_id] = tuple(x for x in m.labels if not x.startswith("Sync Error"))
            self._touched(m)
            results.append(MarkResult(m.mailbox_id, True))
        self.faults.leave("unmark")
        return results

    def _refused(self, mark: Mark) -> str:
        """The code a (un)mark is refused with, '' if it applies.  The services look an item up where its
        stream keeps it (Graph's /me/events/ for an event, EWS by folder class), so a mark naming another
        stream does not find the item."""
        if mark.mailbox_id in self.refuse:
            return self.refuse[mark.mailbox_id]
        item = self.items.get(mark.mailbox_id)
        if item is not None and item.stream != mark.stream:
            return "MBX_ITEM_NOT_FOUND"
        return ""

    def _touched(self, mark: Mark) -> None:
        """A category change shows up in the next delta, as it does on the real services."""
        item = self.items.get(mark.mailbox_id)
        if item is not None:
            self.log[item.stream].append(("item", item))

    def link(self, item: MailItem) -> str:
        return item.web_link

    def send_notification(self, subject: str, body: str) -> None:
        self.faults.enter("send_notification")
        self.sent.append((subject, body))

    def send_mail(self, to: str, subject: str, body: str, attachments: Sequence[Attachment] = ()) -> None:
        self.faults.enter("send_mail")
        self.mails.append((to, subject, body, list(attachments)))

    def sync_tool_traces(self) -> Traces:
        self.faults.enter("sync_tool_traces")
        return category_traces(self.categories, "mailbox categories")


@dataclass
class StoredRecord:
    id: str
    object_type: str
    key: str
    values: dict[str, object]


CREATE_ONLY = frozenset({"TaskSubtype"})


class FakeCrm:
    def __init__(
        self,
        people: Mapping[str, str] | None = None,
        *,
        account: str = "rep@org.example",
        upsert: bool = False,
        reject: Callable[[CrmRecord], PushResult | None] | None = None,
    ) -> None:
        self.account = account
        # address -> "Contact" | "Lead"
        self.people = dict(people or {"alice@customer.com": "Contact", "bob@prospect.com": "Lead"})
        self.upsert = upsert
        self.reject = reject
        self.records: dict[str, StoredRecord] = {}
        self.faults = Faults()
        self._ids = itertools.count(1)
        self.api_calls = 0
        self.emails: list[tuple[str, str, str]] = []  # (to, subject, body) sent through send_email
        self.traces = Traces(checked=("Salesforce OAuth grants",))  # what sync_tool_traces answers

    def _person_id(self, address: str, object_type: str) -> str:
        return f"{'003' if object_type == 'Contact' else '00Q'}{abs(hash(address)) % 10**12:012d}AAA"

    def add_person(self, object_type: str, address: str, *, converted: bool = False) -> str:
        """A Contact or Lead; where both exist for an address, matching prefers the Contact.
        A converted Lead is kept but never matched (as the provider's query excludes it)."""
        address = address.lower()
        if self.people.get(address) != "Contact" and not converted:
            self.people[address] = object_type
        person_id = self._person_id(address, object_type)
        self.records.setdefault(person_id, StoredRecord(person_id, object_type, "", {"Email": address}))
        return person_id

    def match(self, addresses: Sequence[str]) -> Mapping[str, CrmMatch]:
        self.faults.enter("match")
        self.api_calls += 1
        found = {}
        for a in addresses:
            kind = self.people.get(a.lower())
            if kind is not None:
                found[a.lower()] = CrmMatch(a.lower(), self._person_id(a.lower(), kind), kind, account_id="001X")
        self.faults.leave("match")
        return found

    def push(self, records: Sequence[CrmRecord]) -> list[PushResult]:
        self.faults.enter("push")
        self.api_calls += 1
        results = []
        for rec in records:
            rejected = self.reject(rec) if self.reject else None
            if rejected is None and rec.object_type in ("Contact", "Lead") and not rec.values.get("LastName"):
                rejected = PushResult(
                    rec.item_key,
                    False,
                    code="DATA_REQUIRED_FIELD_MISSING",
                    message="Required fields are missing: [LastName]",
                    fields=("LastName",),
                )
            if rejected is not None:
                results.append(rejected)
                continue
            if rec.existing_id:
                stored = self.records.get(rec.existing_id)
                if stored is None:
                    results.append(PushResult(rec.item_key, False, code="SF_RECORD_DELETED", message="deleted"))
                    continue
                # Create-only fields (TaskSubtype) are left out of an update, as the provider does from describe.
                stored.values.update({k: v for k, v in rec.values.items() if k not in CREATE_ONLY})
                results.append(PushResult(rec.item_key, True, stored.id, created=False))
                continue
            if self.upsert:
                same = next((r for r in self.records.values() if r.key == rec.idempotency_key), None)
                if same is not None:
                    same.values.update(rec.values)
                    results.append(PushResult(rec.item_key, True, same.id, created=False))
                    continue
            record_id = f"00T{next(self._ids):012d}AAA"
            self.records[record_id] = StoredRecord(record_id, rec.object_type, rec.idempotency_key, dict(rec.values))
            results.append(PushResult(rec.item_key, True, record_id, created=True))
        self.faults.leave("push")
        return results

    def reconcile(self, records: Sequence[CrmRecord]) -> Mapping[str, str]:
        """With ``upsert`` (an org with our key field) by key; otherwise, as in a standard org, by the values
        the create sent: the newest record of the type holding all of them, each record once."""
        self.faults.enter("reconcile")
        self.api_calls += 1
        found: dict[str, str] = {}
        if self.upsert:
            wanted = {r.idempotency_key for r in records}
            found = {r.key: r.id for r in self.records.values() if r.key in wanted}
        else:
            taken: set[str] = set()
            for rec in records:
                for stored in reversed(list(self.records.values())):
                    same = stored.object_type == rec.object_type and all(
                        stored.values.get(k) == v for k, v in rec.values.items()
                    )
                    if same and rec.values and stored.id not in taken:
                        found[rec.idempotency_key] = stored.id
                        taken.add(stored.id)
                        break
        self.faults.leave("reconcile")
        return found

    def record_link(self, record_id: str) -> str:
        return f"https://org.example/{record_id}"

    def usage(self) -> ApiUsage | None:
        return ApiUsage(self.api_calls, 15000, T0)

    def send_email(self, to: str, subject: str, body: str) -> None:
        self.faults.enter("send_email")
        self.emails.append((to, subject, body))

    def sync_tool_traces(self) -> Traces:
        self.faults.enter("sync_tool_traces")
        return self.traces

    # --- checks ---

    def keys(self) -> list[str]:
        return [r.key for r in self.records.values()]


def account_error(code: str, message: str = "", **kw: object) -> AccountError:
    return AccountError(code, message or code, **kw)  # type: ignore[arg-type]
