"""This computer's own storage failing under a user's `syncbar` commands: a full disk, a read-only home,
a damaged database.  Each ends with the catalogue's words and exit code 6, never a traceback, and
nothing is lost or sent twice once the disk is fixed.

The disk is a small tmpfs mounted for the test (root only: CI runs as root)."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from app.emulators.host import EmulatorHost
from app.emulators.serve import emulators

ROOT = Path(__file__).resolve().parents[2]
EXIT_LOCAL = 6


def _mount(target: Path, *options: str) -> None:
    target.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(["mount", *options, str(target)], capture_output=True, text=True)
    if done.returncode != 0:  # not root, or a sandbox without CAP_SYS_ADMIN: said, not hidden
        pytest.skip(f"these tests mount a small disk and need root: {done.stderr.strip()}")


def _umount(target: Path) -> None:
    subprocess.run(["umount", "-l", str(target)], capture_output=True)


@pytest.fixture
def tmpfs(tmp_path: Path) -> Iterator[Path]:
    target = tmp_path / "disk"
    _mount(target, "-t", "tmpfs", "-o", "size=6m", "tmpfs")
    try:
        yield target
    finally:
        _umount(target)


@pytest.fixture
def served(tmp_path: Path) -> Iterator[EmulatorHost]:
    with emulators(items=60, seed=5, names=["graph", "salesforce"], cert_dir=tmp_path / "certs") as host:
        yield host


class User:
    """A user's shell: `syncbar ...` as a process with this home and keyring."""

    def __init__(self, home: Path, env: dict[str, str]) -> None:
        self.home = home
        self.env = dict(os.environ, SYNCBAR_HOME=str(home), **env)

    def run(self, *argv: str) -> subprocess.CompletedProcess[str]:
        done = subprocess.run(
            [sys.executable, "-m", "app", *argv], cwd=ROOT, env=self.env, capture_output=True, text=True, timeout=240
        )
        assert "Traceback" not in done.stderr, done.stderr
        assert "Traceback" not in done.stdout, done.stdout
        return done

    def connect(self, host: EmulatorHost) -> None:
        info = host.info()
        done = self.run("connect-emulators", "--emulators-url", info["control_url"], "--ca-file", info["ca_file"])
        assert done.returncode == 0, done.stderr


def _fill(disk: Path, leave: int = 0) -> Path:
    """Fill the disk, leaving about ``leave`` bytes free."""
    filler = disk / "filler.bin"
    stat = os.statvfs(disk)
    room = stat.f_bavail * stat.f_frsize - leave
    chunk = b"\0" * 65536
    with filler.open("wb", buffering=0) as fh:
        try:
            while room > 0:
                room -= fh.write(chunk[: min(len(chunk), room)]) or 0
            while not leave:  # to the last block
                fh.write(b"\0" * 4096)
        except OSError:
            pass
    return filler


def _synced_records(db: Path) -> list[str]:
    with sqlite3.connect(db) as conn:
        return [r[0] for r in conn.execute("SELECT record_id FROM items WHERE state='synced' AND record_id!=''")]


def _created(host: EmulatorHost, before: dict[str, set[str]]) -> list[str]:
    sf: Any = host.services["salesforce"]
    return [rid for kind, recs in sf.records.items() for rid in recs if rid not in before.get(kind, set())]


def _snapshot(host: EmulatorHost) -> dict[str, set[str]]:
    sf: Any = host.services["salesforce"]
    return {kind: set(recs) for kind, recs in sf.records.items()}


def _new_mail(host: EmulatorHost, user: User, count: int) -> None:
    sf: Any = host.services["salesforce"]
    graph: Any = host.services["graph"]
    owner = json.loads((user.home / "config" / "profile.json").read_text())["mailbox"]["account"]
    people = sorted(r["Email"] for r in sf.records["Contact"].values() if r.get("Email"))[:count]
    for n, address in enumerate(people):
        graph.add_message("inbox", f"Order question {n}", address, owner)


