"""Never a traceback, a hang or an unbounded read: hostile input and broken settings end in a finding or in one
line and exit 2 (issue 12). Tests that need an unprivileged user fork a child that drops root (CI runs as root)."""

import json
import os
import pty
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import GOOD, lflint_subprocess

import lflint
import lflint.engine
import lflint.report.sarif
from lflint.cli import main

BAD = GOOD.replace("conflict_strategy: UPSERT", "conflict_strategy: upsert")
NOBODY = 65534


def cli(*args, input=None):
    """(exit code, stdout, stderr) of the CLI run in-process; an exception escaping it fails the test."""
    result = CliRunner().invoke(main, list(args), input=input)
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout, result.stderr


def unprivileged(func):
    """``func()``'s result (JSON data), computed by a user who cannot read what mode 000 protects: as root, in a
    forked child that has dropped to nobody (the modules it needs are imported before the fork)."""
    if os.geteuid() != 0:
        return func()
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns into pytest
        status = 1
        try:
            os.close(read)
            os.setgroups([])
            os.setgid(NOBODY)
            os.setuid(NOBODY)
            with os.fdopen(write, "w") as out:
                json.dump(func(), out)
            status = 0
        except BaseException:  # noqa: BLE001 - the forked child reports anything, then exits
            import traceback

            traceback.print_exc()
        finally:
            os._exit(status)
    os.close(write)
    with os.fdopen(read) as fh:
        data = fh.read()
    assert os.waitpid(pid, 0)[1] == 0, data
    return json.loads(data)


# -- never a traceback ---------------------------------------------------------------------------------------------


def test_an_internal_error_costs_one_file_not_the_run(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "bad.lfjob.yaml").write_text(BAD)
    (tmp_path / "crash.lfjob.yaml").write_text(GOOD.replace("sales", "crash"))
    real = lflint.engine.Linter.findings

    def findings(self, data):
        if data["name"] == "discover_crash":
            raise ValueError("Sup3rS3cret")  # an exception's message may quote the input: it is never shown
        return real(self, data)

    monkeypatch.setattr(lflint.engine.Linter, "findings", findings)
    for jobs in ("1", "2"):  # a worker process (forked) gets the same guard
        code, out, err = cli("check", ".", "--format", "json", "--jobs", jobs)
        found = {(d["file"], d["rule"]) for d in json.loads(out)}
        assert found == {("bad.lfjob.yaml", "LF104"), ("crash.lfjob.yaml", "LF010")}
        assert code == 2 and "Sup3rS3cret" not in out + err
        [line] = err.splitlines()
        assert line.startswith("lflint: crash.lfjob.yaml: internal error: ValueError in ")
        assert "https://github.com/lflint/lflint/issues" in line


def test_an_internal_error_outside_a_file_is_one_line_and_exit_2(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a.lfjob.yaml").write_text(BAD)
    monkeypatch.setattr("lflint.report.sarif.render", lambda *a, **k: {}["boom"])
    code, out, err = cli("check", "a.lfjob.yaml", "--format", "sarif")
    assert code == 2 and out == ""
    assert err.startswith("lflint: internal error: KeyError in ") and err.count("\n") == 1


def test_a_json_number_past_pythons_digit_limit_is_a_finding(tmp_path):
    digits = "7" * 5000
    (tmp_path / "n.json").write_text('{\n  "name": ' + digits + "\n}\n")
    code, out, err = cli("check", str(tmp_path / "n.json"), "--format", "json")
    [found] = json.loads(out)
    assert (found["rule"], found["line"], found["column"], found["end_column"]) == ("LF008", 2, 11, 5011)
    assert "4,300 digits" in found["message"] and code == 1


@pytest.mark.parametrize("fmt", ["text", "json", "sarif", "github", "junit", "gitlab"])
def test_a_file_name_that_is_not_utf8_in_every_format(tmp_path, fmt):
    name = os.fsdecode(b"bad\xff.lfjob.yaml")
    (tmp_path / name).write_text(BAD)
    (tmp_path / "odd.json").write_text('{"name": "x", "\\ud800": 1}')  # a lone surrogate, in a message
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}  # a strict terminal, as on most desktops
    result = subprocess.run(
        [sys.executable, "-m", "lflint", "check", name, "odd.json", "--format", fmt],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        timeout=60,
    )
    assert result.returncode == 1, result.stderr
    out = result.stdout.decode("utf-8")  # the report is UTF-8, whatever the names
    assert "bad\\xff.lfjob.yaml" in out.replace("\\\\", "\\")  # JSON escapes the backslash
    if fmt == "json":
        assert {d["file"] for d in json.loads(out)} == {"bad\\xff.lfjob.yaml", "odd.json"}


