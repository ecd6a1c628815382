"""Mutation testing for lflint: does the fast suite notice when the code is changed one edit at a time?

    python tests/mutation.py --sample 200 --seed 1            # a random sample over the core modules
    python tests/mutation.py --module suppress --module cache  # every mutant of these modules
    python tests/mutation.py --list --module engine            # the mutants, without running anything
    python tests/mutation.py --only engine.py#57,api.py#12     # re-run chosen mutants (ids as printed)

Each mutant is one edit of one module: an arithmetic or comparison operator swapped, ``and``/``or`` swapped, a
``not`` dropped, an ``if`` condition negated, a number off by one, a boolean flipped, a string emptied, a statement
or a return value dropped, ``break``/``continue`` swapped. The suite minus its slow tests (``pytest -x -m "not
slow"``) runs against it; a mutant is killed when the suite fails (or exceeds the timeout), and survives when it
passes. The tree is copied to a temporary directory once per worker and mutated there, so a crash never leaves a
mutant in the working tree; ``PYTHONPATH`` points at the copy, so the suite's subprocesses run the mutant too.

Not collected by pytest (its name does not start with ``test_``). docs/testing.md records the last run.
"""

from __future__ import annotations

import argparse
import ast
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import NamedTuple

ROOT = Path(__file__).resolve().parent.parent
# Every module but the language server (server.py and editor.py, which only it uses; its tests are slow ones, and
# schema.py's hover and completion helpers are its too) and the entry points (cli.py, __main__.py, __init__.py).
EXCLUDED = {"server.py", "editor.py", "schema.py", "cli.py", "__main__.py", "__init__.py"}  # directly in lflint/
# Loaded into each run (-p), and named by HYPOTHESIS_PROFILE for a conftest.py that loads the profile it names.
# Properties draw the same examples in every run (derandomize, no database), so a mutant is killed only by what it
# changed: never by a rare input the clean run did not draw, nor by one a database replays after an earlier mutant
# found it, nor by a slow example on a busy machine (a hang is the per-mutant timeout's).
PROFILE = "lflint-mutation"
PLUGIN = f"""from hypothesis import settings
settings.register_profile({PROFILE!r}, deadline=None, derandomize=True, database=None)
settings.load_profile({PROFILE!r})
"""
# The checkout is copied whole (tests read action.yml, .pre-commit-hooks.yaml, ...) but for these.
NOT_COPIED = {".git", ".venv", "build", "dist"}
CACHES = ("__pycache__", ".hypothesis", ".pytest_cache", ".lflint_cache", ".ruff_cache", "*.egg-info")

BINOPS = {
    ast.Add: ast.Sub,
    ast.Sub: ast.Add,
    ast.Mult: ast.Div,
    ast.Div: ast.Mult,
    ast.FloorDiv: ast.Div,
    ast.Mod: ast.Mult,
    ast.BitOr: ast.BitAnd,
    ast.BitAnd: ast.BitOr,
}
CMPOPS = {
    ast.Lt: ast.LtE,
    ast.LtE: ast.Lt,
    ast.Gt: ast.GtE,
    ast.GtE: ast.Gt,
    ast.Eq: ast.NotEq,
    ast.NotEq: ast.Eq,
    ast.In: ast.NotIn,
    ast.NotIn: ast.In,
    ast.Is: ast.IsNot,
    ast.IsNot: ast.Is,
}


class Mutant(NamedTuple):
    id: str  # "engine.py#57", "report/sarif.py#3": the module and the mutant's ordinal in it
    path: str  # relative to the root, e.g. "lflint/engine.py"
    line: int
    edit: str  # what changed, e.g. "`<` → `<=`"
    start: tuple[int, int]  # (line, byte column) where the replaced text starts
    end: tuple[int, int]
    replacement: str


def modules(filters: list[str]) -> list[Path]:
    found = [
        p for p in sorted((ROOT / "lflint").rglob("*.py")) if p.relative_to(ROOT / "lflint").as_posix() not in EXCLUDED
    ]
    if filters:
        found = [p for p in found if any(f in p.relative_to(ROOT / "lflint").as_posix() for f in filters)]
    return found


