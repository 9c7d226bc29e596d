"""The words for the sync state, shared by the status line, the tray tooltip and ``syncbar status``.

Never says "synced" while anything failed: a session with failed items reads
"Synced with N issues", an account error names the account and the problem.
In the user's language (``app.core.language``): English or Swedish.

``present`` sorts a state into one tone, by who has to act: **waiting** (amber) when Syncbar goes on by
itself (the catalogue's throttled, transient and suspended-until-reset classes: a slow-down, a service
outage, a daily limit), **signin** when a person must sign in again, **error** (red) only when a person
must change something (needs-user-fix, permanent).  It also says whether Sync now can run and why not,
and whether "Try now" (check once; a person may have fixed the cause) is offered, so the window, the
tray and the CLI never disagree.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from app.core.catalog import Catalog
from app.core.language import language
from app.core.mailbox_kinds import MailboxKind
from app.core.model import RetryClass
from app.core.service import StatusSnapshot, SyncState

# Classes that heal by themselves: Syncbar waits and goes on; nobody needs to do anything.
SELF_HEALING = frozenset({RetryClass.TRANSIENT, RetryClass.THROTTLED, RetryClass.SUSPENDED})

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
        "wait_line": "Waiting: {title}",
        "wait_line_at": "Waiting: {title} · goes on by itself at {time}",
        "wait_box": "Syncbar goes on by itself at {time}. Nothing to do.",
        "wait_box_soon": "Syncbar goes on by itself shortly. Nothing to do.",
        "sign_in_short": "Sign-in needed",
        "syncing_once": "Syncing once; still paused",
        "why_reauth": "Sync now is off until you sign in again to {service}.",
        "why_waiting": "Sync now is off while Syncbar waits; Try now checks once if you fixed the cause.",
        "why_paused": "Paused: Sync now runs one sync and Syncbar stays paused.",
        "look_again": "Syncbar looks again at {time}",
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
        "wait_line": "Väntar: {title}",
        "wait_line_at": "Väntar: {title} · fortsätter av sig själv {time}",
        "wait_box": "Syncbar fortsätter av sig själv {time}. Du behöver inte göra något.",
        "wait_box_soon": "Syncbar fortsätter av sig själv om en stund. Du behöver inte göra något.",
        "sign_in_short": "Inloggning krävs",
        "syncing_once": "Synkar en gång; fortfarande pausad",
        "why_reauth": "Synka nu är avstängt tills du loggar in i {service} igen.",
        "why_waiting": (
            "Synka nu är avstängt medan Syncbar väntar; Försök nu kontrollerar en gång om du har åtgärdat orsaken."
        ),
        "why_paused": "Pausad: Synka nu kör en synkning och Syncbar förblir pausad.",
        "look_again": "Syncbar försöker igen {time}",
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


class Tone(StrEnum):
    """The state's colour and kind of message (icons.STATE_COLOURS has one colour each)."""

    NOT_SET_UP = "not_set_up"  # neutral: nothing is wrong, nothing is set up
    SYNCED = "synced"
    ISSUES = "issues"  # synced, some items failed
    SYNCING = "syncing"
    PAUSED = "paused"
    WAITING = "waiting"  # amber: goes on by itself
    SIGNIN = "signin"  # a person must sign in again
    ERROR = "error"  # red: a person must change something


@dataclass(frozen=True)
class Presentation:
    tone: Tone
    line: str  # the status line (the tray's tooltip says the same)
    box_text: str = ""  # the waiting or error box under it ("" : no box)
    next_line: str = ""  # when the next sync runs, when that is news
    sync_enabled: bool = True
    sync_reason: str = ""  # why Sync now is off, or what it does while paused
    try_now: bool = False  # offer "Try now": check once (a person may have fixed the cause)
    service: str = ""  # the service a sign-in is for ("Microsoft 365", "Salesforce"...)