def test_config_files_that_cannot_be_read_as_settings(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a.lfjob.yaml").write_text(GOOD)
    (tmp_path / ".lflint.toml").write_bytes(b'fail-on = "\xff"\n')
    code, out, err = cli("check", "a.lfjob.yaml")
    assert code == 2 and "not UTF-8 (byte 0xff" in err and err.count("\n") == 1
    (tmp_path / ".lflint.toml").unlink()
    for text, key in (("tool = 3\n", "tool"), ("[tool]\nlflint = 3\n", "tool.lflint")):
        (tmp_path / "pyproject.toml").write_text(text)
        code, out, err = cli("check", "a.lfjob.yaml", "--config", "pyproject.toml")
        assert code == 2 and f"`{key}` must be a table" in err


@pytest.mark.parametrize("template", ["{field} is wrong: {oops}", "{field", "{value!r}", "{value.__class__}"])
def test_a_user_rule_whose_message_names_no_field_is_refused(tmp_path, monkeypatch, template):
    monkeypatch.chdir(tmp_path)
    policies = Path(__file__).parent.parent / "examples/policies"
    (tmp_path / "rules").mkdir()
    rule = (policies / "ORG001-corp-log-bucket.yaml").read_text()
    for key in ("message", "x-message"):
        text = (
            rule.replace("summary:", f"message: {json.dumps(template)}\nsummary:", 1)
            if key == "message"
            else rule.replace('"{field} must be under obs://corp-logs/; found {value}"', json.dumps(template))
        )
        (tmp_path / "rules/ORG001-corp-log-bucket.yaml").write_text(text)
        code, out, err = cli("test-rules", "rules")
        assert code == 2 and f"`{key}`" in err and "ORG001" in err
        (tmp_path / ".lflint.toml").write_text('rule-paths = ["rules"]\n')
        (tmp_path / "a.lfjob.yaml").write_text(GOOD)
        assert cli("check", "a.lfjob.yaml")[0] == 2
        (tmp_path / ".lflint.toml").unlink()


def test_a_user_rule_without_examples_fails_test_rules(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "rules").mkdir()
    rule = (Path(__file__).parent.parent / "examples/policies/ORG001-corp-log-bucket.yaml").read_text()
    (tmp_path / "rules/ORG001-corp-log-bucket.yaml").write_text(
        rule.split("examples:")[0] + "examples:\n  good: []\n  bad: []\n"
    )
    code, out, err = cli("test-rules", "rules")
    assert code == 1 and "FAIL  ORG001" in out and "no bad example" in out and "no good example" in out


def _wait_reading_stdin(process):
    """Until ``process`` sleeps in a read of its stdin pipe (Linux's /proc says where a process sleeps)."""
    for _ in range(600):
        if "pipe_read" in Path(f"/proc/{process.pid}/wchan").read_text():
            return
        time.sleep(0.1)
    raise AssertionError("lflint never read stdin")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc (CI runs on Linux)")
def test_ctrl_c_exits_130_without_a_traceback(tmp_path):
    process = subprocess.Popen(
        [sys.executable, "-m", "lflint", "check", "-"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=tmp_path,
    )
    try:
        _wait_reading_stdin(process)
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=60)
    finally:
        process.kill()
    assert process.returncode == 130 and b"Traceback" not in err and err.strip() == b"lflint: interrupted"


# -- never a hang, never a blow-up ---------------------------------------------------------------------------------


def test_only_regular_files_are_read(tmp_path):
    os.mkfifo(tmp_path / "x.lfjob.yaml")  # opened for a blocking read, it waits forever for a writer
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(tmp_path / "s.lfjob.yaml"))
    (tmp_path / "a.lfjob.yaml").write_text(BAD)
    try:
        result = lflint_subprocess("check", ".", "x.lfjob.yaml", "/dev/zero", "--format", "json", cwd=tmp_path)
    finally:
        server.close()
    found = {(d["file"], d["rule"], d["message"]) for d in json.loads(result.stdout)}
    assert found == {
        ("a.lfjob.yaml", "LF104", next(d["message"] for d in json.loads(result.stdout) if d["rule"] == "LF104")),
        ("x.lfjob.yaml", "LF007", "not a regular file (a FIFO); only regular files are read"),
        ("s.lfjob.yaml", "LF007", "not a regular file (a socket); only regular files are read"),
        ("/dev/zero", "LF007", "not a regular file (a character device); only regular files are read"),
    }
    assert sum(d["file"] == "x.lfjob.yaml" for d in json.loads(result.stdout)) == 2  # walked and named