def _skipped_nodes(tree: ast.AST) -> set[int]:
    """Nodes never mutated: docstrings, annotations, f-string insides (their columns are not reliable)."""
    skipped: set[int] = set()

    def skip(node):
        skipped.update(id(n) for n in ast.walk(node))

    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            body = node.body
            if (
                body
                and isinstance(body[0], ast.Expr)
                and isinstance(body[0].value, ast.Constant)
                and isinstance(body[0].value.value, str)
            ):
                skip(body[0])
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            for arg in (
                *node.args.args,
                *node.args.kwonlyargs,
                *node.args.posonlyargs,
                node.args.vararg,
                node.args.kwarg,
            ):
                if arg is not None and arg.annotation is not None:
                    skip(arg.annotation)
            if node.returns is not None:
                skip(node.returns)
        elif isinstance(node, ast.AnnAssign):
            skip(node.annotation)
        elif isinstance(node, (ast.JoinedStr, ast.Import, ast.ImportFrom)):
            skip(node)
    return skipped


def _code(node: ast.AST) -> str:
    return ast.unparse(node)


def _short(text: str, width: int = 50) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def mutants_of(path: Path) -> list[Mutant]:
    """Every single-edit mutant of one module, in source order."""
    source = path.read_text(encoding="utf-8")
    tree = ast.parse(source)
    skipped = _skipped_nodes(tree)
    rel = path.relative_to(ROOT).as_posix()
    out: list[tuple] = []  # (line, col, edit, node, replacement)

    def expr(node, new_node, edit):
        out.append((node, "(" + _code(new_node) + ")", edit))

    def stmt(node, replacement, edit):
        out.append((node, replacement, edit))

    for node in ast.walk(tree):
        if id(node) in skipped or not hasattr(node, "lineno"):
            continue
        if isinstance(node, ast.BinOp) and type(node.op) in BINOPS:
            new = ast.BinOp(node.left, BINOPS[type(node.op)](), node.right)
            expr(node, new, f"`{_op(node.op)}` → `{_op(new.op)}`")
        elif isinstance(node, ast.Compare):
            for i, op in enumerate(node.ops):
                if type(op) in CMPOPS:
                    ops = list(node.ops)
                    ops[i] = CMPOPS[type(op)]()
                    expr(node, ast.Compare(node.left, ops, node.comparators), f"`{_op(op)}` → `{_op(ops[i])}`")
        elif isinstance(node, ast.BoolOp):
            new = ast.BoolOp(ast.Or() if isinstance(node.op, ast.And) else ast.And(), node.values)
            expr(node, new, f"`{_op(node.op)}` → `{_op(new.op)}`")
        elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
            expr(node, node.operand, "`not` dropped")
        elif isinstance(node, ast.Constant):
            value = node.value
            if isinstance(value, bool):
                expr(node, ast.Constant(not value), f"`{value}` → `{not value}`")
            elif isinstance(value, int):
                expr(node, ast.Constant(value + 1), f"`{value}` → `{value + 1}`")
                if value != 0:
                    expr(node, ast.Constant(value - 1), f"`{value}` → `{value - 1}`")
            elif isinstance(value, str):
                new = "" if value else "mutant"
                expr(node, ast.Constant(new), f"{_short(repr(value), 30)} → {new!r}")
        elif isinstance(node, (ast.If, ast.While, ast.IfExp)):
            expr(node.test, ast.UnaryOp(ast.Not(), node.test), f"condition `{_short(_code(node.test))}` negated")
        elif (
            isinstance(node, ast.Return)
            and node.value is not None
            and not (isinstance(node.value, ast.Constant) and node.value.value is None)
        ):
            stmt(node, "return None", f"`{_short(_code(node))}` → `return None`")
        elif isinstance(node, ast.Break):
            stmt(node, "continue", "`break` → `continue`")
        elif isinstance(node, ast.Continue):
            stmt(node, "break", "`continue` → `break`")
        if (
            isinstance(node, (ast.Expr, ast.Assign, ast.AugAssign, ast.AnnAssign, ast.Raise, ast.Delete))
            and id(node) not in skipped
            and not (isinstance(node, ast.AnnAssign) and node.value is None)
        ):
            stmt(node, "pass", f"statement `{_short(_code(node))}` dropped")
    out.sort(key=lambda item: (item[0].lineno, item[0].col_offset, item[2]))
    return [
        Mutant(
            f"{path.relative_to(ROOT / 'lflint').as_posix()}#{n}",
            rel,
            node.lineno,
            edit,
            (node.lineno, node.col_offset),
            (node.end_lineno, node.end_col_offset),
            replacement,
        )
        for n, (node, replacement, edit) in enumerate(out, 1)
    ]


