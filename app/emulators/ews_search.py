"""Advanced Query Syntax (AQS) searches of the EWS emulator: FindItem's QueryString.

Rules from Microsoft's EWS reference ("QueryString (queryStringType)") and the AQS guide ("Use AQS to
search in EWS in Exchange"): a query is terms separated by spaces, all of which must match (AND may be
written, OR joins alternatives, NOT negates the next term); a term is ``property:value``,
``property:"a phrase"`` or free text, which is looked for in the subject, body, sender and recipients.
The properties kept here: Subject, Body, From, To, Cc, Bcc, Participants (sender and every recipient),
Category, DisplayName (of a contact).  A term matches when the property's text (a recipient's name or
address) contains the value, ignoring case.  What is ours: Exchange matches by words of its content
index, and indexes new items after a delay; the emulator compares text and finds an item as soon as it
is saved; parentheses are not supported.
"""

from __future__ import annotations

import re
from collections.abc import Callable

PROPERTIES: dict[str, tuple[str, ...]] = {
    "subject": ("item:Subject",),
    "body": ("item:Body",),
    "from": ("message:From",),
    "to": ("message:ToRecipients",),
    "cc": ("message:CcRecipients",),
    "bcc": ("message:BccRecipients",),
    "participants": ("message:From", "message:ToRecipients", "message:CcRecipients", "message:BccRecipients"),
    "category": ("item:Categories",),
    "displayname": ("contacts:DisplayName",),
}
FREE_TEXT = ("item:Subject", "item:Body", "message:From", "message:ToRecipients", "message:CcRecipients")
_TERM = re.compile(r'(?:(\w+):)?("[^"]*"|\S+)')

Term = tuple[tuple[str, ...], str, bool]  # the FieldURIs looked in, the text, negated


def parse(query: str) -> list[list[Term]]:
    """A query as alternatives (OR) of terms that must all match (AND)."""
    groups: list[list[Term]] = [[]]
    negate = False
    for found in _TERM.finditer(query):
        name, value = found.group(1), found.group(2)
        if name is None and value in ("AND", "OR", "NOT"):
            if value == "OR" and groups[-1]:
                groups.append([])
            negate = value == "NOT"
            continue
        uris = PROPERTIES.get(name.lower()) if name else FREE_TEXT
        if uris is None:  # "word:word" that names no property is free text
            uris, value = FREE_TEXT, found.group(0)
        text = value[1:-1] if len(value) > 1 and value.startswith('"') and value.endswith('"') else value
        groups[-1].append((uris, text.casefold(), negate))
        negate = False
    return [g for g in groups if g]


def matches(groups: list[list[Term]], read: Callable[[str], list[str]]) -> bool:
    """Whether an item matches; ``read`` gives the texts of one of its properties by FieldURI."""

    def holds(term: Term) -> bool:
        uris, text, negated = term
        found = any(text in value.casefold() for uri in uris for value in read(uri))
        return found != negated

    return any(all(holds(t) for t in group) for group in groups)
