"""Other sync software on the same mailbox or Salesforce user: what Syncbar can see of it, and the warning.

Two tools syncing the same mailbox with the same org log every email twice
and fight over contacts and events, so the product's rule is that none runs
beside Syncbar.  Syncbar looks for traces where the user's own permissions
let it (docs/competitors.md lists each source and what each tool leaves
there):

    Salesforce  OauthToken       the user's own connected-app grants (AppName)
                LoginHistory     the user's own logins of the last 30 days (Application)
                UserEmailCalendarSync  the user's Einstein Activity Capture configuration
    mailbox     categories / labels  the ones Salesforce for Outlook adds to the mailbox
                "Sync Error" marks   on items this profile never marked nor failed: another Syncbar profile

The providers report ``Traces`` (what they saw, what they could read, what
they could not); ``CompetitorCheck`` runs them at setup and then daily, keeps
the last result in the store, and says what to tell the user: a warning
with the tool's name and the admin's checklist when one is found, and,
once at setup, which sources could not be checked.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from typing import Any, Protocol

from app.core.errors import SyncbarError
from app.core.store import Store, from_ts, ts

SETTING = "competitors"
EVERY = timedelta(days=1)
SYNCBAR_MARK = "Sync Error"  # the mark every Syncbar profile puts on a mailbox item that failed
OTHER_SYNCBAR = "another Syncbar profile"
MARKS_SOURCE = "Syncbar marks in the mailbox"
LOGIN_DAYS = 30

# The admin's checklist: where in Salesforce Setup each trace is seen for every user.
CHECKLIST = (
    "Setup → App Manager: apps such as Salesforce for Outlook, Lightning Sync, Einstein Activity Capture "
    "or Salesforce Inbox",
    "Setup → Connected Apps OAuth Usage: which users have granted those apps access",
    "Setup → Login History: logins through those apps",
)

# Connected-app labels (OauthToken.AppName, LoginHistory.Application), lower-cased, and the tool they are.
KNOWN_APPS = {
    "salesforce for outlook": "Salesforce for Outlook",
    "salesforce inbox": "Salesforce Inbox",
    "inbox for outlook": "Salesforce Inbox",
    "salesforceiq inbox": "Salesforce Inbox",
    "einstein activity capture": "Einstein Activity Capture",
    "lightning sync": "Lightning Sync",
}
# Categories (Outlook, Exchange) or labels (Gmail) a tool adds to the mailbox.
KNOWN_CATEGORIES = {
    "sync with salesforce": "Salesforce for Outlook",
    "don't sync with salesforce": "Salesforce for Outlook",
    "added to salesforce": "Salesforce for Outlook",
}


def tool_for_app(name: str) -> str:
    """The sync tool a connected app's label names ("" when it is none of the known ones)."""
    low = name.strip().lower()
    return next((tool for key, tool in KNOWN_APPS.items() if key in low), "")


def tool_for_category(name: str) -> str:
    return KNOWN_CATEGORIES.get(name.strip().lower().replace("’", "'"), "")


@dataclass(frozen=True)
class Sighting:
    tool: str  # "Salesforce for Outlook"
    source: str  # "Salesforce OAuth grants", "mailbox categories"...
    detail: str  # what was seen, in the service's words (plain text)


@dataclass(frozen=True)
class Traces:
    """What one side could see: sightings, the sources it read, the sources it could not read (and why)."""

    sightings: tuple[Sighting, ...] = ()
    checked: tuple[str, ...] = ()
    unreadable: tuple[str, ...] = ()


class TraceSource(Protocol):
    def sync_tool_traces(self) -> Traces: ...


def category_traces(names: Iterable[str], source: str) -> Traces:
    """Traces from a mailbox's category (or label) names."""
    sightings: dict[str, Sighting] = {}
    for name in names:
        tool = tool_for_category(name)
        if tool and tool not in sightings:
            sightings[tool] = Sighting(tool, source, name)
    return Traces(tuple(sightings.values()), (source,), ())


def unreadable(source: str, error: SyncbarError) -> Traces:
    return Traces(unreadable=(f"{source} ({error.service_code or error.code})",))


@dataclass
class Scan:
    at: str = ""
    sightings: list[dict[str, str]] = field(default_factory=list)
    checked: list[str] = field(default_factory=list)
    unreadable: list[str] = field(default_factory=list)

    @property
    def tools(self) -> list[str]:
        return sorted({s["tool"] for s in self.sightings})

    @classmethod
    def from_json(cls, data: Any) -> Scan | None:
        if not isinstance(data, dict):
            return None
        known = set(cls.__dataclass_fields__)
        return cls(**{k: v for k, v in data.items() if k in known})


def merge(parts: Iterable[Traces], now: datetime) -> Scan:
    scan = Scan(at=ts(now))
    for part in parts:
        scan.sightings += [asdict(s) for s in part.sightings]
        scan.checked += list(part.checked)
        scan.unreadable += list(part.unreadable)
    return scan


def warning(scan: Scan) -> str:
    """The warning for sightings: the tools' names, where they were seen, and the admin's checklist."""
    if not scan.sightings:
        return ""
    seen = "; ".join(f"{s['tool']} ({s['source']}: {s['detail']})" for s in scan.sightings)
    return (
        f"Another sync tool may be working on this mailbox or Salesforce user: {seen}. "
        "Two tools syncing the same mail log it twice; only one may run. Ask your Salesforce admin to check:\n"
        + "\n".join(f"- {line}" for line in CHECKLIST)
    )


def unchecked(scan: Scan) -> str:
    """Said once at setup: the sources Syncbar could not read, and the same checklist for the admin."""
    if not scan.unreadable:
        return ""
    what = "nothing" if not scan.checked else "not everything"
    return (
        f"Syncbar could check {what} for other sync software with your permissions "
        f"(not readable: {'; '.join(scan.unreadable)}). Ask your Salesforce admin to check:\n"
        + "\n".join(f"- {line}" for line in CHECKLIST)
    )


class CompetitorCheck:
    """Runs the scan at setup and daily; keeps the last one in the store."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def _foreign_marks(self) -> Traces:
        """Marks on items as this profile last read them, that this profile never put there."""
        titles = self.store.foreign_marks(SYNCBAR_MARK)
        if not titles:
            return Traces()  # read from what syncing saw: no source of its own to call checked
        shown = ", ".join(f"“{t}”" for t in titles[:3]) + (" …" if len(titles) > 3 else "")
        detail = f"{len(titles)}{'+' if len(titles) >= 20 else ''} item(s) marked by it: {shown}"
        return Traces((Sighting(OTHER_SYNCBAR, MARKS_SOURCE, detail),))

    def last(self) -> Scan | None:
        return Scan.from_json(self.store.get_setting(SETTING))

    def due(self, now: datetime) -> bool:
        last = self.last()
        at = from_ts(last.at) if last else None
        return at is None or now - at >= EVERY

    def run(self, sources: Sequence[TraceSource], now: datetime) -> tuple[Scan, list[str]]:
        """Scan now; returns the scan and the tools found that the previous scan had not."""
        before = self.last()
        parts: list[Traces] = []
        for source in sources:
            try:
                parts.append(source.sync_tool_traces())
            except SyncbarError as exc:  # a failing side is an unreadable source, never a failed cycle
                parts.append(Traces(unreadable=(f"{type(source).__name__}: {exc.code}",)))
        parts.append(self._foreign_marks())
        scan = merge(parts, now)
        self.store.set_setting(SETTING, asdict(scan))
        new = [t for t in scan.tools if before is None or t not in before.tools]
        return scan, new