def _op(op: ast.AST) -> str:
    return {
        ast.Add: "+",
        ast.Sub: "-",
        ast.Mult: "*",
        ast.Div: "/",
        ast.FloorDiv: "//",
        ast.Mod: "%",
        ast.BitOr: "|",
        ast.BitAnd: "&",
        ast.Lt: "<",
        ast.LtE: "<=",
        ast.Gt: ">",
        ast.GtE: ">=",
        ast.Eq: "==",
        ast.NotEq: "!=",
        ast.In: "in",
        ast.NotIn: "not in",
        ast.Is: "is",
        ast.IsNot: "is not",
        ast.And: "and",
        ast.Or: "or",
    }[type(op)]


def apply(source: str, mutant: Mutant) -> str:
    """``source`` with the mutant's edit (ast columns are UTF-8 byte offsets)."""
    lines = source.encode("utf-8").splitlines(keepends=True)
    (l1, c1), (l2, c2) = mutant.start, mutant.end
    before = b"".join(lines[: l1 - 1]) + lines[l1 - 1][:c1]
    after = lines[l2 - 1][c2:] + b"".join(lines[l2:])
    mutated = (before + mutant.replacement.encode("utf-8") + after).decode("utf-8")
    ast.parse(mutated)  # every mutant is valid Python
    return mutated


def copy_tree(destination: Path) -> None:
    ignored = shutil.ignore_patterns(*CACHES)
    for source in ROOT.iterdir():
        if source.name in NOT_COPIED or ignored(str(ROOT), [source.name]):
            continue
        if source.is_dir():
            shutil.copytree(source, destination / source.name, ignore=ignored)
        else:
            shutil.copy2(source, destination / source.name)
    (destination / "_lflint_mutation_plugin.py").write_text(PLUGIN)


def run_suite(
    tree: Path, pytest_args: list[str], timeout: float, running: list | None = None
) -> tuple[str, float, str]:
    """("passed" | "failed" | "timeout", seconds, the failing test or pytest's last line) of the fast suite in
    ``tree``; the process is kept in ``running`` while it runs, for an interrupt to end it."""
    env = dict(os.environ, PYTHONPATH=str(tree), PYTHONDONTWRITEBYTECODE="1", HYPOTHESIS_PROFILE=PROFILE)
    # pytest runs files in the order given: the property tests (slowest to pass) last, so -x stops sooner
    files = sorted((tree / "tests").glob("test_*.py"), key=lambda p: ("hypothesis" in p.read_text(), p.name))
    command = [
        sys.executable,
        "-m",
        "pytest",
        "-x",
        "-q",
        "-p",
        "no:cacheprovider",
        "-m",
        "not slow",
        "-p",
        "_lflint_mutation_plugin",
        "--no-header",
        *(str(p.relative_to(tree)) for p in files),
        *pytest_args,
    ]
    started = time.monotonic()
    process = subprocess.Popen(
        command,
        cwd=tree,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        errors="replace",
        start_new_session=True,
    )
    running = [] if running is None else running
    running.append(process)
    try:
        output = process.communicate(timeout=timeout)[0]
    except subprocess.TimeoutExpired:
        return "timeout", time.monotonic() - started, ""
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        running.remove(process)
    lines = output.strip().splitlines() or [""]
    failed = next((line.split()[1] for line in lines if line.startswith(("FAILED ", "ERROR "))), lines[-1])
    return ("passed" if process.returncode == 0 else "failed"), time.monotonic() - started, failed


