"""Recurring tasks in the EWS emulator: the one-off task a change to a recurring task splits off.

Rules from Microsoft's EWS reference, "UpdateItem operation (task)": setting the status of a recurring
task (regenerating or not) to Completed, or changing the start or due date of a non-regenerating one,
makes Exchange create a new, non-recurring task for the current occurrence, carrying the change; the
UpdateItem answer names that new task, and the recurring task moves on to its next occurrence: one
occurrence fewer in a NumberedRecurrence, the due date of the next occurrence, its ChangeCount one up.
A regenerating task's next occurrence is counted from today (UTC), a non-regenerating one's from its
pattern as it was before the change ("Recurrence (TaskRecurrenceType)": DailyRegeneration,
WeeklyRegeneration, MonthlyRegeneration, YearlyRegeneration).  What is ours: the pattern's Interval in
days, weeks, months or years from the recurrence's StartDate decides the next date; DaysOfWeek and
DayOfMonth are not looked at.
"""

from __future__ import annotations

import copy
import xml.etree.ElementTree as ET
from datetime import date, timedelta

T = "http://schemas.microsoft.com/exchange/services/2006/types"


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


def _find(props: list[ET.Element], name: str) -> ET.Element | None:
    return next((p for p in props if _local(p.tag) == name), None)


def _text(props: list[ET.Element], name: str) -> str:
    found = _find(props, name)
    return (found.text or "").strip() if found is not None else ""


def _day(text: str) -> date | None:
    try:
        return date.fromisoformat(text.strip()[:10])
    except ValueError:
        return None


def _pattern(recurrence: ET.Element) -> tuple[str, int]:
    """The pattern's element name and its Interval (1 when absent)."""
    ranges = ("NumberedRecurrence", "EndDateRecurrence", "NoEndRecurrence")
    pattern = next((c for c in recurrence if _local(c.tag) not in ranges), None)
    if pattern is None:
        return "", 1
    try:
        interval = int(pattern.findtext(f"{{{T}}}Interval") or "1")
    except ValueError:
        interval = 1
    return _local(pattern.tag), max(interval, 1)


def _step(day: date, unit: str, interval: int) -> date:
    if unit.startswith("Daily"):
        return day + timedelta(days=interval)
    if unit.startswith("Weekly"):
        return day + timedelta(weeks=interval)
    months = interval * (12 if unit.startswith(("Yearly", "RelativeYearly", "AbsoluteYearly")) else 1)
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return day.replace(year=year, month=month, day=min(day.day, last))
        except ValueError:
            continue
    return day


def _after(recurrence: ET.Element, current: date) -> date:
    """The first occurrence of a pattern after ``current``, counted from the recurrence's StartDate."""
    unit, interval = _pattern(recurrence)
    start = _day(next((e.text or "" for e in recurrence.iter(f"{{{T}}}StartDate")), "")) or current
    day = start
    while day <= current:
        day = _step(day, unit, interval)
    return day


def split(
    old: list[ET.Element], new: list[ET.Element], today: date
) -> tuple[list[ET.Element], list[ET.Element]] | None:
    """For an update of a recurring task from ``old`` to ``new`` properties: the one-off task's properties
    and the recurring task's next ones, or None when the update does not split the task."""
    before = _find(old, "Recurrence")
    after = _find(new, "Recurrence")
    if before is None or after is None:
        return None
    regenerating = _pattern(before)[0].endswith("Regeneration")
    completed = _text(new, "Status") == "Completed" and _text(old, "Status") != "Completed"
    moved = not regenerating and (
        ET.tostring(before) != ET.tostring(after)
        or any(_text(old, n) != _text(new, n) for n in ("StartDate", "DueDate"))
    )
    if not (completed or moved):
        return None
    one_off = [copy.deepcopy(p) for p in new if _local(p.tag) != "Recurrence"]
    current = (
        _day(_text(old, "DueDate")) or _day(next((e.text or "" for e in before.iter(f"{{{T}}}StartDate")), "")) or today
    )
    following = _step(today, *_pattern(before)) if regenerating else _after(before, current)
    master = []
    for p in new:
        name = _local(p.tag)
        if name in ("Status", "PercentComplete", "CompleteDate", "StartDate", "DueDate"):
            continue  # the occurrence took them; the series starts its next one afresh
        kept = copy.deepcopy(p)
        if name == "Recurrence":
            for count in kept.iter(f"{{{T}}}NumberOfOccurrences"):
                count.text = str(max(int(count.text or "1") - 1, 1))
        master.append(kept)
    for name, value in (("StartDate", following), ("DueDate", following)):
        element = ET.Element(f"{{{T}}}{name}")
        element.text = f"{value.isoformat()}T00:00:00Z"
        master.append(element)
    status = ET.Element(f"{{{T}}}Status")
    status.text = "NotStarted"
    master.append(status)
    return one_off, master
