"""The error catalogue: every failure and ignore reason Syncbar knows, in words for the user.

``resources/catalog.json`` holds the entries; this module loads and checks
them and is the one place that turns a code into user text
(``Catalog.user_message``), into the mailbox mark ("Sync Error: Last Name
missing", ``Catalog.mark_detail``) and into the troubleshooting table of
``syncbar catalog`` and ``docs/catalog.md``.  Providers translate their
services' own codes through ``Catalog.lookup``; a code nobody mapped becomes
``SYNC_UNKNOWN_ERROR`` and is reported as a bug, never guessed at.

Service codes come from the services' published references: Salesforce's
``StatusCode``/``ExceptionCode`` enumerations and OAuth error table, Graph's
error resource and Outlook error codes, the Gmail API's error reasons and
EWS ``ResponseCodeType`` (see ``docs/catalog.md`` for the list).
"""

from __future__ import annotations

import json
import re
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path
from typing import Any

from app.core.language import language
from app.core.model import Action, Fixer, RetryClass, Scope
from app.core.resources import resource_path

UNKNOWN = "SYNC_UNKNOWN_ERROR"
SERVICES = ("salesforce", "graph", "gmail", "ews", "network", "engine")
PREFIXES = ("MBX_", "SF_", "NET_", "DATA_", "SET_", "SYNC_", "IGN_")
_CODE_RE = re.compile(r"^(MBX|SF|NET|DATA|SET|SYNC|IGN)_[A-Z0-9]+(?:_[A-Z0-9]+)*$")
_TEXT_KEYS = ("title", "reason", "recommendation")
MAX_MARK_FIELDS = 3  # more field names than this make a mailbox label nobody can read

# Salesforce's own labels where the API name says little to a sales rep.
_KNOWN_LABELS = {
    "WhoId": "Name",
    "WhatId": "Related To",
    "OwnerId": "Assigned To",
    "ActivityDate": "Due Date",
    "StartDateTime": "Start",
    "EndDateTime": "End",
    "TaskSubtype": "Task Subtype",
    "MobilePhone": "Mobile",
}


@dataclass(frozen=True)
class CatalogEntry:
    code: str
    title: str
    reason: str
    recommendation: str
    scope: Scope
    retry_class: RetryClass
    fixer: Fixer
    action: Action
    service_codes: tuple[tuple[str, str], ...]
    mark_detail: str


@dataclass(frozen=True)
class UserMessage:
    """What Show details displays for one failure."""

    code: str
    title: str
    reason: str
    recommendation: str
    fixer: Fixer
    action: Action
    detail: str  # the service's own words, or the engine's, for support


