"""Hostile inputs that once hung lflint, read without bound or crashed it (the audit of main, issues 11 and 12).

Hang guards are subprocess timeouts (``lflint_subprocess``), never timed assertions."""

import json
import re
from pathlib import Path

from hypothesis import example, given
from hypothesis import strategies as st

from lflint.suppress import find_directive

from conftest import GOOD, lflint_subprocess

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
