"""The application service: the one Qt-free facade the UI and the CLI talk to.

It owns nothing new: it reads the store, drives the scheduler and the engine
and hands out snapshots.  ``run_cycle`` blocks (the UI calls it on its
worker thread); everything else is quick and safe to call from the GUI thread
(reads of committed state).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Protocol

from app.core.catalog import Catalog
from app.core.model import ApiUsage, Issue, IssueState, ItemKind, Session


class SyncState(StrEnum):
    """What the tray icon and the status line show."""

    NOT_SET_UP = "not_set_up"
    IDLE = "idle"  # synced; waiting for the next run
    SYNCING = "syncing"
    PAUSED = "paused"
    BACKING_OFF = "backing_off"  # a transient failure; retrying by itself
    SUSPENDED = "suspended"  # waiting for a limit to reset
    NEEDS_REAUTH = "needs_reauth"


class Phase(StrEnum):
    """The steps of one cycle, in order, as the progress bar names them."""

    READING = "reading"  # reading the mailbox's changes (the total is not known yet)
    MATCHING = "matching"  # screening the items and looking their addresses up in Salesforce
    WRITING = "writing"  # sending the records to Salesforce
    MARKING = "marking"  # tagging failed items in the mailbox (and untagging recovered ones)


@dataclass(frozen=True)
class KindProgress:
    """One object's tally so far in the running cycle."""

    kind: ItemKind
    synced: int = 0  # created or updated
    failed: int = 0


@dataclass(frozen=True)
class Progress:
    """Where a running cycle is: ``done`` of ``total`` in ``phase`` (``total`` 0: not known yet)."""

    done: int
    total: int
    eta_seconds: float | None = None
    phase: Phase = Phase.WRITING
    kinds: tuple[KindProgress, ...] = ()


@dataclass(frozen=True)
class StatusSnapshot:
    state: SyncState
    mailbox_account: str = ""
    crm_account: str = ""
    last_sync_at: datetime | None = None  # end of the last session that completed
    last_session_clean: bool = False  # it synced everything it tried (no failed item, no account error)
    next_run_at: datetime | None = None
    suspended_until: datetime | None = None
    error_code: str = ""  # the current account-level error ("" when none)
    error_account: str = ""  # which account it concerns
    error_message: str = ""  # the service's words
    open_issues: int = 0
    progress: Progress | None = None
    paused: bool = False  # the user paused syncing (also while Sync now runs the one cycle it asked for)


ProgressCallback = Callable[[Progress], None]


class AppService(Protocol):
    catalog: Catalog

    def status(self) -> StatusSnapshot: ...

    def last_session(self) -> Session | None: ...

    def last_completed_session(self) -> Session | None:
        """The newest session that ran to its end (clean or with item issues): the last successful sync."""
        ...

    def api_usage(self, since: datetime) -> list[ApiUsage]:
        """What Salesforce reported about the org's API usage from ``since`` on, oldest first."""
        ...

    def sessions(self, days: int = 7) -> list[Session]: ...

    def issues(self, state: IssueState | None = IssueState.OPEN) -> list[Issue]: ...

    def retry(self, issue_ids: Sequence[int]) -> None:
        """Make the items of these issues due now (the next cycle tries them first)."""
        ...

    def ignore(self, issue_ids: Sequence[int]) -> None:
        """Stop retrying these items; their issues move to the ignored state."""
        ...

    def pause(self) -> None: ...

    def resume(self) -> None: ...

    def request_sync(self) -> None:
        """Sync now: the next ``due()`` answers True at once (once, while paused); not while blocked."""
        ...

    def try_now(self) -> None:
        """Try now: check once even through a suspension; a success clears it."""
        ...

    def blocked(self, now: datetime) -> str | None:
        """Why Sync now cannot run now ("needs_reauth", "suspended"), None when it can."""
        ...

    def due(self, now: datetime) -> bool:
        """Whether a cycle should start now (interval, Sync now, backoff, pause, suspension)."""
        ...

    def run_cycle(self, progress: ProgressCallback, cancelled: threading.Event) -> Session:
        """Run one sync cycle (blocking; never on the GUI thread)."""
        ...

    def escalation_due(self, now: datetime) -> bool:
        """Syncing has been blocked for the set time and the user has not been emailed about it today."""
        ...

    def credentials_updated(self, account: str) -> None:
        """The user signed in again: clear the re-authentication state and sync soon."""
        ...
