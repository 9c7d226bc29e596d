"""Microsoft To Do in the Graph emulator: task lists, their tasks, and the tasks' delta.

Shapes follow the Microsoft Graph v1.0 reference pages "todoTaskList resource
type", "todoTask resource type", "List todoTaskLists", "List tasks", "Get
todoTask", "Update todoTask", "Create todoTask", "Delete todoTask" and
"todoTask: delta" (permissions: Tasks.Read for reads, Tasks.ReadWrite for
writes, delegated):

    GET    /me/todo/lists                              the lists; the default one has wellknownListName defaultList
    GET    /me/todo/lists/{listId}                     one list
    GET    /me/todo/lists/{listId}/tasks               its tasks ($top, $skip; @odata.nextLink while more remain)
    POST   /me/todo/lists/{listId}/tasks               a new task (201)
    GET    /me/todo/lists/{listId}/tasks/delta         tasks added, changed or deleted; pages end with
                                                       @odata.nextLink ($skiptoken) and the round with
                                                       @odata.deltaLink ($deltatoken); Prefer: odata.maxpagesize
    GET, PATCH, DELETE /me/todo/lists/{listId}/tasks/{taskId}

A todoTask carries id, title, status (notStarted, inProgress, completed,
waitingOnOthers, deferred), importance (low, normal, high), body {content,
contentType}, dueDateTime (a date: midnight, whatever time was sent) and completedDateTime as
dateTimeTimeZone, createdDateTime,
lastModifiedDateTime, categories, isReminderOn, hasAttachments and its @odata.etag.
A deleted task comes back from delta as ``{"id", "@removed": {"reason": "deleted"}}``.

Delta tokens are opaque and name a step of the list's change log, as the mail
delta's do; they belong to one list, and the Graph service's epoch
(``expire_sync_state``) makes older ones answer 410 syncStateNotFound.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote, unquote, urlencode

from app.emulators.base import ChangeLog, SeedTask

READ = frozenset({"Tasks.Read", "Tasks.ReadWrite"})
WRITE = frozenset({"Tasks.ReadWrite"})
STATUSES = ("notStarted", "inProgress", "completed", "waitingOnOthers", "deferred")
IMPORTANCE = ("low", "normal", "high")
WRITABLE = frozenset({"title", "status", "importance", "body", "dueDateTime", "categories", "isReminderOn"})
TASK_TYPE = "#microsoft.graph.todoTask"


class TodoError(Exception):
    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


@dataclass
class TodoEntry:
    list_id: str
    data: dict[str, Any]
    seq: int
    removed: bool = False


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f0Z")


def _zoned(value: datetime) -> dict[str, str]:
    """A dateTimeTimeZone as To Do writes it: seven decimals, no offset, the zone named apart."""
    return {"dateTime": value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.0000000"), "timeZone": "UTC"}


def _due(value: datetime) -> dict[str, str]:
    """A due date: To Do keeps the date only (a time sent with it is dropped), at midnight of its zone."""
    return _zoned(value.astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0))


def _id(kind: str, key: str) -> str:
    # To Do ids are long base64 strings (with '-' and '=' in them): the provider must quote them in paths.
    digest = hashlib.sha256(f"{kind}:{key}".encode()).digest()
    return "AAkALgAAAAAAHYQDEapmEc2byACqAC-EWg0A" + base64.b64encode(digest[:20]).decode("ascii").replace("/", "-")


def needed(method: str, rest: str) -> frozenset[str]:
    """The scopes (any one of them) a To Do request needs; empty for a path that is not To Do's."""
    if not rest.startswith("/me/todo/"):
        return frozenset()
    return READ if method == "GET" else WRITE