class Worker:
    def __init__(self, pytest_args: list[str]):
        self.directory = Path(tempfile.mkdtemp(prefix="lflint-mutation-"))
        copy_tree(self.directory)
        self.pytest_args = pytest_args
        self.running: list[subprocess.Popen] = []

    def run(self, mutant: Mutant, timeout: float) -> tuple[str, float, str]:
        target = self.directory / mutant.path
        original = target.read_text(encoding="utf-8")
        try:
            target.write_text(apply(original, mutant), encoding="utf-8")
            return run_suite(self.directory, self.pytest_args, timeout, self.running)
        finally:
            target.write_text(original, encoding="utf-8")

    def close(self) -> None:
        for process in list(self.running):
            os.killpg(process.pid, signal.SIGKILL)
        shutil.rmtree(self.directory, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--module",
        action="append",
        default=[],
        help="only modules whose path (under lflint/) contains this; repeatable",
    )
    parser.add_argument(
        "--sample",
        type=int,
        help="a random sample of this many mutants, run in random order (an "
        "interrupted run reports the mutants it ran: still a random sample)",
    )
    parser.add_argument("--seed", type=int, default=0, help="seed of the sample [default: 0]")
    parser.add_argument("--only", help="comma-separated mutant ids to run (as printed: engine.py#57)")
    parser.add_argument("--jobs", type=int, default=1, help="mutants run at once, each in its own copy [1]")
    parser.add_argument("--timeout", type=float, help="seconds per mutant [default: 3 x the clean run + 10]")
    parser.add_argument("--list", action="store_true", help="print the mutants and exit")
    parser.add_argument("--json", type=Path, help="also write the results here")
    parser.add_argument("pytest_args", nargs="*", help="passed to pytest after `--` (e.g. --deselect ...)")
    args = parser.parse_args(argv)
    # A kill cleans up as Ctrl-C does; and Ctrl-C is handled even when a shell started this in the background
    # with SIGINT ignored, which the suite's subprocesses would inherit (a test of Ctrl-C would then fail).
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    signal.signal(signal.SIGINT, signal.default_int_handler)

    every = [m for p in modules(args.module) for m in mutants_of(p)]
    chosen = every
    if args.only:
        wanted = set(args.only.split(","))
        chosen = [m for m in every if m.id in wanted]
    elif args.sample is not None and args.sample < len(every):
        chosen = random.Random(args.seed).sample(every, args.sample)  # in random order: any prefix is a sample
    if args.list:
        for m in chosen:
            print(f"{m.id:16} {m.path}:{m.line}  {m.edit}")
        print(f"{len(chosen)} of {len(every)} mutants")
        return 0

    workers = [Worker(args.pytest_args) for _ in range(max(1, args.jobs))]
    try:
        status, seconds, failed = run_suite(workers[0].directory, args.pytest_args, timeout=1800)
        if status != "passed":
            print(
                f"the unmutated fast suite does not pass ({status}: {failed}): fix it (or --deselect) first",
                file=sys.stderr,
            )
            return 2
        timeout = args.timeout or 3 * seconds + 10
        print(
            f"clean fast suite: {seconds:.1f} s; {len(chosen)} of {len(every)} mutants, timeout {timeout:.0f} s, "
            f"{len(workers)} worker(s)",
            flush=True,
        )
        free = list(workers)
        results: dict[str, tuple[str, float, str]] = {}

        def one(mutant):
            worker = free.pop()
            try:
                return mutant, worker.run(mutant, timeout)
            finally:
                free.append(worker)

        pool = ThreadPoolExecutor(len(workers))
        try:
            for n, (mutant, (status, seconds, failed)) in enumerate(pool.map(one, chosen), 1):
                results[mutant.id] = (status, seconds, failed)
                mark = "SURVIVED" if status == "passed" else status
                print(
                    f"[{n}/{len(chosen)}] {mutant.id:16} {mark:8} {seconds:5.1f}s  {mutant.path}:{mutant.line}  "
                    f"{mutant.edit}" + (f"  [{failed}]" if status == "failed" else ""),
                    flush=True,
                )
        except KeyboardInterrupt:
            print(f"interrupted: the {len(results)} mutants run so far", flush=True)
        finally:  # on an interrupt too: queued mutants are dropped, running suites killed, copies removed
            pool.shutdown(wait=False, cancel_futures=True)
    finally:
        for worker in workers:
            worker.close()

    chosen = [m for m in chosen if m.id in results]
    survivors = [m for m in chosen if results[m.id][0] == "passed"]
    print("\n| module | mutants | killed | score |\n| --- | ---: | ---: | ---: |")
    for path in sorted({m.path for m in chosen}):
        ran = [m for m in chosen if m.path == path]
        killed = sum(results[m.id][0] != "passed" for m in ran)
        print(f"| {path} | {len(ran)} | {killed} | {100 * killed / len(ran):.0f} % |")
    total_killed = len(chosen) - len(survivors)
    print(f"| **all** | {len(chosen)} | {total_killed} | {100 * total_killed / max(1, len(chosen)):.1f} % |")
    if survivors:
        print("\nSurvivors:")
        for m in survivors:
            print(f"- {m.id} {m.path}:{m.line}  {m.edit}")
    if args.json:
        args.json.write_text(
            json.dumps(
                [
                    {
                        **m._asdict(),
                        "status": results[m.id][0],
                        "killed_by": results[m.id][2] if results[m.id][0] == "failed" else None,
                    }
                    for m in chosen
                ],
                indent=1,
                ensure_ascii=False,
            )
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
