"""Time ``lflint check --fix`` against a plain ``lflint check`` on files with one fixable finding each.

    python benchmarks/fix.py [--files 1000] [--repeat 3]

Each file is a valid discovery job whose `conflict_strategy` is `upsert` (one safe fix). Each run gets a fresh
copy of the corpus (``--fix`` rewrites it); both commands run as separate processes with ``-j 1`` and the median
wall time of ``--repeat`` runs is printed, with the ratio. Nothing here is asserted by the test suite.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SPEC = """\
name: discover_{n}
type: METADATA_DISCOVERY
parameter:
  metadata_discovery_parameter:
    data_location: obs://sales-data/raw
    target_catalog: hive
    target_database: sales
    conflict_strategy: upsert  # the one fixable finding
    file_discovery_type: PARQUET
    log_location: obs://sales-logs/discovery
    instance_id: 2180518f42b84947b20badfc53981a25
"""


def timed(command: list[str], corpus: Path, work: Path) -> float:
    shutil.rmtree(work, ignore_errors=True)
    shutil.copytree(corpus, work)
    start = time.perf_counter()
    done = subprocess.run(command + [str(work)], check=False, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    elapsed = time.perf_counter() - start
    if done.returncode not in (0, 1):
        sys.exit(f"failed: {' '.join(command)} (exit {done.returncode})")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp, "corpus")
        corpus.mkdir()
        for n in range(args.files):
            (corpus / f"job{n}.lfjob.yaml").write_text(SPEC.format(n=n))
        base = [sys.executable, "-m", "lflint", "check", "--isolated", "-j", "1"]
        times = {}
        for label, extra in (("check", []), ("check --fix", ["--fix"])):
            times[label] = statistics.median(timed(base + extra, corpus, Path(tmp, "work")) for _ in range(args.repeat))
            print(f"{label:<12} {args.files} files: {times[label]:.2f} s")
        fixed = Path(tmp, "work", "job0.lfjob.yaml").read_text()
        assert fixed == SPEC.format(n=0).replace("upsert", "UPSERT"), "the fix was not applied"
        print(f"--fix / check: {times['check --fix'] / times['check']:.2f}x")


if __name__ == "__main__":
    main()
