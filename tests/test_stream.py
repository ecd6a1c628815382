"""A YAML stream too large for the second reader is linted document by document (docs/performance.md, "One long
stream"): what it reports must not depend on that."""

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

import lflint
from lflint.diagnostic import Diagnostic, Edit, Findings, Fix
from lflint.documents import FALLBACK_MAX, Source
from lflint.secrets import MASK

SPEC = """\
name: hive_prod_migration_{i}
type: METADATA_MIGRATION
parameter:
  metadata_migration_parameter:
    datasource_type: MRS_RDS_FOR_MYSQL
    datasource_parameter: {{jdbc_url: 'jdbc:mysql://h:3306/d', username: u, {ds}}}
    source_catalog: hive
    target_catalog: hive_prod
    conflict_strategy: {strategy}
    log_location: obs://corp-logs/lakeformation/migration
    sync_objects: [DATABASE, TABLE]
    instance_id: 2180518f42b84947b20badfc53981a25
"""
COUNT = 600


def secret(i):
    return f"Zq9-stream-secret-{i:04d}"


def is_odd(i):
    return i in (0, COUNT - 1) or i % 37 == 0


def document(i):
    """Every document has a secret; the odd ones also a finding on its line (an unknown key beside it) and a bad
    value (LF104)."""
    odd = is_odd(i)
    ds = f"usrname: x, password: {secret(i)}" if odd else f"password: {secret(i)}"
    return SPEC.format(i=i, ds=ds, strategy="upsert" if odd else "UPSERT")


def moved(d, document, lines):
    """``d``, of a document linted alone, as it is ``lines`` further down, in document ``document``."""
    fix = d.fix and d.fix._replace(
        edits=tuple(e._replace(line=e.line + lines, end_line=e.end_line + lines) for e in d.fix.edits)
    )
    return d._replace(document=document, line=d.line + lines, end_line=d.end_line + lines, fix=fix)


def shifted(docs):
    """The findings of each document linted alone, moved to where it stands in ``docs`` joined by ``---``."""
    expected, offset = [], 0
    for i, doc in enumerate(docs):
        alone = lflint.lint_text(doc, "stream.yaml")
        expected += [moved(d, i, offset) for d in alone]
        offset += doc.count("\n") + 1  # and the `---` line
    return sorted(expected)


def test_a_long_stream_reports_each_document_as_if_alone(tmp_path, run):
    """Findings in the first, last and middle documents, at their lines in the stream, and secrets masked in each
    document's excerpts."""
    docs = [document(i) for i in range(COUNT)]
    text = "---\n".join(docs)
    assert len(text) > FALLBACK_MAX  # read document by document, never whole
    found = lflint.lint_text(text, "stream.yaml")
    assert found == shifted(docs)
    assert {d.document for d in found if d.rule == "LF104"} == set(filter(is_odd, range(COUNT)))

    (tmp_path / "stream.yaml").write_text(text, encoding="utf-8")
    code, out = run("check", "stream.yaml")
    assert code == 1 and "Zq9" not in out and "stream-secret" not in out
    excerpts = [line for line in out.splitlines() if "password: " in line]
    assert len(excerpts) >= len({d.document for d in found if d.rule == "LF104"})
    assert all(f"password: {MASK}" in line for line in excerpts)


def test_a_syntax_error_after_hundreds_of_good_documents(tmp_path, run):
    """Found as in a file of its own; the findings before it stay (each at its start: a file that did not load
    may hold secrets no span marks), and no secret of any document is shown."""
    docs = [document(i) for i in range(COUNT)] + ["name: broken\nparameter: [a, b\n"]
    found = lflint.lint_text("---\n".join(docs), "stream.yaml")
    expected = shifted(docs)
    assert [d.rule for d in found if d.document == COUNT] == ["LF001"]
    assert [d for d in found if d.rule == "LF001"] == [d for d in expected if d.rule == "LF001"]

    def start(d):
        return d.document, d.line, d.column, d.rule, d.message

    assert [start(d) for d in found] == [start(d) for d in expected]
    (tmp_path / "stream.yaml").write_text("---\n".join(docs), encoding="utf-8")
    for fmt in ("text", "json", "sarif"):
        code, out = run("check", "--format", fmt, "stream.yaml")
        assert code == 1 and "Zq9" not in out and "stream-secret" not in out


