"""The mailbox-kind table: one row per kind, and every per-kind function the composition code keys by it."""

from __future__ import annotations

import pytest

from app.compose import registrations, setup, wiring
from app.core import profile
from app.core.mailbox_kinds import KIND_NAMES, ROWS, MailboxKind, SignIn, cannot_sync, kind_row, mailbox_sign_in
from app.core.model import ItemKind
from app.providers.ews import mailbox as ews_mailbox
from app.providers.gmail import mailbox as gmail_mailbox
from app.providers.graph import mailbox as graph_mailbox


def test_every_kind_has_a_row_a_provider_and_both_profile_templates() -> None:
    kinds = set(MailboxKind)
    assert set(ROWS) == kinds
    assert all(row.kind is kind for kind, row in ROWS.items())
    assert set(wiring.MAILBOX_PROVIDERS) == kinds
    assert set(setup.PROFILE_TEMPLATES) == kinds
    assert set(setup.EMULATOR_TEMPLATES) == kinds


def test_the_kinds_are_the_names_the_profile_and_the_command_line_accept() -> None:
    assert KIND_NAMES == ("graph", "ews", "gmail")  # profile.json's values: never renamed
    assert profile.MAILBOX_KINDS == KIND_NAMES
    assert kind_row("ews").kind is MailboxKind.EWS
    with pytest.raises(ValueError):
        kind_row("imap")


def test_what_each_kind_can_sync_is_what_its_provider_reads() -> None:
    assert ROWS[MailboxKind.GRAPH].can_sync == set(graph_mailbox.STREAM_KIND.values())
    assert ROWS[MailboxKind.EWS].can_sync == set(ews_mailbox.KIND.values())
    # Gmail's streams are mail, calendar and tasks (the Gmail, Calendar and Tasks APIs); no contacts
    assert set(gmail_mailbox.PERMISSION) == {"mail", "calendar", "tasks"}
    assert ROWS[MailboxKind.GMAIL].can_sync == {ItemKind.EMAIL, ItemKind.EVENT, ItemKind.TASK}
    assert all(ItemKind.TASK in row.can_sync for row in ROWS.values())  # every kind syncs tasks


def test_what_a_kind_cannot_sync_is_the_rest_of_the_item_kinds() -> None:
    assert cannot_sync("gmail") == (ItemKind.CONTACT,)
    assert cannot_sync("graph") == () and cannot_sync("ews") == ()


def test_who_signs_each_mailbox_in() -> None:
    assert mailbox_sign_in("graph", "basic") is SignIn.MICROSOFT
    assert mailbox_sign_in("gmail", "basic") is SignIn.GOOGLE
    assert mailbox_sign_in("ews", "ntlm") is SignIn.PASSWORD
    assert mailbox_sign_in("ews", "basic") is SignIn.PASSWORD
    assert mailbox_sign_in("ews", "oauth2") is SignIn.MICROSOFT  # Exchange Online


def test_registrations_needed_per_kind_come_from_the_table() -> None:
    assert registrations.NEEDS == {
        "graph": ("microsoft", "salesforce"),
        "gmail": ("google", "salesforce"),
        "ews": ("salesforce",),
    }
    assert list(registrations.NEEDS) == ["graph", "gmail", "ews"]  # the order 'syncbar registrations' prints
