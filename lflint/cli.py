"""The command line: a thin shell around ``lflint.runner``."""

from __future__ import annotations

import errno
import os
import sys
from pathlib import Path

import click

from . import __version__
from .report import DEFAULT, FORMATS

LEVELS = ("error", "warning", "info")
STREAMED = ("text", "json")  # the formats printed file by file on stdout (``_pieces``)


class _Group(click.Group):
    """Every error becomes one line and exit 2 (a bug: "internal error" and where to report it), Ctrl-C exit 130;
    never a traceback."""

    def invoke(self, ctx):
        from .config import ConfigError
        from .rules import RuleError

        try:
            if sys.stdout is None:  # started with stdout closed (`>&-`)
                raise _CannotWrite("stdout is closed")
            try:
                return super().invoke(ctx)
            finally:
                sys.stdout.flush()  # a report that cannot be written fails here, not silently at exit
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except KeyboardInterrupt:
            click.echo("lflint: interrupted", err=True)
            sys.exit(130)
        except BrokenPipeError:  # the reader left (`| head`): a quiet exit, as ruff's
            _drop_stdout()
            sys.exit(0)
        except (ConfigError, RuleError) as exc:
            click.echo(f"lflint: error: {exc}", err=True)
        except _CannotWrite as exc:
            click.echo(f"lflint: error: cannot write the report: {exc}", err=True)
        except OSError as exc:  # the environment, not lflint: e.g. a report that cannot be written
            if exc.filename is None and exc.errno in _WRITE_ERRORS:  # stdout (files are read without raising)
                _drop_stdout()
                click.echo(f"lflint: error: cannot write the report: {(exc.strerror or str(exc)).lower()}", err=True)
                sys.exit(2)
            click.echo(f"lflint: error: {exc.filename + ': ' if exc.filename else ''}{exc.strerror or exc}", err=True)
        except Exception as exc:  # noqa: BLE001 - a bug: one line and exit 2, never a traceback or exit 1
            from .runner import internal_error

            click.echo(f"lflint: {internal_error(exc)}", err=True)
        sys.exit(2)


class _CannotWrite(Exception):
    """stdout cannot take the report."""


def _drop_stdout() -> None:
    """Point stdout at /dev/null, so that what it still buffers is not written (and fails again) at exit."""
    os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


_WRITE_ERRORS = {getattr(errno, name) for name in ("ENOSPC", "EFBIG", "EDQUOT", "EBADF", "EIO") if hasattr(errno, name)}


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="lflint")
def main():
    """Lint Huawei Cloud LakeFormation job specs (create-job request bodies) in YAML or JSON."""


