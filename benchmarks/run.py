"""Time lflint against check-jsonschema and the read + parse floor, on the same files, in one run.

    pip install -e '.[bench]' && python benchmarks/run.py [--sizes 1 1000 10000] [--repeat 3]

For each corpus size it times, as separate processes and ``--repeat`` times each (the median is used):

- ``lflint check -j 1 DIR`` (all rules, one process) and ``lflint check DIR`` (default ``--jobs``);
- ``check-jsonschema --schemafile job.schema.json FILES...``, fed lflint's own exported schema (schema checks only);
- the floor: a Python process that reads every file and parses it with the fastest parser there is (PyYAML's
  libyaml loader, ``json``), and does nothing else.

Then the peak RSS of ``lflint check -j 1`` at ``--rss-files`` counts and for one YAML stream of ``--stream-docs``
jobs (half of them with mistakes), and the CPU time of one large spec of each ``--spec-mb`` size.

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
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from generate import generate, large_spec, stream

FLOOR = """
import json, sys, yaml
for path in sys.argv[1:]:
    with open(path, 'rb') as fh:
        raw = fh.read()
    json.loads(raw) if path.endswith('.json') else yaml.load(raw, Loader=yaml.CSafeLoader)
"""


# Linux keeps a process's peak RSS across fork and exec: a command started by this (large) process would report
# this process's peak. A small Python process starts it instead and reports the command's own rusage.
MEASURE = """
import os, subprocess, sys, time
start = time.perf_counter()
process = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
_, status, usage = os.wait4(process.pid, 0)
print(time.perf_counter() - start, usage.ru_maxrss, usage.ru_utime + usage.ru_stime, os.waitstatus_to_exitcode(status))
"""


def run_once(command: list[str]) -> tuple[float, int, float]:
    """Wall time (s), peak RSS (KB) and CPU time (user + system, s) of one run of ``command``."""
    out = subprocess.run([sys.executable, "-c", MEASURE, *command], capture_output=True, text=True, check=True)
    wall, peak, cpu, code = out.stdout.split()
    if int(code) not in (0, 1):
        sys.exit(f"failed: {' '.join(command[:4])} … (exit {code})")
    return float(wall), int(peak), float(cpu)


def measure(command: list[str], repeat: int) -> tuple[float, int]:
    """Median wall time (s) and the largest peak RSS (KB) over ``repeat`` runs."""
    runs = [run_once(command) for _ in range(repeat)]
    return statistics.median(r[0] for r in runs), max(r[1] for r in runs)


def memory_and_size(root: Path, lflint: str, args) -> list[tuple[str, float, float, str]]:
    """Peak RSS of one process at each file count and for one long YAML stream (the text report and JSON), and
    CPU time against size for one large spec (least of ``--repeat`` runs: the machine's noise only adds)."""
    goals = []
    print(f"\n{'peak RSS, lflint check -j 1':<44}  {'RSS':>8}  {'wall':>8}")
    for count in args.rss_files:
        directory, _ = corpus(root, f"rss-{count}", count, broken=0.2)
        wall, rss, _ = run_once([lflint, "check", "-j", "1", str(directory)])
        print(f"{f'{count:,} files':<44}  {rss / 1024:>5.1f} MB  {wall:>7.2f}s")
        goals.append((f"{count} files: peak RSS <= 40 MB", rss / 1024, 40.0, "MB"))
        shutil.rmtree(directory)
    path = stream(root / "stream.lfjob.yaml", args.stream_docs)
    for fmt in ("text", "json"):
        wall, rss, _ = run_once([lflint, "check", "-j", "1", "--format", fmt, str(path)])
        label = f"{args.stream_docs:,}-document stream ({path.stat().st_size / 1048576:.1f} MB), {fmt}"
        print(f"{label:<44}  {rss / 1024:>5.1f} MB  {wall:>7.2f}s")
        goals.append((f"{args.stream_docs}-document stream, --format {fmt}: peak RSS <= 40 MB", rss / 1024, 40.0, "MB"))
    print(f"\n{'one large spec':<16}  {'CPU':>8}  {'per MB':>8}  {'peak RSS':>9}")
    per_mb = []
    for megabytes in args.spec_mb:
        path = large_spec(root / f"spec-{megabytes}.lfjob.yaml", megabytes)
        size = path.stat().st_size / 1048576
        runs = [run_once([lflint, "check", str(path)]) for _ in range(args.repeat)]
        cpu, rss = min(r[2] for r in runs), max(r[1] for r in runs)
        per_mb.append((size, cpu))
        print(f"{f'{size:.2f} MB':<16}  {cpu:>7.2f}s  {cpu / size:>7.2f}s  {rss / 1024:>6.1f} MB")
    if len(per_mb) >= 3:  # CPU per MB added above the smallest spec (which also pays the start-up), largest vs second

        def slope(i):
            return (per_mb[i][1] - per_mb[0][1]) / (per_mb[i][0] - per_mb[0][0])

        goals.append(
            (
                "large spec: CPU per MB added, largest / second size <= 1.5 (linear)",
                slope(-1) / max(slope(1), 1e-6),
                1.5,
                "x",
            )
        )
    return goals


def corpus(root: Path, name: str, count: int, broken: float) -> tuple[Path, list[str]]:
    directory = root / name
    files = generate(directory, count, seed=42, broken=broken)
    return directory, [str(f) for f in files]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1, 1000, 10000])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--rss-files", type=int, nargs="+", default=[1000, 100000], help="file counts whose peak RSS is measured"
    )
    parser.add_argument("--stream-docs", type=int, default=10000, help="documents in the one YAML stream measured")
    parser.add_argument(
        "--spec-mb", type=float, nargs="+", default=[0.3, 1, 3, 9], help="sizes of the one large spec timed"
    )
    args = parser.parse_args()
    path = os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])  # this venv's first
    lflint = shutil.which("lflint", path=path)
    other = shutil.which("check-jsonschema", path=path)
    if not lflint or not other:
        sys.exit("needs lflint and check-jsonschema on PATH: pip install -e '.[bench]' (in the venv)")

    # as pip leaves an installed package (and as check-jsonschema is): byte-compiled, even where
    # PYTHONDONTWRITEBYTECODE stops Python from writing the .pyc files itself
    package = subprocess.run(
        [sys.executable, "-c", "import lflint; print(lflint.__path__[0])"], capture_output=True, text=True, check=True
    ).stdout.strip()
    subprocess.run([sys.executable, "-m", "compileall", "-q", package], check=True)

    with tempfile.TemporaryDirectory(prefix="lflint-bench-") as tmp:
        root = Path(tmp)
        schema = root / "job.schema.json"
        schema.write_text(subprocess.run([lflint, "schema"], capture_output=True, text=True, check=True).stdout)
        floor = [sys.executable, "-c", FLOOR]
        print(
            f"{'files':>6}  {'lflint -j1':>10}  {'lflint':>8}  {'check-jsonschema':>16}  {'floor':>7}  "
            f"{'speed-up -j1':>12}  {'speed-up':>8}  {'peak RSS -j1':>12}"
        )
        results = {}
        for size in args.sizes:
            directory, files = corpus(root, f"mixed-{size}", size, broken=0.2)
            one, one_mem = measure([lflint, "check", "-j", "1", str(directory)], args.repeat)
            default, _ = measure([lflint, "check", str(directory)], args.repeat)
            theirs, _ = measure([other, "--schemafile", str(schema), *files], args.repeat)
            parse, _ = measure([*floor, *files], args.repeat)
            results[size] = (one, default, theirs)
            print(
                f"{size:>6}  {one:>9.3f}s  {default:>7.3f}s  {theirs:>15.3f}s  {parse:>6.3f}s  "
                f"{theirs / one:>11.1f}x  {theirs / default:>7.1f}x  {one_mem / 1024:>9.1f} MB"
            )

        big = max(args.sizes)
        clean_one, clean_files = corpus(root, "clean-1", 1, broken=0.0)
        clean_dir, clean_all = corpus(root, f"clean-{big}", big, broken=0.0)
        lf_1, _ = measure([lflint, "check", "-j", "1", str(clean_one)], args.repeat)
        lf_n, _ = measure([lflint, "check", "-j", "1", str(clean_dir)], args.repeat)
        fl_1, _ = measure([*floor, *clean_files], args.repeat)
        fl_n, _ = measure([*floor, *clean_all], args.repeat)
        marginal = (lf_n - lf_1) / (big - 1) * 1000
        floor_marginal = max((fl_n - fl_1) / (big - 1) * 1000, 1e-6)  # tiny corpora: noise may exceed the work
        memory_goals = memory_and_size(root, lflint, args)

    print()
    print(
        f"marginal cost of a clean file: lflint {marginal:.3f} ms, floor {floor_marginal:.3f} ms "
        f"({marginal / floor_marginal:.1f}x the floor)"
    )
    goals = []
    if 1 in results:
        goals.append(("one file: lflint <= 0.5x check-jsonschema", results[1][0] / results[1][2], 0.5, "x"))
    for size in (s for s in args.sizes if s >= 1000):
        goals.append(
            (
                f"{size} files, one process: >= 5x check-jsonschema's throughput",
                results[size][2] / results[size][0],
                5.0,
                "min",
            )
        )
    goals.append(("clean file: marginal cost <= 3x the floor", marginal / floor_marginal, 3.0, "x"))
    print()
    for label, value, target, kind in goals + memory_goals:
        met = value >= target if kind == "min" else value <= target
        print(f"{'met ' if met else 'MISS'}  {label}: {value:.2f}{' MB' if kind == 'MB' else ''}")


if __name__ == "__main__":
    main()
