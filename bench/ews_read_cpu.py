"""CPU seconds per item of the EWS read path: exchangelib's GetItem objects against the lean GetItem.

``python -m bench.ews_read_cpu [N]``: the EWS emulator serves N emails in its own process (its work
is not counted); this process reads every email of inbox and sent by id, in chunks of 100, once
through exchangelib (``Account.fetch``: every field, parsed into its object model) and once through
the provider's lean path (``EwsMailbox._get``: the mapped properties, parsed into ``MailItem``).
The figure is ``time.process_time`` per item, which the machine's load does not change much.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from app.auth.tokens import ProcessKeyring, TokenStore
from app.compose import wiring
from app.compose.setup import profile_from_info, sign_in_all


def _ids(box: Any, stream: str) -> list[tuple[str | None, str | None]]:
    ids: list[tuple[str | None, str | None]] = []
    state: str | None = None
    while True:
        page = box._sync_page(stream, state, 512)
        ids += [(item_id, key) for _, item_id, key in page.changes]
        state = page.state
        if page.last:
            return ids


def measure(n: int, rounds: int = 3) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        command = [sys.executable, "-m", "app", "emulators", "serve", "--json", "--items", str(n), "--seed", "3"]
        command += ["--services", "ews,salesforce", "--cert-dir", str(Path(tmp) / "certs")]
        proc = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
        try:
            assert proc.stdout is not None
            info = json.loads(proc.stdout.readline())
            tokens = TokenStore(ProcessKeyring())
            prof = profile_from_info(info, "ews")
            sign_in_all(prof, tokens, info)
            box: Any = wiring.build_mailbox(prof, tokens)
            account = box.connection.account()
            chunks: list[tuple[str, list[tuple[str | None, str | None]]]] = []
            for stream in ("inbox", "sent"):
                ids = _ids(box, stream)
                chunks += [(stream, ids[s : s + 100]) for s in range(0, len(ids), 100)]
            count = sum(len(chunk) for _, chunk in chunks)
            best = {"exchangelib": float("inf"), "lean": float("inf")}
            for _ in range(rounds):
                started = time.process_time()
                for _, chunk in chunks:
                    list(account.fetch(ids=chunk))
                best["exchangelib"] = min(best["exchangelib"], time.process_time() - started)
                started = time.process_time()
                for stream, chunk in chunks:
                    box._get(stream, chunk, shared=False)
                best["lean"] = min(best["lean"], time.process_time() - started)
            return {"items": count, **{k: v / count for k, v in best.items()}}
        finally:
            proc.terminate()
            proc.wait(timeout=10)
            if proc.stdout is not None:
                proc.stdout.close()


if __name__ == "__main__":
    result = measure(int(sys.argv[1]) if len(sys.argv) > 1 else 2000)
    print(
        f"{result['items']:.0f} emails: exchangelib {result['exchangelib'] * 1e6:.0f} µs CPU per item, "
        f"lean {result['lean'] * 1e6:.0f} µs ({result['exchangelib'] / result['lean']:.1f}× less)"
    )
