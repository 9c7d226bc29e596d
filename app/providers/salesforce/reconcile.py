"""Finding a create Salesforce committed when its answer was lost, in an org without a field of ours.

A standard org has no external-id field of Syncbar's, so the record is found by
what the sync itself set, deterministically, from the item (``PROBES``).  The
first field of each probe is filtered on in SOQL (a long text area such as
``Description`` cannot be filtered); every probe value the create sent must
then be on the record.  Among records that fit, the newest is taken, and a
record answers at most one create, so two items with the same content get one
record each.  ``docs/state.md`` explains the rule per object.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, MutableMapping, MutableSet, Sequence
from datetime import UTC, datetime
from typing import Any

from app.core.model import CrmRecord
from app.providers.salesforce.soql import in_chunks, in_list

PROBES: dict[str, tuple[str, ...]] = {
    "Task": ("Subject", "ActivityDate", "WhoId", "WhatId", "Status", "Description"),
    "Event": ("Subject", "StartDateTime", "EndDateTime", "WhoId", "Location", "Description"),
    "Contact": ("Email", "LastName", "FirstName"),
}


def probe_queries(records: Sequence[CrmRecord]) -> Iterator[tuple[str, list[CrmRecord]]]:
    """(SOQL, the creates its rows may answer) for each query the probes need, newest rows first."""
    for object_type, fields in sorted(PROBES.items()):
        anchor = fields[0]
        wanted = [r for r in records if r.object_type == object_type and str(r.values.get(anchor) or "")]
        for chunk in in_chunks(sorted({str(r.values[anchor]) for r in wanted})):
            values = set(chunk)
            members = [r for r in wanted if str(r.values[anchor]) in values]
            soql = (
                f"SELECT {', '.join(('Id', 'CreatedDate', *fields))} FROM {object_type} "
                f"WHERE {anchor} IN {in_list(chunk)} ORDER BY CreatedDate DESC"
            )
            yield soql, members


def assign(
    members: Sequence[CrmRecord],
    rows: Sequence[Mapping[str, Any]],
    taken: MutableSet[str],
    found: MutableMapping[str, str],
) -> None:
    """Give each create the newest row holding all its probe values that no other create has taken."""
    for record in members:
        fields = PROBES[record.object_type]
        for row in rows:
            record_id = str(row["Id"])
            if record_id not in taken and same(record.values, row, fields):
                found[record.idempotency_key] = record_id
                taken.add(record_id)
                break


def same(sent: Mapping[str, object], row: Mapping[str, Any], fields: Sequence[str]) -> bool:
    """Whether a record holds every probe value a create sent, as Salesforce gives them back."""
    return all(_norm(name, sent[name]) == _norm(name, row.get(name)) for name in fields if name in sent)


def _norm(name: str, value: object) -> object:
    if value is None or value == "":
        return None
    text = str(value)
    if name.endswith("Id"):
        return text[:15]  # a record id: the 15- and 18-character forms name the same record
    if len(text) >= 19 and text[4] == "-" and text[10] == "T":
        try:  # datetimes: "…T10:00:00.000Z" sent, "…T10:00:00.000+0000" read back
            moment = datetime.fromisoformat(text.replace("Z", "+00:00").replace("+0000", "+00:00"))
            return moment.astimezone(UTC).replace(microsecond=0)
        except ValueError:
            return text
    if "@" in text and " " not in text:
        return text.strip().casefold()  # e-mail addresses compare without case
    return text.strip()
