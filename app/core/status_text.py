"""The words for the sync state, shared by the status line, the tray tooltip and ``syncbar status``.

Never says "synced" while anything failed: a session with failed items reads
"Synced with N issues", an account error names the account and the problem.
In the user's language (``app.core.language``): English or Swedish.
"""

from __future__ import annotations

from datetime import datetime

from app.core.catalog import Catalog
from app.core.language import language
from app.core.service import StatusSnapshot, SyncState

TEXTS: dict[str, dict[str, str]] = {
    "en": {
        "just_now": "just now",
        "min_ago": "{n} min ago",
        "h_ago": "{n} h ago",
        "day_ago": "{n} day ago",
        "days_ago": "{n} days ago",
        "under_minute": "less than a minute",
        "about_min": "about {n} min",
        "about_h": "about {h} h {m:02d} min",
        "not_set_up": "No account is set up yet",
        "syncing": "Syncing…",
        "syncing_n": "Syncing {done} of {total}",
        "left": " · {eta} left",
        "sign_in": "Sign-in needed{who}: {title}",
        "waiting": "Waiting until {time} — {title}",
        "paused": "Paused",
        "error": "Sync error: {title}",
        "retrying": " · retrying at {time}",
        "never": "Not synced yet",
        "synced": "Synced {when}",
        "synced_issue": "Synced {when} with {n} issue",
        "synced_issues": "Synced {when} with {n} issues",
        "day_format": "%a %d %b %H:%M",
    },
    "sv": {
        "just_now": "nyss",
        "min_ago": "för {n} min sedan",
        "h_ago": "för {n} h sedan",
        "day_ago": "för {n} dag sedan",
        "days_ago": "för {n} dagar sedan",
        "under_minute": "mindre än en minut",
        "about_min": "cirka {n} min",
        "about_h": "cirka {h} h {m:02d} min",
        "not_set_up": "Inget konto är konfigurerat än",
        "syncing": "Synkar…",
        "syncing_n": "Synkar {done} av {total}",
        "left": " · {eta} kvar",
        "sign_in": "Inloggning krävs{who}: {title}",
        "waiting": "Väntar till {time} — {title}",
        "paused": "Pausad",
        "error": "Synkfel: {title}",
        "retrying": " · försöker igen {time}",
        "never": "Inte synkad än",
        "synced": "Synkad {when}",
        "synced_issue": "Synkad {when} med {n} problem",
        "synced_issues": "Synkad {when} med {n} problem",
        "day_format": "%d/%m %H:%M",
    },
}


def _t(key: str) -> str:
    return TEXTS.get(language(), TEXTS["en"])[key]


def _n(value: int) -> str:
    text = f"{value:,}"
    return text.replace(",", "\u00a0") if language() == "sv" else text  # Swedish groups digits with spaces


def ago(moment: datetime, now: datetime) -> str:
    seconds = max(0, int((now - moment).total_seconds()))
    if seconds < 60:
        return _t("just_now")
    minutes = seconds // 60
    if minutes < 60:
        return _t("min_ago").format(n=minutes)
    hours = minutes // 60
    if hours < 24:
        return _t("h_ago").format(n=hours)
    days = hours // 24
    return _t("day_ago" if days == 1 else "days_ago").format(n=days)


def duration(seconds: float) -> str:
    seconds = max(0, int(seconds))
    if seconds < 60:
        return _t("under_minute")
    minutes = round(seconds / 60)
    if minutes < 60:
        return _t("about_min").format(n=minutes)
    return _t("about_h").format(h=minutes // 60, m=minutes % 60)


def clock_time(moment: datetime, now: datetime) -> str:
    local = moment.astimezone()
    if local.date() == now.astimezone().date():
        return local.strftime("%H:%M")
    return local.strftime(_t("day_format"))


def status_line(snap: StatusSnapshot, catalog: Catalog, now: datetime) -> str:
    state = snap.state
    if state is SyncState.NOT_SET_UP:
        return _t("not_set_up")
    if state is SyncState.SYNCING:
        p = snap.progress
        if p is None or p.total == 0:
            return _t("syncing")
        text = _t("syncing_n").format(done=_n(p.done), total=_n(p.total))
        if p.eta_seconds is not None and p.done < p.total:
            text += _t("left").format(eta=duration(p.eta_seconds))
        return text
    if state is SyncState.NEEDS_REAUTH:
        entry = catalog.get(snap.error_code)
        who = f" ({snap.error_account})" if snap.error_account else ""
        return _t("sign_in").format(who=who, title=entry.title)
    if state is SyncState.SUSPENDED and snap.suspended_until is not None:
        entry = catalog.get(snap.error_code)
        return _t("waiting").format(time=clock_time(snap.suspended_until, now), title=entry.title)
    if state is SyncState.PAUSED:
        return _t("paused")
    if state is SyncState.BACKING_OFF or snap.error_code:
        entry = catalog.get(snap.error_code)
        text = _t("error").format(title=entry.title)
        if snap.next_run_at is not None:
            text += _t("retrying").format(time=clock_time(snap.next_run_at, now))
        return text
    if snap.last_sync_at is None:
        return _t("never")
    when = ago(snap.last_sync_at, now)
    if snap.open_issues:
        key = "synced_issue" if snap.open_issues == 1 else "synced_issues"
        return _t(key).format(when=when, n=snap.open_issues)
    return _t("synced").format(when=when)
