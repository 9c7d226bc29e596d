"""The support report: what "Chat with support" and ``syncbar report`` send, built for a preview first.

    summary.txt     the current state and the open issues in words
    issues.json     issues (open, and the last 200 of any state) with codes
    sessions.json   the last 7 days of sessions with their counts
    versions.json   Syncbar, Python, OS (and Qt when the window adds it)
    config.json     the profile without secrets
    log.txt         the last 400 log lines, redacted
    screenshot.png  the window, when the app adds it

Tokens, passwords and anything that looks like one are always removed;
addresses and subjects too unless the user chooses to keep them.  The
preview shows exactly the bytes that go into the zip.
"""

from __future__ import annotations

import json
import platform
import re
import sys
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from app import __version__
from app.core import mail_words
from app.core.catalog import Catalog
from app.core.model import Issue, IssueState, Session
from app.core.profile import Profile
from app.core.service import AppService
from app.core.status_text import status_line

LOG_LINES = 400

_SECRET_PATTERNS = [
    re.compile(r"(?i)(bearer\s+)[A-Za-z0-9\-._~+/!]+=*"),
    re.compile(r"(?i)((?:access|refresh|id)_token[\"']?\s*[:=]\s*[\"']?)[^\s\"'&,}]+"),
    re.compile(r"(?i)((?:password|passwd|pwd|client_secret|code_verifier)[\"']?\s*[:=]\s*[\"']?)[^\s\"'&,}]+"),
    # An OAuth authorization code travels in a query string or a form body (``?code=…&state=…``);
    # a JSON "code" key is a catalogue code, which support needs.
    re.compile(r"(?i)((?:^|[?&\s])code=)[^\s\"'&,}]+"),
    re.compile(r"(?i)(authorization[\"']?\s*[:=]\s*[\"']?)[^\"'\n]+"),
    re.compile(r"()eyJ[A-Za-z0-9_\-]+\.[A-Za-z0-9_\-]+\.[A-Za-z0-9_\-]*"),  # JWTs
    re.compile(r"()\b00D[A-Za-z0-9]{12,15}![A-Za-z0-9._]+"),  # Salesforce session ids
    re.compile(r"()\bya29\.[A-Za-z0-9_\-]+"),  # Google access tokens
    re.compile(r"()\b1//[A-Za-z0-9_\-]{20,}"),  # Google refresh tokens
]
_ADDRESS = re.compile(r"[A-Za-z0-9._%+\-']+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}")
REDACTED = "[removed]"


def redact(text: str, secrets: Iterable[str] = (), keep_personal: bool = False) -> str:
    for secret in sorted({s for s in secrets if s and len(s) >= 4}, key=len, reverse=True):
        text = text.replace(secret, REDACTED)
    for pattern in _SECRET_PATTERNS:
        text = pattern.sub(lambda m: m.group(1) + REDACTED, text)
    if not keep_personal:
        text = _ADDRESS.sub("[address]", text)
    return text


@dataclass(frozen=True)
class ReportFile:
    name: str
    data: bytes

    @property
    def text(self) -> str | None:
        return None if self.name.endswith(".png") else self.data.decode("utf-8")


def _issue_json(issue: Issue, catalog: Catalog, keep_personal: bool) -> dict[str, Any]:
    entry = catalog.get(issue.code)
    data = asdict(issue)
    data.update(title=entry.title, recommendation=entry.recommendation)
    if not keep_personal:
        data["item_title"] = "[subject]" if issue.item_title else ""
        data["mailbox_link"] = "[link]" if issue.mailbox_link else ""
    return data


def _session_json(session: Session) -> dict[str, Any]:
    return {
        "id": session.id,
        "started_at": session.started_at,
        "ended_at": session.ended_at,
        "outcome": session.outcome.value,
        "error_code": session.error_code,
        "counts": {kind.value: c.to_json() for kind, c in session.counts.items()},
    }


def _config_json(profile: Profile | None) -> dict[str, Any]:
    if profile is None:
        return {"profile": None}
    data = profile.to_json()
    data["mailbox"].pop("client_secret", None)
    return data


def build(
    service: AppService,
    *,
    profile: Profile | None,
    log_file: Path | None,
    secrets: Sequence[str] = (),
    keep_personal: bool = False,
    screenshot: bytes | None = None,
    versions: dict[str, str] | None = None,
    now: datetime | None = None,
    what_happened: str = "",
) -> list[ReportFile]:
    """The files of the report, redacted; show them, then ``write`` them."""
    now = now or datetime.now(UTC)
    catalog = service.catalog
    snap = service.status()
    open_issues = service.issues(IssueState.OPEN)
    recent = service.issues(None)[:200]

    def dump(value: Any) -> bytes:
        text = json.dumps(value, indent=2, default=str, ensure_ascii=False)
        return redact(text, secrets, keep_personal).encode("utf-8")

    lines = [f"Syncbar {__version__} support report, {now.isoformat(timespec='seconds')}", ""]
    lines.append(f"State: {status_line(snap, catalog, now)}")
    if snap.error_code:
        entry = catalog.get(snap.error_code)
        lines += [f"Current error: {entry.code} — {entry.title}", f"  {entry.reason}", f"  Fix: {entry.recommendation}"]
    lines += ["", f"Open issues: {len(open_issues)}"]
    for issue in open_issues[:50]:
        lines.append(f"  {issue.code:<32} {issue.source.value:<10} attempts {issue.attempts}  {issue.message[:80]}")
    summary = redact("\n".join(lines) + "\n", secrets, keep_personal)
    all_versions = {
        "syncbar": __version__,
        "python": sys.version.split()[0],
        "os": platform.platform(),
        **(versions or {}),
    }
    files = [
        *(
            [ReportFile("what-happened.txt", redact(what_happened.strip() + "\n", secrets, True).encode("utf-8"))]
            if what_happened.strip()
            else []
        ),
        ReportFile("summary.txt", summary.encode("utf-8")),
        ReportFile(
            "issues.json",
            dump(
                {
                    "open": [_issue_json(i, catalog, keep_personal) for i in open_issues],
                    "recent": [_issue_json(i, catalog, keep_personal) for i in recent],
                }
            ),
        ),
        ReportFile("sessions.json", dump([_session_json(s) for s in service.sessions(7)])),
        ReportFile("versions.json", dump(all_versions)),
        ReportFile("config.json", dump(_config_json(profile))),
    ]
    tail = ""
    if log_file is not None and log_file.exists():
        with log_file.open(encoding="utf-8", errors="replace") as fh:
            tail = "".join(fh.readlines()[-LOG_LINES:])
    files.append(ReportFile("log.txt", redact(tail, secrets, keep_personal).encode("utf-8")))
    if screenshot:
        files.append(ReportFile("screenshot.png", screenshot))
    return files


def mail_text(files: Sequence[ReportFile], what_happened: str, context: str = "") -> tuple[str, str]:
    """Subject and body of the mail that carries the report to support (the zip goes as its attachment)."""
    return mail_words.support_request(what_happened, ", ".join(f.name for f in files), context)


def write(files: Sequence[ReportFile], out: Path) -> Path:
    """Write the zip atomically (a half-written report is never left behind)."""
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".part")
    with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for f in files:
            zf.writestr(f.name, f.data)
    tmp.replace(out)
    return out
