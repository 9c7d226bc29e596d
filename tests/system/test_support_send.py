"""Chat with support sends: `syncbar report --send` mails the zip to support through the user's own mailbox API
(Graph sendMail with a fileAttachment, Gmail messages.send multipart/mixed, EWS CreateItem with a FileAttachment
and SendAndSaveCopy), to the support address the company configured; the mail arrives in the emulator."""

from __future__ import annotations

import email
import email.policy
import io
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from app.compose.cli import main
from app.emulators.host import EmulatorHost
from app.emulators.serve import emulators
from tests.system.user_session import User

KINDS = ("graph", "gmail", "ews")


@pytest.fixture
def served(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[EmulatorHost]:
    with emulators(items=50, seed=8, names=[request.param, "salesforce"], cert_dir=tmp_path / "certs") as host:
        yield host


def sent_mail(host: EmulatorHost, kind: str) -> tuple[list[str], str, list[tuple[str, bytes]]]:
    """(recipients, body text, [(file name, bytes)]) of the last mail the mailbox sent."""
    svc: Any = host.services[kind]
    if kind == "graph":
        message = svc.sent[-1]
        to = [r["emailAddress"]["address"] for r in message["toRecipients"]]
        return to, message["body"]["content"], [(n, data) for n, _, data in svc.sent_attachments()]
    if kind == "gmail":
        parsed = email.message_from_bytes(svc.sent[-1], policy=email.policy.default)
        assert parsed.get_content_type() == "multipart/mixed"
        body = parsed.get_body(("plain",))
        files = [(str(p.get_filename()), p.get_payload(decode=True)) for p in parsed.iter_attachments()]
        return [str(parsed["To"])], body.get_content() if body else "", files
    record = svc.sent[-1]
    return record["to"], record["body"], [(n, data) for n, _, data in record["attachments"]]


@pytest.mark.parametrize("served", KINDS, indirect=True)
def test_send_mails_the_report_zip_to_support_from_the_users_mailbox(
    served: EmulatorHost,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    user: User,
) -> None:
    host = served
    kind = next(n for n in host.services if n != "salesforce")
    monkeypatch.setenv("SYNCBAR_SUPPORT_ADDRESS", "helpdesk@company.example")  # the company's configuration
    assert user.connect(host, kind)[0] == 0
    user.run("sync", "--once")
    capsys.readouterr()
    out = tmp_path / "report.zip"
    words = "The meeting with Ana did not reach Salesforce."
    assert main(["report", "--out", str(out), "--send", "--what-happened", words]) == 0
    assert "Sent to helpdesk@company.example" in capsys.readouterr().out
    to, body, files = sent_mail(host, kind)
    assert to == ["helpdesk@company.example"] and words in body
    assert [name for name, _ in files] == [out.name]
    attached = zipfile.ZipFile(io.BytesIO(files[0][1]))
    assert attached.namelist() == zipfile.ZipFile(out).namelist()
    assert {"what-happened.txt", "summary.txt", "issues.json"} <= set(attached.namelist())
    assert attached.read("what-happened.txt").decode().strip() == words
