"""The Gmail emulator's drafts, spam and trash: what a real mailbox's history holds beside mail.

Shapes and rules from the Gmail API v1 reference (users.drafts create/update/
get/list/delete/send, users.messages.trash/untrash, messages.list
``includeSpamTrash``) and recorded answers (../shared/wire_samples/gmail/drafts_*):

    POST   /drafts              {message: {raw}} -> {id: "r-<decimal>", message: {id, threadId, labelIds: [DRAFT]}}
    PUT    /drafts/{id}         {message: {raw}} -> the same draft id with a NEW message id in the same
                                thread; the previous message is deleted (history: messagesAdded of the new
                                one with DRAFT, messagesDeleted of the old one), as every autosave does
    GET    /drafts[/{id}]       list; get (the full message)
    DELETE /drafts/{id}         204; the message is deleted
    POST   /drafts/send         {id} -> the sent Message {id, threadId, labelIds: [SENT]}; the draft and
                                its DRAFT message are gone (messagesDeleted), the SENT one is added
    POST   /messages/{id}/trash | /untrash   the TRASH label added / removed (history: labelsAdded/Removed)

Spam arrives as a new message carrying SPAM (back door ``add_spam``).  The
service object is ``app.emulators.gmail.GmailService``: it hands this module its messages, history,
its error type and a way to add a message, so the import runs one way only.
"""

from __future__ import annotations

import base64
import email.policy
import hashlib
import re
import secrets
import time
from collections.abc import Callable
from datetime import UTC, datetime
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import format_datetime, getaddresses
from typing import Any

# Quota units of these methods ("Usage limits", Gmail API).
UNITS = {
    "drafts.create": 10,
    "drafts.update": 15,
    "drafts.get": 5,
    "drafts.list": 5,
    "drafts.delete": 10,
    "drafts.send": 100,
    "messages.trash": 5,
    "messages.untrash": 5,
}
HIDDEN_UNLESS_ASKED = ("SPAM", "TRASH")  # messages.list leaves these out unless includeSpamTrash=true


def operation(method: str, rest: str) -> str | None:
    """The method name of a drafts/trash request (``rest`` is the path after /users/me), or None."""
    if rest == "/drafts/send":
        return "drafts.send"
    if rest == "/drafts":
        return "drafts.create" if method == "POST" else "drafts.list"
    if rest.startswith("/drafts/"):
        return {"PUT": "drafts.update", "DELETE": "drafts.delete"}.get(method, "drafts.get")
    if re.fullmatch(r"/messages/[0-9a-f]+/(trash|untrash)", rest):
        return "messages." + rest.rsplit("/", 1)[-1]
    return None


def listed(labels: list[str], query: str, args: dict[str, str]) -> bool:
    """Whether messages.list shows a message: spam and trash only when asked for (includeSpamTrash, in:spam)."""
    if not any(lab in labels for lab in HIDDEN_UNLESS_ASKED):
        return True
    if args.get("includeSpamTrash", "").lower() == "true":
        return True
    return re.search(r"(?<![\w-])(in|label):(spam|trash)\b", query, re.IGNORECASE) is not None


