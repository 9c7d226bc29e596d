"""Scale (slow suite): a 100,000-email seeded mailbox syncs to completion with consistent counts."""

from __future__ import annotations

import pytest

from bench.scale import measure


@pytest.mark.slow
def test_100k_mailbox_syncs_to_completion() -> None:
    m = measure(100_000)
    states = m["states"]
    assert set(states) <= {"synced", "ignored", "failed", "quarantined"}, states  # nothing left queued or pending
    counts = m["counts"]
    total = sum(c["total"] for c in counts.values())
    assert sum(states.values()) == total >= 100_000
    assert states["synced"] == sum(c["new"] + c["updated"] for c in counts.values())
    assert states["ignored"] == sum(sum(c["ignored"].values()) + c["duplicate"] for c in counts.values())
    assert states.get("failed", 0) == sum(c["failed"] for c in counts.values()) == 5  # the seeded troublesome items
    assert m["peak_rss_mb"] < 200
