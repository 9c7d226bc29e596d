"""The words for the sync state, shared by the status line, the tray tooltip and ``syncbar status``.

Never says "synced" while anything failed: a session with failed items reads
"Synced with N issues", an account error names the account and the problem.
"""

from __future__ import annotations

from datetime import datetime

from app.core.catalog import Catalog
from app.core.service import StatusSnapshot, SyncState


def ago(moment: datetime, now: datetime) -> str:
    seconds = max(0, int((now - moment).total_seconds()))
    if seconds < 60:
        return "just now"
    minutes = seconds // 60
    if minutes < 60:
        return f"{minutes} min ago"
    hours = minutes // 60
    if hours < 24:
        return f"{hours} h ago"
    days = hours // 24
    return f"{days} day{'s' if days != 1 else ''} ago"


def duration(seconds: float) -> str:
    seconds = max(0, int(seconds))
    if seconds < 60:
        return "less than a minute"
    minutes = round(seconds / 60)
    if minutes < 60:
        return f"about {minutes} min"
    return f"about {minutes // 60} h {minutes % 60:02d} min"


def clock_time(moment: datetime, now: datetime) -> str:
    local = moment.astimezone()
    if local.date() == now.astimezone().date():
        return local.strftime("%H:%M")
    return local.strftime("%a %d %b %H:%M")


def status_line(snap: StatusSnapshot, catalog: Catalog, now: datetime) -> str:
    state = snap.state
    if state is SyncState.NOT_SET_UP:
        return "No account is set up yet"
    if state is SyncState.SYNCING:
        p = snap.progress
        if p is None or p.total == 0:
            return "Syncing…"
        text = f"Syncing {p.done:,} of {p.total:,}"
        if p.eta_seconds is not None and p.done < p.total:
            text += f" · {duration(p.eta_seconds)} left"
        return text
    if state is SyncState.NEEDS_REAUTH:
        entry = catalog.get(snap.error_code)
        who = f" ({snap.error_account})" if snap.error_account else ""
        return f"Sign-in needed{who}: {entry.title}"
    if state is SyncState.SUSPENDED and snap.suspended_until is not None:
        entry = catalog.get(snap.error_code)
        return f"Waiting until {clock_time(snap.suspended_until, now)} — {entry.title}"
    if state is SyncState.PAUSED:
        return "Paused"
    if state is SyncState.BACKING_OFF or snap.error_code:
        entry = catalog.get(snap.error_code)
        text = f"Sync error: {entry.title}"
        if snap.next_run_at is not None:
            text += f" · retrying at {clock_time(snap.next_run_at, now)}"
        return text
    if snap.last_sync_at is None:
        return "Not synced yet"
    when = ago(snap.last_sync_at, now)
    if snap.open_issues:
        noun = "issue" if snap.open_issues == 1 else "issues"
        return f"Synced {when} with {snap.open_issues} {noun}"
    return f"Synced {when}"