def _split(values: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(s.strip() for v in values for s in v.split(",") if s.strip())


def _overrides(select, extend_select, ignore, fail_on) -> dict:
    return {
        "select": _split(select),
        "extend_select": _split(extend_select),
        "ignore": _split(ignore),
        "fail_on": fail_on,
    }


_config_options = [
    click.option("--config", type=click.Path(dir_okay=False), help="Config file (.lflint.toml or pyproject.toml)."),
    click.option("--isolated", is_flag=True, help="Ignore every config file."),
    click.option("--select", multiple=True, help="Only these rules (ids, id prefixes like LF3, or slugs)."),
    click.option("--extend-select", multiple=True, help="Rules to enable in addition to the selection."),
    click.option("--ignore", multiple=True, help="Rules to disable."),
]


def config_options(func):
    for option in reversed(_config_options):
        func = option(func)
    return func


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(readable=False))  # an unreadable one: LF007
@click.option("--format", "fmt", type=click.Choice(FORMATS), default=DEFAULT, show_default=True, help="Report format.")
@click.option("--fail-on", type=click.Choice(LEVELS), help="Lowest severity that fails the run [default: warning].")
@click.option(
    "--output-file",
    "-o",
    type=click.Path(dir_okay=False),
    help="Write the report here; the terminal keeps a text summary.",
)
@click.option("--statistics", is_flag=True, help="Print the number of findings per rule.")
@click.option("--stdin-filename", help="Name (and so format and config) of the spec read from stdin ('-').")
@click.option("--no-color", is_flag=True, help="No colour, even on a terminal (NO_COLOR does the same).")
@click.option(
    "--jobs",
    "-j",
    type=click.IntRange(min=1),
    help="Processes to lint with [default: every CPU for "
    "300 files or more, else 1]. The output is the same, in the same order.",
)
@click.option(
    "--cache/--no-cache",
    default=None,
    help="Reuse the findings of unchanged files [default: the `cache` setting, off].",
)
@click.option(
    "--write-baseline",
    is_flag=False,
    flag_value="",
    default=None,
    metavar="[FILE]",
    help="Record every current finding in the baseline (default: the `baseline` setting, "
    ".lflint-baseline.json next to the config) and report nothing.",
)
@click.option("--no-baseline", is_flag=True, help="Ignore the baseline: report every finding.")
@click.option(
    "--add-suppressions",
    is_flag=True,
    help="Write an inline suppression for each current finding into its YAML file (every other byte kept) "
    "and report nothing.",
)
@click.option("--reason", help="The reason written after each suppression of --add-suppressions.")
@click.option(
    "--diff-base",
    metavar="REF",
    help="Lint only the specs among PATHS changed since the git revision REF (`git diff --name-only REF`).",
)
@click.option("--fix/--no-fix", default=None, help="Apply safe fixes in place [default: the `fix` setting, off].")
@click.option(
    "--unsafe-fixes/--no-unsafe-fixes",
    default=None,
    help="Also apply unsafe fixes (a guess, or a change of what the job does) [default: the setting, off].",
)
@click.option("--diff", is_flag=True, help="Print the diff of what --fix would change; write nothing.")
@click.option("--show-fixes", is_flag=True, help="List the findings that fixes repaired.")
@config_options
def check(
    paths,
    fmt,
    fail_on,
    output_file,
    statistics,
    stdin_filename,
    no_color,
    jobs,
    cache,
    write_baseline,
    no_baseline,
    add_suppressions,
    reason,
    diff_base,
    fix,
    unsafe_fixes,
    diff,
    show_fixes,
    config,
    isolated,
    select,
    extend_select,
    ignore,
):
    """Lint job specs: files, directories (their *.lfjob.yaml/.yml/.json files) or '-' for stdin."""
    from collections import Counter

    from .report import Context, text
    from .runner import Runner

    if paths.count("-") > 1:
        raise click.UsageError("'-' (stdin) may be given once")
    if output_file == "-":  # stdout, as for most tools
        output_file = None
    if stdin_filename and "-" not in paths:
        raise click.UsageError("--stdin-filename names the spec read from stdin: give '-' among the paths")
    if reason is not None and not add_suppressions:
        raise click.UsageError("--reason is the reason of --add-suppressions: give both")
    overrides = {**_overrides(select, extend_select, ignore, fail_on), "fix": fix, "unsafe_fixes": unsafe_fixes}
    runner = Runner(config, isolated, overrides, cache, diff=diff)
    here = runner.settings_in(Path.cwd())
    linter = runner.linter_for(here)  # a bad selector fails before any work
    rules = linter.rules
    from .paths import repository_root

    root = repository_root(Path.cwd(), here.root)
    targets = list(paths) or ["."]
    if diff_base is not None:
        targets = _changed(runner, diff_base, targets)
    # a fixed spec from stdin goes to stdout; the report then goes to stderr
    fix_stdin = "-" in targets and not diff and runner.settings_for(Path(stdin_filename or "-")).fix
    if fix_stdin and len(targets) > 1:
        raise click.UsageError("--fix with '-' (stdin) writes the fixed spec to stdout: give '-' alone")
    if fix_stdin or diff:
        return _check_fixing(runner, targets, stdin_filename, jobs, fmt, diff, show_fixes)
    if add_suppressions:
        from .suppress import add_suppressions as add

        if reason is not None and (not reason.isprintable() or "#" in reason):
            raise click.UsageError("--reason is one line of printable text without '#'")
        _edits(*add(runner.run(targets, jobs), reason, here.max_file_size), "suppression")
    adopted = None
    if write_baseline is not None or not no_baseline:
        from .baseline import Baseline, location

        adopted = Baseline(
            Path(write_baseline) if write_baseline else location(here, root), root, record=write_baseline is not None
        )
        if write_baseline is None and not adopted.entries:
            adopted = None  # an empty baseline filters nothing: no file's path or findings need be recorded
    if write_baseline is not None:
        for result in _results(runner, targets, stdin_filename, jobs):
            adopted.filter(result)
        count = adopted.write()
        click.echo(
            f"lflint: wrote {count} baseline entr{'y' if count == 1 else 'ies'} to "
            f"{click.format_filename(adopted.path)}"
        )
        sys.exit(0)
    colour = not no_color and "NO_COLOR" not in os.environ and sys.stdout.isatty()
    # text and JSON on stdout stream: each file's findings are printed as soon as they are known and only counted
    # after; the other formats render one document and keep the findings (and text to a file the lines it shows)
    stream = fmt in STREAMED and not output_file
    diagnostics, names, lines, errors, inputs, cached, shown = [], [], {}, [], [], 0, 0
    files, failed, severities, per_rule, fixable, fixed = 0, False, Counter(), Counter(), Counter(), []
    machine = fmt != "text"
    for result in _results(runner, targets, stdin_filename, jobs):
        if output_file:
            inputs.append(result.name)
        if adopted is not None:
            result = adopted.filter(result)
        if machine:  # paths relative to the repository root, wherever lflint runs
            result = _relative(result, root)
        result = _printable_name(result)
        if result.error:
            errors.append(f"lflint: {result.name}: {result.error}")
        if result.note:
            errors.append(f"lflint: {result.name}: {result.note}")
        fixed.extend(result.fixed)
        files += 1
        cached += result.cached
        if stream and not result.diagnostics:  # most files: nothing to count or print
            continue
        for d in result.diagnostics:  # one pass: a long stream's are made as they are read (``Findings``)
            if d.fix:
                fixable[d.fix.applicability] += 1
            severities[d.severity] += 1
            per_rule[d.rule, d.name] += 1
            failed = failed or runner.fails(d)
        if stream:
            _echo_pieces(_pieces(fmt, result.diagnostics, result.lines, colour, shown))
            shown += len(result.diagnostics)
            continue
        names.append(result.name)
        diagnostics.extend(result.diagnostics)
        if fmt in ("text", "rdjson", "rdjsonl"):  # excerpts; rdjson's byte columns and suggestions
            lines.update(((result.name, n), line) for n, line in result.lines.items())
    if adopted is not None and "LF012" in rules:
        from .paths import relative_path

        name = relative_path(str(adopted.path), root) if machine else os.path.relpath(adopted.path)
        unused = adopted.unused(linter, name)
        severities.update(d.severity for d in unused)
        per_rule.update((d.rule, d.name) for d in unused)
        failed = failed or any(runner.fails(d) for d in unused)
        if stream:
            _echo_pieces(_pieces(fmt, unused, {}, colour, shown))
            shown += len(unused)
        diagnostics.extend(unused)
    if stream and fmt == "json":
        from .report import json as json_report

        click.echo(json_report.end(shown), nl=False)
    elif stream:
        click.echo(text.summary_of(severities, files))
        if text.fixable_line(fixable):
            click.echo(text.fixable_line(fixable))
    else:
        report = _render(fmt, diagnostics, Context(rules, lines, colour, files, tuple(names), root))
        if output_file:
            _write_report(Path(output_file), report, inputs)
            click.echo(text.summary_of(severities, files))
        else:
            click.echo(report, nl=False)
    if fixed or show_fixes:
        _fixed(fixed, show_fixes, err=fmt != "text" and not output_file)
    if statistics:
        err = fmt != "text" and not output_file
        _statistics(per_rule, err)
        if runner.cache is not None:
            click.echo(f"{cached} of {files} file{'s' if files != 1 else ''} answered from the cache", err=err)
    for error in errors:
        click.echo(error, err=True)
    sys.exit(2 if errors else 1 if failed else 0)


