"""The ``tasks`` stream of a Microsoft 365 mailbox: Microsoft To Do's default list through Graph.

    first read   GET /me/todo/lists (the list whose wellknownListName is defaultList, "Tasks"),
                 then GET /me/todo/lists/{id}/tasks/delta, page by page (@odata.nextLink)
    later reads  the @odata.deltaLink of the last round: tasks added, changed and deleted since
                 (a deleted task is ``{"id", "@removed"}``); 410 syncStateNotFound -> CursorExpired
    fetch, marks GET / PATCH /me/todo/lists/{id}/tasks/{taskId} (categories, as Outlook items have)

Only the default list is read: it is where Outlook's own tasks and flagged items a user means to do
live; the other lists are the user's private lists in the To Do app.  To Do needs the delegated
permission Tasks.ReadWrite (Tasks.Read to read only; Syncbar also writes its marks).  A token
without it is answered 403; the stream then stops with ``StreamDenied`` and the rest of the
mailbox syncs.

A due date is a date: To Do keeps the user's local midnight, which Graph returns in UTC (Stockholm's
midnight of the 11th is ``...-10T23:00`` UTC), so the date is the nearest midnight to that time.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import quote

from app.core.errors import AccountError, StreamDenied
from app.core.model import ItemKind, MailItem
from app.core.ports import ChangePage
from app.providers.textutil import html_to_text, parse_time

STREAM = "tasks"
PERMISSION = "Tasks.ReadWrite"
DENIED = ("MBX_ACCESS_DENIED",)  # what Graph's 403 ErrorAccessDenied maps to
SCOPE_NOT_GRANTED = "MBX_SCOPE_NOT_GRANTED"
WEB = "https://to-do.office.com/tasks/id/{id}/details"  # the To Do web app's page of one task

Request = Callable[..., tuple[int, Any, dict[str, str]]]


class TodoStream:
    """Reads the default To Do list for ``GraphMailbox``; ``request`` is its client's ``request``."""

    def __init__(self, request: Request, page_size: int) -> None:
        self._request = request
        self.page_size = page_size
        self._list_id: str | None = None

    def _call(self, method: str, path: str, **kwargs: Any) -> Any:
        try:
            _, body, _ = self._request(method, path, **kwargs)
        except AccountError as exc:
            if exc.code not in DENIED:
                raise
            raise StreamDenied(
                SCOPE_NOT_GRANTED,
                f'The permission "Read and write your tasks" ({PERMISSION}) was not granted when you signed in, '
                "so your Microsoft To Do tasks are not synced; the rest of the mailbox is.",
                service_code=exc.service_code,
            ) from exc
        return body or {}

    def list_path(self) -> str:
        """``/me/todo/lists/{id}/tasks/`` of the default list (looked up once)."""
        if self._list_id is None:
            lists = self._call("GET", "/me/todo/lists").get("value", [])
            default = next((x for x in lists if x.get("wellknownListName") == "defaultList"), None)
            if default is None:
                raise StreamDenied(
                    "MBX_MAILBOX_NOT_FOUND",
                    "This mailbox has no default Microsoft To Do list, so its tasks are not synced.",
                    service_code="defaultList",
                )
            self._list_id = str(default["id"])
        return f"/me/todo/lists/{quote(self._list_id, safe='')}/tasks/"

    def changes(self, cursor: str | None) -> ChangePage:
        url = cursor or self.list_path() + "delta"
        body = self._call("GET", url, headers={"Prefer": f"odata.maxpagesize={self.page_size}"})
        items: list[MailItem] = []
        removed: list[str] = []
        for entry in body.get("value", []):
            if "@removed" in entry:
                removed.append(str(entry.get("id", "")))
            else:
                items.append(task_item(entry))
        next_link = body.get("@odata.nextLink")
        if next_link:
            return ChangePage(items, removed, str(next_link), True)
        return ChangePage(items, removed, str(body.get("@odata.deltaLink") or url), False)

    def fetch(self, task_id: str) -> MailItem:
        return task_item(self._call("GET", self.list_path() + quote(task_id, safe="")))


def task_item(data: dict[str, Any]) -> MailItem:
    """A todoTask as the core's task item (the same fields the Exchange provider gives)."""
    due = _due(data.get("dueDateTime"))
    body = data.get("body") or {}
    content = str(body.get("content") or "") if isinstance(body, dict) else ""
    if isinstance(body, dict) and str(body.get("contentType", "")).lower() == "html":
        content = html_to_text(content)
    task_id = str(data.get("id", ""))
    return MailItem(
        kind=ItemKind.TASK,
        mailbox_id=task_id,
        stream=STREAM,
        subject=str(data.get("title") or ""),
        body=content,
        occurred_at=due,
        fields={
            "due": due.date().isoformat() if due else "",
            "status": str(data.get("status") or ""),
            "priority": str(data.get("importance") or ""),
        },
        labels=tuple(str(c) for c in data.get("categories") or ()),
        web_link=WEB.format(id=quote(task_id, safe="")),
    )


def _due(value: Any) -> datetime | None:
    if not isinstance(value, dict) or not value.get("dateTime"):
        return None
    moment = parse_time(str(value["dateTime"]))
    if moment is None:
        return None
    day = moment.replace(hour=0, minute=0, second=0, microsecond=0)
    return day + timedelta(days=1) if moment - day >= timedelta(hours=12) else day
