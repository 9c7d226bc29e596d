"""Run by bench/scale.py and the slow scale test: one first sync of a served N-item mailbox, measured.

python -m bench.scale_child N   ->  one JSON line: seconds, counts, Salesforce and mailbox calls, peak RSS
"""

from __future__ import annotations

import json
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path


def peak_rss_mb() -> float:
    """This process's own peak RSS.

    Not ``getrusage().ru_maxrss``: Linux carries over into it the peak of the image this process replaced
    at exec, and a child started by subprocess (vfork) replaces an image that counted the whole parent:
    run from a pytest process holding 460 MB it read 464 MB for a 184 MB sync.  VmHWM is measured on this
    program's own memory map.
    """
    with open("/proc/self/status", encoding="ascii") as fh:
        for line in fh:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    raise RuntimeError("no VmHWM in /proc/self/status")


def main(items: int) -> None:
    from app.auth.tokens import ProcessKeyring, TokenStore
    from app.compose import wiring
    from app.compose.paths import Paths
    from app.compose.setup import profile_from_info, served_elsewhere, sign_in_all
    from app.core import profile

    tmp = Path(tempfile.mkdtemp(prefix="syncbar-scale-"))
    with served_elsewhere(items, 9, ["graph", "salesforce"], tmp / "certs") as info:
        paths = Paths(config=tmp / "config", data=tmp / "data").ensure()
        tokens = TokenStore(ProcessKeyring())
        prof = profile_from_info(info, "graph")
        sign_in_all(prof, tokens, info)
        profile.save(paths.config, prof)
        svc, _ = wiring.open_service(paths, tokens=tokens)
        import ssl

        context = ssl.create_default_context(cafile=info["ca_file"])
        urllib.request.urlopen(
            urllib.request.Request(info["control_url"] + "/calls/reset", method="POST"), context=context
        ).read()
        started = time.perf_counter()
        svc.request_sync()
        session = svc.run_cycle(lambda p: None, threading.Event())
        seconds = time.perf_counter() - started
        calls = json.loads(urllib.request.urlopen(info["control_url"] + "/calls", context=context).read())
        with svc.store.transaction() as tx:
            states = dict(tx.execute("SELECT state, COUNT(*) FROM items GROUP BY state").fetchall())
        svc.store.close()
    counts = {k.value: c.to_json() for k, c in session.counts.items()}
    print(
        json.dumps(
            {
                "items": items,
                "seconds": round(seconds, 1),
                "outcome": session.outcome.value,
                "counts": counts,
                "states": states,
                "salesforce_calls": sum(
                    n for op, n in calls.get("salesforce", {}).items() if not op.startswith("oauth")
                ),
                "mailbox_calls": sum(n for op, n in calls.get("graph", {}).items() if not op.startswith("identity")),
                "peak_rss_mb": round(peak_rss_mb(), 1),
            }
        )
    )


if __name__ == "__main__":
    main(int(sys.argv[1]))
