"""One schema for ``profile.json``: every field's type from the profile's dataclasses, plus the ranges below.

``problems(Profile, data)`` lists what is wrong, each naming the field, the
value found and what is expected, so a hand-edited profile is fixed from the
message alone.  Types come from the dataclass annotations (a new field is
checked without touching this module); the few value rules live in
``RULES``.
"""

from __future__ import annotations

import dataclasses
import json
import re
import types
import typing
from collections.abc import Callable
from datetime import datetime
from typing import Any

from app.core.mailbox_kinds import KIND_NAMES

_Rule = tuple[Callable[[Any], bool], str]
_DOMAIN = re.compile(r"^(?=.{1,253}$)(?!-)[a-z0-9-]{1,63}(?<!-)(\.(?!-)[a-z0-9-]{1,63}(?<!-))+$", re.IGNORECASE)


def _iso(value: str) -> bool:
    if not value:
        return True
    try:
        datetime.fromisoformat(value)
    except ValueError:
        return False
    return True


RULES: dict[str, _Rule] = {
    "mailbox.kind": (lambda v: v in KIND_NAMES, "one of " + ", ".join(KIND_NAMES)),
    "mailbox.auth_type": (lambda v: v in ("basic", "ntlm", "oauth2"), "one of basic, ntlm, oauth2"),
    "mailbox.account": (lambda v: not v or "@" in v, 'the mailbox\'s email address (or "" before sign-in)'),
    "crm.login_url": (lambda v: v.startswith("https://"), "an https:// address"),
    "crm.allocation_percent": (lambda v: 0 < v <= 100, "a share of the org's API limit above 0 and at most 100"),
    "choices.history_days": (lambda v: 1 <= v <= 365, "a number of days from 1 to 365"),
    "choices.interval_minutes": (lambda v: 1 <= v <= 1440, "a number of minutes from 1 to 1440"),
    "choices.escalate_after_minutes": (lambda v: 0 <= v <= 10080, "a number of minutes from 0 to 10080 (a week)"),
    "choices.notifications": (lambda v: v in ("never", "first", "always"), "one of never, first, always"),
    "choices.activated_at": (_iso, 'a date and time like "2026-01-31T09:00:00+00:00" (or "")'),
    "choices.internal_domains": (lambda v: all(_DOMAIN.match(d) for d in v), 'domain names like ["example.com"]'),
}

_NAMES = {str: "text", bool: "true or false", int: "a whole number", float: "a number", dict: "an object"}


def _describe(value: Any) -> str:
    shown = json.dumps(value, ensure_ascii=False)
    if len(shown) > 60:
        shown = shown[:57] + "..."
    kind = {str: "text", bool: "true/false", int: "a number", float: "a number", list: "a list", dict: "an object"}
    return f"{shown} ({kind.get(type(value), 'null' if value is None else type(value).__name__)})"


def _expected(hint: Any) -> str:
    origin = typing.get_origin(hint)
    if origin in (types.UnionType, typing.Union):
        return " or ".join("null" if a is type(None) else _expected(a) for a in typing.get_args(hint))
    if origin is list:
        (inner,) = typing.get_args(hint)
        return f"a list of {_expected(inner).removeprefix('a ').removeprefix('an ')}"
    if origin is dict:
        return "an object"
    if dataclasses.is_dataclass(hint):
        return "an object"
    return _NAMES.get(hint, str(hint))


def _fits(hint: Any, value: Any) -> bool:
    origin = typing.get_origin(hint)
    if origin in (types.UnionType, typing.Union):
        return any(_fits(a, value) for a in typing.get_args(hint))
    if hint is type(None):
        return value is None
    if origin is list:
        (inner,) = typing.get_args(hint)
        return isinstance(value, list) and all(_fits(inner, v) for v in value)
    if origin is dict:
        key, val = typing.get_args(hint)
        return isinstance(value, dict) and all(_fits(key, k) and _fits(val, v) for k, v in value.items())
    if hint is bool:
        return isinstance(value, bool)
    if hint is int:
        return isinstance(value, int) and not isinstance(value, bool)
    if hint is float:
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if hint is str:
        return isinstance(value, str)
    return isinstance(value, hint)


def problems(cls: type, data: Any, prefix: str = "") -> list[str]:
    """What is wrong with ``data`` as a ``cls`` (a dataclass), field by field; [] when it is fine."""
    where = prefix.rstrip(".") or "the profile"
    if not isinstance(data, dict):
        return [f"{where} is {_describe(data)}; expected an object"]
    hints = typing.get_type_hints(cls)
    fields = {f.name: f for f in dataclasses.fields(cls)}
    found: list[str] = []
    for name in data:
        if name not in fields:
            known = ", ".join(sorted(fields))
            found.append(f"{prefix}{name} is not a profile field here (known: {known})")
    for name, f in fields.items():
        path = prefix + name
        required = f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
        if name not in data:
            if required:
                found.append(f"{path} is missing; expected {_expected(hints[name])}")
            continue
        value, hint = data[name], hints[name]
        if dataclasses.is_dataclass(hint):
            found += problems(typing.cast(type, hint), value, path + ".")
            continue
        if not _fits(hint, value):
            found.append(f"{path} is {_describe(value)}; expected {_expected(hint)}")
            continue
        rule = RULES.get(path)
        if rule is not None and value is not None and not rule[0](value):
            found.append(f"{path} is {_describe(value)}; expected {rule[1]}")
    return found
