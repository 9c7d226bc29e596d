"""Runs each sync cycle in a child process (``syncbar _cycle``, app/compose/sync_child.py) and reports by signals.

The window's process then never loads the service libraries nor keeps the memory a large
sync needs (docs/performance.md), and a crash in a library cannot take the window down.
QProcess delivers the child's lines on the GUI thread's event loop: nothing here waits.
"""

from __future__ import annotations

import json

from PySide6.QtCore import QCoreApplication, QObject, QProcess, QProcessEnvironment, Signal, Slot

from app.core.cycle_messages import DoneMessage, ErrorMessage, NoticeMessage, ProgressMessage, SecretMessage, decode
from app.core.store import Store
from app.ui.backend import CycleCommand, Folders, Secrets

STDERR_KEPT = 4000  # characters of the child's stderr kept to explain a crash


class CycleProcess(QObject):
    """One cycle at a time in a child process; ``finished`` always follows ``start``."""

    progress = Signal(object)  # Progress
    notice = Signal(object)  # Notice
    finished = Signal(object)  # Session | None
    failed = Signal(str)

    def __init__(
        self, paths: Folders, tokens: Secrets, store: Store, command: CycleCommand, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self.paths = paths
        self.command = command
        self.tokens = tokens
        self.store = store
        self._proc: QProcess | None = None
        self._session_id: int | None = None
        self._error = ""
        self._stderr = ""
        self._escalating = False  # this child only sends the escalation email: no session to read back

    @property
    def running(self) -> bool:
        return self._proc is not None

    @property
    def pid(self) -> int | None:
        """The running cycle's process id (for the log and for tests that stop it the hard way)."""
        return int(self._proc.processId()) or None if self._proc is not None else None

    @Slot()
    def start(self) -> None:
        self._launch(escalate=False)

    @Slot()
    def escalate(self) -> None:
        """Only send the escalation email owed while nothing syncs (a needed sign-in, a suspension)."""
        self._launch(escalate=True)

    def _launch(self, *, escalate: bool) -> None:
        if self._proc is not None:
            return
        self._session_id, self._error, self._stderr = None, "", ""
        self._escalating = escalate
        proc = QProcess(self)
        proc.setProgram(self.command.program)
        proc.setArguments(self.command.args)
        env = QProcessEnvironment.systemEnvironment()
        for name, value in self.command.env.items():
            env.insert(name, value)
        proc.setProcessEnvironment(env)
        proc.readyReadStandardOutput.connect(self._read)
        proc.readyReadStandardError.connect(self._read_stderr)
        proc.finished.connect(self._done)
        proc.errorOccurred.connect(self._on_error)
        self._proc = proc
        proc.start()
        in_memory = self.tokens.in_process
        header = {
            "config": str(self.paths.config),
            "data": str(self.paths.data),
            "secrets": in_memory.entries() if in_memory is not None else None,
            "escalate": escalate,
        }
        proc.write((json.dumps(header) + "\n").encode())
        proc.closeWriteChannel()

    def cancel(self) -> None:
        """Ask the cycle to stop at its next safe point (SIGTERM; the child finishes the step it is in)."""
        if self._proc is not None:
            self._proc.terminate()

    def wait(self, ms: int) -> None:
        """Wait for the child to end (quitting); past ``ms`` it is killed — the store survives that too."""
        proc = self._proc
        if proc is not None and not proc.waitForFinished(ms):
            proc.kill()
            proc.waitForFinished(2000)

    # -- the child's lines ---------------------------------------------------------

    @Slot()
    def _read(self) -> None:
        proc = self._proc
        while proc is not None and proc.canReadLine():
            line = bytes(proc.readLine().data()).decode("utf-8", "replace").strip()
            if line:
                self._handle(line)

    def _handle(self, line: str) -> None:
        message = decode(line)  # None: not ours (a library printing); the log has the details
        if isinstance(message, ProgressMessage):
            self.progress.emit(message.progress)
        elif isinstance(message, NoticeMessage):
            self.notice.emit(message.notice)
        elif isinstance(message, SecretMessage):
            keyring = self.tokens.in_process
            if keyring is not None:  # a refreshed token, kept for the next cycle
                keyring.put(message.service, message.account, message.secret)
        elif isinstance(message, DoneMessage):
            self._session_id = message.session
        elif isinstance(message, ErrorMessage):
            self._error = message.error

    @Slot()
    def _read_stderr(self) -> None:
        if self._proc is not None:
            text = bytes(self._proc.readAllStandardError().data()).decode("utf-8", "replace")
            self._stderr = (self._stderr + text)[-STDERR_KEPT:]

    @Slot(QProcess.ProcessError)
    def _on_error(self, error: QProcess.ProcessError) -> None:
        if error is QProcess.ProcessError.FailedToStart and self._proc is not None:
            self._error = QCoreApplication.translate(
                "CycleProcess", "The sync process could not start: {error}"
            ).format(error=self._proc.errorString())
            self._end()

    @Slot(int, QProcess.ExitStatus)
    def _done(self, code: int, status: QProcess.ExitStatus) -> None:
        self._read()
        self._read_stderr()
        if not self._error and self._session_id is None and not (self._escalating and code == 0):
            last = self._stderr.strip().splitlines()[-1:] or [
                "it was stopped" if status is QProcess.ExitStatus.CrashExit else f"exit code {code}"
            ]
            self._error = QCoreApplication.translate(
                "CycleProcess",
                "The sync process stopped unexpectedly ({detail}). "
                "Nothing is lost: the next sync goes on from where it stopped.",
            ).format(detail=last[0])
        self._end()

    def _end(self) -> None:
        proc, self._proc = self._proc, None
        if proc is None:
            return
        proc.deleteLater()
        session = self.store.session(self._session_id) if self._session_id is not None else None
        if session is None and self._error:
            self.failed.emit(self._error)
        self.finished.emit(session)
