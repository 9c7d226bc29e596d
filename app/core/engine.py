"""One sync cycle: reconcile, pull, apply rules, match, push, record, mark.

    reconcile  items left PENDING by a crash: ask the CRM which keys exist
    pull       every stream, page by page; a page and its cursor commit together.  A mailbox
               whose service allows it (``concurrent_streams``) has its streams read by
               that many threads; pages are still written on the engine's thread, each
               stream's in order
    process    due items in rounds of up to 1,000 (5 sObject collections of
               200, which Salesforce takes in one composite call): ignore rules,
               dedupe, one match call, build, write the intent (PENDING), push,
               record each result; one bad item never stops its round
    marks      tag failed items in the mailbox, untag recovered ones
    close      the session with its per-object counts

An account-level error (auth, limits, outage) stops the cycle: the session
ends FAILED with the code, and items already PENDING are reconciled next
time, so nothing is sent twice and nothing is lost.  A stream the account
may not read (``StreamDenied``: a permission not granted) is skipped; the
rest syncs and the denial stays an open account issue.
"""

from __future__ import annotations

import hashlib
import json
import logging
import queue
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TypeVar

from app.core.catalog import Catalog
from app.core.errors import AccountError, CursorExpired, StreamDenied, SyncbarError
from app.core.local import storage_code
from app.core.model import (
    CrmMatch,
    CrmRecord,
    ItemKind,
    MailItem,
    Outcome,
    RetryClass,
    Scope,
    Session,
    Source,
)
from app.core.ports import ChangePage, CrmPort, MailboxPort, Mark, MarkResult
from app.core.rules import Rules
from app.core.service import KindProgress, Phase, Progress
from app.core.store import LedgerRow, Store

log = logging.getLogger("syncbar.engine")

COLLECTION_SIZE = 200  # records per sObject collection (Salesforce's limit)
COLLECTIONS_PER_CALL = 5  # collections one composite request may carry
BATCH_SIZE = COLLECTION_SIZE * COLLECTIONS_PER_CALL  # items per round: one match call, one push call
MARK_BATCH = 100
ITEM_BACKOFF_BASE = timedelta(seconds=25)
ITEM_BACKOFF_FACTOR = 5
ITEM_BACKOFF_CAP = timedelta(hours=24)
GIVE_UP_AFTER = timedelta(days=30)

T = TypeVar("T")


def item_backoff(attempts: int) -> timedelta:
    """Wait before the next try of an item that failed ``attempts`` times: 25 s, 2 min 5 s, ... at most 24 h."""
    if attempts <= 0:
        return timedelta(0)
    seconds = ITEM_BACKOFF_BASE.total_seconds() * ITEM_BACKOFF_FACTOR ** min(attempts - 1, 10)
    return min(timedelta(seconds=seconds), ITEM_BACKOFF_CAP)


_VALUES_JSON = json.JSONEncoder(sort_keys=True, ensure_ascii=False, default=str)  # one for every record sent


def _values_json(values: Mapping[str, object]) -> str:
    return _VALUES_JSON.encode(dict(values))


def _sent_values(text: str) -> dict[str, object]:
    """The values of a create in flight ('' for a row written before they were kept: found by key only)."""
    try:
        values = json.loads(text) if text else {}
    except ValueError:
        return {}
    return values if isinstance(values, dict) else {}


def source_of(code: str, default: Source) -> Source:
    if code.startswith("SF_"):
        return Source.SALESFORCE
    if code.startswith("MBX_"):
        return Source.MAILBOX
    return default


@dataclass
class CycleResult:
    session: Session
    error: SyncbarError | None = None
    error_source: Source = Source.ENGINE
    error_account: str = ""
    pulled: int = 0
    pull_seconds: float = 0.0  # wall time of the pull (the first-sync benchmark reads it)
    failed_items: int = 0

    @property
    def ok(self) -> bool:
        return self.error is None


