"""Loading: positions in YAML and JSON, and every kind of bad input ends in a diagnostic, not a traceback."""

import json
from pathlib import Path

import pytest
from conftest import GOOD

from lflint import lint_text


def found(text, filename="job.yaml"):
    return [(d.rule, d.line, d.column, d.end_line, d.end_column) for d in lint_text(text, filename)]


def test_yaml_and_json_positions():
    yaml_text = GOOD.replace("file_discovery_type: PARQUET", "file_discovery_type: parquet")
    assert found(yaml_text) == [("LF104", 9, 26, 9, 33)]
    data = {
        "name": "discover_sales",
        "type": "METADATA_DISCOVERY",
        "parameter": {
            "metadata_discovery_parameter": {"data_location": "obs://sales-data/raw", "file_discovery_type": "ORC"}
        },
    }
    text = json.dumps(data, indent=2)
    result = lint_text(text, "job.json")
    assert {(d.rule, d.line, d.column, d.end_line, d.end_column) for d in result} == {("LF101", 5, 5, 5, 35)}
    assert sorted(d.message.rsplit(" ", 1)[1] for d in result) == [
        "`conflict_strategy`",
        "`instance_id`",
        "`log_location`",
        "`target_catalog`",
        "`target_database`",
    ]


def test_yaml_1_2_semantics():
    text = GOOD.replace("instance_id:", "give_write: yes\n    instance_id:")
    assert [(r, line) for r, line, *_ in found(text)] == [("LF103", 11)]  # `yes` is a string, not true


def test_multi_document_stream():
    text = GOOD + "---\n" + GOOD.replace("name: discover_sales", "name: d") + "---\n"
    result = lint_text(text, "jobs.yaml")
    assert [(d.document, d.rule, d.line) for d in result] == [(1, "LF106", 13)]


@pytest.mark.parametrize(
    "raw, rule, line",
    [
        (b"name: [a, b\n", "LF001", 2),
        (b"a: 1\na: 2\n", "LF002", 2),
        ("name: ü".encode("utf-16"), "LF003", 1),
        (b"name: caf\xe9\n", "LF003", 1),
        (b"", "LF004", 1),
        (b"# only a comment\n", "LF004", 1),
        (b"- a\n- b\n", "LF005", 1),
        (b"just a string\n", "LF005", 1),
        (b"name: !!python/object/apply:os.system [echo hacked]\n", "LF006", 1),
        (b"a: &a [1]\nb: *x\n", "LF001", 2),
    ],
)
def test_bad_input_is_a_diagnostic(raw, rule, line):
    result = lint_text(raw, "bad.yaml")
    assert (rule, line) in {(d.rule, d.line) for d in result}


def test_bad_json_at_parser_position():
    assert found('{"name": "x",\n  "type": }', "job.json") == [("LF001", 2, 11, 2, 12)]
    assert ("LF002", 1, 10, 1, 13) in found('{"a": 1, "a": 2}', "job.json")


def test_unsafe_tag_is_never_constructed(tmp_path):
    marker = tmp_path / "pwned"
    text = f"name: !!python/object/apply:os.system ['touch {marker}']\n"
    lint_text(text, "x.yaml")
    assert not marker.exists()


def test_alias_bomb():
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, 10)]
    result = lint_text("\n".join(lines) + "\n", "bomb.yaml")
    assert [d.rule for d in result] == ["LF008"]


def test_deep_nesting_yaml_and_json():
    assert [d.rule for d in lint_text("a: " + "[" * 50000 + "]" * 50000, "deep.yaml")] == ["LF008"]
    assert [d.rule for d in lint_text("[" * 50000 + "]" * 50000, "deep.json")] == ["LF008"]
    assert [d.rule for d in lint_text('{"a":' * 500 + "1" + "}" * 500, "deep.json")] == ["LF008"]
    block = "".join("  " * i + "a:\n" for i in range(3000))
    assert [d.rule for d in lint_text(block, "deep.yaml")] == ["LF008"]