def field_label(api_name: str) -> str:
    """A Salesforce field API name as a person reads it: ``LastName`` -> ``Last Name``."""
    name = api_name.strip()
    if name in _KNOWN_LABELS:
        return _KNOWN_LABELS[name]
    for suffix in ("__c", "__r"):
        if name.endswith(suffix):
            name = name[: -len(suffix)]
    if "__" in name:  # managed-package namespace: ns__Field
        name = name.split("__", 1)[1]
    if name.endswith("Id") and len(name) > 2 and name[-3].islower():
        name = name[:-2]  # AccountId is the Account lookup
    name = re.sub(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", " ", name.replace("_", " "))
    words = [w[:1].upper() + w[1:] for w in name.split()]
    return " ".join(words) or api_name


class Catalog:
    """Checked, immutable catalogue entries with look-ups by code and by service code."""

    def __init__(self, entries: Sequence[CatalogEntry]) -> None:
        self._entries = {entry.code: entry for entry in entries}
        self._by_service = {pair: entry for entry in entries for pair in entry.service_codes}
        if UNKNOWN not in self._entries:
            raise ValueError(f"the catalogue needs a {UNKNOWN} entry for failures nobody mapped")

    @classmethod
    def load(cls, path: Path | None = None) -> Catalog:
        """Read and check a catalogue file (default: ``resources/catalog.json``)."""
        source = path or resource_path("catalog.json")
        try:
            raw = json.loads(source.read_text(encoding="utf-8"))
        except json.JSONDecodeError as exc:
            raise ValueError(f"{source}: not valid JSON ({exc})") from exc
        items = raw.get("entries") if isinstance(raw, dict) else None
        if not isinstance(items, list) or not items:
            raise ValueError(f"{source}: expected an object with a non-empty 'entries' list")
        problems: list[str] = []
        entries = [e for i, item in enumerate(items) if (e := _parse_entry(i, item, problems)) is not None]
        problems.extend(_cross_check(entries))
        if problems:
            listed = "\n  - ".join(problems)
            raise ValueError(f"{source}: the error catalogue has {len(problems)} problem(s):\n  - {listed}")
        return cls(entries)

    def translated(self, path: Path) -> Catalog:
        """The same catalogue with titles, reasons and recommendations from a translation file
        (``{"entries": {code: {"title", "reason", "recommendation"}}}``); codes it lacks stay as they are."""
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as exc:
            raise ValueError(f"{path}: cannot read the catalogue translation ({exc})") from exc
        texts = raw.get("entries") if isinstance(raw, dict) else None
        if not isinstance(texts, dict):
            raise ValueError(f"{path}: expected an object with an 'entries' object")
        unknown = sorted(set(texts) - set(self._entries))
        if unknown:
            raise ValueError(f"{path}: translates codes the catalogue does not have: {', '.join(unknown)}")
        entries = []
        for entry in self._entries.values():
            words = texts.get(entry.code) or {}
            entries.append(
                replace(
                    entry,
                    title=str(words.get("title") or entry.title),
                    reason=str(words.get("reason") or entry.reason),
                    recommendation=str(words.get("recommendation") or entry.recommendation),
                )
            )
        return Catalog(entries)

    def get(self, code: str) -> CatalogEntry:
        return self._entries.get(code) or self._entries[UNKNOWN]

    def __contains__(self, code: object) -> bool:
        return code in self._entries

    def entries(self) -> list[CatalogEntry]:
        return list(self._entries.values())

    def lookup(self, service: str, service_code: str) -> CatalogEntry:
        """The entry for a service's own code, exactly as the service spells it."""
        return self._by_service.get((service, service_code)) or self._entries[UNKNOWN]

    def mark_detail(self, code: str, fields: Sequence[str] = ()) -> str:
        """The text after "Sync Error: " on the mailbox item, with field labels filled in."""
        template = self.get(code).mark_detail
        if "{fields}" not in template:
            return template
        labels = list(dict.fromkeys(field_label(f) for f in fields if f and f.strip()))
        if not labels:
            text = template.replace("{fields}", "a field")
        elif len(labels) > MAX_MARK_FIELDS:
            shown = ", ".join(labels[:MAX_MARK_FIELDS])
            text = template.replace("{fields}", f"{shown} +{len(labels) - MAX_MARK_FIELDS}")
        else:
            text = template.replace("{fields}", ", ".join(labels))
        return text[:1].upper() + text[1:]

    def user_message(self, code: str, detail: str = "") -> UserMessage:
        """The one function that turns an error code (plus the service's words) into user text."""
        entry = self.get(code)
        if code not in self._entries and code:
            # Keep the unmapped code so support can add it to the catalogue.
            detail = f"{code}: {detail}" if detail else code
        return UserMessage(
            code=entry.code,
            title=entry.title,
            reason=entry.reason,
            recommendation=entry.recommendation,
            fixer=entry.fixer,
            action=entry.action,
            detail=detail.strip(),
        )

    def to_json(self) -> list[dict[str, object]]:
        return [_entry_json(entry) for entry in self._entries.values()]

    def format_table(self, width: int = 100) -> str:
        """The troubleshooting table for a terminal: one block per code, grouped by area."""
        lines: list[str] = []
        for prefix, heading in _SECTIONS:
            group = [e for e in self._entries.values() if e.code.startswith(prefix)]
            if not group:
                continue
            lines += [heading, "=" * len(heading), ""]
            for e in group:
                lines.append(f"{e.code}  {e.title}")
                what = f"{e.scope.value}, {e.retry_class.value}, fixed by {e.fixer.value}, {e.action.value}"
                rows = [("Why", e.reason), ("Do", e.recommendation), ("Kind", what)]
                if e.service_codes:
                    rows.append(("Codes", ", ".join(f"{s}:{c}" for s, c in e.service_codes)))
                for label, text in rows:
                    lines += textwrap.wrap(text, width, initial_indent=f"  {label + ':':<7}", subsequent_indent=" " * 9)
                lines.append("")
        return "\n".join(lines).rstrip() + "\n"


_SECTIONS = (
    ("MBX_", "Mailbox"),
    ("SF_", "Salesforce"),
    ("NET_", "Network"),
    ("DATA_", "Item data"),
    ("SET_", "Settings and field mapping"),
    ("SYNC_", "Syncbar"),
    ("IGN_", "Ignored items (counted, not failures)"),
)


def _entry_json(entry: CatalogEntry) -> dict[str, object]:
    return {
        "code": entry.code,
        "title": entry.title,
        "reason": entry.reason,
        "recommendation": entry.recommendation,
        "scope": entry.scope.value,
        "retry_class": entry.retry_class.value,
        "fixer": entry.fixer.value,
        "action": entry.action.value,
        "service_codes": [{"service": s, "code": c} for s, c in entry.service_codes],
        "mark_detail": entry.mark_detail,
    }


def _enum(kind: type[Any], value: object, where: str, problems: list[str]) -> Any:
    try:
        return kind(value)
    except ValueError:
        allowed = ", ".join(m.value for m in kind)
        problems.append(f"{where}: {kind.__name__} {value!r} is not one of {allowed}")
        return None


def _parse_entry(index: int, item: object, problems: list[str]) -> CatalogEntry | None:
    if not isinstance(item, dict):
        problems.append(f"entry #{index}: expected an object")
        return None
    code = item.get("code")
    where = f"entry #{index} ({code})" if isinstance(code, str) else f"entry #{index}"
    before = len(problems)
    if not isinstance(code, str) or not _CODE_RE.match(code):
        problems.append(f"{where}: code must be UPPER_SNAKE with one of the prefixes {', '.join(PREFIXES)}")
    for key in (*_TEXT_KEYS, "mark_detail"):
        if not isinstance(item.get(key, None), str):
            problems.append(f"{where}: '{key}' must be a string")
    for key in _TEXT_KEYS:
        if isinstance(item.get(key), str) and not item[key].strip():
            problems.append(f"{where}: '{key}' is empty")
    scope = _enum(Scope, item.get("scope"), where, problems)
    retry = _enum(RetryClass, item.get("retry_class"), where, problems)
    fixer = _enum(Fixer, item.get("fixer"), where, problems)
    action = _enum(Action, item.get("action"), where, problems)
    pairs: list[tuple[str, str]] = []
    raw_codes = item.get("service_codes", [])
    if not isinstance(raw_codes, list):
        problems.append(f"{where}: 'service_codes' must be a list")
        raw_codes = []
    for sc in raw_codes:
        service = sc.get("service") if isinstance(sc, dict) else None
        value = sc.get("code") if isinstance(sc, dict) else None
        if service not in SERVICES or not isinstance(value, str) or not value.strip():
            problems.append(f"{where}: service code {sc!r} needs a service in {SERVICES} and a code")
            continue
        pairs.append((str(service), value))
    if len(problems) > before:
        return None
    return CatalogEntry(
        code=str(code),
        title=item["title"].strip(),
        reason=item["reason"].strip(),
        recommendation=item["recommendation"].strip(),
        scope=scope,
        retry_class=retry,
        fixer=fixer,
        action=action,
        service_codes=tuple(pairs),
        mark_detail=item["mark_detail"].strip(),
    )


def _cross_check(entries: Sequence[CatalogEntry]) -> list[str]:
    """Rules between entries and between an entry's fields."""
    problems: list[str] = []
    seen_codes: set[str] = set()
    owner: dict[tuple[str, str], str] = {}
    for e in entries:
        if e.code in seen_codes:
            problems.append(f"{e.code}: code used by more than one entry")
        seen_codes.add(e.code)
        for pair in e.service_codes:
            if pair in owner:
                problems.append(f"{pair[0]} code {pair[1]!r} is mapped by both {owner[pair]} and {e.code}")
            owner.setdefault(pair, e.code)
        ignored = e.retry_class is RetryClass.IGNORED
        if e.code.startswith("IGN_") != ignored:
            problems.append(f"{e.code}: IGN_ codes and only they have retry_class 'ignored'")
        if ignored and e.action is not Action.NONE:
            problems.append(f"{e.code}: an ignore reason has action 'none'")
        if e.scope is Scope.ACCOUNT and e.mark_detail:
            problems.append(f"{e.code}: account-level codes mark no item, so mark_detail must be empty")
        if e.scope is Scope.ITEM and not ignored and not e.mark_detail:
            problems.append(f"{e.code}: item-level failures need a mark_detail for the mailbox mark")
        leftover = e.mark_detail.replace("{fields}", "")
        if "{" in leftover or "}" in leftover:
            problems.append(f"{e.code}: mark_detail may only use the {{fields}} placeholder")
    if UNKNOWN not in seen_codes:
        problems.append(f"the catalogue needs a {UNKNOWN} entry for failures nobody mapped")
    return problems


def render_markdown(catalog: Catalog) -> str:
    """``docs/catalog.md``: the troubleshooting table, generated from the catalogue."""
    out = [
        "# Troubleshooting: every Syncbar error and ignore reason",
        "",
        "Generated from `resources/catalog.json` by `python -m app.core.catalog`; do not edit by hand.",
        "",
    ]
    for prefix, heading in _SECTIONS:
        group = [e for e in catalog.entries() if e.code.startswith(prefix)]
        if not group:
            continue
        out += [f"## {heading}", "", "| Code | What happened | What to do | Retry | Service codes |"]
        out.append("| --- | --- | --- | --- | --- |")
        for e in group:
            codes = "<br>".join(f"{s}: `{c}`" for s, c in e.service_codes)
            what = f"**{e.title}**. {e.reason}"
            cells = [f"`{e.code}`", what, e.recommendation, e.retry_class.value, codes]
            out.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
        out.append("")
    out += [
        "## Other sync software",
        "",
        "Syncbar warns when another tool syncs the same mailbox or Salesforce user (Salesforce for Outlook, "
        "Lightning Sync, Einstein Activity Capture, Salesforce Inbox, another Syncbar profile). Where it looks, what "
        "each tool leaves there, and the admin's checklist: [competitors.md](competitors.md).",
        "",
    ]
    return "\n".join(out)


@cache
def load_default() -> Catalog:
    """The shipped catalogue in the user's language (``app.core.language``), read and checked once per process."""
    catalog = Catalog.load()
    lang = language()
    if lang != "en":
        try:
            catalog = catalog.translated(resource_path(f"catalog_{lang}.json"))
        except FileNotFoundError:
            pass  # no translation shipped: English
    return catalog


if __name__ == "__main__":
    import sys

    target = Path(sys.argv[1]) if len(sys.argv) > 1 else Path("docs/catalog.md")
    target.write_text(render_markdown(Catalog.load()), encoding="utf-8")  # the reference is in English
