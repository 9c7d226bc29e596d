"""In-process ports for engine benchmarks: no network, no sleeping, predictable answers.

They do the minimum a real provider does per call (build results, keep
records), so the engine's own cost is what the figure shows.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta

from app.core.model import ApiUsage, CrmMatch, CrmRecord, Direction, ItemKind, MailItem, Person, PushResult
from app.core.ports import ChangePage, Mark, MarkResult

OWNER = "rep@example.com"


def emails(n: int, correspondents: int = 400, now: datetime | None = None) -> list[MailItem]:
    now = now or datetime.now(UTC)
    out = []
    for i in range(n):
        who = f"person{i % correspondents}@customer{i % 37}.com"
        outbound = i % 3 == 0
        out.append(
            MailItem(
                kind=ItemKind.EMAIL,
                mailbox_id=f"AAMk{i:09d}",
                stream="sent" if outbound else "inbox",
                subject=f"Re: proposal {i}",
                body="Thanks for the call today. " * 20,
                sender=Person(OWNER if outbound else who, "Rep"),
                recipients=(Person(who if outbound else OWNER, "P"),),
                occurred_at=now - timedelta(minutes=i % 5000),
                direction=Direction.OUTBOUND if outbound else Direction.INBOUND,
                web_link=f"https://outlook.example/{i}",
                headers={"Message-ID": f"<{i}@mail.example>"},
            )
        )
    return out


class InProcessMailbox:
    def __init__(self, items: Sequence[MailItem], page_size: int = 500) -> None:
        self.account = OWNER
        self.items = list(items)
        self.page_size = page_size
        self.calls = 0

    def streams(self) -> Sequence[str]:
        return ["inbox", "sent"]

    def changes(self, stream: str, cursor: str | None) -> ChangePage:
        self.calls += 1
        mine = [i for i in self.items if i.stream == stream]
        start = int(cursor or 0)
        page = mine[start : start + self.page_size]
        end = start + len(page)
        return ChangePage(page, [], str(end), end < len(mine))

    def fetch(self, stream: str, mailbox_id: str) -> MailItem:
        return next(i for i in self.items if i.mailbox_id == mailbox_id)

    def mark(self, marks: Sequence[Mark]) -> list[MarkResult]:
        self.calls += 1
        return [MarkResult(m.mailbox_id, True) for m in marks]

    def unmark(self, marks: Sequence[Mark]) -> list[MarkResult]:
        self.calls += 1
        return [MarkResult(m.mailbox_id, True) for m in marks]

    def link(self, item: MailItem) -> str:
        return item.web_link

    def send_notification(self, subject: str, body: str) -> None:
        self.calls += 1


class InProcessCrm:
    def __init__(self, known_fraction: float = 0.9) -> None:
        self.account = "rep@org.example"
        self.known_fraction = known_fraction
        self.records: dict[str, str] = {}
        self.calls = 0

    def match(self, addresses: Sequence[str]) -> Mapping[str, CrmMatch]:
        self.calls += 1
        cut = int(len(addresses) * self.known_fraction)
        return {a: CrmMatch(a, f"003{n:015d}", "Contact", "001000000000001") for n, a in enumerate(addresses[:cut])}

    def push(self, records: Sequence[CrmRecord]) -> list[PushResult]:
        self.calls += 1
        out = []
        for r in records:
            record_id = self.records.setdefault(r.idempotency_key, f"00T{len(self.records):015d}")
            out.append(PushResult(r.item_key, True, record_id, created=True))
        return out

    def reconcile(self, records: Sequence[CrmRecord]) -> Mapping[str, str]:
        self.calls += 1
        return {
            r.idempotency_key: self.records[r.idempotency_key] for r in records if r.idempotency_key in self.records
        }

    def record_link(self, record_id: str) -> str:
        return f"https://org.example/{record_id}"

    def usage(self) -> ApiUsage | None:
        return ApiUsage(self.calls, 15000, datetime.now(UTC))