def _changed(runner, ref: str, targets: list[str]) -> list[str]:
    """The specs among ``targets`` (as ``check`` finds them) that changed since the git revision ``ref``."""
    from .paths import GitError, changed_files

    try:
        changed = changed_files(ref, Path.cwd())
    except GitError as exc:
        click.echo(f"lflint: error: --diff-base {ref}: {exc}", err=True)
        sys.exit(2)
    files = [p for p in targets if p != "-"]
    return ["-"] * (len(files) < len(targets)) + [
        str(f) for f in runner.expand(files) if Path(os.path.abspath(f)) in changed
    ]


def _relative(result, root: Path):
    """``result`` with its file named relative to the repository ``root``."""
    from .paths import relative_path

    return _renamed(result, relative_path(result.name, root))


def _renamed(result, name: str):
    """``result`` with its file called ``name``; its findings held as compactly as before (``Findings``)."""
    if name == result.name:
        return result
    from .diagnostic import Findings

    return result._replace(name=name, diagnostics=Findings(d._replace(file=name) for d in result.diagnostics))


def _edits(counts, skipped, what: str) -> None:
    """Report the edits ``counts`` (files → number) made and the files ``skipped`` (why), and end the run."""
    total = sum(counts.values())
    for why in skipped:
        click.echo(f"lflint: skipped {why}", err=True)
    for file, count in counts.items():
        click.echo(f"{click.format_filename(file)}: {count} {what}{'s' if count != 1 else ''} added")
    click.echo(
        f"lflint: added {total} {what}{'s' if total != 1 else ''} in {len(counts)} "
        f"file{'s' if len(counts) != 1 else ''}"
    )
    sys.exit(0)


