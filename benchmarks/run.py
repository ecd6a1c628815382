"""Time lflint against check-jsonschema and the read + parse floor, on the same files, in one run.

    python3 -m pip install -e '.[bench]' && python3 benchmarks/run.py [--sizes 1 1000 10000] [--repeat 3]

For each corpus size it times, as separate processes and ``--repeat`` times each (the median is used):

- ``lflint check -j 1 DIR`` (all rules, one process) and ``lflint check DIR`` (default ``--jobs``);
- ``check-jsonschema --schemafile job.schema.json FILES...``, fed lflint's own exported schema (schema checks only);
- the floor: a Python process that reads every file and parses it with the fastest parser there is (PyYAML's
  libyaml loader, ``json``), and does nothing else.

It then prints the ratios and whether each goal of docs/performance.md is met. The marginal cost of a clean file
is measured on a corpus without mistakes: (time for N files - time for 1 file) / (N - 1), for lflint and the floor.
Nothing here is asserted by the test suite: timings depend on the machine.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from generate import generate  # noqa: E402

FLOOR = """
import json, sys, yaml
for path in sys.argv[1:]:
    with open(path, 'rb') as fh:
        raw = fh.read()
    json.loads(raw) if path.endswith('.json') else yaml.load(raw, Loader=yaml.CSafeLoader)
"""


def measure(command: list[str], repeat: int) -> tuple[float, int]:
    """Median wall time (s) and the largest peak RSS (KB) over ``repeat`` runs."""
    times, peak = [], 0
    for _ in range(repeat):
        start = time.perf_counter()
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        _, status, usage = os.wait4(process.pid, 0)
        times.append(time.perf_counter() - start)
        peak = max(peak, usage.ru_maxrss)
        if os.waitstatus_to_exitcode(status) not in (0, 1):
            sys.exit(f"failed: {' '.join(command[:4])} … (exit {os.waitstatus_to_exitcode(status)})")
    return statistics.median(times), peak


def corpus(root: Path, name: str, count: int, broken: float) -> tuple[Path, list[str]]:
    directory = root / name
    files = generate(directory, count, seed=42, broken=broken)
    return directory, [str(f) for f in files]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1, 1000, 10000])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    lflint = shutil.which("lflint")
    other = shutil.which("check-jsonschema")
    if not lflint or not other:
        sys.exit("needs lflint and check-jsonschema on PATH: python3 -m pip install -e '.[bench]'")

    # as pip leaves an installed package (and as check-jsonschema is): byte-compiled, even where
    # PYTHONDONTWRITEBYTECODE stops Python from writing the .pyc files itself
    package = subprocess.run([sys.executable, "-c", "import lflint; print(lflint.__path__[0])"],
                             capture_output=True, text=True, check=True).stdout.strip()
    subprocess.run([sys.executable, "-m", "compileall", "-q", package], check=True)

    with tempfile.TemporaryDirectory(prefix="lflint-bench-") as tmp:
        root = Path(tmp)
        schema = root / "job.schema.json"
        schema.write_text(subprocess.run([lflint, "schema"], capture_output=True, text=True, check=True).stdout)
        floor = [sys.executable, "-c", FLOOR]
        print(f"{'files':>6}  {'lflint -j1':>10}  {'lflint':>8}  {'check-jsonschema':>16}  {'floor':>7}  "
              f"{'speed-up -j1':>12}  {'speed-up':>8}  {'peak RSS -j1':>12}")
        results = {}
        for size in args.sizes:
            directory, files = corpus(root, f"mixed-{size}", size, broken=0.2)
            one, one_mem = measure([lflint, "check", "-j", "1", str(directory)], args.repeat)
            default, _ = measure([lflint, "check", str(directory)], args.repeat)
            theirs, _ = measure([other, "--schemafile", str(schema), *files], args.repeat)
            parse, _ = measure([*floor, *files], args.repeat)
            results[size] = (one, default, theirs)
            print(f"{size:>6}  {one:>9.3f}s  {default:>7.3f}s  {theirs:>15.3f}s  {parse:>6.3f}s  "
                  f"{theirs / one:>11.1f}x  {theirs / default:>7.1f}x  {one_mem / 1024:>9.1f} MB")

        big = max(args.sizes)
        clean_one, clean_files = corpus(root, "clean-1", 1, broken=0.0)
        clean_dir, clean_all = corpus(root, f"clean-{big}", big, broken=0.0)
        lf_1, _ = measure([lflint, "check", "-j", "1", str(clean_one)], args.repeat)
        lf_n, _ = measure([lflint, "check", "-j", "1", str(clean_dir)], args.repeat)
        fl_1, _ = measure([*floor, *clean_files], args.repeat)
        fl_n, _ = measure([*floor, *clean_all], args.repeat)
        marginal = (lf_n - lf_1) / (big - 1) * 1000
        floor_marginal = max((fl_n - fl_1) / (big - 1) * 1000, 1e-6)  # tiny corpora: noise may exceed the work

    print()
    print(f"marginal cost of a clean file: lflint {marginal:.3f} ms, floor {floor_marginal:.3f} ms "
          f"({marginal / floor_marginal:.1f}x the floor)")
    goals = []
    if 1 in results:
        goals.append(("one file: lflint <= 0.5x check-jsonschema", results[1][0] / results[1][2], 0.5, "x"))
    for size in (s for s in args.sizes if s >= 1000):
        goals.append((f"{size} files, one process: >= 5x check-jsonschema's throughput",
                      results[size][2] / results[size][0], 5.0, "min"))
    goals.append(("clean file: marginal cost <= 3x the floor", marginal / floor_marginal, 3.0, "x"))
    print()
    for label, value, target, kind in goals:
        met = value >= target if kind == "min" else value <= target
        print(f"{'met ' if met else 'MISS'}  {label}: {value:.2f}")


if __name__ == "__main__":
    main()