def waiting(snap: StatusSnapshot, catalog: Catalog) -> bool:
    """Syncbar waits and goes on by itself (a slow-down, an outage, a limit): nothing for a person to do."""
    if snap.state is SyncState.SUSPENDED:
        return True
    if snap.state not in (SyncState.BACKING_OFF, SyncState.IDLE):
        return False
    if not snap.error_code:
        return snap.state is SyncState.BACKING_OFF  # another sync holds the account for a moment
    retry = catalog.get(snap.error_code).retry_class
    # A mailbox refusing a sign-in a few times is retried quietly before a sign-in is asked (the scheduler);
    # once signed in again, the old code stays until the sync that follows at once: nothing to do either way.
    return retry in SELF_HEALING or retry is RetryClass.NEEDS_REAUTH


MAILBOX_SERVICES = {MailboxKind.GRAPH: "Microsoft 365", MailboxKind.GMAIL: "Gmail", MailboxKind.EWS: "Exchange"}


def mailbox_service(kind: str) -> str:
    """The mailbox's service as its user knows it (product names: the same in every language)."""
    try:
        return MAILBOX_SERVICES[MailboxKind(kind)]
    except ValueError:
        return ""


def service_name(code: str, mailbox_service: str) -> str:
    """Which service a code concerns, as the user knows it; the mailbox's name comes from its kind."""
    return "Salesforce" if code.startswith("SF_") else mailbox_service


def present(snap: StatusSnapshot, catalog: Catalog, now: datetime, *, mailbox_service: str = "") -> Presentation:
    """Everything the General tab and the tray say about ``snap``, each thing once."""
    line = status_line(snap, catalog, now)
    state = snap.state
    if state is SyncState.NOT_SET_UP:
        return Presentation(Tone.NOT_SET_UP, line, sync_enabled=False)
    if state is SyncState.SYNCING:
        return Presentation(Tone.SYNCING, line, sync_enabled=False)
    if state is SyncState.NEEDS_REAUTH:
        service = service_name(snap.error_code, mailbox_service) or snap.error_account
        reason = _t("why_reauth").format(service=service)
        # The banner names the service, the account and the problem: the status line does not repeat it.
        short = _t("sign_in_short")
        return Presentation(Tone.SIGNIN, short, sync_enabled=False, sync_reason=reason, service=service)
    if waiting(snap, catalog):
        until = snap.suspended_until or snap.next_run_at
        box = _t("wait_box").format(time=clock_time(until, now)) if until else _t("wait_box_soon")
        blocked = state is SyncState.SUSPENDED or (
            bool(snap.error_code) and catalog.get(snap.error_code).retry_class is RetryClass.THROTTLED
        )
        title = catalog.get(snap.error_code).title if snap.error_code else _t("syncing")
        return Presentation(
            Tone.WAITING,
            _t("wait_line").format(title=title),  # the time is in the box, once
            box_text=box,
            sync_enabled=not blocked,
            sync_reason=_t("why_waiting") if blocked else "",
            try_now=blocked,
        )
    if state is SyncState.PAUSED:
        return Presentation(Tone.PAUSED, line, sync_reason=_t("why_paused"))
    if snap.error_code:
        entry = catalog.get(snap.error_code)
        who = f" ({snap.error_account})" if snap.error_account else ""
        after = _t("look_again").format(time=clock_time(snap.next_run_at, now)) if snap.next_run_at else ""
        heading = _t("error").format(title=entry.title)  # when it looks again: the line under it, once
        return Presentation(Tone.ERROR, heading, box_text=f"{entry.recommendation}{who}", next_line=after, try_now=True)
    tone = Tone.ISSUES if snap.open_issues else Tone.SYNCED
    return Presentation(tone, line)


def status_line(snap: StatusSnapshot, catalog: Catalog, now: datetime) -> str:
    state = snap.state
    if state is SyncState.NOT_SET_UP:
        return _t("not_set_up")
    if state is SyncState.SYNCING:
        p = snap.progress
        if snap.paused:
            return _t("syncing_once")
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
    if waiting(snap, catalog):
        title = catalog.get(snap.error_code).title if snap.error_code else _t("syncing")
        until = snap.suspended_until or snap.next_run_at
        if until is None:
            return _t("wait_line").format(title=title)
        return _t("wait_line_at").format(title=title, time=clock_time(until, now))
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
