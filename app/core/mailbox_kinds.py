"""The kinds of mailbox Syncbar syncs, one row each: what signs it in, what it needs, what it can sync.

The profile keeps the kind as its string value (``profile.json``'s ``mailbox.kind``); code that
branches on the kind reads this table instead of comparing strings.  The functions that build a
kind's provider, sign-in and profile live in the composition code (``app/compose/wiring.py``,
``app/compose/setup.py``), keyed by ``MailboxKind``, and a test holds that every kind has each of them.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from app.core.model import ItemKind


class MailboxKind(StrEnum):
    GRAPH = "graph"  # Microsoft 365 through Microsoft Graph
    EWS = "ews"  # Exchange Web Services: Exchange Server on premises, or Exchange Online
    GMAIL = "gmail"  # Gmail / Google Workspace through the Gmail and Calendar APIs


class SignIn(StrEnum):
    """Who signs a mailbox in."""

    MICROSOFT = "microsoft"  # Entra ID in the browser (MSAL)
    GOOGLE = "google"  # Google's OAuth in the browser
    PASSWORD = "password"  # the mailbox password, kept in the keyring (NTLM or Basic on premises)


@dataclass(frozen=True)
class KindRow:
    kind: MailboxKind
    sign_in: SignIn
    # The sign-in of a profile whose ``auth_type`` is oauth2 (Exchange Online: Basic was turned off in 2022).
    oauth_sign_in: SignIn | None
    registrations: tuple[str, ...]  # the company's app registrations it needs (app/compose/registrations.py)
    base_url: str  # the public API's base ("" : the user gives the server's address)
    can_sync: frozenset[ItemKind]  # what its provider reads (its streams' item kinds)


ROWS: dict[MailboxKind, KindRow] = {
    MailboxKind.GRAPH: KindRow(
        MailboxKind.GRAPH,
        sign_in=SignIn.MICROSOFT,
        oauth_sign_in=SignIn.MICROSOFT,
        registrations=("microsoft", "salesforce"),
        base_url="https://graph.microsoft.com",
        # Tasks: Microsoft To Do's default list (Graph's todo API), where Outlook's tasks are kept.
        can_sync=frozenset({ItemKind.EMAIL, ItemKind.EVENT, ItemKind.CONTACT, ItemKind.TASK}),
    ),
    MailboxKind.EWS: KindRow(
        MailboxKind.EWS,
        sign_in=SignIn.PASSWORD,
        oauth_sign_in=SignIn.MICROSOFT,
        registrations=("salesforce",),  # Exchange Online also needs Microsoft's: checked where it is known
        base_url="",
        can_sync=frozenset({ItemKind.EMAIL, ItemKind.EVENT, ItemKind.CONTACT, ItemKind.TASK}),
    ),
    MailboxKind.GMAIL: KindRow(
        MailboxKind.GMAIL,
        sign_in=SignIn.GOOGLE,
        oauth_sign_in=None,
        registrations=("google", "salesforce"),
        base_url="https://gmail.googleapis.com",
        # Mail, Google Calendar and Google Tasks; contacts live in Google Contacts (the People API), not read.
        can_sync=frozenset({ItemKind.EMAIL, ItemKind.EVENT, ItemKind.TASK}),
    ),
}

KIND_NAMES: tuple[str, ...] = tuple(kind.value for kind in MailboxKind)  # graph, ews, gmail


def kind_row(kind: str) -> KindRow:
    """The row of a kind given as the profile writes it; ``ValueError`` for one that is not ours."""
    return ROWS[MailboxKind(kind)]


def cannot_sync(kind: str) -> tuple[ItemKind, ...]:
    """What a kind's provider does not read, in ``ItemKind`` order: the settings hide these (with the reason)."""
    row = kind_row(kind)
    return tuple(item for item in ItemKind if item not in row.can_sync)


def mailbox_sign_in(kind: str, auth_type: str) -> SignIn:
    """Who signs this mailbox in: the kind's own sign-in, or its OAuth one for an oauth2 profile."""
    row = kind_row(kind)
    if auth_type == "oauth2" and row.oauth_sign_in is not None:
        return row.oauth_sign_in
    return row.sign_in
