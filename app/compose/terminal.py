"""Text bound for a terminal: what a mail's subject or a service's message may carry never drives the terminal.

A subject is written by whoever sent the mail. Printed raw, an escape sequence in it can recolour or clear the
screen, set the window title, write a clickable link (OSC 8) or hide the lines printed before it (a carriage
return); bidirectional overrides reorder what is read. ``clean`` drops all of them and keeps the text.
"""

from __future__ import annotations

import json
import re
from typing import Any

# ESC-started sequences: CSI (ESC [ ... final byte), OSC/DCS/SOS/PM/APC strings (up to BEL or ESC \), and
# two-byte escapes; the same introducers as single C1 bytes (CSI U+009B, OSC U+009D...).
_SEQUENCES = re.compile(
    r"""
    (?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]                          # CSI
    | (?:\x1b[\]PX^_]|[\x90\x98\x9d\x9e\x9f]).*?(?:\x07|\x1b\\|\x9c|$)  # OSC, DCS, SOS, PM, APC strings
    | \x1b[ -/]*[0-~]                                          # other escapes (charset, keypad...)
    """,
    re.VERBOSE | re.DOTALL,
)
# What is left to drop: C0 controls but tab and newline, DEL, C1 controls, and the bidi embeddings,
# overrides and isolates (U+202A-U+202E, U+2066-U+2069).
_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_LINE_BREAKS = re.compile("[\t\n]+")


def clean(text: str, *, one_line: bool = True) -> str:
    """``text`` without terminal controls; one line (tabs and line breaks become a space) unless told otherwise."""
    text = _CONTROLS.sub("", _SEQUENCES.sub("", text))
    return _LINE_BREAKS.sub(" ", text) if one_line else text


def say(text: str = "", **kwargs: Any) -> None:
    """``print`` for lines that may hold untrusted words: each line cleaned, the line structure kept."""
    print("\n".join(clean(line) for line in text.split("\n")), **kwargs)


def json_text(value: Any) -> str:
    """JSON for a terminal: ``json.dumps`` escapes C0 controls but writes C1 ones (a one-byte CSI) as they are."""
    out = json.dumps(value, indent=2, default=str, ensure_ascii=False)
    return re.sub("[\x7f-\x9f\u202a-\u202e\u2066-\u2069]", lambda m: f"\\u{ord(m.group()):04x}", out)
