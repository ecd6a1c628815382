"""Hostile inputs that once hung lflint, read without bound or crashed it (the audit of main, issues 11 and 12).

Hang guards are subprocess timeouts (``lflint_subprocess``), never timed assertions."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import GOOD, lflint_subprocess
from hypothesis import example, given
from hypothesis import strategies as st

from lflint.suppress import find_directive

# The suppression regular expression lflint used before: the reference its one-pass reader must agree with.
OLD_DIRECTIVE = re.compile(
    r"(?:^|\s)#\s*lflint:\s*(?P<kind>disable-next-line|disable-file|disable)\s*=\s*"
    r"(?P<rules>[A-Za-z0-9_\-, ]*?)\s*(?:--\s.*|#.*)?$"
)
PIECES = [
    "#",
    " ",
    "\t",
    "\u00a0",
    "lflint:",
    "disable",
    "-file",
    "-next-line",
    "=",
    "LF1",
    "a_b",
    ",",
    "-",
    "--",
    "!",
    "x y",
    "# lflint: disable=",
]


def _selectors(rules):
    return [s.strip() for s in rules.split(",") if s.strip()]


@given(st.lists(st.sampled_from(PIECES), max_size=14).map("".join))
@example("x  # lflint: disable=LF301, schedule-day-range  -- reviewed # more")
@example("# lflint: disable=LF1 --x")
@example("a# lflint: disable=LF1 # lflint: disable-file = LF2")
def test_suppression_reader_agrees_with_the_old_regex(line):
    found = OLD_DIRECTIVE.search(line)
    expected = found and (found["kind"], found.start() + line[found.start() :].index("#"), _selectors(found["rules"]))
    got = find_directive(line)
    assert (got and (got[0], got[1], _selectors(got[2]))) == expected


def test_a_suppression_comment_full_of_spaces_does_not_hang(tmp_path):
    (tmp_path / "s.lfjob.yaml").write_text(GOOD + "# lflint: disable=" + " " * 20_000 + "!\n")
    result = lflint_subprocess("check", "--isolated", "s.lfjob.yaml", cwd=tmp_path)  # took hours
    assert (result.returncode, result.stderr) == (0, ""), result.stdout[-300:]


def test_a_walk_reads_no_link_that_leaves_the_tree(tmp_path, run_json):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "creds.lfjob.yaml").write_text("https://bob:ghp_TOKEN@github.com\n")
    (outside / "sub").mkdir()
    (outside / "sub" / "deep.lfjob.yaml").write_text("ghp_DEEP: 1\n")
    repo = tmp_path / "repo"
    (repo / "specs").mkdir(parents=True)
    (repo / "specs" / "good.lfjob.yaml").write_text(GOOD)
    (repo / "env.lfjob.yaml").symlink_to("/proc/self/environ")
    (repo / "creds.lfjob.yaml").symlink_to(outside / "creds.lfjob.yaml")
    (repo / "up.lfjob.yaml").symlink_to("../outside/creds.lfjob.yaml")
    (repo / "inside.lfjob.yaml").symlink_to("specs/good.lfjob.yaml")
    (repo / "linked_dir").symlink_to(outside / "sub")
    code, report = run_json("--isolated", str(repo))
    found = {(Path(d["file"]).name, d["rule"]) for d in report}
    assert found == {("creds.lfjob.yaml", "LF007"), ("env.lfjob.yaml", "LF007"), ("up.lfjob.yaml", "LF007")}
    assert all("outside the directory walked" in d["message"] for d in report)
    assert "ghp_" not in json.dumps(report) and code == 1
    # a link named on the command line is read as given
    code, report = run_json("--isolated", str(repo / "creds.lfjob.yaml"))
    assert [d["rule"] for d in report] != ["LF007"]


def test_a_long_stream_of_documents_with_findings_and_secrets_is_linear(tmp_path):
    (tmp_path / "s.lfjob.yaml").write_text("name: a\npassword: x\n---\n" * 30_000)  # quadratic: minutes
    result = lflint_subprocess("check", "--isolated", "--statistics", "s.lfjob.yaml", cwd=tmp_path)
    assert result.returncode == 1 and "Found 120000 problems" in result.stdout, result.stderr
    assert "password: ****" in result.stdout and "password: x" not in result.stdout


def _error_of(result):
    """The one line of a run that ended on a usage or config error (exit 2)."""
    assert result.returncode == 2 and len(result.stderr.splitlines()) == 1, result.stderr[-500:]
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr
    return result.stderr


def test_config_and_rule_files_are_read_bounded_and_only_if_regular(tmp_path):
    (tmp_path / "a.lfjob.yaml").write_text(GOOD)
    os.mkfifo(tmp_path / "fifo.toml")
    assert "not a regular file (a character device)" in _error_of(
        lflint_subprocess("check", "--config", "/dev/zero", "a.lfjob.yaml", cwd=tmp_path)
    )
    assert "not a regular file (a FIFO)" in _error_of(
        lflint_subprocess("check", "--config", "fifo.toml", "a.lfjob.yaml", cwd=tmp_path)
    )
    (tmp_path / "big.toml").write_text("# " + "x" * 2**20 + "\n")
    assert "larger than 1 MB" in _error_of(
        lflint_subprocess("check", "--config", "big.toml", "a.lfjob.yaml", cwd=tmp_path)
    )
    (tmp_path / ".lflint.toml").write_text('rule-paths = ["rules"]\n')
    (tmp_path / "rules").mkdir()
    (tmp_path / "rules" / "x.yaml").symlink_to("/dev/zero")
    message = _error_of(lflint_subprocess("check", "a.lfjob.yaml", cwd=tmp_path))
    assert "x.yaml: cannot read rule file: not a regular file" in message
    (tmp_path / "rules" / "x.yaml").unlink()
    (tmp_path / "rules" / "x.yaml").write_text("# " + "x" * 2**20 + "\n")
    assert "cannot read rule file: larger than 1 MB" in _error_of(
        lflint_subprocess("check", "a.lfjob.yaml", cwd=tmp_path)
    )


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        (".lflint.toml", None, "cannot read config: not a regular file (a character device)"),
        ("pyproject.toml", "tool = 3\n", "`tool` must be a table"),
        ("pyproject.toml", "[tool]\nlflint = 3\n", "`tool.lflint` must be a table"),
        ("pyproject.toml", '[tool.lflint]\nmax-file-size = "99999999999GB"\n', "must be a size in bytes from 1 to 1TB"),
    ],
)
def test_a_config_file_lflint_cannot_use_is_an_error_not_passed_over(tmp_path, name, content, expected):
    (tmp_path / "a.lfjob.yaml").write_text(GOOD)
    if content is None:
        (tmp_path / name).symlink_to("/dev/zero")
    else:
        (tmp_path / name).write_text(content)
    assert expected in _error_of(lflint_subprocess("check", "a.lfjob.yaml", cwd=tmp_path))


def test_a_pyproject_of_another_tool_is_passed_over(tmp_path):
    (tmp_path / ".lflint.toml").write_text('ignore = ["LF101"]\n')
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "pyproject.toml").write_text("[tool.ruff]\nline-length = 120\n")
    (tmp_path / "sub" / "a.lfjob.yaml").write_text("type: METADATA_DISCOVERY\n")
    result = lflint_subprocess("check", "--format", "json", "sub", cwd=tmp_path)
    assert "LF101" not in result.stdout, result.stdout


def test_a_huge_cache_file_is_a_miss_not_read_whole(tmp_path):
    (tmp_path / "a.lfjob.yaml").write_text(GOOD)
    assert lflint_subprocess("check", "--cache", "a.lfjob.yaml", cwd=tmp_path).returncode == 0
    cache_file = next((tmp_path / ".lflint_cache").glob("lflint-*.json"))
    with cache_file.open("r+b") as fh:
        fh.truncate(4 * 1024**3)  # sparse: costs no disk
    result = lflint_subprocess("check", "--cache", "--statistics", "a.lfjob.yaml", cwd=tmp_path)
    assert result.returncode == 0 and "0 of 1 file answered from the cache" in result.stdout, result.stderr


def test_a_file_that_fails_while_read_is_its_own_finding(tmp_path, run_json):
    (tmp_path / "good.lfjob.yaml").write_text(GOOD)
    code, report = run_json("--isolated", "/proc/self/mem", str(tmp_path / "good.lfjob.yaml"))
    assert [(d["file"], d["rule"], d["message"]) for d in report] == [
        ("/proc/self/mem", "LF007", "cannot read file: input/output error")
    ]
    assert code == 1


OLD_KEY = re.compile(r"^( *)(?:(- +))?([^\s#:'\"][^:#]*?|\"[^\"]*\"|'[^']*')\s*:(?:\s|$)")


@given(
    st.lists(
        st.sampled_from([" ", "-", "- ", "a", "b c", ":", ": ", "#", "'", '"', "\t", "\u00a0", "x:y"]), max_size=10
    ).map("".join)
)
@example("  - 'k' : v")
def test_the_editor_reads_keys_as_before(line):
    from lflint.editor import _key_of

    m = OLD_KEY.match(line)
    expected = m and (
        len(m.group(1)) + len(m.group(2) or ""),
        m.group(3).strip("'\""),
        len(m.group(1)) if m.group(2) else None,
    )
    assert _key_of(line) == expected


def test_the_editor_context_of_long_lines_does_not_hang():
    code = (
        "from lflint.editor import yaml_context\n"
        "lines = ['a' + ' ' * 200_000 + 'x', '  b' + ' ' * 200_000 + 'y', 'c: 1', '  ']\n"
        "print(yaml_context(lines, 3, 2))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0 and "Context(" in result.stdout, result.stderr


def test_a_json_number_of_too_many_digits_is_found_in_linear_time(tmp_path):
    runs = " ".join(["1" * 4_300] * 2_000)  # 8.6 MB: the search for the number took minutes
    (tmp_path / "d.lfjob.json").write_text(f'{{"a": "{runs}", "b": {"7" * 4_400}}}')
    result = lflint_subprocess("check", "--isolated", "--format", "json", "d.lfjob.json", cwd=tmp_path)
    assert [(d["rule"], d["column"], d["end_column"]) for d in json.loads(result.stdout)] == [
        ("LF008", len(runs) + 16, len(runs) + 16 + 4_400)
    ]


@pytest.mark.parametrize(
    "value",
    ["0x" + "f" * 5_000, "0o" + "7" * 5_000, "-0b" + "1" * 20_000, "1" * 5_000, "0x" + "f" * 4_300, "1_" + "1" * 4_300],
)
def test_a_yaml_integer_too_long_to_show_is_a_finding_in_every_base(run_json, value):
    code, report = run_json("--isolated", "-", input=f"name: {value}\n")
    assert [(d["rule"], d["message"], d["column"], d["end_column"]) for d in report] == [
        ("LF008", "a number of more than 4,300 digits; not a job spec, not parsed", 7, 7 + len(value))
    ]


def test_a_long_binary_integer_that_can_be_shown_is_a_number(run_json):
    code, report = run_json("--isolated", "-", input="name: 0b" + "1" * 4_301 + "\n")
    assert "`name` must be a string" in {d["message"][:23] for d in report}


@pytest.mark.parametrize(("files", "expected"), [(1, None), (5, 5), (400, 4 * (os.cpu_count() or 1))])
def test_jobs_are_capped_by_the_files_and_the_cpus(tmp_path, monkeypatch, files, expected):
    import multiprocessing.context

    from lflint.api import lint_paths

    started = []
    pool = multiprocessing.context.BaseContext.Pool
    monkeypatch.setattr(
        multiprocessing.context.BaseContext,
        "Pool",
        lambda self, processes, *args: started.append(processes) or pool(self, processes, *args),
    )
    for n in range(files):
        (tmp_path / f"{n}.lfjob.yaml").write_text(GOOD)
    assert lint_paths([tmp_path], isolated=True, jobs=100_000) == []
    assert started == ([expected] if expected else [])


def _limited_output():
    import resource
    import signal

    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails (EFBIG), as on a full disk
    resource.setrlimit(resource.RLIMIT_FSIZE, (0, 0))


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_a_report_that_cannot_be_written_is_one_line_and_exit_2(tmp_path, fmt):
    (tmp_path / "a.lfjob.yaml").write_text("name: x\n")
    with (tmp_path / "out").open("w") as out:
        result = subprocess.run(
            [sys.executable, "-m", "lflint", "check", "--isolated", "--format", fmt, "a.lfjob.yaml"],
            stdout=out,
            stderr=subprocess.PIPE,
            text=True,
            cwd=tmp_path,
            preexec_fn=_limited_output,
            timeout=60,
        )
    assert (result.returncode, result.stderr) == (2, "lflint: error: cannot write the report: file too large\n")
    result = subprocess.run(
        f"{sys.executable} -m lflint check --isolated a.lfjob.yaml >&-",
        shell=True,
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=60,
    )
    assert (result.returncode, result.stderr) == (2, "lflint: error: cannot write the report: stdout is closed\n")


def test_a_reader_that_leaves_ends_the_run_quietly(tmp_path):
    (tmp_path / "a.lfjob.yaml").write_text("name: x\n---\n" * 5_000)
    result = subprocess.run(
        f"set -o pipefail; {sys.executable} -m lflint check --isolated a.lfjob.yaml | head -1",
        shell=True,
        executable="/bin/bash",
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=60,
    )
    assert (result.returncode, result.stderr, result.stdout.count("\n")) == (0, "", 1)


def test_output_file_dash_is_stdout(run, tmp_path):
    (tmp_path / "a.lfjob.yaml").write_text("name: x\n")
    code, out = run("check", "--isolated", "-o", "-", "a.lfjob.yaml")
    assert code == 1 and "LF101" in out and not (tmp_path / "-").exists()


def test_lint_paths_refuses_bytes(tmp_path):
    from lflint.api import lint_paths

    with pytest.raises(TypeError, match="iterable of them, not bytes"):
        lint_paths(b"jobs")


def test_a_huge_counted_repetition_is_refused_for_what_it_is(tmp_path):
    (tmp_path / ".lflint.toml").write_text('placeholder = "a{99999}{99999}"\n')
    result = lflint_subprocess("check", "-", input="name: x\n", cwd=tmp_path)
    assert "too large for lflint's linear-time engine" in _error_of(result)


@pytest.mark.parametrize("cache_dir", ["/tmp/elsewhere", "..", "sub/../../x"])
def test_the_cache_directory_stays_inside_the_config_directory(tmp_path, cache_dir):
    (tmp_path / ".lflint.toml").write_text(f'cache = true\ncache-dir = "{cache_dir}"\n')
    (tmp_path / "a.lfjob.yaml").write_text(GOOD)
    assert "must be a directory path inside the config file's directory" in _error_of(
        lflint_subprocess("check", "a.lfjob.yaml", cwd=tmp_path)
    )


def test_the_cache_follows_no_link_on_its_way(tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "link").symlink_to(elsewhere)
    (repo / ".lflint.toml").write_text('cache = true\ncache-dir = "link/sub"\n')
    (repo / "a.lfjob.yaml").write_text(GOOD)
    assert lflint_subprocess("check", "a.lfjob.yaml", cwd=repo).returncode == 0
    assert list(elsewhere.iterdir()) == []
