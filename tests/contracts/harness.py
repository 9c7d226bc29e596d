"""What a port contract suite needs from each implementation under test.

A harness wraps one implementation (an in-memory fake, or a real provider
talking to its emulator) with the back-door operations a test needs on the
service side: add or delete an item, read the marks an item carries, break
a cursor.  The suites in this folder run the same checks on every harness.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from app.core.ports import CrmPort, MailboxPort


class MailboxBackdoor(Protocol):
    def add_email(self, stream: str, subject: str, sender: str, to: str) -> str:
        """Put a new email in the mailbox behind the port; return its id as the port will report it."""
        ...

    def delete(self, stream: str, item_id: str) -> None: ...

    def marks(self, stream: str, item_id: str) -> set[str]:
        """The mark names the item carries now ("Sync Error", "Sync Error: <detail>" / "Sync Error/<detail>")."""
        ...

    def expire_cursors(self) -> None: ...


@dataclass
class MailboxHarness:
    name: str
    port: MailboxPort
    backdoor: MailboxBackdoor
    email_stream: str  # the stream new inbox mail arrives on


class CrmBackdoor(Protocol):
    def add_person(self, object_type: str, first: str, last: str, email: str, converted: bool = False) -> str:
        """A Contact or Lead; ``converted``: a Lead converted into a Contact (IsConverted = true)."""
        ...

    def values(self, object_type: str, record_id: str) -> dict[str, object]:
        """The record's fields as the CRM holds them."""
        ...

    def count(self, object_type: str, field: str, value: str) -> int:
        """How many records of the type hold this value in this field."""
        ...


@dataclass
class CrmHarness:
    name: str
    port: CrmPort
    backdoor: CrmBackdoor
