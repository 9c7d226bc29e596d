"""The ``tasks`` stream of a Gmail account: the default Google Tasks list (the Google Tasks API).

    first read   tasks.list on ``@default`` (showCompleted, showHidden: a completed task that was
                 cleared is still the user's work done), 100 tasks a page (the API's largest)
    later reads  tasks.list with ``updatedMin`` = the newest ``updated`` seen so far (inclusive: a
                 task changed in the same millisecond is not lost; one read again changes nothing,
                 its fingerprint is the same) and showDeleted, so a deleted task comes back with
                 ``deleted: true`` and is reported removed

The cursor is a small JSON object: ``{"updatedMin", "newest", "pageToken"}`` while a read is paged,
``{"updatedMin"}`` between reads.  Google Tasks has no labels or colours and Syncbar asks only
``tasks.readonly``, so a failed task carries no mark in Google Tasks; it is listed in the Issues tab.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from app.core.model import ItemKind, MailItem
from app.core.ports import ChangePage
from app.providers.textutil import parse_time

STREAM = "tasks"
LIST = "/tasks/v1/lists/@default/tasks"
PAGE = 100  # tasks.list's largest maxResults


def changes(get: Any, cursor: str | None) -> ChangePage:
    """One page of the default list's changes; ``get`` is the client's ``get``."""
    state: dict[str, Any] = json.loads(cursor) if cursor else {}
    since = str(state.get("updatedMin") or "")
    params: dict[str, str] = {"maxResults": str(PAGE), "showCompleted": "true", "showHidden": "true"}
    if since:
        params.update(updatedMin=since, showDeleted="true")
    if state.get("pageToken"):
        params["pageToken"] = str(state["pageToken"])
    page = get(LIST, params=params) or {}
    newest = str(state.get("newest") or since)
    items: list[MailItem] = []
    removed: list[str] = []
    for task in page.get("items", []) or []:
        newest = max(newest, str(task.get("updated") or ""))
        if task.get("deleted"):
            removed.append(str(task.get("id", "")))
        else:
            items.append(task_item(task))
    if page.get("nextPageToken"):
        paged = {"updatedMin": since, "newest": newest, "pageToken": page["nextPageToken"]}
        return ChangePage(items, removed, json.dumps(paged), True)
    return ChangePage(items, removed, json.dumps({"updatedMin": newest}), False)


def fetch(get: Any, task_id: str) -> MailItem:
    return task_item(get(f"{LIST}/{task_id}"))


def task_item(task: dict[str, Any]) -> MailItem:
    """A Google Tasks task as the core's task item (the same fields the Exchange provider gives)."""
    due = _due(task.get("due"))
    return MailItem(
        kind=ItemKind.TASK,
        mailbox_id=str(task.get("id", "")),
        stream=STREAM,
        subject=str(task.get("title") or ""),
        body=str(task.get("notes") or ""),
        occurred_at=due,
        fields={
            "due": due.date().isoformat() if due else "",
            "status": str(task.get("status") or ""),
            "priority": "",  # Google Tasks has none: the mapping's default (Normal)
        },
        web_link=str(task.get("webViewLink") or ""),
    )


def _due(value: Any) -> datetime | None:
    # The API keeps only the date of a due time ("2026-12-05T00:00:00.000Z"): read that date as it is.
    return parse_time(str(value)) if value else None