class Drafts:
    """users.drafts and the trash of one emulated mailbox."""

    def __init__(
        self,
        service: Any,
        error: Callable[[int, str, str], Exception],
        add_mail: Callable[[str, str, list[str], bytes, int], None],
    ) -> None:
        """``error`` makes the service's error answer; ``add_mail`` stores a new message (id, thread, labels,
        RFC 822 bytes, internal date in ms) in the mailbox: both given by the service, so this module never
        imports it back."""
        self.svc = service
        self.error = error
        self.add_mail = add_mail
        self.by_id: dict[str, str] = {}  # draft id -> its current message id

    def _error(self, status: int, reason: str, message: str) -> Exception:
        return self.error(status, reason, message)

    def _mail(self, raw: bytes, thread_id: str, labels: list[str]) -> str:
        message_id = hashlib.sha1(f"draft-{self.svc.next_history}-{secrets.token_hex(4)}".encode()).hexdigest()[:16]
        self.add_mail(message_id, thread_id or message_id, labels, raw, int(time.time() * 1000))
        self.svc._record("messagesAdded", message_id)
        return message_id

    def _delete(self, message_id: str) -> None:
        mail = self.svc.mails.get(message_id)
        if mail is not None and not mail.deleted:
            mail.deleted = True
            self.svc._record("messagesDeleted", message_id)

    def _raw(self, body: Any) -> bytes:
        message = body.get("message") if isinstance(body, dict) else None
        raw = message.get("raw") if isinstance(message, dict) else None
        if not isinstance(raw, str):
            raise self._error(400, "invalidArgument", "Message payload is required")
        try:
            return base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4))
        except (ValueError, TypeError):
            raise self._error(400, "invalidArgument", "Invalid raw message") from None

    def _draft(self, draft_id: str, fmt: str = "") -> dict[str, Any]:
        mail = self.svc.mails[self.by_id[draft_id]]
        message = (
            self.svc._message(mail, fmt)
            if fmt
            else {"id": mail.id, "threadId": mail.thread_id, "labelIds": list(mail.labels)}
        )
        return {"id": draft_id, "message": message}

    def _known(self, draft_id: str) -> str:
        if draft_id not in self.by_id:
            raise self._error(404, "notFound", "Requested entity was not found.")
        return draft_id

    # --- what a mail client does (the API, and back doors for tests) ---

    def save(self, raw: bytes, draft_id: str = "") -> dict[str, Any]:
        """Create a draft, or save a new version of one: a new message id each time."""
        if not draft_id:
            draft_id = f"r-{secrets.randbelow(2**63) * (1 if secrets.randbelow(2) else -1)}"
            self.by_id[draft_id] = self._mail(raw, "", ["DRAFT"])
            return self._draft(draft_id)
        old = self.svc.mails[self.by_id[self._known(draft_id)]]
        self.by_id[draft_id] = self._mail(raw, old.thread_id, ["DRAFT"])
        self._delete(old.id)
        return self._draft(draft_id)

    def send(self, draft_id: str) -> dict[str, Any]:
        draft = self.svc.mails[self.by_id[self._known(draft_id)]]
        parsed = BytesParser(policy=email.policy.default).parsebytes(draft.raw)
        people = [str(parsed.get(h, "")) for h in ("To", "Cc", "Bcc")]
        if not [a for _, a in getaddresses(people) if "@" in a]:
            raise self._error(400, "invalidArgument", "Recipient address required")
        self.svc.sent.append(draft.raw)
        sent_id = self._mail(draft.raw, draft.thread_id, ["SENT"])
        self._delete(draft.id)
        del self.by_id[draft_id]
        mail = self.svc.mails[sent_id]
        return {"id": mail.id, "threadId": mail.thread_id, "labelIds": list(mail.labels)}

    def trash(self, message_id: str, *, undo: bool = False) -> dict[str, Any]:
        mail = self.svc.mails.get(message_id)
        if mail is None or mail.deleted:
            raise self._error(404, "notFound", "Requested entity was not found.")
        change = "removeLabelIds" if undo else "addLabelIds"
        self.svc._batch_modify({"ids": [message_id], change: ["TRASH"]})
        return {"id": mail.id, "threadId": mail.thread_id, "labelIds": list(mail.labels)}

    # --- back doors for tests: a user working in Gmail's web client ---

    def write(self, subject: str, sender: str, to: str, body: str, draft_id: str = "") -> str:
        """The user saves a draft (again, when ``draft_id`` names it); returns the draft id."""
        message = EmailMessage(policy=email.policy.SMTP)
        message["From"], message["To"], message["Subject"] = sender, to, subject
        message["Date"] = format_datetime(datetime.now(UTC))
        message.set_content(body)
        with self.svc.lock:
            return str(self.save(message.as_bytes(), draft_id)["id"])

    def send_now(self, draft_id: str) -> str:
        """The user presses Send on a draft; returns the sent message's id."""
        with self.svc.lock:
            return str(self.send(draft_id)["id"])

    def message_of(self, draft_id: str) -> str:
        with self.svc.lock:
            return self.by_id[draft_id]

    def move_to_trash(self, message_id: str) -> None:
        with self.svc.lock:
            self.trash(message_id)

    # --- the HTTP API ---

    def handle(self, method: str, rest: str, args: dict[str, str], body: Any) -> tuple[int, Any]:
        trash = re.fullmatch(r"/messages/([0-9a-f]+)/(trash|untrash)", rest)
        if trash and method == "POST":
            return 200, self.trash(trash.group(1), undo=trash.group(2) == "untrash")
        if rest == "/drafts/send" and method == "POST":
            draft_id = str(body.get("id") or "") if isinstance(body, dict) else ""
            if not draft_id:
                raise self._error(400, "invalidArgument", "Draft id is required")
            if isinstance(body, dict) and isinstance(body.get("message"), dict) and body["message"].get("raw"):
                self.save(self._raw(body), self._known(draft_id))
            return 200, self.send(draft_id)
        if rest == "/drafts" and method == "POST":
            return 200, self.save(self._raw(body))
        if rest == "/drafts" and method == "GET":
            drafts = [self._draft(d) for d in self.by_id]
            out: dict[str, Any] = {"resultSizeEstimate": len(drafts)}
            if drafts:
                out["drafts"] = [
                    {"id": d["id"], "message": {k: d["message"][k] for k in ("id", "threadId")}} for d in drafts
                ]
            return 200, out
        found = re.fullmatch(r"/drafts/([\w-]+)", rest)
        if found:
            draft_id = self._known(found.group(1))
            if method == "GET":
                return 200, self._draft(draft_id, args.get("format", "full"))
            if method == "PUT":
                return 200, self.save(self._raw(body), draft_id)
            if method == "DELETE":
                self._delete(self.by_id.pop(draft_id))
                return 204, None
        raise self._error(404, "notFound", "Not Found")
