"""A hand-edited profile.json with a wrong value: every command exits 2 and names the field, the value and
what is expected; never a traceback, never a vague code.  One case per field, generated from the profile's
own dataclasses, so a new field is covered the day it is added."""

from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import sys
import typing
from pathlib import Path
from typing import Any

import pytest

from app.compose.cli import main
from app.core import profile

ROOT = Path(__file__).resolve().parents[1]


def valid() -> dict[str, Any]:
    return profile.Profile(
        profile.MailboxSettings(kind="graph", account="alex@example.com", secret_key="mailbox"),
        profile.CrmSettings(account="alex@example.com.org", secret_key="crm"),
    ).to_json()


def wrong_value(hint: Any) -> Any:
    """A value of another type than ``hint`` accepts."""
    origin = typing.get_origin(hint)
    if hint is str:
        return 15
    if hint in (int, float):
        return "15"
    if hint is bool:
        return "yes"
    if origin is list or (origin is not None and list in [typing.get_origin(a) for a in typing.get_args(hint)]):
        return "example.com"
    if dataclasses.is_dataclass(hint):
        return "x"
    return {"unexpected": True}


def cases() -> list[tuple[str, Any]]:
    out: list[tuple[str, Any]] = []
    for top in dataclasses.fields(profile.Profile):
        hint = typing.get_type_hints(profile.Profile)[top.name]
        if dataclasses.is_dataclass(hint):
            out.append((top.name, "x"))
            for f in dataclasses.fields(hint):
                out.append((f"{top.name}.{f.name}", wrong_value(typing.get_type_hints(hint)[f.name])))
        else:
            out.append((top.name, wrong_value(hint)))
    return out


def write(home: Path, data: dict[str, Any]) -> None:
    (home / "config").mkdir(parents=True, exist_ok=True)
    (home / "config" / "profile.json").write_text(json.dumps(data))


def put(data: dict[str, Any], dotted: str, value: Any) -> dict[str, Any]:
    *parents, last = dotted.split(".")
    node = data
    for name in parents:
        node = node[name]
    node[last] = value
    return data


@pytest.mark.parametrize(("field", "value"), cases(), ids=[c[0] for c in cases()])
def test_each_field_with_a_wrong_type_is_named(
    field: str, value: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    home = tmp_path / "home"
    write(home, put(valid(), field, value))
    monkeypatch.setenv("SYNCBAR_HOME", str(home))
    assert main(["status"]) == 2
    err = capsys.readouterr().err
    assert field in err and json.dumps(value) in err and "expected" in err, err


@pytest.mark.parametrize(
    ("field", "value", "expected"),
    [
        ("choices.interval_minutes", "15", "a whole number"),
        ("choices.interval_minutes", 0, "from 1 to 1440"),
        ("choices.activated_at", "yesterday", "a date and time"),
        ("choices.blocklist", None, "a list of text"),
        ("choices.internal_domains", "example.com", "a list of text"),
        ("choices.internal_domains", ["example com"], "domain names"),
        ("choices.history_days", 400, "from 1 to 365"),
        ("choices.notifications", "sometimes", "one of never, first, always"),
        ("mailbox.kind", "imap", "one of graph, ews, gmail"),
        ("choices.shared_addresses", "info", "a list of text or null"),
    ],
)
def test_values_the_issue_found_are_refused_with_what_is_expected(
    field: str, value: Any, expected: str, tmp_path: Path
) -> None:
    home = tmp_path / "home"
    write(home, put(valid(), field, value))
    done = subprocess.run(
        [sys.executable, "-m", "app", "sync", "--once"],
        cwd=ROOT,
        env=dict(os.environ, SYNCBAR_HOME=str(home)),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert field in done.stderr and expected in done.stderr and "Traceback" not in done.stderr, done.stderr


def test_an_unknown_field_and_a_missing_one_are_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    data = valid()
    data["choices"]["interval"] = 5
    del data["crm"]["account"]
    write(tmp_path / "home", data)
    monkeypatch.setenv("SYNCBAR_HOME", str(tmp_path / "home"))
    assert main(["issues"]) == 2
    err = capsys.readouterr().err
    assert "choices.interval is not a profile field" in err and "crm.account is missing" in err


def test_a_valid_profile_passes() -> None:
    assert profile.Profile.from_json(valid()).mailbox.kind == "graph"
