"""The time left is measured, shown only once steady, counts down between reports and is never stuck."""

from __future__ import annotations

from app.core.service import Phase, Progress
from app.core.time_left import TimeLeft


def writing(done: int, total: int = 6000) -> Progress:
    return Progress(done, total, None, Phase.WRITING)


def test_nothing_is_shown_before_ten_seconds_of_writing_even_at_a_steady_rate() -> None:
    t = TimeLeft()
    t.observe(writing(0), at=100.0)
    for n, at in ((1000, 103.0), (2000, 106.0), (3000, 109.0)):
        t.observe(writing(n), at=at)
        assert t.seconds(at) is None
    t.observe(writing(4000), at=112.0)  # 12 s in, 3 s per 1,000: 2,000 left is 6 s
    assert t.seconds(112.0) == 6.0


def test_a_steady_rate_is_shown_and_counts_down_between_reports() -> None:
    t = TimeLeft()
    t.observe(writing(0), at=0.0)
    for n in range(1, 5):
        t.observe(writing(n * 500), at=n * 5.0)  # 100 items a second
    assert t.seconds(20.0) == 40.0
    assert t.seconds(30.0) == 30.0  # no report for 10 s: it still counts down


def test_estimates_that_disagree_by_more_than_a_quarter_are_hidden() -> None:
    t = TimeLeft()
    t.observe(writing(0), at=0.0)
    t.observe(writing(1000), at=12.0)  # 60 s left
    t.observe(writing(1100), at=24.0)  # the rate fell: 225 s left, far from 60
    assert t.seconds(24.0) is None
    t.observe(writing(1200), at=36.0)  # 36 s for 1,200: 4,800 left is 144 s; 225 before: still too far
    assert t.seconds(36.0) is None
    t.observe(writing(1300), at=48.0)  # 4,700 * 48/1300 = 173.5 s vs 144 s before: within 25 %
    left = t.seconds(48.0)
    assert left is not None and 173 < left < 174


def test_overdue_it_grows_with_the_measured_rate_instead_of_sticking() -> None:
    t = TimeLeft()
    t.observe(writing(0), at=0.0)
    t.observe(writing(3000), at=10.0)
    t.observe(writing(4000), at=13.0)  # 2,000 left at 4,000/13 s: 6.5 s
    predicted = t.seconds(13.0)
    assert predicted is not None and 6.4 < predicted < 6.6
    late = t.seconds(40.0)  # the next round hangs: 2,000 left at 4,000 per 40 s is 20 s
    later = t.seconds(80.0)
    assert late == 20.0 and later == 40.0


def test_another_phase_a_new_total_or_the_end_hide_it() -> None:
    t = TimeLeft()
    t.observe(writing(0), at=0.0)
    t.observe(writing(3000), at=10.0)
    t.observe(writing(4000), at=13.0)
    assert t.seconds(13.0) is not None
    t.observe(Progress(0, 12, None, Phase.MARKING), at=14.0)
    assert t.seconds(14.0) is None
    t.observe(writing(0, 100), at=20.0)
    t.observe(writing(50, 100), at=31.0)
    t.observe(writing(100, 100), at=32.0)
    assert t.seconds(32.0) is None  # nothing left
    t.observe(Progress(10, 0, None, Phase.READING), at=40.0)
    assert t.seconds(40.0) is None


def test_near_the_end_estimates_a_few_seconds_apart_still_agree() -> None:
    t = TimeLeft()
    t.observe(writing(0, 3000), at=0.0)
    t.observe(writing(1000, 3000), at=6.0)  # 12 s left
    t.observe(writing(2000, 3000), at=10.0)  # 1,000 at 2,000/10 s: 5 s; 12 - 4 = 8 s before: 37 % apart, 3 s
    assert t.seconds(10.0) == 5.0
    strict = TimeLeft(slack=0.0)
    strict.observe(writing(0, 3000), at=0.0)
    strict.observe(writing(1000, 3000), at=6.0)
    strict.observe(writing(2000, 3000), at=10.0)
    assert strict.seconds(10.0) is None