def test_empty_scalars_have_a_range_and_an_empty_key_is_named():
    assert [
        (d.rule, d.line, d.column, d.end_line, d.end_column, d.message)
        for d in lint_text("?", "x.yaml")
        if d.rule == "LF011"
    ] == [("LF011", 1, 2, 1, 3, "keys must be strings in a job spec, found null as a key; the entry is not read")]
    assert [
        (d.rule, d.line, d.column, d.end_line, d.end_column, d.message)
        for d in lint_text('"": 1', "x.yaml")
        if d.rule == "LF102"
    ] == [("LF102", 1, 1, 1, 3, 'unknown field "" (a blank name) in the job')]
    assert ("LF103", 1, 6, 1, 7) in found(GOOD.replace("name: discover_sales", "name:"))


@pytest.mark.slow
def test_huge_file(tmp_path, run_json):
    big = tmp_path / "big.lfjob.yaml"
    with big.open("wb") as fh:
        fh.write(b"description: '" + b"x" * (50 * 1024 * 1024) + b"'\n")
    code, result = run_json(str(big))
    assert [d["rule"] for d in result] == ["LF008"]


def test_unreadable_and_missing_paths(run_json, tmp_path):
    code, result = run_json("missing.yaml")
    assert code == 1 and [d["rule"] for d in result] == ["LF007"]
    # a file this user may not read: test_robustness.py (as root too)


def test_merge_keys_and_anchors():
    spec = (
        "name: discover_sales\ntype: METADATA_DISCOVERY\nparameter:\n  metadata_discovery_parameter:\n"
        "    <<: &base {data_location: obs://sales-data/raw, target_catalog: hive, target_database: sales,\n"
        "      conflict_strategy: upsert, file_discovery_type: PARQUET, log_location: obs://sales-logs/d}\n"
        "    conflict_strategy: UPSERT\n    instance_id: 2180518f42b84947b20badfc53981a25\n"
    )
    assert found(spec) == []  # every required field comes from the merge; a key beside `<<` wins over it
    assert found(spec.replace("    conflict_strategy: UPSERT\n", "")) == [("LF104", 6, 26, 6, 32)]  # where merged
    listed = spec.replace("<<: &base {", "<<: [{give_write: false}, {").replace("sales-logs/d}", "sales-logs/d}]")
    assert found(listed) == []
    assert found(listed.replace("give_write: false", "give_write: 3")) == [("LF103", 5, 23, 5, 24)]
    assert found(spec.replace("<<: &base {", "<<: [1, {").replace("sales-logs/d}", "sales-logs/d}]"))[0][:2] == (
        "LF001",
        5,
    )


@pytest.mark.parametrize(
    "text, data",
    [
        ("key: &an:chor value\nother: *an:chor\n", {"key": "value", "other": "value"}),  # libyaml: ":chor value"
        ("a: ! 12\nb: 12\n", {"a": "12", "b": 12}),  # the non-specific tag makes a string
        ('a: "x\x85y"\nb: p\u2028q\nc: 1\n', {"a": "x\x85y", "b": "p\u2028q", "c": 1}),  # not line breaks in YAML 1.2
        ("a: [?x, {?y: 1}, ? z]\n", {"a": ["?x", {"?y": 1}, {"z": None}]}),  # `?` is an indicator only before a blank
        ("%FOO bar\n---\na: &ä 1\nb: *ä\n", {"a": 1, "b": 1}),  # a reserved directive, a non-ASCII anchor
        ("a: |\n  x\n   ", {"a": "x\n \n"}),  # a last line of blanks without a line break
    ],
)
def test_yaml_1_2_where_libyaml_differs(text, data):
    from lflint.documents import load

    docs, problems = load(text, "x.yaml")
    assert problems == [] and docs[0].data == data


def test_positions_after_yaml_1_1_line_breaks():
    for char in "\x85\u2028\u2029":
        text = GOOD.replace("name: discover_sales", f"name: discover{char}sales")
        assert found(text.replace("PARQUET", "parquet")) == [("LF105", 1, 7, 1, 21), ("LF104", 9, 26, 9, 33)]


def test_line_breaks_of_yaml_1_1_read_the_same_in_every_file_of_a_run():
    # the stand-ins for U+2028 are private-use characters not in the file: a file that holds all but the last three
    # of them used to use up the one supply that every later file took its stand-ins from
    private = [chr(c) for r in (range(0xE000, 0xF900), range(0xF0000, 0xFFFFE)) for c in r]
    crowded = f'note: "{"".join(private[:-3])}"\nname: "a\u2028b"\nnext: 1\n'
    from lflint.documents import load

    for _ in range(2):
        assert load(crowded, "x.yaml")[0][0].locate("/next") == (3, 7, 3, 8)
    assert load('name: "a\u2028b"\nnext: 1\n', "x.yaml")[0][0].locate("/next") == (2, 7, 2, 8)


