"""Time lflint against its peers and the read + parse floor, on the same files, in one run.

    pip install -e '.[bench]' && python benchmarks/run.py [--sizes 1 1000 10000] [--repeat 5] [--quick]

For each corpus size it times, as separate processes, ``--repeat`` rounds in which every command runs once in
turn (paired, alternating runs: the machine's load drifts alike for all of them); a time is the median of its
rounds, a ratio the median of the rounds' ratios:

- ``lflint check -j 1 DIR`` (all rules, one process), ``lflint check DIR`` (default ``--jobs``) and, from 1,000
  files on, ``lflint check -j 2 DIR``;
- ``check-jsonschema --schemafile job.schema.json FILES...``, fed lflint's own exported schema (schema checks only);
- ajv-cli 5 with ajv-formats (node; schema only, ``--all-errors``, the same schema and files), installed with npm
  into ``~/.cache/lflint-bench/ajv`` on first use; skipped, with a message, where npm is missing;
- yamllint with its default config (the ``bench`` extra), on the same files;
- the floor: a Python process that reads every file and parses it with the fastest parser there is (PyYAML's
  libyaml loader, ``json``), and does nothing else.

Then, at the largest size: a corpus where every file has 3 to 5 mistakes against a clean one (the cost of a file
with findings), and a warm ``--cache`` run against the read + hash floor (a Python process that walks the
directory and hashes every file).

Then the peak RSS of ``lflint check -j 1`` at ``--rss-files`` counts and for one YAML stream of ``--stream-docs``
jobs (half of them with mistakes), and the CPU time of one large spec of each ``--spec-mb`` size.

It then prints the ratios and whether each goal of docs/performance.md (issue 17) is met. ``--quick`` (a few
minutes) times 1 and 2,000 files and a smaller memory section. The marginal cost of a clean file
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

HASH_FLOOR = """
import hashlib, os, sys
def walk(directory):
    for entry in os.scandir(directory):
        if entry.is_dir():
            walk(entry.path)
        else:
            with open(entry.path, 'rb') as fh:
                hashlib.sha256(fh.read()).digest()