def test_reports_printed_file_by_file_are_the_reports_of_the_run(tmp_path):
    """Text and JSON on stdout are printed as each file is linted, keeping only counts: they are the reports a
    report file holds (rendered from every finding at the end), in the order of the files, with the baseline's
    finding last, the same summary and the same exit code."""
    import json

    from conftest import GOOD, lflint_subprocess

    bad = GOOD.replace("UPSERT", "UPSERTT")
    (tmp_path / "a.lfjob.yaml").write_text(bad)
    (tmp_path / "b.lfjob.yaml").write_text(bad.replace("PARQUET", "parquet"))
    assert lflint_subprocess("check", "--write-baseline", cwd=tmp_path).returncode == 0
    (tmp_path / "a.lfjob.yaml").write_text(GOOD.replace("UPSERT", "UPSERTX"))  # a new finding, a stale entry
    (tmp_path / "b.lfjob.yaml").write_text(GOOD)  # its baseline entries now match nothing (LF012)
    (tmp_path / "c.lfjob.yaml").write_text("---\n".join(document(i) for i in range(COUNT)))
    (tmp_path / "d.lfjob.json").write_text('{"name": "x\\ud800", "type": "OTHER", "parameter": {}}')
    (tmp_path / "e.lfjob.yaml").write_text(GOOD)
    for fmt in ("text", "json"):
        streamed = lflint_subprocess("check", "--format", fmt, cwd=tmp_path)
        whole = lflint_subprocess("check", "--format", fmt, "--output-file", f"report.{fmt}", cwd=tmp_path)
        assert streamed.returncode == whole.returncode == 1, streamed.stderr
        assert streamed.stdout == (tmp_path / f"report.{fmt}").read_text(encoding="utf-8")
    found = json.loads(streamed.stdout)
    stale = [d for d in found if d["file"] == ".lflint-baseline.json"]
    assert found[-len(stale) :] == stale and [d["rule"] for d in stale] == ["LF012"] * 3
    files = [d["file"] for d in found[: -len(stale)]]
    assert files == sorted(files) and set(files) == {"a.lfjob.yaml", "c.lfjob.yaml", "d.lfjob.json"}
    assert len([d for d in found if d["file"] == "c.lfjob.yaml"]) > COUNT // 37
    summary = lflint_subprocess("check", cwd=tmp_path).stdout.splitlines()[-2]
    assert summary.startswith(f"Found {len(found)} problems (") and summary.endswith(" in 5 files.")
    assert lflint_subprocess("check", "--format", "json", "e.lfjob.yaml", cwd=tmp_path).stdout == "[]\n"


REMEDIED = """\
name: dlf_{i}
type: METADATA_MIGRATION
parameter:
  metadata_migration_parameter:
    datasource_type: ALIYUN_DLF
    datasource_parameter:
      jdbc_url: jdbc:mysql://10.0.0.12:3306/hive
      endpoint: dlf-vpc.cn-hangzhou.aliyuncs.com
      access_key: ${{LF_DLF_ACCESS_KEY}}
      secret_key: Zq9-remedied-{i:04d}
    source_catalog: hive
    target_catalog: hive_lf
    conflict_strategy: UPSERT
    log_location: obs://corp-logs/migration
    sync_objects: [DATABASE, TABLE, PARTITION]
    instance_id: 2180518f42b84947b20badfc53981a25
"""


def test_nothing_of_a_linted_document_outlives_it_but_its_findings(monkeypatch):
    """The fixes of a stream are made at its end (they ask where its secrets are), but what makes one (LF501's
    placeholder, LF207's deletion: a rule's ``fix``) holds no document's positions: while the last document is
    linted, the positions alive are its own, as many as while the first was."""
    import gc

    from lflint import engine
    from lflint.documents import Span

    count = FALLBACK_MAX // len(REMEDIED) + 2
    names = {"dlf_0", f"dlf_{count - 1}"}
    alive = []
    findings = engine.Linter.findings

    def counting(self, data):
        if data.get("name") in names:
            alive.append(sum(type(o) is Span for o in gc.get_objects()))
        return findings(self, data)

    monkeypatch.setattr(engine.Linter, "findings", counting)
    text = "---\n".join(REMEDIED.format(i=i) for i in range(count))
    diagnostics = lflint.lint_text(text, "s.lfjob.yaml", isolated=True)
    fixed = [d.fix.message for d in diagnostics if d.fix]
    assert (
        fixed.count("delete `jdbc_url`")
        == fixed.count("replace the literal secret with ${ALIBABA_CLOUD_ACCESS_KEY_SECRET}")
        == count
    )
    assert len(alive) == 2 and alive[0] == alive[1] > 0


@settings(max_examples=300)
@given(st.lists(st.text(alphabet="ab\r\n\u2028é", max_size=6), max_size=60).map("\n".join), st.data())
@example("", None)
@example("\n" * 40, None)
def test_positions_of_a_long_text_are_counted_from_where_every_16th_line_starts(text, data):
    """A Source holds where every 16th line starts, not every line (0.9 MB in a stream of 229,000 lines); line,
    position and offset give what counting every line break gives."""
    source = Source("s.yaml", text, False)
    lines = text.split("\n")
    for number, line in enumerate(lines, 1):
        assert source.line(number) == line.rstrip("\r")
        assert source.masked_line(number).text == line.rstrip("\r")
    assert source.masked_line(len(lines) + 1) is None
    offsets = range(len(text) + 1) if data is None else [data.draw(st.integers(0, len(text)))]
    for offset in offsets:
        line = text.count("\n", 0, offset) + 1
        column = offset - text.rfind("\n", 0, offset)
        assert source.position(offset) == (line, column)
        assert source.offset(line, column) == offset