def test_stdin_is_read_with_a_bound(tmp_path):
    with open("/dev/zero", "rb") as zero:
        result = subprocess.run(
            [sys.executable, "-m", "lflint", "check", "-", "--format", "json"],
            stdin=zero,
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=60,
        )
    [found] = json.loads(result.stdout)
    assert found["rule"] == "LF008" and "larger than 10 MB" in found["message"] and result.returncode == 1


def test_max_file_size_is_a_setting(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a.lfjob.yaml").write_text(GOOD + "description: '" + "x" * 2000 + "'\n")
    for value, found in (('"1KB"', ["LF008"]), ("4096", []), ('"1 MiB"', [])):
        (tmp_path / ".lflint.toml").write_text(f"max-file-size = {value}\n")
        code, out, err = cli("check", "a.lfjob.yaml", "--format", "json")
        assert [d["rule"] for d in json.loads(out)] == found
    (tmp_path / ".lflint.toml").write_text('max-file-size = "1KB"\n')
    [found] = json.loads(cli("check", "-", "--format", "json", input=GOOD * 20)[1])
    assert found["message"] == "file is larger than 1 KB (the `max-file-size` setting); not parsed"
    assert "max-file-size      = 1024  # " in cli("config")[1]
    (tmp_path / ".lflint.toml").write_text('max-file-size = "ten"\n')
    code, out, err = cli("check", "a.lfjob.yaml")
    assert code == 2 and "'max-file-size' must be a size in bytes" in err


ALIASES = """\
---
a: &a [1, 1, 1, 1, 1, 1, 1, 1, 1, 1]
b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]
c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]
d: [*c, *c, *c]
"""


def test_the_alias_budget_is_per_file_not_per_document():
    found = lflint.lint_text(ALIASES * 50, "stream.yaml", select=["LF008"])  # each document repeats 4,553
    assert [(d.rule, d.document, d.line) for d in found] == [("LF008", 43, 220)]  # 43 * 4,553 + 4,443
    assert (
        found[0].message == "aliases repeat more than 200,000 values in this file (an alias bomb?); not linted further"
    )
    assert lflint.lint_text(ALIASES * 40, "stream.yaml", select=["LF008"]) == []


def test_a_large_honest_spec_is_linted():
    """50,000 locations and no alias: 250,000 values, counted as aliases were before (an "alias bomb?")."""
    spec = GOOD.replace("METADATA_DISCOVERY", "METADATA_MIGRATION").replace(
        "metadata_discovery_parameter:",
        "metadata_migration_parameter:\n    locations:\n"
        + "".join(f"      - {{key: k{i}, value: obs://b/{i}}}\n" for i in range(50_000)),
    )
    assert len(spec) < 2_500_000
    assert "LF008" not in {d.rule for d in lflint.lint_text(spec, "big.yaml")}


def test_an_unreadable_directory_is_reported(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "jobs/locked").mkdir(parents=True)
    (tmp_path / "jobs/a.lfjob.yaml").write_text(GOOD)
    (tmp_path / "jobs/locked/b.lfjob.yaml").write_text(GOOD)
    (tmp_path / "jobs/locked").chmod(0)
    tmp_path.chmod(0o755)  # the child may enter the test's directory, not the ones above it
    cli("check", "jobs/a.lfjob.yaml")  # everything imported before the fork

    def check():
        walked = cli("check", "jobs", "--format", "json")
        named = cli("check", "jobs/locked/b.lfjob.yaml", "--format", "json")
        return [
            (code, [(d["file"], d["rule"], d["message"]) for d in json.loads(out)]) for code, out, _ in (walked, named)
        ]

    try:
        walked, named = unprivileged(check)
    finally:
        (tmp_path / "jobs/locked").chmod(0o755)
    assert walked == [1, [[str(Path("jobs/locked")), "LF007", "cannot read directory: permission denied"]]]
    assert named == [1, [[str(Path("jobs/locked/b.lfjob.yaml")), "LF007", "cannot read file: permission denied"]]]


def test_an_unreadable_file_is_reported(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "locked.yaml").write_text(GOOD)
    (tmp_path / "locked.yaml").chmod(0)
    tmp_path.chmod(0o755)
    cli("check", "missing.yaml")

    def check():
        code, out, _ = cli("check", "locked.yaml", "--format", "json")
        return code, [(d["rule"], d["message"]) for d in json.loads(out)]

    assert unprivileged(check) == [1, [["LF007", "cannot read file: permission denied"]]]


# -- small things --------------------------------------------------------------------------------------------------


def test_a_yaml_file_of_only_document_markers_is_empty():
    assert [(d.rule, d.message) for d in lflint.lint_text("---\n---\n...\n---\n")] == [
        ("LF004", "file holds only empty documents")
    ]


@pytest.mark.parametrize(
    "args", [("check", "-", "-"), ("check", "a.lfjob.yaml", "--stdin-filename", "x.json"), ("config", "/nonexistent")]
)
def test_usage_errors(tmp_path, monkeypatch, args):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a.lfjob.yaml").write_text(GOOD)
    code, out, err = cli(*args, input=GOOD)
    assert code == 2 and out == "" and err.startswith("Usage:") and err.count("Error:") == 1


def test_api_takes_a_path_or_str_and_checks_its_arguments(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a.lfjob.yaml").write_text(BAD)
    for path in ("a.lfjob.yaml", Path("a.lfjob.yaml")):
        assert [d.rule for d in lflint.lint_paths(path)] == ["LF104"]
    assert [d.rule for d in lflint.lint_text(BAD, select="LF104")] == ["LF104"]  # a str for a list
    with pytest.raises(lflint.ConfigError, match="'fail-on' must be one of error, warning, info; found 'fatal'"):
        lflint.lint_text(GOOD, fail_on="fatal")
    with pytest.raises(lflint.ConfigError, match="unknown setting 'selct'; did you mean 'select'"):
        lflint.lint_paths(["a.lfjob.yaml"], selct=["LF1"])


def test_a_bom_in_json_text_is_read_as_on_disk(tmp_path):
    spec = json.dumps({"name": "x", "type": "METADATA_DISCOVERY", "parameter": {}}, indent=2)
    (tmp_path / "a.json").write_bytes(b"\xef\xbb\xbf" + spec.encode())
    on_disk = [(d.rule, d.line, d.column) for d in lflint.lint_paths([tmp_path / "a.json"])]
    assert on_disk and "LF001" not in {rule for rule, _, _ in on_disk}
    assert [(d.rule, d.line, d.column) for d in lflint.lint_text("\ufeff" + spec, "a.json")] == on_disk


def test_colour_on_a_terminal_only_when_not_turned_off(tmp_path):
    (tmp_path / "a.lfjob.yaml").write_text(BAD)

    def on_a_terminal(*args, **env):
        leader, follower = pty.openpty()
        process = subprocess.Popen(
            [sys.executable, "-m", "lflint", "check", "a.lfjob.yaml", *args],
            cwd=tmp_path,
            stdout=follower,
            env={k: v for k, v in {**os.environ, **env}.items() if v},
        )
        os.close(follower)
        out = b""
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # the terminal is closed once lflint exits
                break
            if not chunk:
                break
            out += chunk
        os.close(leader)
        assert process.wait(timeout=60) == 1
        return out.decode()

    assert "\x1b[" in on_a_terminal(NO_COLOR="")
    assert "\x1b[" not in on_a_terminal("--no-color", NO_COLOR="")
    assert "\x1b[" not in on_a_terminal(NO_COLOR="1")


def test_a_file_is_read_into_memory_once(tmp_path):
    """Reading a large file holds its bytes once: read in pieces and joined, a 7 MB stream peaked at twice its
    size before a line of it was parsed. A file with no size (``/proc``) or one that grows is still read whole."""
    import tracemalloc

    from lflint.fileio import read_regular

    big = tmp_path / "big.lfjob.yaml"
    big.write_bytes(b"# padding\n" * 400_000)  # 4 MB
    tracemalloc.start()
    try:
        raw = read_regular(big, 10 << 20)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert len(raw) == 4_000_000 and peak < 1.2 * len(raw)
    assert read_regular(Path("/proc/self/status"), 1 << 20).startswith(b"Name:")
    assert read_regular(big, 1000) == raw[:1001]  # the limit and one byte: too large
