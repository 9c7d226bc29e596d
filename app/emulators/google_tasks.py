"""Google Tasks in the Gmail emulator's host (tasks.googleapis.com's paths), read-mostly.

Shapes follow the Google Tasks API v1 reference ("tasklists.list", "tasks.list",
"tasks.get", the Task and TaskList resources, "Use Google Tasks parameters"):

    GET /tasks/v1/users/@me/lists                 the task lists (maxResults up to 100, pageToken)
    GET /tasks/v1/users/@me/lists/{tasklist}      one list ("@default" names the user's default list)
    GET /tasks/v1/lists/{tasklist}/tasks          updatedMin (RFC 3339, inclusive), showCompleted (default
                                                  true), showHidden (default false), showDeleted (default
                                                  false), dueMin/dueMax, maxResults (default 20, up to 100),
                                                  pageToken -> nextPageToken while more remain
    GET /tasks/v1/lists/{tasklist}/tasks/{task}   one task

A Task is ``kind`` "tasks#task", ``id``, ``etag``, ``title``, ``updated`` (RFC 3339, milliseconds),
``selfLink``, ``position``, ``notes``, ``status`` (needsAction or completed), ``due`` (a date at
midnight UTC: the API keeps no time of day), ``completed``, ``deleted``, ``hidden``, ``links`` and
``webViewLink``.  A deleted task stays listed with ``deleted: true`` to a caller asking showDeleted;
a completed task that was cleared is ``hidden``.  Every read needs
https://www.googleapis.com/auth/tasks or tasks.readonly (checked by the Gmail service with the other
scopes, ``google_scopes.needed``).

A page token freezes the listing: tasks changed after the first page was served are left out of
the pages that follow (their ``updated`` is later than anything served, so an ``updatedMin`` read
from the newest time served finds them).
"""

from __future__ import annotations

import base64
import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote, unquote

from app.emulators.base import SeedTask

PREFIX = "/tasks/v1"
MAX_RESULTS = 100
DEFAULT_RESULTS = 20


class TasksError(Exception):
    def __init__(self, status: int, reason: str, message: str) -> None:
        super().__init__(message)
        self.status, self.reason, self.message = status, reason, message


@dataclass
class StoredTask:
    list_id: str
    data: dict[str, Any]
    seq: int