def test_a_long_streams_findings_are_held_as_rows_not_as_diagnostics():
    """A file's findings are held until its end, as rows of numbers (``Findings``): as Diagnostics, 8,000 findings
    with their fixes held 387 bytes each, as rows 76."""
    import gc
    import tracemalloc

    from lflint.runner import Runner

    count = 2000
    bad = [SPEC.format(i=i, ds=f"usrname: x, password: {secret(i)}", strategy="upsert") for i in range(count)]
    runner = Runner(isolated=True, cache=False)
    runner.lint_bytes(bad[0], "warm.lfjob.yaml")  # the rules compiled, the modules imported
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        result = runner.check_bytes("---\n".join(bad).encode(), "s.lfjob.yaml")
        with_excerpts = tracemalloc.get_traced_memory()[0] - before
        lines = len(result.lines)
        result = result._replace(lines={})
        gc.collect()
        held = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    found = result.diagnostics
    assert len(found) >= 3 * count and sum(bool(d.fix) for d in found) >= 2 * count
    assert held < 120 * len(found), (held, len(found), with_excerpts, lines)


def diagnostics():
    position = st.integers(1, 2**40)
    edit = st.builds(Edit, position, position, position, position, st.sampled_from(["", "UPSERT", "x\ny"]))
    fix = st.builds(
        Fix, st.sampled_from(["safe", "unsafe"]), st.sampled_from(["m", "n"]), st.tuples(edit) | st.tuples(edit, edit)
    )
    text = st.sampled_from(["a", "b", "é\u2028"])
    return st.builds(
        Diagnostic,
        st.sampled_from(["a.yaml", "b.json"]),
        st.integers(0, 2**40),
        position,
        position,
        position,
        position,
        st.sampled_from(["LF101", "LF104"]),
        text,
        st.sampled_from(["error", "warning"]),
        text,
        text,
        st.none() | text,
        st.none() | fix,
    )


@given(st.lists(diagnostics(), max_size=12), st.data())
def test_findings_are_the_diagnostics_they_were_given(given_list, data):
    """``Findings`` hold what they are given, as they are or as rows, and give it back as Diagnostics, indexed,
    sliced, replaced and pickled (a worker process sends them)."""
    import pickle

    held = Findings(given_list, compact_from=data.draw(st.integers(1, 13)))  # rows from this many on
    assert held == given_list and list(held) == given_list and len(held) == len(given_list)
    assert held[1:-1] == given_list[1:-1] and held[::-2] == given_list[::-2]
    assert pickle.loads(pickle.dumps(held)) == given_list
    if given_list:
        index = data.draw(st.integers(-len(given_list), len(given_list) - 1))
        assert held[index] == given_list[index]
        new = data.draw(diagnostics())
        held[index] = new
        given_list[index] = new
        assert held == given_list
    for outside in (len(given_list), -len(given_list) - 1):
        with pytest.raises(IndexError):
            held[outside]


@given(
    st.lists(
        st.sampled_from(["a", "lflint:", "\n", "\r", "\r\n", "\x0b", "\x0c", "\x1c", "\x85", "\u2028", "\u2029"])
    ).map("".join)
)
@example("x\r\nlflint: a\r\rlflint:\u2029lflint:lflint:")
def test_suppressions_are_read_from_the_lines_that_mention_lflint(text):
    """Only the lines that mention ``lflint:`` are read (``str.splitlines`` of a long stream held every line),
    numbered as the findings' lines are: a line ends at "\n" (``Source.line``)."""
    from lflint.suppress import _lines_with

    source = Source("s.yaml", text, False)
    lines = text.split("\n")
    expected = [(n, source.line(n)) for n in range(1, len(lines) + 1) if "lflint:" in lines[n - 1]]
    assert list(_lines_with(source, "lflint:")) == expected


def test_fixing_a_long_stream_never_holds_all_its_documents():
    """Each fix pass checks that the fixed text still loads; it reads the stream a document at a time, as linting
    does (all its documents at once held 51 times the text: `--diff` on a stream of 10,000 jobs peaked at 390 MB,
    now 124 MB)."""
    import tracemalloc

    count = COUNT
    text = "---\n".join(
        SPEC.format(i=i, ds=f"usrname: x, password: {secret(i)}", strategy="upsert") for i in range(count)
    )
    lflint.fix_text(text[:3000], "warm.lfjob.yaml", isolated=True)
    tracemalloc.start()
    try:
        fixed, remaining = lflint.fix_text(text, "s.lfjob.yaml", isolated=True)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert fixed.count("UPSERT") == count and len(remaining) >= count
    assert peak < 25 * len(text), (peak, len(text))