def _fixed(fixed, listed: bool, err: bool) -> None:
    """How many findings fixes repaired, and with ``listed`` (``--show-fixes``) which."""
    click.echo(f"Fixed {len(fixed)} finding{'s' if len(fixed) != 1 else ''}.", err=err)
    for d in fixed if listed else ():
        click.echo(_printable(f"  {d.file}:{d.line}:{d.column}: {d.rule} {d.fix.message}"), err=err)


def _check_fixing(runner, paths, stdin_filename, jobs, fmt, diff, show_fixes):
    """``check --diff`` (the diff of every file's fixes on stdout; exit 1 when there is one), or ``check --fix``
    of a spec read from stdin (the fixed text on stdout, the report on stderr)."""
    from .report import Context

    diagnostics, names, fixed, errors, changed = [], [], [], [], False
    for result in _results(runner, paths, stdin_filename, jobs):
        result = _printable_name(result)
        names.append(result.name)
        errors += [f"lflint: {result.name}: {e}" for e in (result.error, result.note) if e]
        fixed.extend(result.fixed)
        if diff:
            changed = changed or bool(result.diff)
            click.echo(_printable(result.diff or ""), nl=False)
        else:
            diagnostics.extend(result.diagnostics)
            changed = any(runner.fails(d) for d in diagnostics)
            sys.stdout.buffer.write(result.text.encode("utf-8") if result.text is not None else _STDIN.raw)
    if not diff:
        rules = runner.linter_for(runner.settings_in(Path.cwd())).rules
        click.echo(_render(fmt, diagnostics, Context(rules, {}, False, len(names), tuple(names))), nl=False, err=True)
    if diff:
        click.echo(f"{len(fixed)} fix{'es' if len(fixed) != 1 else ''} would be applied.", err=True)
    elif fixed or show_fixes:
        _fixed(fixed, show_fixes, err=True)
    for error in errors:
        click.echo(error, err=True)
    sys.exit(2 if errors else 1 if changed else 0)


def _printable(report: str) -> str:
    """What a report may print: a lone surrogate (a JSON spec may hold one) as its escape, not an encoding error."""
    return report.encode("utf-8", "backslashreplace").decode("utf-8")


def _pieces(fmt: str, diagnostics, lines, colour: bool, shown: int):
    """The report of one file's ``diagnostics`` in a format that streams (``STREAMED``), piece by piece; ``lines``:
    its excerpt lines by number; ``shown``: how many findings the report has printed before them."""
    if fmt == "text":
        from .report import text

        return (text.block(d, lines.get(d.line), colour) for d in diagnostics)
    from .report import json as json_report

    return (json_report.entry(d, index) for index, d in enumerate(diagnostics, shown))


