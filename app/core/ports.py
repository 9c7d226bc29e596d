"""The ports: small ``Protocol``s that providers implement and the engine calls.

Each port has an in-memory fake in ``tests/`` and one contract suite run
against the fake and every real provider on the emulators.  Methods raise
``app.core.errors.SyncbarError`` subclasses only; anything else is a bug.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

from app.core.competitors import Traces
from app.core.model import ApiUsage, CrmMatch, CrmRecord, MailItem, PushResult


@dataclass(frozen=True)
class ChangePage:
    """One page of changes from a mailbox stream.

    ``cursor`` is where the next call resumes; the engine stores it in the same
    transaction as the page's items, so a crash replays at most one page.
    ``more`` is true while further pages remain in this cycle.
    """

    items: Sequence[MailItem]
    removed: Sequence[str]  # mailbox ids deleted since the cursor
    cursor: str
    more: bool


@dataclass(frozen=True)
class Mark:
    """Tag one mailbox item as failed: the red "Sync Error" mark plus a detail mark."""

    mailbox_id: str
    stream: str
    detail: str  # e.g. "Last Name missing"; shown as "Sync Error: <detail>"
    # The item's own categories/labels as last read from the mailbox.  Services
    # that replace the whole list on update (Graph) keep these, so the user's
    # own tags survive without a read per item.
    labels: tuple[str, ...] = ()


@dataclass(frozen=True)
class Attachment:
    """A file sent with a mail (the support report's zip)."""

    name: str
    content_type: str
    data: bytes


@dataclass(frozen=True)
class MarkResult:
    mailbox_id: str
    ok: bool
    code: str = ""


class MailboxPort(Protocol):
    """A mailbox: Microsoft 365, Exchange or Gmail."""

    account: str  # the mailbox address; names the account in issues and dialogs
    # Optional: ``concurrent_streams`` (int) - how many streams the engine may read at once from
    # threads of its own (the provider keeps its service's concurrency limit); 1 when absent.

    def streams(self) -> Sequence[str]:
        """Names of the delta streams this mailbox offers (inbox, sent, calendar...)."""
        ...

    def changes(self, stream: str, cursor: str | None) -> ChangePage:
        """One page of changes after ``cursor`` (``None``: a full initial read).

        Raises ``CursorExpired`` when the cursor is no longer valid.
        """
        ...

    def fetch(self, stream: str, mailbox_id: str) -> MailItem:
        """One item by id (used by Retry); raises ``ItemError`` if it is gone."""
        ...

    def mark(self, marks: Sequence[Mark]) -> list[MarkResult]:
        """Apply failure marks in as few calls as the service allows."""
        ...

    def unmark(self, marks: Sequence[Mark]) -> list[MarkResult]:
        """Remove the marks named (both the red mark and the detail)."""
        ...

    def link(self, item: MailItem) -> str:
        """A URL that opens the item in the mailbox's web client."""
        ...

    def send_notification(self, subject: str, body: str) -> None:
        """Send the user a mail from their own mailbox (an escalation when Salesforce is what fails)."""
        ...

    def send_mail(self, to: str, subject: str, body: str, attachments: Sequence[Attachment] = ()) -> None:
        """Send a plain-text mail with files from the user's mailbox, a copy kept in Sent Items (a support report)."""
        ...

    def sync_tool_traces(self) -> Traces:
        """What other sync tools left in the mailbox (their categories or labels); never raises."""
        ...


class CrmPort(Protocol):
    """The CRM: Salesforce."""

    account: str  # the Salesforce username

    def match(self, addresses: Sequence[str]) -> Mapping[str, CrmMatch]:
        """Contacts/Leads for many addresses at once (lower-cased address -> match)."""
        ...

    def push(self, records: Sequence[CrmRecord]) -> list[PushResult]:
        """Create or update records; one result per record, in order.

        The engine hands up to 1,000 records at a time; the provider sends them
        as collections of at most 200, packed into as few calls as it can.

        Item-level failures come back as results with ``ok=False``; an
        account-level failure raises ``AccountError``.
        """
        ...

    def reconcile(self, records: Sequence[CrmRecord]) -> Mapping[str, str]:
        """Which of these creates, whose answer was lost, Salesforce committed: idempotency key -> record id.

        ``records`` are the creates as they were sent (values included), so the CRM can find them by what
        the sync set deterministically where the org has no field of ours (see docs/state.md).  A record id
        answers at most one key; where several records fit one key, the newest.
        """
        ...

    def record_link(self, record_id: str) -> str:
        """A URL that opens the record in Salesforce."""
        ...

    def usage(self) -> ApiUsage | None:
        """The last API usage the service reported, if any."""
        ...

    def send_email(self, to: str, subject: str, body: str) -> None:
        """Send a plain-text mail through the CRM (an escalation when the mailbox is what fails)."""
        ...

    def sync_tool_traces(self) -> Traces:
        """Other sync tools' traces the user may read (grants, logins, EAC assignment); one API call."""
        ...