def test_a_key_that_is_not_a_string_is_its_own_finding():
    text = GOOD + "1: a\n[x, y]: b\n? {z: 1}\n: c\n"
    # a list or mapping as a key is not read, so it is masked like a secret (the mask's range)
    assert found(text) == [("LF011", 12, 1, 12, 2), ("LF011", 13, 1, 13, 5), ("LF011", 14, 3, 14, 7)]
    assert lint_text(text, "x.yaml")[0].message == (
        "keys must be strings in a job spec, found an integer as a key; the entry is not read"
    )


def test_a_large_file_with_an_anchor_libyaml_would_misread_is_not_read_wrong():
    text = GOOD + "x: &an:chor value\n" + "# padding\n" * 30_000
    assert found(text) == [("LF008", 12, 4, 12, 8)]
    assert "(&an:)" in lint_text(text, "x.yaml")[0].message


EXAMPLES = Path(__file__).parent.parent / "examples"


@pytest.mark.parametrize("name", sorted(p.name for p in EXAMPLES.glob("*.lfjob.*")))
@pytest.mark.parametrize("ending", ["\r", "\r\r\n"])
def test_a_lone_carriage_return_is_a_line_break(name, ending):
    """A carriage return not before a line feed ends a line (YAML's line break, and an editor's): a file whose
    lines end so gets the findings, at the same places, that it gets with "\\n" (it was an internal error, or
    every line after one was counted wrong). "\\r\\r\\n" is two line breaks."""
    text = (EXAMPLES / name).read_text(encoding="utf-8")
    expected = found(text, name)
    if ending == "\r\r\n":  # each line break two: the findings' lines doubled, less one
        expected = [(r, 2 * line - 1, col, 2 * end - 1, end_col) for r, line, col, end, end_col in expected]
    assert found(text.replace("\n", ending), name) == expected


def test_a_file_of_lone_carriage_returns_is_checked_not_fixed(tmp_path, run):
    """Fixing would write "\\n" line breaks where the file has "\\r": it is checked and left as it is, and a fix
    it would have made is told (exit 2, as any fix that could not be made)."""
    from conftest import lflint_subprocess

    raw = GOOD.replace("PARQUET", "parquet").replace("\n", "\r").encode()
    (tmp_path / "a.lfjob.yaml").write_bytes(raw)
    done = lflint_subprocess("check", "--fix", "--isolated", "a.lfjob.yaml", cwd=tmp_path)
    assert done.returncode == 2 and "LF104" in done.stdout and "a.lfjob.yaml:9:26:" in done.stdout
    assert "lone carriage return" in done.stderr and "not fixed" in done.stderr
    assert (tmp_path / "a.lfjob.yaml").read_bytes() == raw
    (tmp_path / "a.lfjob.yaml").write_bytes(GOOD.replace("\n", "\r").encode())  # nothing to fix: nothing to say
    done = lflint_subprocess("check", "--fix", "--isolated", "a.lfjob.yaml", cwd=tmp_path)
    assert done.returncode == 0 and done.stderr == ""
    code, out = run("check", "--isolated", "-", "--stdin-filename", "b.yaml", input=b"a: 1\rb: \xff\r")
    assert code == 1 and "b.yaml:2:4: LF003" in out and "at line 2" in out, out


@pytest.mark.parametrize("char", ["\x85", "\u2028", "\u2029"])
def test_a_suppression_after_a_yaml_1_1_line_break_is_on_its_own_line(char):
    """U+0085, U+2028 and U+2029 end no line (as an editor shows them): a suppression after one silences the
    finding on its line (``str.splitlines`` counted them: the finding stayed and the suppression was unused)."""
    text = GOOD.replace("PARQUET", "parquet  # lflint: disable=LF104")
    assert found(text) == []
    assert found(text.replace("name: discover_sales", f'name: "discover{char}sales"')) == [("LF105", 1, 7, 1, 23)]
