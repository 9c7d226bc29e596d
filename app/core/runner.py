"""``SyncService``: the ``AppService`` the UI and the CLI use, on the store, scheduler, engine and lock.

The composition root gives it a ``connect`` callable that builds the two
providers (so a missing keyring or profile is a recorded failure of a cycle,
not a crash at start-up) and an ``on_notice`` callback for what the user
must be told (the tray shows it; the CLI prints it).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

from app.core import mail_words
from app.core.catalog import Catalog
from app.core.competitors import CompetitorCheck, warning
from app.core.engine import Engine, source_of
from app.core.errors import AccountError, SyncbarError
from app.core.local import storage_code
from app.core.lock import SyncLock
from app.core.model import ApiUsage, Issue, IssueState, ItemKind, Outcome, Scope, Session, Source
from app.core.ports import CrmPort, MailboxPort
from app.core.rules import Rules
from app.core.scheduler import Notice, NoticeKind, Scheduler
from app.core.service import Progress, ProgressCallback, StatusSnapshot, SyncState
from app.core.store import IssueQuery, Store, from_ts

Connect = Callable[[], tuple[MailboxPort, CrmPort]]
log = logging.getLogger("syncbar.sync")
LOCAL_RETRY = timedelta(minutes=2)  # a full or read-only disk is checked again this often


class SyncService:
    def __init__(
        self,
        store: Store,
        catalog: Catalog,
        scheduler: Scheduler,
        lock_path: Path,
        *,
        connect: Connect | None,
        rules: Rules | None,
        mailbox_account: str = "",
        crm_account: str = "",
        kinds: Sequence[ItemKind] | None = None,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        on_notice: Callable[[Notice], None] | None = None,
        forget: Callable[[], None] | None = None,
        escalate_after: timedelta | None = None,
        escalate_to: str = "",
        competitors: CompetitorCheck | None = None,
    ) -> None:
        self.store = store
        self.catalog = catalog
        self.scheduler = scheduler
        self.lock_path = lock_path
        self.connect = connect
        self.rules = rules
        self.mailbox_account = mailbox_account
        self.crm_account = crm_account
        self.kinds = kinds
        self.clock = clock
        self.on_notice = on_notice or (lambda notice: None)
        # Drops providers ``connect`` keeps between cycles (after a sign-in or an account error).
        self.forget = forget or (lambda: None)
        # Email ``escalate_to`` once syncing has been blocked this long (None: the user turned it off).
        self.escalate_after = escalate_after
        self.escalate_to = escalate_to or mailbox_account
        self.competitors = competitors  # looks for other sync software once a day (None: not here)
        self._progress: Progress | None = None
        self._running = threading.Event()
        self._local_wait_until: datetime | None = None  # a full or read-only disk: re-check then

    # --- reads ---

    @property
    def set_up(self) -> bool:
        return self.connect is not None and self.rules is not None

    def status(self) -> StatusSnapshot:
        now = self.clock()
        if not self.set_up:
            return StatusSnapshot(SyncState.NOT_SET_UP)
        st = self.scheduler.state()
        last = self.store.last_session()
        completed = self.store.last_session(outcomes=(Outcome.CLEAN, Outcome.ITEM_ISSUES))
        suspended = from_ts(st.suspended_until)
        backoff = from_ts(st.backoff_until)
        if self._running.is_set():
            state = SyncState.SYNCING
        elif st.needs_reauth:
            state = SyncState.NEEDS_REAUTH
        elif suspended is not None and suspended > now:
            state = SyncState.SUSPENDED
        elif st.paused:
            state = SyncState.PAUSED
        elif backoff is not None and backoff > now:
            state = SyncState.BACKING_OFF
        else:
            state = SyncState.IDLE
        return StatusSnapshot(
            state=state,
            mailbox_account=self.mailbox_account,
            crm_account=self.crm_account,
            last_sync_at=completed.ended_at if completed else None,
            last_session_clean=bool(last and last.outcome is Outcome.CLEAN),
            next_run_at=self.scheduler.next_run(now),
            suspended_until=suspended if suspended is not None and suspended > now else None,
            error_code=st.error_code,
            error_account=st.error_account,
            error_message=st.error_message,
            open_issues=self.store.count_issues(IssueQuery(state=IssueState.OPEN.value)),
            progress=self._progress if self._running.is_set() else None,
            paused=st.paused,
        )

    def open_item_issues(self) -> int:
        """Items whose failure is still open, from this cycle or an earlier one."""
        return self.store.count_issues(IssueQuery(state=IssueState.OPEN.value, scope=Scope.ITEM.value))

    def last_session(self) -> Session | None:
        return self.store.last_session()

    def last_completed_session(self) -> Session | None:
        return self.store.last_session(outcomes=(Outcome.CLEAN, Outcome.ITEM_ISSUES))

    def api_usage(self, since: datetime) -> list[ApiUsage]:
        return self.store.api_usage_since(since)

    def sessions(self, days: int = 7) -> list[Session]:
        return self.store.sessions(self.clock() - timedelta(days=days))

    def issues(self, state: IssueState | None = IssueState.OPEN) -> list[Issue]:
        return self.store.issues(state)

    # --- user actions ---

    def retry(self, issue_ids: Sequence[int]) -> None:
        issues = [i for i in (self.store.issue(n) for n in issue_ids) if i is not None]
        keys = [i.item_key for i in issues if i.scope is Scope.ITEM and i.item_key]
        if keys:
            self.store.make_due(keys, self.clock())
        # Un-ignore: an ignored issue (an item's or an account's) is open again and tried at the next cycle.
        ignored = [i.id for i in issues if i.state is IssueState.IGNORED]
        if ignored:
            self.store.set_issue_state(ignored, IssueState.OPEN, self.clock())
        if not self.scheduler.state().paused:  # paused: the items wait, due, for Resume
            self.scheduler.request()

    def ignore(self, issue_ids: Sequence[int]) -> None:
        issues = [i for i in (self.store.issue(n) for n in issue_ids) if i is not None]
        now = self.clock()
        self.store.ignore_items([i.item_key for i in issues if i.scope is Scope.ITEM and i.item_key], now)
        self.store.set_issue_state([i.id for i in issues if i.scope is Scope.ACCOUNT], IssueState.IGNORED, now)

    def pause(self) -> None:
        self.scheduler.pause()

    def resume(self) -> None:
        self.scheduler.resume()

    def request_sync(self) -> None:
        self.scheduler.request()

    def try_now(self) -> None:
        self.scheduler.try_now()

    def blocked(self, now: datetime) -> str | None:
        return self.scheduler.blocked(now)

    def due(self, now: datetime) -> bool:
        if self._local_wait_until is not None and now < self._local_wait_until:
            return False
        return self.set_up and not self._running.is_set() and self.scheduler.due(now)

    def credentials_updated(self, account: str) -> None:
        self.forget()  # the next cycle signs in with the new credentials
        self.scheduler.credentials_updated()

    # --- the cycle ---

    def run_cycle(self, progress: ProgressCallback, cancelled: threading.Event) -> Session:
        """One cycle under the cross-process lock; raises ``SYNC_ANOTHER_RUNNING`` if another holds it."""
        if self.connect is None or self.rules is None:
            raise AccountError("SYNC_SIGN_IN_FAILED", "No account is set up yet.")
        lock = SyncLock(self.lock_path)
        try:
            lock.acquire()
        except OSError as exc:  # the lock file cannot be written: a full or read-only disk
            code = storage_code(exc, self.store.path.parent)
            if code is None:
                raise
            return self._local_failure(code, exc)
        self._running.set()
        try:
            return self._cycle(self.connect, self.rules, progress, cancelled)
        except Exception as exc:
            code = storage_code(exc, self.store.path.parent)
            if code is None:
                raise
            return self._local_failure(code, exc)
        finally:
            self._running.clear()
            self._progress = None
            lock.release()

    def _cycle(self, connect: Connect, rules: Rules, progress: ProgressCallback, cancelled: threading.Event) -> Session:
        self.scheduler.started(self.clock())

        def report(p: Progress) -> None:
            self._progress = p
            progress(p)

        mailbox: MailboxPort | None = None
        try:
            mailbox, crm = connect()
        except SyncbarError as exc:
            self.forget()
            return self._failed_to_connect(exc)
        except Exception as exc:  # a provider bug: a recorded failure with its words, never a crash
            log.exception("connecting to the accounts failed on an unexpected error")
            return self._failed_to_connect(AccountError("SYNC_UNKNOWN_ERROR", f"{type(exc).__name__}: {exc}"))
        log.info("sync started: %s -> %s", self.mailbox_account, self.crm_account)
        engine = Engine(self.store, mailbox, crm, rules, self.catalog, clock=self.clock, kinds=self.kinds)
        result = engine.run(report, cancelled)
        if result.error is not None:
            self.forget()  # an account problem: start the next cycle with fresh connections
        counts = ", ".join(
            f"{kind.value}: {c.new} new, {c.updated} updated, {c.failed} failed, {c.ignored_total} ignored"
            for kind, c in sorted(result.session.counts.items())
        )
        log.info("sync ended %s%s", result.session.outcome.value, f" ({counts})" if counts else "")
        if result.error is not None:
            log.warning(
                "sync stopped by %s from %s: %s", result.error.code, result.error_source.value, result.error.message
            )
        notices = self.scheduler.record(
            result.error, self.clock(), source=result.error_source.value, account=result.error_account
        )
        if not notices:  # an account problem says it all; otherwise new item failures are this cycle's news
            notices = self._new_item_issues(result.session.started_at)
        if result.error is None:
            notices = self._look_for_competitors(mailbox, crm) or notices
        self._tell(notices)
        self.escalate((mailbox, crm))
        return result.session

    def _failed_to_connect(self, exc: SyncbarError) -> Session:
        log.warning("could not connect: %s: %s", exc.code, exc.message or exc)
        now = self.clock()
        source = Source(exc.source) if exc.source else source_of(exc.code, Source.ENGINE)
        account = self.crm_account if source is Source.SALESFORCE else self.mailbox_account
        session = self.store.begin_session(self.mailbox_account, now)
        session.ended_at, session.outcome, session.error_code = now, Outcome.FAILED, exc.code
        self.store.save_session(session)
        self.store.record_account_issue(
            code=exc.code, source=source, account=account, message=exc.message or str(exc), now=now
        )
        self._tell(self.scheduler.record(exc, now, source=source.value, account=account))
        self.escalate()
        return session

    def _local_failure(self, code: str, exc: BaseException) -> Session:
        """This computer's storage failed: record what can still be written, wait minutes, never a crash.

        With a full disk or a read-only database nothing may be writable, so the
        session and the issue are written if they can be, and the wait is also
        kept in memory; the next cycle finds items the failed one left pending
        and asks Salesforce before sending them again (no duplicate).
        """
        log.warning("sync stopped by this computer's storage (%s): %s", code, exc)
        now = self.clock()
        self._local_wait_until = now + LOCAL_RETRY
        message = f"{self.store.path}: {exc}"
        session = Session(id=0, account=self.mailbox_account, started_at=now, ended_at=now)
        session.outcome, session.error_code = Outcome.FAILED, code
        notices: list[Notice] = [Notice(NoticeKind.FIRST_FAILURE, code, self.mailbox_account, message)]
        try:
            session = self.store.begin_session(self.mailbox_account, now)
            session.ended_at, session.outcome, session.error_code = now, Outcome.FAILED, code
            self.store.save_session(session)
            self.store.record_account_issue(
                code=code, source=Source.ENGINE, account=self.mailbox_account, message=message, now=now
            )
            notices = self.scheduler.record(
                AccountError(code, message), now, source=Source.ENGINE.value, account=self.mailbox_account
            )
        except Exception as again:
            if storage_code(again, self.store.path.parent) is None:
                raise
            log.warning("could not record it either (%s); it is kept in memory until the disk recovers", again)
        self._tell(notices)
        return session

    def _look_for_competitors(self, mailbox: MailboxPort, crm: CrmPort) -> list[Notice]:
        """Daily: other sync software's traces; a notice the first time a tool is seen."""
        check, now = self.competitors, self.clock()
        if check is None or not check.due(now):
            return []
        scan, new = check.run([crm, mailbox], now)
        if not new:
            return []
        log.warning("another sync tool may be running: %s", ", ".join(new))
        return [Notice(NoticeKind.COMPETITOR, message=warning(scan))]

    def _new_item_issues(self, since: datetime) -> list[Notice]:
        """One notice for the items that failed for the first time in this cycle (none if none did)."""
        query = IssueQuery(state=IssueState.OPEN.value, scope=Scope.ITEM.value, order="first_seen", descending=True)
        new = [i for i in self.store.issue_page(query, 0, 500) if i.first_seen >= since]
        if not new:
            return []
        codes = sorted({i.code for i in new})
        only = codes[0] if len(codes) == 1 else ""
        return [Notice(NoticeKind.ITEM_ISSUES, only, message=", ".join(codes), failures=len(new))]

    def _tell(self, notices: Sequence[Notice]) -> None:
        for notice in notices:
            self.on_notice(notice)

    # --- escalation ---

    def escalation_due(self, now: datetime) -> bool:
        """An escalation email is owed now (the desktop starts a process to send it while nothing syncs)."""
        return (
            self.set_up
            and self.escalate_after is not None
            and self.scheduler.escalation(now, self.escalate_after) is not None
        )

    def escalate(self, ports: tuple[MailboxPort | None, CrmPort | None] | None = None) -> bool:
        """Email the user if syncing has been blocked for the set time; True when a mail went out.

        It goes through the side that still works: the user's own mailbox when Salesforce
        fails, Salesforce's ``emailSimple`` action when the mailbox fails; for any other
        problem the mailbox first, then Salesforce.  A send that fails is tried again at
        the next cycle (or tick), so a mail arrives once either side works again.
        """
        if self.escalate_after is None or self.connect is None:
            return False
        now = self.clock()
        notice = self.scheduler.escalation(now, self.escalate_after)
        if notice is None:
            return False
        if ports is None:
            try:
                ports = self.connect()
            except Exception as exc:  # nothing to send through: the tray still tells the user
                log.warning("no escalation email: cannot connect (%s)", exc)
                return False
        mailbox, crm = ports
        subject, body = self._escalation_text(notice, now)
        source = self.scheduler.blocked_source()
        senders: list[tuple[str, Callable[[], None]]] = []
        if mailbox is not None:
            senders.append(("mailbox", lambda: mailbox.send_notification(subject, body)))
        if crm is not None:
            senders.append(("salesforce", lambda: crm.send_email(self.escalate_to, subject, body)))
        # Never through the side that fails: it would only fail again (or, worse, seem to work).
        senders.sort(key=lambda pair: pair[0] == "salesforce")
        for side, send in senders:
            if side == source:
                continue
            try:
                send()
            except SyncbarError as exc:
                log.warning("the escalation email could not go through %s: %s", side, exc.code)
                continue
            log.info("escalation email sent through %s for %s", side, notice.code)
            self.scheduler.escalated(now)
            self.on_notice(notice)
            return True
        return False

    def _escalation_text(self, notice: Notice, now: datetime) -> tuple[str, str]:
        entry = self.catalog.get(notice.code)
        since = notice.until or now
        return mail_words.escalation(
            side=self.scheduler.blocked_source(),
            hours=max(1, round((now - since).total_seconds() / 3600)),
            since=since,
            title=entry.title,
            reason=entry.reason,
            fix=entry.recommendation,
            account=notice.account,
            code=entry.code,
        )
