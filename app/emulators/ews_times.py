"""All-day calendar items in the EWS emulator: their start and end moved to midnights of their time zones.

Exchange stores an all-day event (IsAllDayEvent true) from midnight to midnight: a start that is not at
midnight goes back to the midnight before it, an end that is not goes on to the next midnight, in the
item's StartTimeZone and EndTimeZone (EWS guide "Create all-day events by using EWS in Exchange").
Requests name a zone by its Windows id (``<t:StartTimeZone Id="W. Europe Standard Time"/>``); the table
below maps the common ones to the IANA zone of the same rules (the "001" territory of CLDR's
windowsZones).  What is ours: a zone outside the table is taken as UTC.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta, tzinfo
from zoneinfo import ZoneInfo

T = "http://schemas.microsoft.com/exchange/services/2006/types"
WINDOWS_ZONES = {
    "UTC": "UTC",
    "GMT Standard Time": "Europe/London",
    "Greenwich Standard Time": "Atlantic/Reykjavik",
    "W. Europe Standard Time": "Europe/Berlin",
    "Central Europe Standard Time": "Europe/Budapest",
    "Central European Standard Time": "Europe/Warsaw",
    "Romance Standard Time": "Europe/Paris",
    "FLE Standard Time": "Europe/Kiev",
    "GTB Standard Time": "Europe/Bucharest",
    "Russian Standard Time": "Europe/Moscow",
    "Eastern Standard Time": "America/New_York",
    "Central Standard Time": "America/Chicago",
    "Mountain Standard Time": "America/Denver",
    "US Mountain Standard Time": "America/Phoenix",
    "Pacific Standard Time": "America/Los_Angeles",
    "Alaskan Standard Time": "America/Anchorage",
    "Hawaiian Standard Time": "Pacific/Honolulu",
    "E. South America Standard Time": "America/Sao_Paulo",
    "India Standard Time": "Asia/Calcutta",
    "China Standard Time": "Asia/Shanghai",
    "Tokyo Standard Time": "Asia/Tokyo",
    "Singapore Standard Time": "Asia/Singapore",
    "AUS Eastern Standard Time": "Australia/Sydney",
    "New Zealand Standard Time": "Pacific/Auckland",
}


def zone(element: ET.Element | None) -> tzinfo:
    """The zone a StartTimeZone / EndTimeZone element names (UTC when absent or unknown)."""
    name = WINDOWS_ZONES.get((element.get("Id") or element.get("Name") or "") if element is not None else "")
    return ZoneInfo(name) if name else UTC


def _moment(text: str) -> datetime | None:
    try:
        value = datetime.fromisoformat(text.strip())
    except ValueError:
        return None
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def _stamp(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def to_midnights(props: list[ET.Element]) -> list[ET.Element]:
    """An all-day item's properties with its Start moved back and its End on to midnight in their zones."""
    by_name = {p.tag.rpartition("}")[2]: p for p in props}
    flag = by_name.get("IsAllDayEvent")
    if flag is None or (flag.text or "").strip() not in ("true", "1"):
        return props
    moved: dict[str, str] = {}
    for name, later in (("Start", False), ("End", True)):
        element = by_name.get(name)
        moment = _moment(element.text or "") if element is not None else None
        if moment is None:
            continue
        local = moment.astimezone(zone(by_name.get(f"{name}TimeZone")))
        midnight = local.replace(hour=0, minute=0, second=0, microsecond=0)
        if later and midnight != local:
            # the next midnight of the same zone (a day may be 23 or 25 hours long)
            midnight = (midnight.replace(tzinfo=None) + timedelta(days=1)).replace(tzinfo=local.tzinfo)
        moved[name] = _stamp(midnight)
    result = []
    for p in props:
        name = p.tag.rpartition("}")[2]
        if name in moved:
            p = ET.Element(p.tag, p.attrib)
            p.text = moved[name]
        result.append(p)
    return result