def _echo_pieces(pieces, size: int = 1 << 16) -> None:
    """Print ``pieces`` of a report as they are made, about ``size`` characters at a time: a file of many findings
    (a long stream) is never one string."""
    batch, length = [], 0
    for piece in pieces:
        batch.append(piece)
        length += len(piece)
        if length >= size:
            click.echo(_printable("".join(batch)), nl=False)
            batch, length = [], 0
    if batch:
        click.echo(_printable("".join(batch)), nl=False)


def _printable_name(result):
    """``result`` with a file name that is not UTF-8 shown with its bytes escaped (``bad\\xff.yaml``)."""
    try:
        result.name.encode("utf-8")
        return result
    except UnicodeEncodeError:
        return _renamed(result, result.name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace"))


def _write_report(path: Path, report: str, inputs: list[str]) -> None:
    """Write the report (atomically), never over one of the files it reports on; failing is one line, exit 2."""
    from .fileio import write_atomic

    try:
        target = os.stat(path)
    except OSError:
        target = None  # a new file cannot be an input
    for name in inputs if target else ():
        try:
            same = os.path.samestat(target, os.stat(name))
        except OSError:
            continue
        if same:
            click.echo(
                f"lflint: error: --output-file {click.format_filename(path)} is one of the files linted; "
                "not overwritten",
                err=True,
            )
            sys.exit(2)
    try:
        write_atomic(path, report)
    except OSError as exc:
        click.echo(f"lflint: error: cannot write {click.format_filename(path)}: {exc.strerror or exc}", err=True)
        sys.exit(2)


def _results(runner, paths, stdin_filename, jobs):
    """The files in the order given; '-' is read from stdin here, the rest may go to worker processes."""
    from itertools import groupby

    for is_stdin, group in groupby(paths, key=lambda p: p == "-"):
        if is_stdin:
            name = stdin_filename or "-"
            settings = runner.settings_for(Path(name))
            raw = sys.stdin.buffer.read(settings.max_file_size + 1)  # the bound: LF008 past the limit
            _STDIN.raw = raw
            yield runner.fix_bytes(raw, name) if settings.fix or runner.diff else runner.check_bytes(raw, name)
        else:
            yield from runner.run(list(group), jobs)


class _STDIN:
    raw = b""  # the bytes read from stdin, written back as they were when --fix changes nothing


def _render(fmt, diagnostics, context) -> str:
    from .report import render

    return _printable(render(fmt, diagnostics, context))


def _statistics(counts, err: bool) -> None:
    """``counts``: findings per (rule id, slug)."""
    for (rule, name), count in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
        click.echo(f"{count:5d}  {rule}  {name}", err=err)


@main.command("rules")
@click.option("--format", "fmt", type=click.Choice(("text", "json")), default="text", show_default=True)
@config_options
def rules_command(fmt, config, isolated, select, extend_select, ignore):
    """List the rules: id, slug, severity, summary (those enabled by the config are marked *)."""
    import json

    from .rules import all_rules
    from .runner import Runner

    runner = Runner(config, isolated, _overrides(select, extend_select, ignore, None), cache=False)
    settings = runner.settings_in(Path.cwd())
    linter = runner.linter_for(settings)
    every = {r.id: r for r in all_rules(tuple(str(Path(settings.root, p)) for p in settings.rule_paths)).values()}
    if fmt == "json":
        click.echo(
            json.dumps(
                [
                    {
                        "id": r.id,
                        "slug": r.slug,
                        "severity": linter.severity(r),
                        "summary": r.summary,
                        "enabled": r.id in linter.rules,
                        "url": r.url,
                    }
                    for r in every.values()
                ],
                indent=2,
            )
        )
        return
    for rule in every.values():
        mark = "*" if rule.id in linter.rules else " "
        click.echo(f"{mark} {rule.id}  {rule.slug:<32} {linter.severity(rule):<8} {rule.summary}")


@main.command("rule")
@click.argument("name")
def rule_command(name):
    """Print the docs of one rule, by id (LF101) or slug (missing-field)."""
    from .docgen import rule_markdown
    from .rules import all_rules, find_rule

    rule = find_rule(all_rules(), name)
    if rule is None:
        from .messages import did_you_mean

        every = all_rules()
        hint = did_you_mean(name, [*(r.id for r in every.values()), *(r.slug for r in every.values())])
        raise click.UsageError(f"no rule {name!r}" + (f"; did you mean {hint!r}?" if hint else ""))
    click.echo(rule_markdown(rule), nl=False)


@main.command("new")
@click.argument("job_type", metavar="TYPE")
@click.argument("file", required=False, type=click.Path(dir_okay=False))
def new_command(job_type, file):
    """Write a commented starting spec of a job type (METADATA_MIGRATION, PERMISSION_MIGRATION or
    METADATA_DISCOVERY) to FILE (never over an existing one) or stdout."""
    from .scaffold import job_types, new_spec

    types = {t.lower(): t for t in job_types()}
    if job_type.lower() not in types:
        raise click.UsageError(f"no job type {job_type!r}; one of {', '.join(types.values())}")
    text = new_spec(types[job_type.lower()])
    if not file:
        click.echo(text, nl=False)
        return
    from .fileio import write_atomic

    path = Path(file)
    if os.path.lexists(path):
        click.echo(f"lflint: error: {click.format_filename(path)} exists; not overwritten", err=True)
        sys.exit(2)
    write_atomic(path, text)
    click.echo(
        f"lflint: wrote {click.format_filename(path)}: replace every <FILL_ME>, then `lflint check "
        f"{click.format_filename(path)}`"
    )


@main.command()
@click.option(
    "--draft",
    type=click.Choice(("7", "2020-12")),
    default="7",
    show_default=True,
    help="7: for editors (yaml-language-server, VS Code); 2020-12: the schema lflint itself checks with.",
)
def schema(draft):
    """Print the JSON Schema of a job spec (for editors and other validators)."""
    from .schema import render

    click.echo(render(draft), nl=False)


@main.command()
def server():
    """Run the language server on stdio (needs the lsp extra: pip install 'lflint[lsp]')."""
    try:
        from .server import main as serve
    except ImportError as exc:
        click.echo(
            f"lflint: error: the language server needs pygls ({exc.name} is missing): pip install 'lflint[lsp]'",
            err=True,
        )
        sys.exit(2)
    serve()


@main.command("config")
@click.argument("path", default=".", type=click.Path(exists=True))
@config_options
def config_command(path, config, isolated, select, extend_select, ignore):
    """Print the settings that apply to PATH and where each came from."""
    from .runner import Runner

    runner = Runner(config, isolated, _overrides(select, extend_select, ignore, None), cache=False)
    target = Path(path)
    settings = runner.settings_in(target) if target.is_dir() else runner.settings_for(target)
    runner.linter_for(settings)  # validates rule names
    for name in settings._fields:
        if name in ("root", "origin"):
            continue
        value = getattr(settings, name)
        shown = (
            ", ".join(f"{k}={v if isinstance(v, str) else list(v)}" for k, v in value)
            if name in ("severity", "per_file_ignores")
            else (list(value) if isinstance(value, tuple) else value)
        )
        click.echo(f"{name.replace('_', '-'):<18} = {shown}  # {settings.source_of(name)}")


@main.command("test-rules")
@click.argument("directories", nargs=-1, required=True, type=click.Path(exists=True, file_okay=False))
def test_rules(directories):
    """Run the good and bad examples of the rule files in DIRECTORIES (your own rules)."""
    from .docgen import run_examples
    from .rules import all_rules

    every = all_rules(tuple(directories))
    mine = [r for r in {r.id: r for r in every.values()}.values() if not r.id.startswith("LF")]
    failures = 0
    for rule in mine:
        problems = run_examples(rule, every) + [
            f"no {kind} example: add one" for kind in ("bad", "good") if not rule.examples[kind]
        ]
        failures += bool(problems)
        click.echo(f"{'FAIL' if problems else 'ok  '}  {rule.id}  {rule.slug}")
        for problem in problems:
            click.echo(f"      {problem}")
    click.echo(f"{len(mine) - failures} passed, {failures} failed")
    sys.exit(1 if failures or not mine else 0)
