"""The cycle child's messages survive the pipe: what ``syncbar _cycle`` encodes, the app decodes unchanged."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from app.core.cycle_messages import (
    CycleMessage,
    DescribedMessage,
    DoneMessage,
    ErrorMessage,
    EscalatedMessage,
    NoticeMessage,
    ProgressMessage,
    SecretMessage,
    decode,
    encode,
)
from app.core.model import ItemKind
from app.core.scheduler import Notice, NoticeKind
from app.core.service import KindProgress, Phase, Progress

MESSAGES: list[CycleMessage] = [
    ProgressMessage(Progress(3, 10, 12.5)),
    ProgressMessage(Progress(0, 0, None)),
    ProgressMessage(Progress(1_250, 0, None, Phase.READING)),
    ProgressMessage(
        Progress(
            2_000,
            6_000,
            41.0,
            Phase.WRITING,
            (KindProgress(ItemKind.EMAIL, 1_990, 3), KindProgress(ItemKind.EVENT, 7, 0)),
        )
    ),
    ProgressMessage(Progress(30, 60, None, Phase.MARKING, (KindProgress(ItemKind.TASK, 0, 60),))),
    NoticeMessage(
        Notice(
            NoticeKind.SUSPENDED,
            code="SF_DAILY_LIMIT",
            account="ana@example.com",
            message="Salesforce's daily limit is used up",
            until=datetime(2026, 12, 2, 13, 0, tzinfo=UTC),
            failures=2,
        )
    ),
    NoticeMessage(Notice(NoticeKind.RECOVERED, failures=4)),
    SecretMessage("syncbar", "p1/mailbox/graph", '{"refresh_token": "r-1"}'),
    SecretMessage("syncbar", "p1/crm/salesforce", None),
    DoneMessage(42, "ok", 0),
    ErrorMessage("Another sync is running.", "SYNC_ANOTHER_RUNNING"),
    ErrorMessage("no account is set up"),
    EscalatedMessage(True),
    EscalatedMessage(False),
    ErrorMessage('line one\nline two, with "quotes" and ünïcode'),
    DescribedMessage("Contact", {"LastName": {"name": "LastName", "type": "string", "nillable": False}}),
]


@pytest.mark.parametrize("message", MESSAGES, ids=lambda m: type(m).__name__)
def test_every_message_round_trips_on_one_line(message: CycleMessage) -> None:
    line = encode(message)
    assert "\n" not in line
    assert decode(line) == message


def test_the_wire_format_is_the_documented_one() -> None:
    # older app builds and the bundle's test read these shapes
    assert json.loads(encode(ProgressMessage(Progress(1, 2, None)))) == {"progress": [1, 2, None], "phase": "writing"}
    assert json.loads(
        encode(ProgressMessage(Progress(5, 9, 3.0, Phase.MATCHING, (KindProgress(ItemKind.EMAIL, 4, 1),))))
    ) == {"progress": [5, 9, 3.0], "phase": "matching", "kinds": {"email": [4, 1]}}
    assert json.loads(encode(DoneMessage(7, "partial", 1))) == {"session": 7, "outcome": "partial", "exit_code": 1}
    assert json.loads(encode(ErrorMessage("busy", "SYNC_ANOTHER_RUNNING"))) == {
        "error": "busy",
        "code": "SYNC_ANOTHER_RUNNING",
    }
    assert json.loads(encode(ErrorMessage("crash"))) == {"error": "crash"}
    assert json.loads(encode(EscalatedMessage(True))) == {"escalated": True}
    assert json.loads(encode(DescribedMessage("Lead", {}))) == {"described": ["Lead", {}]}
    notice = json.loads(encode(NoticeMessage(Notice(NoticeKind.REAUTH, code="MBX_AUTH_FAILED"))))
    assert notice == {
        "notice": {
            "kind": "reauth",
            "code": "MBX_AUTH_FAILED",
            "account": "",
            "message": "",
            "until": None,
            "failures": 0,
        }
    }


@pytest.mark.parametrize(
    "line",
    [
        "",
        "not json at all",
        "[1, 2]",
        '{"something": "else"}',
        '{"progress": [1]}',
        '{"notice": {"kind": "no-such-kind"}}',
        '{"secret": "x"}',
        '{"session": "seven"}',
        '{"escalated": "yes"}',
    ],
)
def test_a_line_that_is_not_a_message_decodes_to_none(line: str) -> None:
    assert decode(line) is None


def test_a_progress_line_of_an_older_child_reads_as_writing_and_a_bad_phase_is_not_a_message() -> None:
    assert decode('{"progress": [1, 2, null]}') == ProgressMessage(Progress(1, 2, None, Phase.WRITING))
    assert decode('{"progress": [1, 2, null], "phase": "dancing"}') is None
    assert decode('{"progress": [1, 2, null], "kinds": {"email": [1]}}') is None
    assert decode('{"progress": [1, 2, null], "kinds": {"fax": [1, 0]}}') is None