def _rfc3339(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{value.microsecond // 1000:03d}Z"


def _parse(text: str, name: str) -> datetime:
    try:
        value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise TasksError(400, "invalid", f"Invalid value for: {name}") from None
    if value.tzinfo is None:
        raise TasksError(400, "invalid", f"Invalid value for: {name}")
    return value


def _flag(args: dict[str, str], name: str, default: bool) -> bool:
    value = args.get(name)
    if value is None:
        return default
    if value not in ("true", "false"):
        raise TasksError(400, "invalid", f"Invalid value for: {name}")
    return value == "true"


def _id(key: str) -> str:
    # Task ids are url-safe base64 of 22 characters or so.
    return base64.urlsafe_b64encode(hashlib.sha256(key.encode()).digest()[:16]).rstrip(b"=").decode("ascii")


def _token(state: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(state).encode()).decode("ascii")


def _untoken(text: str) -> dict[str, Any]:
    try:
        state = json.loads(base64.urlsafe_b64decode(text.encode("ascii")))
        if not isinstance(state, dict):
            raise ValueError("not a token")
        return state
    except (ValueError, UnicodeDecodeError):
        raise TasksError(400, "invalid", "Invalid page token.") from None


class GoogleTasks:
    """The signed-in user's task lists and tasks."""

    def __init__(self, owner: str, base_url: Any) -> None:
        self._base_url = base_url  # () -> the host's URL, known once it is serving
        self.seq = 0
        self.lists: dict[str, dict[str, Any]] = {}
        self.tasks: dict[str, StoredTask] = {}
        self.default_id = self._add_list("My Tasks", owner)

    def _add_list(self, title: str, owner: str) -> str:
        list_id = _id(f"list:{owner}:{title}")
        self.lists[list_id] = {
            "kind": "tasks#taskList",
            "id": list_id,
            "etag": f'"{_id(list_id)}"',
            "title": title,
            "updated": _rfc3339(datetime.now(UTC)),
        }
        return list_id

    # --- back doors (tests, the seed) ---

    def seed(self, task: SeedTask) -> str:
        return self.add(task.subject, notes=task.body, due=task.due, done=task.status == "completed", key=task.id)

    def add(
        self, title: str, *, notes: str = "", due: datetime | None = None, done: bool = False, key: str = ""
    ) -> str:
        task_id = _id(f"task:{key or f'new-{self.seq + 1}:{title}'}")
        data: dict[str, Any] = {"title": title, "notes": notes, "status": "completed" if done else "needsAction"}
        if due is not None:
            data["due"] = due.astimezone(UTC).strftime("%Y-%m-%dT00:00:00.000Z")
        self._put(self.default_id, task_id, data)
        return task_id

    def update(self, task_id: str, **values: Any) -> None:
        stored = self.tasks[task_id]
        self._put(stored.list_id, task_id, {**stored.data, **values})

    def delete(self, task_id: str) -> None:
        self.update(task_id, deleted=True)

    def clear_completed(self) -> None:
        """What "Clear completed" does in Google's apps: completed tasks become hidden."""
        for task_id, stored in list(self.tasks.items()):
            if stored.data.get("status") == "completed" and not stored.data.get("hidden"):
                self.update(task_id, hidden=True)

    def _put(self, list_id: str, task_id: str, data: dict[str, Any]) -> None:
        self.seq += 1
        now = datetime.now(UTC)
        data = {k: v for k, v in data.items() if v is not None}
        data.update(kind="tasks#task", id=task_id, etag=f'"{_id(f"{task_id}:{self.seq}")}"', updated=_rfc3339(now))
        data.setdefault("position", f"{self.seq:020d}")
        data.setdefault("links", [])
        if data.get("status") == "completed":
            data.setdefault("completed", _rfc3339(now))
        else:
            data.pop("completed", None)
        self.tasks[task_id] = StoredTask(list_id, data, self.seq)

    # --- requests ---

    def handle(self, method: str, path: str, args: dict[str, str]) -> tuple[int, dict[str, Any]]:
        if method != "GET":
            raise TasksError(403, "insufficientPermissions", "This emulator serves Google Tasks read-only.")
        parts = [unquote(p) for p in path.removeprefix(PREFIX).strip("/").split("/")]
        if parts[:3] == ["users", "@me", "lists"]:
            if len(parts) == 3:
                return 200, self._lists(args)
            if len(parts) == 4:
                return 200, self._shape_list(self._list_id(parts[3]))
        if parts[:1] == ["lists"] and len(parts) >= 3 and parts[2] == "tasks":
            list_id = self._list_id(parts[1])
            if len(parts) == 3:
                return 200, self._list_tasks(list_id, args)
            if len(parts) == 4:
                stored = self.tasks.get(parts[3])
                if stored is None or stored.list_id != list_id:
                    raise TasksError(404, "notFound", "Task not found.")
                return 200, self._shape(stored)
        raise TasksError(404, "notFound", "Not Found")

    def _list_id(self, name: str) -> str:
        list_id = self.default_id if name == "@default" else name
        if list_id not in self.lists:
            raise TasksError(404, "notFound", "Task list not found.")
        return list_id

    def _shape_list(self, list_id: str) -> dict[str, Any]:
        return {**self.lists[list_id], "selfLink": f"{self._base_url()}{PREFIX}/users/@me/lists/{list_id}"}

    def _size(self, args: dict[str, str]) -> int:
        try:
            return max(1, min(MAX_RESULTS, int(args.get("maxResults", DEFAULT_RESULTS))))
        except ValueError:
            raise TasksError(400, "invalid", "Invalid value for: maxResults") from None

    def _lists(self, args: dict[str, str]) -> dict[str, Any]:
        size = self._size(args)
        offset = int(_untoken(args["pageToken"]).get("o", 0)) if args.get("pageToken") else 0
        ids = list(self.lists)
        out: dict[str, Any] = {"kind": "tasks#taskLists", "etag": f'"{_id(str(self.seq))}"'}
        if offset + size < len(ids):
            out["nextPageToken"] = _token({"o": offset + size})
        out["items"] = [self._shape_list(i) for i in ids[offset : offset + size]]
        return out

    def _shape(self, stored: StoredTask) -> dict[str, Any]:
        task_id = stored.data["id"]
        return {
            **stored.data,
            "selfLink": f"{self._base_url()}{PREFIX}/lists/{stored.list_id}/tasks/{task_id}",
            "webViewLink": f"https://tasks.google.com/task/{quote(task_id, safe='')}?sa=6",
        }

    def _list_tasks(self, list_id: str, args: dict[str, str]) -> dict[str, Any]:
        size = self._size(args)
        if args.get("pageToken"):
            state = _untoken(args["pageToken"])
            if state.get("l") != list_id:
                raise TasksError(400, "invalid", "Invalid page token.")
            after, upto = str(state.get("p", "")), int(state.get("u", 0))
        else:
            after, upto = "", self.seq
        show_completed = _flag(args, "showCompleted", True)
        show_hidden = _flag(args, "showHidden", False)
        show_deleted = _flag(args, "showDeleted", False)
        updated_min = _parse(args["updatedMin"], "updatedMin") if args.get("updatedMin") else None
        due_min = _parse(args["dueMin"], "dueMin") if args.get("dueMin") else None
        due_max = _parse(args["dueMax"], "dueMax") if args.get("dueMax") else None
        chosen = []
        for stored in sorted(self.tasks.values(), key=lambda s: str(s.data["position"])):
            data = stored.data
            if stored.list_id != list_id or stored.seq > upto or str(data["position"]) <= after:
                continue
            if data.get("deleted") and not show_deleted:
                continue
            if data.get("hidden") and not show_hidden:
                continue
            if data.get("status") == "completed" and not show_completed:
                continue
            if updated_min is not None and _parse(data["updated"], "updated") < updated_min:
                continue
            if due_min is not None and ("due" not in data or _parse(data["due"], "due") < due_min):
                continue
            if due_max is not None and ("due" not in data or _parse(data["due"], "due") >= due_max):
                continue
            chosen.append(stored)
        out: dict[str, Any] = {"kind": "tasks#tasks", "etag": f'"{_id(f"{list_id}:{upto}")}"'}
        page = chosen[:size]
        if len(chosen) > size:  # the token names the last position served, so later changes shift nothing
            out["nextPageToken"] = _token({"l": list_id, "p": str(page[-1].data["position"]), "u": upto})
        out["items"] = [self._shape(s) for s in page]
        return out
