"""CI's strict step (``.ci/run``): the scale and fuzz tests at full size must run, and run the same way each time."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from hypothesis import settings

ROOT = Path(__file__).resolve().parents[1]


def test_a_skipped_test_fails_a_no_skip_run() -> None:
    """Without SYNCBAR_SLOW the scale test is skipped; with ``--no-skip`` that fails the run instead of passing."""
    env = {k: v for k, v in os.environ.items() if k not in ("SYNCBAR_SLOW", "PYTEST_CURRENT_TEST")}
    argv = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/system/test_scale.py"]
    plain = subprocess.run(argv, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert plain.returncode == 0 and "1 skipped" in plain.stdout, plain.stdout + plain.stderr
    strict = subprocess.run([*argv, "--no-skip"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert strict.returncode == 1, strict.stdout + strict.stderr
    assert "--no-skip: 1 test(s) skipped" in strict.stdout and "test_100k_mailbox_syncs_to_completion" in strict.stdout


def test_the_ci_profile_draws_the_same_examples_every_run() -> None:
    profile = settings.get_profile("ci")
    assert profile.derandomize is True and profile.database is None


def test_ci_runs_the_scale_and_fuzz_tests_at_full_size_with_no_skip() -> None:
    script = (ROOT / ".ci" / "run").read_text(encoding="utf-8").replace("\\\n", " ")
    [step] = [line for line in script.splitlines() if "test_scale.py" in line]
    assert step.startswith("SYNCBAR_SLOW=1 ") and "--no-skip" in step and "--hypothesis-profile=ci" in step
    for path in ("tests/system/test_scale.py", "tests/core/test_fuzz_engine.py", "tests/system/test_fuzz_provider.py"):
        assert path in step and (ROOT / path).is_file()
