"""Mailbox API calls per provider on the emulators: an idle cycle, and marking N failed items.

Goals: one call per stream for an idle cycle; marking N items takes ceil(N/20) Graph
$batch calls, ceil(N/1000) Gmail batchModify calls, ceil(N/100) EWS UpdateItem calls
(after the one-time master category / label set-up, counted separately).
"""

from __future__ import annotations

import math
import tempfile
import threading
from pathlib import Path
from typing import Any

from app.auth.tokens import ProcessKeyring, TokenStore
from app.compose import wiring
from app.compose.paths import Paths
from app.compose.setup import profile_from_info, sign_in_all
from app.core import profile
from app.core.ports import Mark
from app.emulators.serve import emulators

MARK_CALLS = {"graph": ("batch",), "gmail": ("messages.batchModify",), "ews": ("UpdateItem",)}
PER_CALL = {"graph": 20, "gmail": 1000, "ews": 100}
EMAIL_STREAM = {"graph": "inbox", "gmail": "mail", "ews": "inbox"}


def measure(kind: str, n_marks: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp, emulators(
        items=max(200, 2 * n_marks + 200), seed=3, names=[kind, "salesforce"], cert_dir=Path(tmp) / "certs"
    ) as host:
        if kind == "gmail":  # calls are measured here, not Gmail's per-minute quota (its waits are tested)
            host.services["gmail"].units_per_minute = 10**9
        info = host.info()
        paths = Paths(config=Path(tmp) / "config", data=Path(tmp) / "data").ensure()
        tokens = TokenStore(ProcessKeyring())
        prof = profile_from_info(info, kind)
        sign_in_all(prof, tokens, info)
        profile.save(paths.config, prof)
        svc, _ = wiring.open_service(paths, tokens=tokens)
        svc.request_sync()
        svc.run_cycle(lambda p: None, threading.Event())
        host.reset_calls()
        svc.request_sync()
        svc.run_cycle(lambda p: None, threading.Event())  # nothing changed: the idle cycle
        idle = sum(n for op, n in host.calls(kind).items() if not op.startswith(("oauth", "identity")))
        mailbox = wiring.build_mailbox(prof, tokens)
        streams = len(mailbox.streams())
        svc.store.close()
        ids: list[str] = []
        cursor = None
        while len(ids) < n_marks:
            page = mailbox.changes(EMAIL_STREAM[kind], cursor)
            ids += [i.mailbox_id for i in page.items]
            cursor = page.cursor
            if not page.more:
                break
        ids = ids[:n_marks]
        mailbox.mark([Mark(ids[0], EMAIL_STREAM[kind], "Last Name missing")])  # one-time set-up of categories
        host.reset_calls()
        mailbox.mark([Mark(i, EMAIL_STREAM[kind], "Last Name missing") for i in ids])
        marks = sum(n for op, n in host.calls(kind).items() if op in MARK_CALLS[kind])
        other = sum(n for op, n in host.calls(kind).items() if op not in MARK_CALLS[kind])
    return {"idle": idle, "streams": streams, "marks": marks, "other": other, "n": len(ids)}


def run(quick: bool) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    n = 100 if quick else 1000
    for kind in ("graph", "gmail", "ews"):
        m = measure(kind, n)
        rows.append({
            "figure": f"{kind}: mailbox calls for an idle cycle ({m['streams']} streams)",
            "value": m["idle"], "unit": "calls", "goal_text": f"≤ {m['streams']} (1 per stream)",
            "met": m["idle"] <= m["streams"],
        })
        floor = math.ceil(m["n"] / PER_CALL[kind])
        rows.append({
            "figure": f"{kind}: calls to mark {m['n']:,} failed items",
            "value": m["marks"] + m["other"], "unit": "calls", "goal_text": f"≤ {floor} (⌈N/{PER_CALL[kind]}⌉)",
            "met": m["marks"] + m["other"] <= floor,
        })
    return rows