walk(sys.argv[1])
"""

AJV_PACKAGES = ["ajv-cli@5", "ajv-formats@3"]


def run_once(command: list[str], cwd: Path | None = None) -> tuple[float, int, float]:
    """Wall time (s), peak RSS (KB) and CPU time (user + system, s) of one run of ``command``."""
    out = subprocess.run([sys.executable, "-c", MEASURE, *command], capture_output=True, text=True, check=True, cwd=cwd)
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


def corpus(root: Path, name: str, count: int, broken: float, mistakes=None) -> tuple[Path, list[str]]:
    directory = root / name
    files = generate(directory, count, seed=42, broken=broken, mistakes=mistakes)
    return directory, [str(f) for f in files]


def paired(commands: dict[str, list[str] | None], repeat: int, cwd: Path | None = None) -> dict[str, list[float]]:
    """Wall times of ``repeat`` rounds, each running every command once in turn (None: a peer not installed)."""
    times: dict[str, list[float]] = {name: [] for name, command in commands.items() if command}
    for _ in range(repeat):
        for name in times:
            times[name].append(run_once(commands[name], cwd)[0])
    return times


def ratio(times: dict[str, list[float]], ours: str, theirs: str) -> float | None:
    """The median over rounds of ``ours`` / ``theirs`` (None when either was not run)."""
    if ours not in times or theirs not in times:
        return None
    return statistics.median(a / b for a, b in zip(times[ours], times[theirs], strict=True))


def ajv_command(schema: Path) -> list[str] | None:
    """ajv-cli's validate command (installed with npm into a cache directory on first use), or None without npm."""
    base = os.environ.get("XDG_CACHE_HOME", "")
    prefix = (Path(base) if os.path.isabs(base) else Path.home() / ".cache") / "lflint-bench" / "ajv"
    binary = prefix / "node_modules" / ".bin" / "ajv"
    npm = shutil.which("npm")
    if not binary.exists():
        if not npm:
            print("ajv-cli: skipped (npm not found; install Node.js to compare with ajv-cli)")
            return None
        print(f"ajv-cli: installing {' '.join(AJV_PACKAGES)} into {prefix} ...", flush=True)
        done = subprocess.run(
            [npm, "install", "--prefix", str(prefix), "--no-audit", "--no-fund", "--silent", *AJV_PACKAGES],
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode or not binary.exists():
            print(f"ajv-cli: skipped (npm install failed: {done.stderr.strip()[-200:]})")
            return None
    # lflint's schema has annotations ajv does not know (markdownDescription): not strict, as a user would run it
    return [str(binary), "validate", "-s", str(schema), "--all-errors", "--strict=false", "-c", "ajv-formats"]


def with_files(command: list[str] | None, files: list[str], flag: str | None = None) -> list[str] | None:
    if command is None:
        return None
    return [*command, *(part for f in files for part in ((flag, f) if flag else (f,)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1, 1000, 10000])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument(
        "--rss-files", type=int, nargs="+", default=[1000, 100000], help="file counts whose peak RSS is measured"
    )
    parser.add_argument("--stream-docs", type=int, default=10000, help="documents in the one YAML stream measured")
    parser.add_argument(
        "--spec-mb", type=float, nargs="+", default=[0.3, 1, 3, 9], help="sizes of the one large spec timed"
    )
    parser.add_argument("--quick", action="store_true", help="1 and 2,000 files, 3 rounds, a small memory section")
    args = parser.parse_args()
    if args.quick:
        args.sizes, args.repeat, args.rss_files, args.stream_docs, args.spec_mb = (
            [1, 2000],
            3,
            [1000],
            2000,
            [0.3, 1, 3],
        )
    path = os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])  # this venv's first
    lflint = shutil.which("lflint", path=path)
    other = shutil.which("check-jsonschema", path=path)
    if not lflint or not other:
        sys.exit("needs lflint and check-jsonschema on PATH: pip install -e '.[bench]' (in the venv)")
    yamllint = shutil.which("yamllint", path=path)
    if not yamllint:
        print("yamllint: skipped (not installed: pip install -e '.[bench]')")

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
        ajv = ajv_command(schema)
        floor = [sys.executable, "-c", FLOOR]
        peers = ["check-jsonschema", "ajv-cli", "yamllint"]

        def commands(directory: Path, files: list[str], jobs2: bool, slow: bool = True) -> dict[str, list[str] | None]:
            """What is timed on one corpus; ``slow``: also check-jsonschema and yamllint (10-20x lflint's time)."""
            target = files if len(files) == 1 else [str(directory)]  # one file as pre-commit passes it
            return {
                "lflint -j1": [lflint, "check", "-j", "1", *target],
                "lflint": [lflint, "check", *target],
                "lflint -j2": [lflint, "check", "-j", "2", *target] if jobs2 else None,
                "check-jsonschema": [other, "--schemafile", str(schema), *files] if slow else None,
                "ajv-cli": with_files(ajv, files, "-d"),
                "yamllint": with_files([yamllint] if yamllint and slow else None, files),
                "floor": [*floor, *files],
            }

        def table(title: str, runs: dict[int, dict[str, list[float]]]) -> None:
            names = list(dict.fromkeys(n for times in runs.values() for n in times))
            shown = [p for p in peers if p in names]
            print(f"\n{title}: median wall time (s) of {args.repeat} paired rounds; lflint / peer")
            heads = [f"{n:>17}" for n in names] + [f"{'lflint/' + p:>24}" for p in shown]
            print(f"{'files':>6}  " + "".join(heads))
            for size, times in runs.items():
                cells = [f"{statistics.median(times[n]):>16.3f}s" if n in times else f"{'-':>17}" for n in names]
                ratios = [f"{r:>23.2f}x" if (r := ratio(times, "lflint", p)) else f"{'-':>24}" for p in shown]
                print(f"{size:>6}  " + "".join(cells + ratios))

        mixed = {}
        for size in args.sizes:
            directory, files = corpus(root, f"mixed-{size}", size, broken=0.2)
            mixed[size] = paired(commands(directory, files, size == max(args.sizes)), args.repeat)
            if size != max(args.sizes):  # the largest is used again below
                shutil.rmtree(directory)
        table("mixed corpus (one file in five with 1-3 mistakes)", mixed)

        big = max(args.sizes)
        clean_one, clean_files = corpus(root, "clean-1", 1, broken=0.0)
        clean_dir, clean_all = corpus(root, f"clean-{big}", big, broken=0.0)
        bad_dir, bad_all = corpus(root, f"findings-{big}", big, broken=1.0, mistakes=(3, 5))
        one = paired(
            {"lflint -j1": [lflint, "check", "-j", "1", *clean_files], "floor": [*floor, *clean_files]}, args.repeat
        )
        slow = big <= 2000  # beyond, the slow peers are timed on the mixed corpus only
        clean = paired(commands(clean_dir, clean_all, False, slow), args.repeat)
        bad = paired(commands(bad_dir, bad_all, False, slow), args.repeat)
        table(f"{big} clean files", {big: clean})
        table(f"{big} files, each with 3-5 mistakes", {big: bad})

        def marginal(times, name):  # per file above the first, in ms
            return (statistics.median(times[name]) - statistics.median(one[name])) / max(big - 1, 1) * 1000

        lf_clean, lf_bad, fl_clean = (
            marginal(clean, "lflint -j1"),
            marginal(bad, "lflint -j1"),
            marginal(clean, "floor"),
        )
        fl_clean = max(fl_clean, 1e-6)  # tiny corpora: noise may exceed the work

        mixed_dir = root / f"mixed-{big}"
        cache_cmd = [lflint, "check", "-j", "1", "--cache", str(mixed_dir)]
        run_once(cache_cmd, cwd=root)  # fills the cache (in root's .lflint_cache: the warm runs run there too)
        warm = paired(
            {"warm cache": cache_cmd, "read + hash": [sys.executable, "-c", HASH_FLOOR, str(mixed_dir)]},
            args.repeat,
            cwd=root,
        )
        print(
            f"\nwarm --cache, {big} unchanged files: {statistics.median(warm['warm cache']):.3f}s; read + hash "
            f"floor {statistics.median(warm['read + hash']):.3f}s"
        )
        memory_goals = memory_and_size(root, lflint, args)

    print()
    print(
        f"marginal cost of a file: lflint clean {lf_clean:.3f} ms, with 3-5 mistakes {lf_bad:.3f} ms; floor "
        f"(libyaml load) {fl_clean:.3f} ms"
    )
    goals = []
    top = mixed[big]

    def goal(label, value, target, kind="x"):
        if value is not None:
            goals.append((label, value, target, kind))

    goal(f"{big} files, default options: lflint <= ajv-cli", ratio(top, "lflint", "ajv-cli"), 1.0)
    goal(f"{big} files, -j 1: lflint <= 1.5x ajv-cli", ratio(top, "lflint -j1", "ajv-cli"), 1.5)
    speedup = statistics.median(a / b for a, b in zip(top["lflint -j1"], top["lflint -j2"], strict=True))
    goal(f"{big} files: -j 2 >= 1.7x -j 1", speedup, 1.7, "min")
    if 1 in mixed:
        goal("one file: lflint <= yamllint", ratio(mixed[1], "lflint -j1", "yamllint"), 1.0)
        goal("one file (stretch): lflint <= 0.8x yamllint", ratio(mixed[1], "lflint -j1", "yamllint"), 0.8)
        goal("one file: lflint <= 0.5x check-jsonschema", ratio(mixed[1], "lflint -j1", "check-jsonschema"), 0.5)
    goal("a file with findings <= 1.5x a clean one (marginal cost)", lf_bad / max(lf_clean, 1e-6), 1.5)
    goal(f"warm cache, {big} files: <= 1.5x the read + hash floor", ratio(warm, "warm cache", "read + hash"), 1.5)
    goal("clean file: marginal cost <= 1.2x the floor (libyaml load)", lf_clean / fl_clean, 1.2)
    for size in (s for s in args.sizes if s >= 1000):
        goal(
            f"{size} files, one process: >= 5x check-jsonschema's throughput",
            1 / ratio(mixed[size], "lflint -j1", "check-jsonschema"),
            5.0,
            "min",
        )
    print()
    for label, value, target, kind in goals + memory_goals:
        met = value >= target if kind == "min" else value <= target
        print(f"{'met ' if met else 'MISS'}  {label}: {value:.2f}{' MB' if kind == 'MB' else ''}")


if __name__ == "__main__":
    main()