def test_a_full_disk_waits_with_its_code_and_the_next_cycle_loses_nothing_and_duplicates_nothing(
    tmpfs: Path, served: EmulatorHost, secret_service_env: dict[str, str]
) -> None:
    user = User(tmpfs / "home", secret_service_env)
    user.connect(served)
    before = _snapshot(served)
    assert user.run("sync", "--once").returncode in (0, 1)
    _new_mail(served, user, 40)  # mail that arrives while the disk is full
    filler = _fill(tmpfs)

    full = user.run("sync", "--once")
    assert full.returncode == EXIT_LOCAL, (full.stdout, full.stderr)
    words = full.stdout + full.stderr
    assert "disk is full" in words and "Free some space" in words
    assert "fault in Syncbar" not in words
    status = user.run("status")  # reading still works on a full disk
    assert status.returncode == 0, status.stderr
    report = user.run("report", "--out", str(tmpfs / "report.zip"))  # a support report onto the full disk
    assert report.returncode == EXIT_LOCAL and "disk is full" in report.stderr, report.stderr

    filler.unlink()
    # Half full: the cycle starts, then runs out of room partway (pending items are left for reconcile).
    filler = _fill(tmpfs, leave=96 * 1024)
    partway = user.run("sync", "--once")
    assert partway.returncode in (0, 1, EXIT_LOCAL), (partway.stdout, partway.stderr)
    filler.unlink()

    after = user.run("sync", "--once", "--json")
    assert after.returncode in (0, 1), (after.stdout, after.stderr)
    again = user.run("sync", "--once", "--json")
    assert again.returncode in (0, 1), again.stderr
    db = user.home / "data" / "syncbar.db"
    synced = _synced_records(db)
    created = _created(served, before)
    assert len(created) > 40, "the new emails were synced once the disk had room"
    assert len(synced) == len(set(synced)), "two items share one record"
    orphans = set(created) - set(synced)
    assert not orphans, f"records written twice (not in the ledger): {sorted(orphans)[:5]}"
    with sqlite3.connect(db) as conn:
        waiting = conn.execute("SELECT COUNT(*) FROM items WHERE state IN ('pending', 'queued')").fetchone()[0]
    assert waiting == 0, "items were left unsynced"


def test_a_read_only_home_still_answers_status_issues_sessions_and_report(
    tmp_path: Path, served: EmulatorHost, secret_service_env: dict[str, str]
) -> None:
    home = tmp_path / "home"
    user = User(home, secret_service_env)
    user.connect(served)
    first = user.run("sync", "--once")
    assert first.returncode in (0, 1), first.stderr
    issues_before = user.run("issues", "--json").stdout
    _mount(home, "--bind", str(home))
    try:
        subprocess.run(["mount", "-o", "remount,bind,ro", str(home)], check=True)
        for argv in (("status",), ("issues", "--json"), ("sessions",), ("report", "--out", str(tmp_path / "r.zip"))):
            done = user.run(*argv)
            assert done.returncode == 0, (argv, done.stdout, done.stderr)
        assert user.run("issues", "--json").stdout == issues_before  # the history is still there, unchanged
        assert (tmp_path / "r.zip").stat().st_size > 0
        sync = user.run("sync", "--once")
        assert sync.returncode == EXIT_LOCAL, (sync.stdout, sync.stderr)
        assert "cannot be written" in sync.stderr
        assert "move" not in sync.stderr.lower()  # never advice that throws the history away
    finally:
        _umount(home)
    assert user.run("sync", "--once").returncode in (0, 1)


def test_a_home_under_a_read_only_parent_is_explained(tmp_path: Path) -> None:
    parent = tmp_path / "ro"
    _mount(parent, "-t", "tmpfs", "-o", "size=1m,ro", "tmpfs")
    try:
        user = User(parent / "home", {})
        for argv in (("status",), ("sync", "--once"), ("issues",)):
            done = user.run(*argv)
            assert done.returncode == EXIT_LOCAL, (argv, done.stdout, done.stderr)
            assert "folder cannot be written" in done.stderr
    finally:
        _umount(parent)


@pytest.mark.parametrize("damage", ["page", "table"])
def test_a_damaged_database_is_named_with_its_fix(
    damage: str, tmp_path: Path, served: EmulatorHost, secret_service_env: dict[str, str]
) -> None:
    user = User(tmp_path / "home", secret_service_env)
    user.connect(served)
    assert user.run("sync", "--once").returncode in (0, 1)
    db = user.home / "data" / "syncbar.db"
    if damage == "table":
        with sqlite3.connect(db) as conn:
            conn.execute("DROP TABLE issues")
    else:
        with sqlite3.connect(db) as conn:
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        raw = bytearray(db.read_bytes())
        page = 4096
        for at in range(page * 2, min(len(raw), page * 6)):  # scribble over interior pages
            raw[at] = 0x5A
        db.write_bytes(bytes(raw))
    done = user.run("sync", "--once")
    assert done.returncode == EXIT_LOCAL, (done.stdout, done.stderr)
    words = done.stdout + done.stderr
    assert "records are damaged" in words and "Start fresh" in words
    assert "SYNC_DATABASE_DAMAGED" in words
    # Reading goes as far as the damage allows: the damage itself, or the issue that records it.
    for argv in (("status",), ("issues",)):
        done = user.run(*argv)
        assert done.returncode in (0, EXIT_LOCAL), (argv, done.stdout, done.stderr)
        assert "SYNC_DATABASE_DAMAGED" in done.stdout + done.stderr, argv
    assert db.exists()  # nothing was thrown away behind the user's back
