"""Write the Swedish texts of sv.py into syncbar_sv.ts (after pyside6-lupdate); report what is missing.

    .venv/bin/pyside6-lupdate app/ui/*.py -ts resources/translations/syncbar_sv.ts
    python resources/translations/fill_ts.py && .venv/bin/pyside6-lrelease resources/translations/syncbar_sv.ts
"""

from __future__ import annotations

import sys
import xml.etree.ElementTree as ET
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from sv import SV  # noqa: E402


def fill(ts: Path) -> list[str]:
    tree = ET.parse(ts)
    missing = []
    for message in tree.getroot().iter("message"):
        source = message.findtext("source") or ""
        translation = message.find("translation")
        if translation is None:
            translation = ET.SubElement(message, "translation")
        if source in SV:
            translation.text = SV[source]
            translation.attrib.pop("type", None)
        else:
            missing.append(source)
    tree.write(ts, encoding="utf-8", xml_declaration=True)
    return missing


if __name__ == "__main__":
    gaps = fill(HERE / "syncbar_sv.ts")
    for text in gaps:
        print(f"missing: {text!r}")
    sys.exit(1 if gaps else 0)
