"""A few hundred mutated copies of the sample content through `check` (issue 15 §1).

Each must end in a clean exit code (0, or 1 with problems), name the mutated file when
it fails, stay within a bounded CPU time (a ratio to the pristine sample's, measured in
the same process, never a wall-clock figure) and within a memory ceiling (RLIMIT_AS on
the worker: a mutant that balloons the loader dies as a MemoryError and fails the test).
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CASES = 240
SEED = 15
# The worker imports the bot (rapidfuzz, PyYAML) and holds a few copies of the sample;
# 1 GiB of address space is several times what that needs and a fraction of what the
# billion-laughs file took before (2.9 GB).
MEMORY_LIMIT = 1024 * 1024 * 1024
# A mutant may cost more than the sample (an error path, a second parse), but the load is
# linear in the bytes: anything far beyond the sample means a budget did not hold.
CPU_RATIO_LIMIT = 25


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


def test_mutated_sample_content_never_crashes_check() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "tests.content.fuzz_check_worker", str(CASES), str(SEED)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        timeout=600,  # a hang guard, not a measurement
        check=False,
        preexec_fn=_limit_memory,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    baseline = rows[0]["baseline_cpu"]
    cases = [row for row in rows if "case" in row]
    assert len(cases) == CASES
    for row in cases:
        assert row["escaped"] is None, row
        assert row["code"] in (0, 1), row
        if row["code"] == 1:
            assert row["named"], row
        else:
            assert row["ok_line"], row
        assert row["cpu"] <= CPU_RATIO_LIMIT * baseline, (row, baseline)
    failing = sum(1 for row in cases if row["code"] == 1)
    assert failing >= CASES // 3, "the mutations should break most files; check the fuzzer"
    assert rows[-1]["max_rss_mb"] * 1024 * 1024 < MEMORY_LIMIT