class TodoLists:
    """The signed-in user's To Do lists and tasks, with one change log per list."""

    def __init__(self, owner: str, epoch: Callable[[], int], base_url: Callable[[], str]) -> None:
        self._epoch = epoch
        self._base_url = base_url
        self.seq = 0
        self.lists: dict[str, dict[str, Any]] = {}
        self.tasks: dict[str, TodoEntry] = {}
        self.logs: dict[str, ChangeLog] = {}
        self.default_id = self._add_list("Tasks", "defaultList", owner)
        self._add_list("Flagged emails", "flaggedEmails", owner)

    def _add_list(self, name: str, wellknown: str, owner: str) -> str:
        list_id = _id("list", f"{owner}:{name}") + "="
        self.lists[list_id] = {
            "@odata.etag": f'W/"{_b64(hashlib.sha1(list_id.encode()).digest())}"',
            "displayName": name,
            "isOwner": True,
            "isShared": False,
            "wellknownListName": wellknown,
            "id": list_id,
        }
        self.logs[list_id] = ChangeLog()
        return list_id

    # --- back doors (tests, the seed) ---

    def seed(self, task: SeedTask) -> str:
        data: dict[str, Any] = {
            "title": task.subject,
            "status": task.status if task.status in STATUSES else "notStarted",
            "importance": "normal",
            "body": {"content": task.body, "contentType": "text"},
            "categories": [],
        }
        if task.due is not None:
            data["dueDateTime"] = _due(task.due)
        return self._put(self.default_id, _id("task", task.id) + "==", data)

    def add(self, title: str, *, body: str = "", status: str = "notStarted", due: datetime | None = None) -> str:
        """A task is created in the default list; its id."""
        data: dict[str, Any] = {
            "title": title,
            "status": status,
            "importance": "normal",
            "body": {"content": body, "contentType": "text"},
            "categories": [],
        }
        if due is not None:
            data["dueDateTime"] = _due(due)
        return self._put(self.default_id, _id("task", f"new-{self.seq + 1}:{title}") + "==", data)

    def update(self, task_id: str, **values: Any) -> None:
        entry = self._entry(self.default_id, task_id)
        self._put(entry.list_id, task_id, {**entry.data, **values})

    def delete(self, task_id: str) -> None:
        entry = self.tasks.get(task_id)
        if entry is None or entry.removed:
            raise KeyError(task_id)
        self.seq += 1
        entry.removed, entry.seq = True, self.seq
        self.logs[entry.list_id].touch(task_id)

    def categories_of(self, task_id: str) -> list[str]:
        return list(self.tasks[task_id].data.get("categories") or [])

    def _put(self, list_id: str, task_id: str, data: dict[str, Any]) -> str:
        self.seq += 1
        now = _now()
        data = dict(data)
        data["id"] = task_id
        data.setdefault("createdDateTime", now)
        data["lastModifiedDateTime"] = now
        data.setdefault("isReminderOn", False)
        data.setdefault("hasAttachments", False)
        due = data.get("dueDateTime")
        if isinstance(due, dict) and due.get("dateTime"):  # the date only, whatever time was sent
            data["dueDateTime"] = {**due, "dateTime": str(due["dateTime"])[:10] + "T00:00:00.0000000"}
        if data.get("status") == "completed":
            data.setdefault("completedDateTime", _zoned(datetime.now(UTC)))
        else:
            data.pop("completedDateTime", None)
        data["@odata.etag"] = f'W/"{_b64(hashlib.sha1(f"{task_id}:{self.seq}".encode()).digest())}"'
        self.tasks[task_id] = TodoEntry(list_id, data, self.seq)
        self.logs[list_id].touch(task_id)
        return task_id

    # --- requests ---

    def route(
        self, method: str, rest: str, args: dict[str, str], body: Any, page_size: int
    ) -> tuple[int, dict[str, Any] | None]:
        parts = [unquote(p) for p in rest.removeprefix("/me/todo/").split("/")]
        if parts[0] != "lists":
            raise TodoError(400, "BadRequest", f"Resource not found for the segment '{parts[0]}'.")
        if len(parts) == 1 and method == "GET":
            return 200, {"@odata.context": self._context("lists"), "value": list(self.lists.values())}
        list_id = parts[1] if len(parts) > 1 else ""
        if list_id not in self.lists:
            raise TodoError(404, "ErrorItemNotFound", "The specified object was not found in the store.")
        if len(parts) == 2 and method == "GET":
            return 200, {"@odata.context": self._context("lists/$entity"), **self.lists[list_id]}
        if len(parts) < 3 or parts[2] != "tasks":
            raise TodoError(400, "BadRequest", f"Resource not found for the segment '{parts[-1]}'.")
        if len(parts) == 3:
            if method == "GET":
                return 200, self._list_tasks(list_id, args)
            if method == "POST":
                return 201, self._create(list_id, body)
        elif len(parts) == 4 and parts[3] == "delta" and method == "GET":
            return 200, self._delta(list_id, args, page_size)
        elif len(parts) == 4:
            entry = self._entry(list_id, parts[3])
            if method == "GET":
                return 200, self._shape(entry)
            if method == "PATCH":
                return 200, self._patch(entry, body)
            if method == "DELETE":
                self.delete(parts[3])
                return 204, None
        raise TodoError(405, "BadRequest", f"The method {method} is not allowed here.")

    def _context(self, what: str) -> str:
        return f"https://graph.microsoft.com/v1.0/$metadata#users('me')/todo/{what}"

    def _entry(self, list_id: str, task_id: str) -> TodoEntry:
        entry = self.tasks.get(task_id)
        if entry is None or entry.removed or entry.list_id != list_id:
            raise TodoError(404, "ErrorItemNotFound", "The specified object was not found in the store.")
        return entry

    def _shape(self, entry: TodoEntry) -> dict[str, Any]:
        return {"@odata.type": TASK_TYPE, **entry.data}

    def _list_tasks(self, list_id: str, args: dict[str, str]) -> dict[str, Any]:
        try:
            top = max(1, min(1000, int(args.get("$top", "100"))))
            skip = max(0, int(args.get("$skip", "0")))
        except ValueError:
            raise TodoError(400, "BadRequest", "Invalid value for $top or $skip.") from None
        live = [e for e in self.tasks.values() if e.list_id == list_id and not e.removed]
        out: dict[str, Any] = {"@odata.context": self._context(f"lists('{list_id}')/tasks")}
        if skip + top < len(live):
            query = urlencode({"$top": top, "$skip": skip + top})
            out["@odata.nextLink"] = f"{self._list_url(list_id)}/tasks?{query}"
        out["value"] = [self._shape(e) for e in live[skip : skip + top]]
        return out

    def _list_url(self, list_id: str) -> str:
        return f"{self._base_url()}/v1.0/me/todo/lists/{quote(list_id, safe='')}"

    def _checked(self, body: Any, *, creating: bool) -> dict[str, Any]:
        if not isinstance(body, dict):
            raise TodoError(400, "BadRequest", "Empty Payload. JSON content expected.")
        unknown = set(body) - WRITABLE
        if unknown:
            raise TodoError(
                400,
                "invalidRequest",
                f"Property '{sorted(unknown)[0]}' does not exist on type 'microsoft.graph.todoTask'.",
            )
        if creating and not str(body.get("title") or "").strip():
            raise TodoError(400, "invalidRequest", "The title of a task is required.")
        if "status" in body and body["status"] not in STATUSES:
            raise TodoError(400, "invalidRequest", f"Requested value '{body['status']}' was not found.")
        if "importance" in body and body["importance"] not in IMPORTANCE:
            raise TodoError(400, "invalidRequest", f"Requested value '{body['importance']}' was not found.")
        cats = body.get("categories", [])
        if not isinstance(cats, list) or not all(isinstance(c, str) for c in cats):
            raise TodoError(400, "invalidRequest", "Invalid value for property 'categories'.")
        return body

    def _create(self, list_id: str, body: Any) -> dict[str, Any]:
        values = self._checked(body, creating=True)
        data = {"status": "notStarted", "importance": "normal", "body": {"content": "", "contentType": "text"}}
        data["categories"] = []
        data.update(values)
        task_id = self._put(list_id, _id("task", f"{list_id}:{self.seq + 1}") + "==", data)
        return self._shape(self.tasks[task_id])

    def _patch(self, entry: TodoEntry, body: Any) -> dict[str, Any]:
        values = self._checked(body, creating=False)
        data = {**entry.data, **values}
        if values.get("status") not in (None, "completed"):
            data.pop("completedDateTime", None)
        self._put(entry.list_id, entry.data["id"], data)
        return self._shape(self.tasks[entry.data["id"]])

    def _delta(self, list_id: str, args: dict[str, str], size: int) -> dict[str, Any]:
        token = args.get("$skiptoken") or args.get("$deltatoken")
        if token:
            try:
                state = json.loads(_unb64(token))
                since, upto, offset, epoch = int(state["s"]), int(state["u"]), int(state["o"]), int(state["e"])
                if state["l"] != list_id:
                    raise ValueError("another list")
            except (ValueError, KeyError, TypeError):
                raise TodoError(400, "BadRequest", "The delta token is malformed.") from None
            if epoch != self._epoch():
                raise TodoError(
                    410,
                    "syncStateNotFound",
                    "The sync state generation is not found or is invalid. Start a full synchronization.",
                )
            if "$deltatoken" in args:
                since, upto, offset = upto, self.seq, 0
        else:
            since, upto, offset = 0, self.seq, 0
        ids = self.logs[list_id].between(since, upto, lambda i: self.tasks[i].seq, lambda i: self.tasks[i].removed)
        values = []
        for task_id in ids[offset : offset + size]:
            entry = self.tasks[task_id]
            if entry.removed:
                values.append({"@odata.type": TASK_TYPE, "id": task_id, "@removed": {"reason": "deleted"}})
            else:
                values.append(self._shape(entry))
        state = {"l": list_id, "s": since, "u": upto, "e": self._epoch(), "o": 0}
        out: dict[str, Any] = {"@odata.context": self._context(f"lists('{list_id}')/tasks/delta")}
        url = f"{self._list_url(list_id)}/tasks/delta?"
        if offset + size < len(ids):
            out["@odata.nextLink"] = url + urlencode(
                {"$skiptoken": _b64(json.dumps(dict(state, o=offset + size)).encode())}
            )
        else:
            out["@odata.deltaLink"] = url + urlencode({"$deltatoken": _b64(json.dumps(state).encode())})
        out["value"] = values
        return out