@dataclass
class _PullEvent:
    """What reading a stream produced: a page, a forgotten cursor, a denial, or (from a reader
    thread) an error for the engine's thread to raise."""

    stream: str
    page: ChangePage | None = None
    expired: bool = False
    denied: StreamDenied | None = None
    error: BaseException | None = None


@dataclass
class _Cycle:
    session: Session
    # 16-byte digests of (kind, fingerprint) and (kind, Message-ID) seen this cycle: compact at 100,000 items
    seen: set[bytes] = field(default_factory=set)
    denied: list[StreamDenied] = field(default_factory=list)  # streams the account may not read
    # item key -> the Contact or Lead the match found for it: the Issues tab links a failure to it;
    # kept only until the item is settled (a 100,000-item cycle must not hold them all)
    matched: dict[str, str] = field(default_factory=dict)


class Engine:
    def __init__(
        self,
        store: Store,
        mailbox: MailboxPort,
        crm: CrmPort,
        rules: Rules,
        catalog: Catalog,
        *,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        batch_size: int = BATCH_SIZE,
        kinds: Sequence[ItemKind] | None = None,
    ) -> None:
        if not 1 <= batch_size <= BATCH_SIZE:
            raise ValueError(f"batch_size must be between 1 and {BATCH_SIZE}")
        self.store = store
        self.mailbox = mailbox
        self.crm = crm
        self.rules = rules
        self.catalog = catalog
        self.clock = clock
        self.batch_size = batch_size
        self.kinds = tuple(kinds if kinds is not None else rules.config.kinds)

    # --- the cycle ---

    def run(
        self,
        progress: Callable[[Progress], None] | None = None,
        cancelled: threading.Event | None = None,
    ) -> CycleResult:
        cancelled = cancelled or threading.Event()
        report = progress or (lambda p: None)
        session = self.store.begin_session(self.mailbox.account, self.clock())
        cycle = _Cycle(session)
        result = CycleResult(session)
        try:
            self._reconcile(cycle)
            started = time.perf_counter()
            result.pulled = self._pull(cancelled, cycle, report)
            result.pull_seconds = time.perf_counter() - started
            self._process(cycle, report, cancelled)
            self._sync_marks(cycle, report)
        except SyncbarError as exc:
            result.error = exc
            result.error_source, result.error_account = self._blame(exc)
        except Exception as exc:  # a bug in a provider or here: keep the cycle a record, not a crash
            if storage_code(exc) is not None:
                raise  # this computer's disk or database: the runner records what it still can
            log.exception("the sync cycle stopped on an unexpected error")
            result.error = AccountError("SYNC_UNKNOWN_ERROR", f"{type(exc).__name__}: {exc}")
            result.error_source, result.error_account = Source.ENGINE, self.mailbox.account
        now = self.clock()
        session.ended_at = now
        result.failed_items = sum(c.failed for c in session.counts.values())
        if result.error is not None:
            session.outcome = Outcome.FAILED
            session.error_code = result.error.code
            self.store.record_account_issue(
                code=result.error.code,
                source=result.error_source,
                account=result.error_account,
                message=result.error.message or str(result.error),
                now=now,
                request_id=result.error.request_id,
            )
        else:
            if cancelled.is_set():
                session.outcome = Outcome.CANCELLED
            else:
                session.outcome = Outcome.ITEM_ISSUES if result.failed_items or cycle.denied else Outcome.CLEAN
            self.store.resolve_account_issues(now, keep=[d.code for d in cycle.denied])
            # The rest synced; what may not be read stays an open account issue, one per code: two streams
            # denied for the same reason (the calendar and the tasks unticked) share it, both named.
            by_code: dict[str, list[StreamDenied]] = {}
            for denied in cycle.denied:
                by_code.setdefault(denied.code, []).append(denied)
            for code, group in by_code.items():
                self.store.record_account_issue(
                    code=code,
                    source=Source.MAILBOX,
                    account=self.mailbox.account,
                    message=" ".join(sorted(d.message or str(d) for d in group)),
                    now=now,
                    request_id=group[0].request_id,
                )
        self.store.save_session(session)
        usage = self.crm.usage()
        if usage is not None:
            self.store.record_usage(usage.used, usage.limit, usage.observed_at)
        return result

    def _blame(self, exc: SyncbarError) -> tuple[Source, str]:
        src = Source(exc.source) if exc.source else source_of(exc.code, Source.ENGINE)
        return src, self.crm.account if src is Source.SALESFORCE else self.mailbox.account

    # --- reconcile ---

    def _reconcile(self, cycle: _Cycle) -> None:
        """Items a crashed cycle left PENDING: the CRM says whether their record exists."""
        pending = self.store.pending()
        if not pending:
            return
        # Only creates need looking for; the values sent let the CRM find them without a key field of ours.
        creates = [
            CrmRecord(row.key, row.idem_key, row.record_type, _sent_values(row.sent_values))
            for row in pending
            if row.idem_key and not row.record_id
        ]
        found = dict(self._crm(self.crm.reconcile, creates)) if creates else {}
        # A record another item already owns is not this one's (two items with the same content).
        owners = self.store.linked_records(list(found.values()))
        found = {key: rid for key, rid in found.items() if rid not in owners}
        now = self.clock()
        with self.store.transaction() as tx:
            for row in pending:
                record_id = found.get(row.idem_key, "")
                if row.record_id:
                    # An update may or may not have landed; updates are safe to resend.
                    self.store.set_queued(tx, row.key, now)
                elif not record_id:
                    self.store.set_queued(tx, row.key, now)  # never reached the CRM: send it
                elif row.sent_fp and row.sent_fp != row.fingerprint:
                    self.store.set_record(tx, row.key, record_id, now)  # created, then edited: update
                else:
                    self.store.set_synced(tx, row.key, record_id, now)
                    counts = cycle.session.counts_for(row.kind)
                    counts.total += 1
                    counts.new += 1
            self.store.save_progress(tx, cycle.session, now)

    # --- pull ---

    def _pull(self, cancelled: threading.Event, cycle: _Cycle, report: Callable[[Progress], None]) -> int:
        streams = list(self._mbx(self.mailbox.streams))
        readers = max(1, min(len(streams), int(getattr(self.mailbox, "concurrent_streams", 1))))
        cursors = {stream: self.store.cursor(stream) for stream in streams}
        report(Progress(0, 0, None, Phase.READING))
        if readers == 1:
            pulled = 0
            for stream in streams:
                for event in self._read_stream(stream, cursors[stream], cancelled):
                    taken = self._take(event, cycle)
                    pulled += taken
                    if taken:  # per page: the count moves as the mailbox answers
                        report(Progress(pulled, 0, None, Phase.READING))
            return pulled
        return self._pull_parallel(streams, cursors, readers, cancelled, cycle, report)

    def _read_stream(self, stream: str, cursor: str | None, stop: threading.Event) -> Iterator[_PullEvent]:
        """One stream's pages in order; a cursor the service forgot restarts the stream once."""
        restarted = False
        while not stop.is_set():
            try:
                page = self._mbx(self.mailbox.changes, stream, cursor)
            except StreamDenied as exc:
                # A permission the user did not grant covers this stream only: read the others.
                yield _PullEvent(stream, denied=exc)
                return
            except CursorExpired:
                if restarted:
                    raise
                # The service forgot where we were: read the stream again from the start.
                # Items already synced keep their fingerprint, so nothing is sent twice.
                yield _PullEvent(stream, expired=True)
                cursor, restarted = None, True
                continue
            yield _PullEvent(stream, page=page)
            cursor = page.cursor
            if not page.more:
                return

    def _take(self, event: _PullEvent, cycle: _Cycle) -> int:
        """Apply one stream event on the engine's thread: a page and its cursor commit together."""
        if event.denied is not None:
            cycle.denied.append(event.denied)
        elif event.expired:
            self.store.clear_cursor(event.stream)
        elif event.page is not None:
            page = event.page
            self.store.ingest(event.stream, page.items, page.removed, page.cursor, self.clock())
            return len(page.items)
        return 0

    def _pull_parallel(
        self,
        streams: Sequence[str],
        cursors: Mapping[str, str | None],
        readers: int,
        cancelled: threading.Event,
        cycle: _Cycle,
        report: Callable[[Progress], None],
    ) -> int:
        """Streams read by ``readers`` threads at once (the mailbox says how many its service allows);
        every page is still written here, in its stream's order, with its cursor."""
        # At most one page per reader waits for the engine: readers never run ahead of the writing by more
        # than that, so memory stays flat however fast the service answers (the 100,000-email budget).
        events: queue.Queue[_PullEvent | None] = queue.Queue(maxsize=readers)
        stop = threading.Event()
        todo: queue.Queue[str] = queue.Queue()
        for stream in streams:
            todo.put(stream)

        def put(event: _PullEvent | None) -> bool:
            """Hand ``event`` to the engine's thread; False once it stopped listening (it raised or finished)."""
            while True:
                try:
                    events.put(event, timeout=0.1)
                    return True
                except queue.Full:
                    if stop.is_set():
                        return False

        def reader() -> None:
            try:
                while not stop.is_set() and not cancelled.is_set():
                    try:
                        stream = todo.get_nowait()
                    except queue.Empty:
                        return
                    for event in self._read_stream(stream, cursors[stream], stop):
                        if not put(event) or cancelled.is_set():
                            return
            except BaseException as exc:  # handed to the engine's thread, which raises it
                put(_PullEvent("", error=exc))
            finally:
                put(None)

        threads = [threading.Thread(target=reader, name=f"pull-{i}", daemon=True) for i in range(readers)]
        for thread in threads:
            thread.start()
        pulled, running = 0, len(threads)
        try:
            while running:
                event = events.get()
                if event is None:
                    running -= 1
                elif event.error is not None:
                    raise event.error
                else:
                    taken = self._take(event, cycle)
                    pulled += taken
                    if taken:
                        report(Progress(pulled, 0, None, Phase.READING))
        finally:
            stop.set()
            for thread in threads:
                thread.join()
        return pulled

    # --- process ---

    def _process(self, cycle: _Cycle, report: Callable[[Progress], None], cancelled: threading.Event) -> None:
        """Screen every due item, look up all their addresses at once, then send in rounds.

        Pass 1 settles what needs no CRM (ignored items, in-cycle duplicates) and
        gathers every address to look up; one ``match`` for the whole cycle costs
        ceil(queries / 5) API calls however many rounds follow.  Pass 2 builds
        and sends rounds of ``batch_size`` records (5 collections of 200, one
        call), so ignored items never leave a round half empty.
        """
        keys = self.store.due_keys(self.clock(), self.kinds)
        total = len(keys)
        report(Progress(0, total, None, Phase.MATCHING))
        # Each candidate's people as screening found them (the rules are the same in pass 2).
        candidates: dict[str, list[str]] = {}
        addresses: set[str] = set()
        for start in range(0, total, self.batch_size):
            if cancelled.is_set():
                return
            chunk = keys[start : start + self.batch_size]
            rows = self.store.rows_by_keys(chunk)
            same = {k: k for k in chunk}  # the due list's own key strings: one copy of each key in memory
            for row, _item, people in self._screen(cycle, rows):
                candidates[same[row.key]] = people
                addresses.update(people)
            report(Progress(min(start + self.batch_size, total), total, None, Phase.MATCHING, _kinds(cycle)))
        del keys  # the candidates hold what pass 2 needs (a 100,000-item cycle keeps one list of keys, not two)
        if not candidates:
            report(Progress(total, total, 0.0, Phase.WRITING, _kinds(cycle)))
            return
        matches = self._crm(self.crm.match, sorted(addresses)) if addresses else {}
        done = total - len(candidates)
        order = list(candidates)
        # The time left is measured on the writing alone: reading and matching ran at other rates.
        started, done_at_start = time.monotonic(), done
        report(Progress(done, total, None, Phase.WRITING, _kinds(cycle)))
        ready: list[tuple[LedgerRow, CrmRecord, tuple[str, ...]]] = []
        for start in range(0, len(order), self.batch_size):
            if cancelled.is_set():
                return
            rows = self.store.rows_by_keys(order[start : start + self.batch_size])
            ready += self._build(cycle, [(row, row.item(), candidates.pop(row.key)) for row in rows], matches)
            last = start + self.batch_size >= len(order)
            while ready and (len(ready) >= self.batch_size or last):
                if cancelled.is_set():
                    return
                batch, ready = ready[: self.batch_size], ready[self.batch_size :]
                self._push(cycle, batch)
                for row, _record, _notes in batch:  # settled: its match is on its issue, if any
                    cycle.matched.pop(row.key, None)
                done += len(batch)
                elapsed = time.monotonic() - started
                written = done - done_at_start
                eta = elapsed / written * (total - done) if written > 0 else None
                report(Progress(min(done, total), total, eta, Phase.WRITING, _kinds(cycle)))
        if done < total:  # items settled without a push (no match, cannot build) were not counted above
            report(Progress(total, total, 0.0, Phase.WRITING, _kinds(cycle)))

    def _screen(self, cycle: _Cycle, rows: Sequence[LedgerRow]) -> list[tuple[LedgerRow, MailItem, list[str]]]:
        """Rules that need no CRM: ignored items and duplicates settle here; the rest go on with their people."""
        now = self.clock()
        session = cycle.session
        candidates: list[tuple[LedgerRow, MailItem, list[str]]] = []
        ignored: list[tuple[str, str]] = []  # (key, code), written together
        with self.store.transaction() as tx:
            for row in rows:
                counts = session.counts_for(row.kind)
                counts.total += 1
                try:
                    item = row.item()
                    code, people = self.rules.screen(item, now)
                except Exception as exc:  # a rule choking on odd data is our bug; the item is an issue
                    log.exception("screening item %s failed; it becomes an issue", row.key)
                    self._fail(tx, cycle, row, "SYNC_UNKNOWN_ERROR", f"{type(exc).__name__}: {exc}", (), now)
                    continue
                if code:
                    ignored.append((row.key, code))
                    counts.ignored[code] = counts.ignored.get(code, 0) + 1
                    continue
                if self._duplicate(cycle, item, row.fingerprint):
                    ignored.append((row.key, "IGN_DUPLICATE_IN_BATCH"))
                    counts.duplicate += 1
                    continue
                candidates.append((row, item, people))
            self.store.set_ignored_many(tx, ignored, now)
            self.store.save_progress(tx, session, now)
        return candidates

    def _build(
        self,
        cycle: _Cycle,
        candidates: Sequence[tuple[LedgerRow, MailItem, list[str]]],
        matches: Mapping[str, CrmMatch],
    ) -> list[tuple[LedgerRow, CrmRecord, tuple[str, ...]]]:
        """The records to send; items the match decides (no Contact or Lead) or cannot build settle here."""
        now = self.clock()
        session = cycle.session
        to_send: list[tuple[LedgerRow, CrmRecord, tuple[str, ...]]] = []
        ignored: list[tuple[str, str]] = []  # (key, code), written together
        with self.store.transaction() as tx:
            for row, item, people in candidates:
                counts = session.counts_for(row.kind)
                try:
                    who = self.rules.matched_record(item, matches, people)
                    if who:
                        cycle.matched[row.key] = who
                    built = self.rules.build(item, matches, self.crm.account, row.record_id, people)
                except Exception as exc:  # our bug, as above
                    log.exception("building the record of item %s failed; it becomes an issue", row.key)
                    self._fail(tx, cycle, row, "SYNC_UNKNOWN_ERROR", f"{type(exc).__name__}: {exc}", (), now)
                    continue
                if built.ignore_code:
                    ignored.append((row.key, built.ignore_code))
                    counts.ignored[built.ignore_code] = counts.ignored.get(built.ignore_code, 0) + 1
                elif built.error_code or built.record is None:
                    code = built.error_code or "SYNC_UNKNOWN_ERROR"
                    self._fail(
                        tx,
                        cycle,
                        row,
                        code,
                        "; ".join(built.notes),
                        built.error_fields,
                        now,
                        record_id=cycle.matched.pop(row.key, ""),
                    )
                else:
                    to_send.append((row, built.record, built.notes))
            self.store.set_ignored_many(tx, ignored, now)
            self.store.save_progress(tx, session, now)
        return to_send

    def _push(self, cycle: _Cycle, to_send: Sequence[tuple[LedgerRow, CrmRecord, tuple[str, ...]]]) -> None:
        session = cycle.session
        # The intent commits before the call: a crash from here on leaves the item PENDING,
        # and the next cycle asks the CRM whether the record exists before sending again.
        self.store.mark_pending(
            [
                (row.key, rec.idempotency_key, rec.object_type, "" if rec.existing_id else _values_json(rec.values))
                for row, rec, _ in to_send
            ],
            self.clock(),
        )
        results = self._crm(self.crm.push, [rec for _, rec, _ in to_send])
        if len(results) != len(to_send):
            raise AccountError(
                "SYNC_UNKNOWN_ERROR", f"the CRM answered {len(results)} results for {len(to_send)} records"
            )
        now = self.clock()
        stopped: tuple[str, str] | None = None  # an account-level code answered for a record
        synced: list[tuple[str, str, str]] = []  # (key, record id, notes), written together
        with self.store.transaction() as tx:
            for (row, rec, notes), res in zip(to_send, results, strict=True):
                counts = session.counts_for(row.kind)
                if not res.ok and res.code and self.catalog.get(res.code).scope is Scope.ACCOUNT:
                    # Storage full, object permission gone...: not this item's fault.  It waits, unblamed,
                    # and the sync stops with the account's problem.
                    self.store.set_queued(tx, row.key, now)
                    stopped = stopped or (res.code, res.message)
                    continue
                if res.ok:
                    synced.append((row.key, res.record_id, "; ".join(notes)))
                    if rec.existing_id:
                        counts.updated += 1
                    else:
                        counts.new += 1
                else:
                    self._fail(
                        tx,
                        cycle,
                        row,
                        res.code or "SYNC_UNKNOWN_ERROR",
                        res.message,
                        res.fields,
                        now,
                        source=Source.SALESFORCE,
                        # the record updated, the one the service named, or the Contact/Lead it was for
                        record_id=rec.existing_id or res.record_id or cycle.matched.get(row.key, ""),
                        request_id=res.request_id,
                        candidates=res.candidates,
                    )
            self.store.set_synced_many(tx, synced, now)
            self.store.save_progress(tx, session, now)
        if stopped is not None:
            error = AccountError(stopped[0], stopped[1])
            error.source = Source.SALESFORCE.value
            raise error

    def _duplicate(self, cycle: _Cycle, item: MailItem, fingerprint: str) -> bool:
        """A second copy of the same message (Inbox and Sent, or the same Message-ID) in one cycle.

        ``fingerprint`` is the ledger's, written with the payload the item was read from.
        """
        keys = {_seen_key(item.kind, "fp", fingerprint)}
        message_id = next((v for k, v in item.headers.items() if k.strip().casefold() == "message-id"), "")
        message_id = message_id.strip().strip("<>").strip()
        if message_id:
            keys.add(_seen_key(item.kind, "mid", message_id))
        if keys & cycle.seen:
            return True
        cycle.seen |= keys
        return False

    def _fail(
        self,
        tx: sqlite3.Connection,
        cycle: _Cycle,
        row: LedgerRow,
        code: str,
        message: str,
        fields: Sequence[str],
        now: datetime,
        *,
        source: Source = Source.ENGINE,
        record_id: str = "",
        request_id: str = "",
        candidates: Sequence[str] = (),
    ) -> None:
        entry = self.catalog.get(code)
        record_id = record_id or row.record_id  # a record created by an earlier sync is known too
        attempts = row.attempts + 1
        first_failed = row.first_failed or now
        quarantined = entry.retry_class is RetryClass.PERMANENT or now - first_failed >= GIVE_UP_AFTER
        next_attempt = None if quarantined else now + item_backoff(attempts)
        detail = self.catalog.mark_detail(code, fields)
        message = message or detail
        self.store.set_failed(
            tx,
            row.key,
            code=code,
            message=message,
            attempts=attempts,
            next_attempt=next_attempt,
            first_failed=first_failed,
            quarantined=quarantined,
            mark=detail,
            now=now,
        )
        self.store.record_item_issue(
            tx,
            row=row,
            code=code,
            source=source_of(code, source),
            account=self.crm.account if source is Source.SALESFORCE else self.mailbox.account,
            message=message,
            attempts=attempts,
            next_attempt=next_attempt,
            now=now,
            crm_link=self.crm.record_link(record_id) if record_id else "",
            request_id=request_id,
            candidates=[self.crm.record_link(found) for found in candidates],
        )
        cycle.session.counts_for(row.kind).failed += 1
        log.info(
            "item %s failed: %s (attempt %d, %s)%s",
            row.key,
            code,
            attempts,
            "quarantined" if quarantined else f"next try {next_attempt:%H:%M:%S}" if next_attempt else "",
            f" request {request_id}" if request_id else "",
        )

    # --- marks ---

    def _sync_marks(self, cycle: _Cycle, report: Callable[[Progress], None]) -> None:
        to_mark, to_unmark = self.store.marks_to_apply(), self.store.marks_to_remove()
        total = len(to_mark) + len(to_unmark)
        if not total:
            return

        def step(n: int) -> None:
            report(Progress(n, total, None, Phase.MARKING, _kinds(cycle)))

        step(0)
        self._mark_rows(to_mark, self.mailbox.mark, lambda r: r.mark_want, lambda r: r.mark_want, step)
        self._mark_rows(
            to_unmark, self.mailbox.unmark, lambda r: r.marked, lambda r: "", lambda n: step(len(to_mark) + n)
        )

    def _mark_rows(
        self,
        rows: Sequence[LedgerRow],
        call: Callable[[Sequence[Mark]], list[MarkResult]],
        text: Callable[[LedgerRow], str],
        recorded: Callable[[LedgerRow], str],
        step: Callable[[int], None],
    ) -> None:
        """Send ``rows`` to the mailbox in batches; record ``recorded(row)`` for each the mailbox confirmed."""
        for start in range(0, len(rows), MARK_BATCH):
            chunk = rows[start : start + MARK_BATCH]
            results = self._mbx(call, [Mark(r.mailbox_id, r.stream, text(r), r.labels) for r in chunk])
            ok = {res.mailbox_id for res in results if res.ok}
            with self.store.transaction() as tx:
                for r in chunk:
                    if r.mailbox_id in ok:
                        self.store.set_marked(tx, r.key, recorded(r))
            step(start + len(chunk))

    # --- calls that say which side failed ---

    def _mbx(self, call: Callable[..., T], *args: object) -> T:
        try:
            return call(*args)
        except SyncbarError as exc:
            exc.source = exc.source or source_of(exc.code, Source.MAILBOX).value
            raise

    def _crm(self, call: Callable[..., T], *args: object) -> T:
        try:
            return call(*args)
        except SyncbarError as exc:
            exc.source = exc.source or source_of(exc.code, Source.SALESFORCE).value
            raise


def _kinds(cycle: _Cycle) -> tuple[KindProgress, ...]:
    """The running session's tally per object, for the progress bar's counts."""
    return tuple(KindProgress(kind, c.new + c.updated, c.failed) for kind, c in sorted(cycle.session.counts.items()))


def _seen_key(kind: ItemKind, what: str, value: str) -> bytes:
    """A 16-byte digest of what makes two copies the same (no two different values share one in practice)."""
    return hashlib.blake2b(f"{kind.value}\0{what}\0{value}".encode(), digest_size=16).digest()
