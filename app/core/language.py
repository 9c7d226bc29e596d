"""Which language the user reads: SYNCBAR_LANG, else the system locale (LC_ALL, LC_MESSAGES, LANG).

The core has no Qt, so it cannot ask QLocale; it reads the same environment Qt reads on Linux.
English is the fallback for any language Syncbar does not speak yet.
"""

from __future__ import annotations

import os

SUPPORTED = ("en", "sv")


def language() -> str:
    for name in ("SYNCBAR_LANG", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(name, "").strip()
        if value:
            code = value.split(".")[0].split("_")[0].split("-")[0].lower()
            return code if code in SUPPORTED else "en"
    return "en"
