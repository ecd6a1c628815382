"""Every report format rendered over one fixed list of diagnostics, compared with a checked-in file.

Any change to an output is then a visible diff in review. After an intended change, regenerate and review the diff:

    LFLINT_UPDATE_GOLDEN=1 python -m pytest tests/test_golden.py

The diagnostics are fixed here (not found by linting), and so are the rules they name, so that the files change only
when a report changes: a file-level finding, a finding on a secret's line, a multi-line range, non-ASCII text,
text that each format must escape, a second document of a stream, and several files with several failures.
"""

import os
from pathlib import Path

import pytest

import lflint.report
from lflint import __version__
from lflint.diagnostic import Diagnostic, Edit, Fix
from lflint.documents import load_source
from lflint.report import FORMATS
from lflint.rules import Rule
from lflint.runner import excerpt_lines

GOLDEN = Path(__file__).parent / "golden"
SECRET = "Sup3rS3cret!"

SOURCES = {
    "jobs/销售.lfjob.yaml": (
        "name: 销售 数据\n"
        "type: METADATA_MIGRATION\n"
        "parameter:\n"
        "  metadata_migration_parameter:\n"
        "    datasource_parameter:\n"
        f"      password: {SECRET}  # lflint: disable=LF999\n"
        "    log_location: obs://logs/\n"
        "  metadata_discovery_parameter:\n"
        "    data_location: obs://a/b\n"
        "---\n"
        "name: x\n"
    ),
    "jobs/broken.lfjob.json": '{"name": "x",\n  "type": }\n',
    "jobs/clean.lfjob.yaml": "name: clean_job\n",
}
MISSING = "jobs/missing.lfjob.yaml"
FILES = (*SOURCES, MISSING)


def _d(file, document, line, column, end_line, end_column, rule, severity, message, pointer="", suggestion=None):
    return Diagnostic(
        file,
        document,
        line,
        column,
        end_line,
        end_column,
        rule,
        RULES[rule].slug,
        severity,
        message,
        pointer,
        suggestion,
    )


def _rule(rule_id, slug, severity, summary):
    docs = {"what": f"What {rule_id} reports.", "why": f"Why {rule_id} matters.", "fix": f"How to fix {rule_id}."}
    return Rule(
        Path(f"{rule_id}-{slug}.yaml"),
        id=rule_id,
        slug=slug,
        severity=severity,
        summary=summary,
        docs=docs,
        examples={"good": [], "bad": []},
    )


RULES = {
    r.id: r
    for r in [
        _rule("LF001", "syntax-error", "error", "The file is not valid YAML or JSON"),
        _rule("LF007", "unreadable-file", "error", "The file cannot be read"),
        _rule("LF009", "unused-suppression", "warning", "A suppression comment silences nothing"),
        _rule("LF105", "invalid-characters", "error", "A value holds characters the service rejects"),
        _rule("LF106", "invalid-length", "error", "A value is too short or too long"),
        _rule("LF202", "ignored-block", "warning", "A parameter block the job type ignores"),
        _rule("LF402", "invalid-obs-path", "info", "An OBS path that is not valid"),
        _rule("LF501", "literal-secret", "error", "A secret written into the spec"),
    ]
}
YAML, JSON = "jobs/销售.lfjob.yaml", "jobs/broken.lfjob.json"
DIAGNOSTICS = [
    _d(JSON, 0, 2, 11, 2, 12, "LF001", "error", "invalid JSON: Expecting value"),
    _d(MISSING, 0, 1, 1, 1, 2, "LF007", "error", "cannot read file: no such file or directory"),
    _d(
        YAML,
        0,
        1,
        7,
        1,
        12,
        "LF105",
        "error",
        '`name` must contain only letters, digits, underscores (_) or Chinese characters; found "销售 数据"',
        "/name",
    ),
    _d(
        YAML,
        0,
        6,
        17,
        6,
        21,
        "LF501",
        "error",
        "`datasource_parameter.password` holds a literal secret; reference "
        "it from a secret store with a placeholder such as ${LF_DB_PASSWORD}",
        "/parameter/metadata_migration_parameter/datasource_parameter/password",
    ),
    _d(
        YAML,
        0,
        6,
        17,
        6,
        21,
        "LF009",
        "warning",  # the comment after a secret may be the secret's rest
        "a suppression comment on a secret's line (not shown) silences no finding",
    ),
    _d(
        YAML,
        0,
        7,
        19,
        7,
        32,
        "LF402",
        "info",
        '`log_location` needs a path after the bucket <obs://bucket/path> & 100% of its parts; found "obs://logs/"',
        "/parameter/metadata_migration_parameter/log_location",
    ),
    _d(
        YAML,
        0,
        8,
        3,
        9,
        29,
        "LF202",
        "warning",
        "`metadata_discovery_parameter` is ignored for a "
        "METADATA_MIGRATION job, which reads only `metadata_migration_parameter`",
        "/parameter/metadata_discovery_parameter",
    ),
    _d(
        YAML, 1, 11, 7, 11, 8, "LF106", "error", "`name` must be at least 4 characters long; found 1", "/name", "xxxx"
    )._replace(fix=Fix("unsafe", 'replace "x" with "xxxx"', (Edit(11, 7, 11, 8, "xxxx"),))),
]


def render(fmt: str) -> str:
    lines = {}
    for name, source in SOURCES.items():
        found = [d for d in DIAGNOSTICS if d.file == name]
        loaded = load_source(source.encode(), name)[0]  # as the CLI reads excerpts: secrets masked
        lines.update(((name, n), line) for n, line in excerpt_lines(loaded, found).items())
    report = lflint.report.render(fmt, DIAGNOSTICS, lflint.report.Context(RULES, lines, False, len(FILES), FILES))
    return report.replace(f'"{__version__}"', '"<version>"')


@pytest.mark.parametrize("fmt", FORMATS)
def test_report_matches_its_golden_file(fmt, monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)  # paths in reports are relative to the working directory
    out = render(fmt)
    golden = GOLDEN / f"report.{fmt}"
    if os.environ.get("LFLINT_UPDATE_GOLDEN"):
        golden.parent.mkdir(exist_ok=True)
        golden.write_text(out, encoding="utf-8", newline="")
    assert SECRET not in out
    assert out == golden.read_text(encoding="utf-8"), (
        f"{golden.name} differs: if the change is intended, run LFLINT_UPDATE_GOLDEN=1 pytest tests/test_golden.py"
    )


def test_every_golden_file_is_a_format():
    assert sorted(p.name for p in GOLDEN.glob("report.*")) == sorted(f"report.{fmt}" for fmt in FORMATS)
