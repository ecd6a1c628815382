"""Secrets never leave lflint (docs/security.md): no format, summary, statistic or API result holds a character
of a secret value, its length or a key it was typed into; every user string is shown escaped; a user rule's
message is lflint's wording; a document with an infinity stays on jsonschema-rs."""

import json
import re

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import lflint
from lflint.cli import main
from lflint.documents import load_source
from lflint.messages import WORDED
from lflint.report import FORMATS

SECRET = "Zq8vK3ySecretValue"  # long and unique: it cannot appear in lflint's own text

# A migration spec; {ds} is its datasource_parameter block (indented 4), {top} extra top-level lines.
SPEC = """\
name: hive_prod_migration
type: METADATA_MIGRATION
{top}parameter:
  metadata_migration_parameter:
    datasource_type: MRS_RDS_FOR_MYSQL
    datasource_parameter:
      jdbc_url: jdbc:mysql://192.168.10.21:3306/hivemeta
      username: hivereader
{ds}    source_catalog: hive
    target_catalog: hive_prod
    conflict_strategy: UPSERT
    log_location: obs://corp-logs/lakeformation/migration
    sync_objects: [DATABASE, TABLE]
    instance_id: 2180518f42b84947b20badfc53981a25
"""
FLOW = SPEC.replace(
    """    datasource_parameter:
      jdbc_url: jdbc:mysql://192.168.10.21:3306/hivemeta
      username: hivereader
{ds}""",
    "    datasource_parameter: {{jdbc_url: 'jdbc:mysql://h:3306/d', username: u, {ds}}}\n",
)


def spec(ds="", top=""):
    return SPEC.format(ds=ds, top=top)


def as_json(data):
    return json.dumps(data, indent=2)


JOB = {
    "name": "hive_prod_migration",
    "type": "METADATA_MIGRATION",
    "parameter": {
        "metadata_migration_parameter": {
            "datasource_type": "MRS_RDS_FOR_MYSQL",
            "datasource_parameter": {"jdbc_url": "jdbc:mysql://h:3306/d", "username": "u"},
            "source_catalog": "hive",
            "target_catalog": "hive_prod",
            "conflict_strategy": "UPSERT",
            "log_location": "obs://corp-logs/x",
            "sync_objects": ["DATABASE"],
            "instance_id": "2180518f42b84947b20badfc53981a25",
        }
    },
}

# (file name, text with {s} where the secret goes): every shape of issue 11 that leaked through the old regex
SHAPES = {
    "anchor": ("a.yaml", spec("      password: &pw {s}\n")),
    "tag": ("a.yaml", spec("      access_key: !!str {s}\n")),
    "next-line": ("a.yaml", spec("      password:\n        {s}\n")),
    "block-scalar": ("a.yaml", spec("      secret_key: |\n        {s}\n        more {s}\n")),
    "folded-scalar": ("a.yaml", spec("      password: >-\n        {s}\n        {s}\n")),
    "complex-key": ("a.yaml", spec("      ? password\n      : {s}\n")),
    "spaces-hash-comma": ("a.yaml", spec("      password: a {s}#, b\n")),
    "quote-escape": ("a.yaml", spec("      password: 'it''s {s}'\n")),
    "flow-sequence": ("a.yaml", spec("      password: [{s}, {s}]\n")),
    "flow-mapping": ("a.yaml", spec("      password: {a: {s}}\n")),
    "not-a-key": ("a.yaml", spec("      password: {a: {s}}\n", "{{x: {s}}}: 1\n")),
    "in-flow-mapping": ("a.yaml", FLOW.format(ds="usrname: x, password: {s}", top="")),
    # read by ruamel.yaml's parser (libyaml refuses the directive, misreads the anchor), or with stand-ins for U+2028
    "reserved-directive": ("a.yaml", "%FOO bar\n---\n" + spec("      password: {s}\n")),
    "anchor-with-colon": ("a.yaml", spec("      password: &pw:1 {s}\n      secret_key: *pw:1\n")),
    "line-separator": ("a.yaml", spec('      password: "{s}\u2028{s}"\n', "description: a\u2028b\n")),
    "escaped-key-yaml": ("a.yaml", spec('      "pass\\u0077ord": {s}\n')),
    "alias": ("a.yaml", spec("      password: *pw\n", "x-creds: &pw {s}\n")),
    "anywhere": ("a.yaml", spec("", "password: {s}\n")),
    "capitalised": ("a.yaml", spec("      Password: {s}\n")),
    "duplicate": ("a.yaml", spec("      password: {s}\n      password: {s}x\n")),
    "typo-key": ("a.yaml", FLOW.format(ds="password:{s}", top="")),
    "typo-key-equals": ("a.yaml", spec("      password={s}: 1\n")),
    "syntax-error": ("a.yaml", spec("      password: {s}\n", "oops: [\n")),
    "json": ("a.json", as_json(JOB).replace('"username": "u"', '"username": "u", "password": "{s}"')),
    "json-escaped-key": ("a.json", as_json(JOB).replace('"username": "u"', '"username": "u", "pass\\u0077ord": "{s}"')),
    "json-typo-key": ("a.json", as_json(JOB).replace('"username": "u"', '"username": "u", "password:{s}": 1')),
    "json-list": ("a.json", as_json(JOB).replace('"username": "u"', '"username": "u", "secret_key": ["{s}", 1]')),
    # a password that starts with `!` or `*` is, unquoted, a tag or an alias: its name is the secret
    "tag-name": ("a.yaml", spec("      password: !{s}\n")),
    "tag-name-core": ("a.yaml", spec("      password: !!{s} x\n")),
    "tag-name-verbatim": ("a.yaml", spec("      password: !<tag:{s}> x\n")),
    "tag-in-a-list": ("a.yaml", spec("      password:\n        - !{s} y\n")),
    "tag-on-a-mapping-key": ("a.yaml", spec("      password: {{!{s} a: 1}}\n")),
    "alias-name": ("a.yaml", spec("      password: *{s}\n")),
    # a misspelt secret key (lflint would suggest `password`) is a secret key
    **{
        f"misspelt-{key!r}": ("a.yaml", spec(f"      {key}: {{s}}\n"))
        for key in (
            "pasword",
            "passwd",
            "password_",
            "secret-key",
            "secretKey",
            "accesskey",
            '"p\\u0430ssword"',
            '"password\\u200b"',
            "PASSWORD",
            "pass",
        )
    },
    "separator-key": ("a.yaml", spec("      password;{s}: 1\n")),
    "misspelt-separator-key": ("a.yaml", spec("      pasword;{s}: 1\n")),
    # the comment after a secret may be the rest of it (`password: abc #def`)
    "comment": ("a.yaml", spec("      password: abc #{s}\n")),
    "comment-in-flow": ("a.yaml", spec("      password: [a, b] #{s}\n")),
    "suppression": ("a.yaml", spec("      password: x # lflint: disable={s}\n")),
    "quoted-suppression": ("a.yaml", spec('      password: "x # lflint: disable={s}"\n')),
    "duplicate-in-a-secret": ("a.yaml", spec("      password:\n        {s}: 1\n        ? {s}\n        : 2\n")),
    "json-duplicate-in-a-secret": (
        "a.json",
        as_json(JOB)
        .replace('"username": "u"', '"username": "u", "password": {{"{s}": 1, "{s}": 2}}')
        .replace("{{", "{")
        .replace("}}", "}"),
    ),
}


@pytest.fixture
def cli(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)

    def invoke(*args):
        result = CliRunner().invoke(main, list(args))
        if result.exception and not isinstance(result.exception, SystemExit):
            raise result.exception
        return result.exit_code, result.output

    return invoke


def outputs(cli, tmp_path, name, text):
    """Everything lflint shows of one file: each format on stdout and in --output-file, --statistics, the API."""
    (tmp_path / name).write_text(text, encoding="utf-8")
    shown = {}
    for fmt in FORMATS:
        shown[fmt] = cli("check", name, "--format", fmt, "--statistics")[1]
        shown[fmt + " -o"] = cli("check", name, "--format", fmt, "-o", "report.out")[1] + (
            tmp_path / "report.out"
        ).read_text(encoding="utf-8")
    shown["api"] = repr(lflint.lint_paths([name])) + repr(lflint.lint_text(text, name))
    return shown


def leaks(shown, secret):
    return [where for where, text in shown.items() if secret in text or secret[:6] in text]


@pytest.mark.parametrize("shape", SHAPES)
def test_no_secret_in_any_output(shape, cli, tmp_path):
    name, text = SHAPES[shape]
    shown = outputs(cli, tmp_path, name, text.replace("{s}", SECRET))
    assert "LF" in shown["json"]  # the spec has findings: there is something to leak through
    assert leaks(shown, SECRET) == []
    # not its length either: a secret of another length gives the very same output
    assert outputs(cli, tmp_path, name, text.replace("{s}", SECRET + "0123456789abcdef")) == shown


def test_a_secret_has_the_mask_width_in_every_format(cli, tmp_path):
    (tmp_path / "a.yaml").write_text(spec(f"      password: {SECRET}\n"))
    [found] = [d for d in json.loads(cli("check", "a.yaml", "--format", "json")[1]) if d["rule"] == "LF501"]
    assert (found["line"], found["column"], found["end_line"], found["end_column"]) == (9, 17, 9, 21)
    assert "      password: ****\n" in cli("check", "a.yaml")[1]
    assert "  |                 ^^^^\n" in cli("check", "a.yaml")[1]
    region = [
        r
        for r in json.loads(cli("check", "a.yaml", "--format", "sarif")[1])["runs"][0]["results"]
        if r["ruleId"] == "LF501"
    ][0]["locations"][0]["physicalLocation"]["region"]
    assert region["endColumn"] - region["startColumn"] == 4
    assert "col=17,endLine=9,endColumn=21," in cli("check", "a.yaml", "--format", "github")[1]


def test_columns_after_a_secret_are_true_columns(cli, tmp_path):
    """Only a finding on a secret has the mask's width; every other keeps its true columns (editors, fixes and
    annotations need them), and the text report's caret stands under its token in the masked line."""
    text = FLOW.format(ds=f"password: {SECRET}, usrname: x", top="")
    (tmp_path / "a.yaml").write_text(text)
    source_line = text.splitlines()[5]
    out = cli("check", "a.yaml")[1].splitlines()
    at = next(i for i, li in enumerate(out) if " LF102 " in li)
    line, caret = out[at + 2], out[at + 3]
    assert line.endswith("username: u, password: ****, usrname: x}")
    assert caret.index("^") - caret.index("|") == line.index("usrname") - line.index("|")
    assert caret.count("^") == len("usrname")
    found = json.loads(cli("check", "a.yaml", "--format", "json")[1])
    [unknown] = [d for d in found if d["rule"] == "LF102"]
    assert (unknown["line"], unknown["column"], unknown["end_column"]) == (
        6,
        source_line.index("usrname") + 1,
        source_line.index("usrname") + 1 + len("usrname"),
    )
    [literal] = [d for d in found if d["rule"] == "LF501"]
    assert (literal["column"], literal["end_column"]) == (source_line.index(SECRET) + 1, source_line.index(SECRET) + 5)
    # a longer secret moves only the later finding, by as much as the text moved (docs/security.md)
    (tmp_path / "a.yaml").write_text(text.replace(SECRET, SECRET + "0123456789abcdef"))
    longer = json.loads(cli("check", "a.yaml", "--format", "json")[1])
    moved = [
        d | {"column": d["column"] - 16, "end_column": d["end_column"] - 16} if d["rule"] == "LF102" else d
        for d in longer
    ]
    assert moved == found


def test_a_key_that_holds_a_secret_is_shown_up_to_its_name(cli, tmp_path):
    (tmp_path / "a.yaml").write_text(FLOW.format(ds=f"password:{SECRET}", top=""))
    found = json.loads(cli("check", "a.yaml", "--format", "json")[1])
    [unknown] = [d for d in found if d["rule"] == "LF102"]
    assert unknown["message"].startswith("unknown field `password:****` in `datasource_parameter`")
    assert unknown["pointer"].endswith("/datasource_parameter/password:****")
    assert unknown["suggestion"] is None  # a fix of that range would rewrite the secret: none is offered


def test_a_file_that_does_not_load_shows_no_excerpt_that_could_hold_a_secret(cli, tmp_path):
    (tmp_path / "a.yaml").write_text(f"password: {SECRET}\nx: [\n")
    out = cli("check", "a.yaml")[1]
    assert "LF001" in out and " | " not in out
    (tmp_path / "b.yaml").write_text("name: x\n  bad: y\n")  # no secret: the excerpt stays
    assert "2 |   bad: y" in cli("check", "b.yaml")[1]


CONTROL = ["\x1b[2J", "\nfake.yaml:1:1: LF000 [error] forged", "\r", "\u202e", "\x9b31m", "\u2028", "\x00"]


@pytest.mark.parametrize("bad", CONTROL, ids=repr)
def test_user_strings_are_escaped(bad, cli, tmp_path):
    """Keys, values and file names reach messages only escaped: no control or bidi character, no new line."""
    text = (
        spec("", f"{json.dumps(bad + 'key')}: 1\n{json.dumps(bad + 'key')}: 2\ndescription: {json.dumps(bad)}\n")
        + "    # lflint: disable=LF999\n"
    )
    text = text.replace("type: METADATA_MIGRATION", f"type: {json.dumps(bad + 'TYPE')}")
    name = "job.yaml" if bad in ("\x00", "\r") else f"j{bad.strip()}b.yaml"
    shown = outputs(cli, tmp_path, name, text)
    for where, out in shown.items():
        if where == "api" or where.startswith(("json", "sarif", "gitlab", "junit")):
            continue  # data formats escape through their encoders
        body = "".join(li for li in out.splitlines() if not li.startswith(("  ", "|")) and " | " not in li)
        assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]", body), where
    text_report = shown["text"]
    assert "forged" not in text_report or "\\nfake.yaml" in text_report
    assert all(not line.startswith("fake.yaml") for line in text_report.splitlines())
    assert "duplicate key" in text_report and "unknown field" in text_report


# -- user rules: every keyword gets lflint's wording --------------------------------------------------------------

DS = "parameter.metadata_migration_parameter.datasource_parameter"


def user_rule(tmp_path, then, select=False):
    """A user rule ORG900 applying ``then`` to the datasource block, in a config of ``tmp_path`` (``select``: the
    only rule selected)."""
    (tmp_path / "rules").mkdir()
    rule = {
        "id": "ORG900",
        "slug": "policy",
        "severity": "error",
        "summary": "A policy",
        "given": DS,
        "then": then,
        "docs": {"what": "w", "why": "w", "fix": "f"},
        "examples": {"good": [], "bad": []},
    }
    (tmp_path / "rules/ORG900-policy.yaml").write_text(json.dumps(rule))
    (tmp_path / ".lflint.toml").write_text('rule-paths = ["rules"]\n' + ('select = ["ORG"]\n' if select else ""))


# keyword -> (value of password, `then` applied to the datasource block)
KEYWORDS = {
    "type": (SECRET, {"properties": {"password": {"type": "integer"}}}),
    "enum": (SECRET, {"properties": {"password": {"enum": ["a", "b"]}}}),
    "const": (SECRET, {"properties": {"password": {"const": "a"}}}),
    "pattern": (SECRET, {"properties": {"password": {"pattern": "^x$"}}}),
    "minLength": (SECRET, {"properties": {"password": {"minLength": 100}}}),
    "maxLength": (SECRET, {"properties": {"password": {"maxLength": 2}}}),
    "minimum": (12345678, {"properties": {"password": {"minimum": 99999999}}}),
    "maximum": (12345678, {"properties": {"password": {"maximum": 1}}}),
    "exclusiveMinimum": (12345678, {"properties": {"password": {"exclusiveMinimum": 99999999}}}),
    "exclusiveMaximum": (12345678, {"properties": {"password": {"exclusiveMaximum": 1}}}),
    "multipleOf": (12345677, {"properties": {"password": {"multipleOf": 2}}}),
    "minItems": ([SECRET], {"properties": {"password": {"minItems": 3}}}),
    "maxItems": ([SECRET, SECRET + "1"], {"properties": {"password": {"maxItems": 1}}}),
    "uniqueItems": ([SECRET, SECRET], {"properties": {"password": {"uniqueItems": True}}}),
    "contains": ([SECRET], {"properties": {"password": {"contains": {"const": 1}}}}),
    "minContains": ([SECRET], {"properties": {"password": {"contains": {"type": "string"}, "minContains": 2}}}),
    "maxContains": ([SECRET, SECRET], {"properties": {"password": {"contains": {"type": "string"}, "maxContains": 1}}}),
    "prefixItems": ([SECRET, 1], {"properties": {"password": {"prefixItems": [{"type": "integer"}]}}}),
    "items": ([SECRET, 1], {"properties": {"password": {"prefixItems": [{}], "items": False}}}),
    "unevaluatedItems": ([SECRET, 1], {"properties": {"password": {"prefixItems": [{}], "unevaluatedItems": False}}}),
    "minProperties": (SECRET, {"minProperties": 10}),
    "maxProperties": (SECRET, {"maxProperties": 1}),
    "required": (SECRET, {"required": ["port"]}),
    "dependentRequired": (SECRET, {"dependentRequired": {"password": ["port"]}}),
    "dependentSchemas": (SECRET, {"dependentSchemas": {"password": {"required": ["port"]}}}),
    "additionalProperties": (SECRET, {"properties": {"jdbc_url": {}}, "additionalProperties": False}),
    "unevaluatedProperties": (SECRET, {"properties": {"jdbc_url": {}}, "unevaluatedProperties": False}),
    "patternProperties": (SECRET, {"patternProperties": {"^pass": {"type": "integer"}}}),
    "propertyNames": (SECRET, {"propertyNames": {"maxLength": 5}}),
    "not": (SECRET, {"not": {"required": ["password"]}}),
    "anyOf": (SECRET, {"anyOf": [{"required": ["port"]}, {"maxProperties": 1}]}),
    "oneOf": (SECRET, {"oneOf": [{"required": ["password"]}, {"required": ["username"]}]}),
    "allOf": (SECRET, {"allOf": [{"properties": {"password": {"maxLength": 1}}}]}),
    "if": (SECRET, {"if": {"required": ["password"]}, "then": {"required": ["port"]}}),
    "else": (SECRET, {"if": {"required": ["port"]}, "else": {"properties": {"password": {"const": 1}}}}),
    "$ref": (SECRET, {"$defs": {"s": {"maxLength": 1}}, "properties": {"password": {"$ref": "#/$defs/s"}}}),
    "false": (SECRET, {"properties": {"password": False}}),
}


def test_every_worded_keyword_has_a_case():
    assert set(KEYWORDS) >= WORDED


@pytest.mark.parametrize("keyword", KEYWORDS)
def test_user_rule_messages_are_lflints_wording(keyword, cli, tmp_path):
    value, then = KEYWORDS[keyword]
    if not isinstance(value, str):  # a user rule sees every secret as "****": a number or list goes elsewhere
        then = json.loads(json.dumps(then).replace('"password"', '"username"'))
        value = json.loads(json.dumps(value).replace(SECRET, "v"))
    user_rule(tmp_path, then)
    job = json.loads(json.dumps(JOB))
    job["parameter"]["metadata_migration_parameter"]["datasource_parameter"].update(
        {"password": SECRET} if isinstance(value, str) else {"password": SECRET, "username": value}
    )
    text = json.dumps(job, indent=2)  # the secret alone on its line: no later column moves with its length
    shown = outputs(cli, tmp_path, "a.json", text)
    found = [d for d in json.loads(cli("check", "a.json", "--format", "json")[1]) if d["rule"] == "ORG900"]
    assert found, shown["text"]
    for d in found:
        assert d["message"].startswith("`"), d["message"]  # the field first, as every lflint message
        assert not re.search(
            r"is not valid|is a required|False schema|unexpected|is not allowed for|\{'|\['", d["message"]
        ), d["message"]
    assert leaks(shown, SECRET) == []
    # nor its length
    assert outputs(cli, tmp_path, "a.json", text.replace(SECRET, SECRET + "0123456789abcdef")) == shown


@pytest.mark.parametrize(
    "then",
    [
        {"properties": {"password": {"maxLength": len(SECRET) + 5}}},
        {"properties": {"password": {"const": SECRET}}},
        {"if": {"properties": {"password": {"pattern": "^Zq8"}}}, "then": {"required": ["port"]}},
        {"properties": {"password": {"type": "integer"}}},
        {"propertyNames": {"maxLength": 12}},
    ],
    ids=["maxLength", "const", "if-pattern", "type", "propertyNames-of-a-key-that-holds-one"],
)
def test_a_user_rule_learns_nothing_of_a_secret(then, cli, tmp_path):
    """A user rule sees each secret as "****" (docs/security.md): a rule that would fire on the secret's length,
    value, beginning or type fires alike for any secret."""
    user_rule(tmp_path, then, select=True)
    shown = []
    for secret in (SECRET, "x", "Zq8" + SECRET + "0123456789", "12345"):
        job = json.loads(json.dumps(JOB))
        job["parameter"]["metadata_migration_parameter"]["datasource_parameter"].update(
            {"password": int(secret) if secret.isdigit() else secret, f"password:{secret}": 1}
        )
        (tmp_path / "a.json").write_text(json.dumps(job, indent=2))
        shown.append(cli("check", "a.json", "--format", "json")[1])
    assert shown == [shown[0]] * 4


# -- property: generated secrets in generated shapes --------------------------------------------------------------

MARK = "Qk9W"  # every generated secret starts with it; lflint never writes it
secrets = st.text(st.characters(blacklist_categories=("Cs",)), min_size=0, max_size=20).map(lambda t: MARK + t)


def yaml_quoted(secret):
    return json.dumps(secret)  # a YAML double-quoted scalar


YAML_SHAPES = [
    lambda s: spec(f"      password: {yaml_quoted(s)}\n"),
    lambda s: spec(f"      password: &a {yaml_quoted(s)}\n      subnet_ip: *a\n"),
    lambda s: spec("      password: *a\n", f"x-a: &a {yaml_quoted(s)}\n"),
    lambda s: spec(f"      access_key: [{yaml_quoted(s)}, {{k: {yaml_quoted(s)}}}]\n"),
    lambda s: FLOW.format(ds=f"password: {yaml_quoted(s)}, x: 1", top=""),
    lambda s: FLOW.format(ds=f"{yaml_quoted('password:' + s)}: 1", top=""),
    lambda s: spec(f"      password:\n        - {yaml_quoted(s)}\n        - k: {yaml_quoted(s)}\n"),
    lambda s: spec(f"      secret_key: {yaml_quoted(s)}\n", f"{yaml_quoted('password ' + s)}: 1\n"),
    lambda s: spec(f"      password: {yaml_quoted(s)} #{one_line(s)}\n"),
    lambda s: FLOW.format(ds=f"password: {yaml_quoted(s)}, x: 1 #{one_line(s)}", top=""),
    lambda s: spec(f'      pasword: {yaml_quoted(s)}\n      "p\\u0430ssword": {yaml_quoted(s)}\n'),
    lambda s: spec(f"      {yaml_quoted('pasword;' + s)}: 1\n      secretKey: {yaml_quoted(s)}\n"),
    lambda s: spec(f"      password: !{one_line(s)} x\n"),
    lambda s: spec(f"      password: *{one_line(s)}\n"),
    lambda s: spec(f"      password:\n        {yaml_quoted(s)}: 1\n        {yaml_quoted(s)}: 2\n"),
]


def one_line(text):
    """``text`` with no line break (YAML's own and Unicode's), to stand unquoted on one line."""
    return re.sub("[\r\n\x85\u2028\u2029]", " ", text)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture]
)
@given(secrets, st.sampled_from(range(len(YAML_SHAPES) + 1)))
@example("Qk9W a #, 'b' \"c\"", 0)
def test_no_generated_secret_in_any_output(cli, tmp_path, secret, shape):
    if shape == len(YAML_SHAPES):
        job = json.loads(json.dumps(JOB))
        job["parameter"]["metadata_migration_parameter"]["datasource_parameter"].update(
            {"password": secret, "password=" + secret: [secret], "x": 1}
        )
        name, text = "a.json", json.dumps(job, ensure_ascii=False)
    else:
        name, text = "a.yaml", YAML_SHAPES[shape](secret)
    shown = outputs(cli, tmp_path, name, text)
    assert [w for w, out in shown.items() if MARK in out] == []


def test_an_infinity_keeps_the_document_on_jsonschema_rs(cli, tmp_path, monkeypatch):
    """One `.inf` used to send the whole document to python-jsonschema, where a user pattern backtracks."""
    import lflint.compiler

    def refuse(*args, **kwargs):
        raise AssertionError("python-jsonschema ran a pattern")

    monkeypatch.setattr(lflint.compiler, "search", refuse)  # what python-jsonschema's pattern keywords call
    (tmp_path / "rules").mkdir()
    (tmp_path / "rules/ORG901-name.yaml").write_text(
        json.dumps(
            {
                "id": "ORG901",
                "slug": "name",
                "severity": "error",
                "summary": "s",
                "given": "",
                "then": {"properties": {"name": {"pattern": "^(a+)+$"}}},
                "docs": {"what": "w", "why": "w", "fix": "f"},
                "examples": {"good": [], "bad": []},
            }
        )
    )
    (tmp_path / ".lflint.toml").write_text('rule-paths = ["rules"]\n')
    text = (
        spec("      password: x\n")
        .replace("hive_prod_migration", "a" * 31 + "!")
        .replace("source_catalog: hive", "source_catalog: .inf")
    )
    (tmp_path / "a.yaml").write_text(text)
    found = {(d["rule"], d["line"]) for d in json.loads(cli("check", "a.yaml", "--format", "json")[1])}
    assert ("ORG901", 1) in found and ("LF103", 10) in found


def test_additional_properties_names_only_the_fields_no_pattern_allows(cli, tmp_path):
    user_rule(
        tmp_path,
        {
            "properties": {"jdbc_url": {}, "username": {}, "password": {}},
            "patternProperties": {"^x_": {"type": "string"}},
            "additionalProperties": False,
        },
        select=True,
    )
    job = json.loads(json.dumps(JOB))
    job["parameter"]["metadata_migration_parameter"]["datasource_parameter"].update({"x_ok": "v", "stray": 1})
    (tmp_path / "a.json").write_text(json.dumps(job))
    found = json.loads(cli("check", "a.json", "--format", "json")[1])
    assert [d["message"] for d in found] == ["`datasource_parameter` has a field this rule does not allow: `stray`"]


# -- fixes: what `--diff`, `--fix --show-fixes` and `--unsafe-fixes` show of a file with a secret ---------------------


def fix_outputs(cli, tmp_path, name, text):
    """Everything lflint shows while fixing one file with `--unsafe-fixes --show-fixes`: `--diff` (the same in
    every format), each format with `--fix` (the file written afresh each time; the fixed file itself is the
    user's, not an output), and the API's findings with their fixes."""
    (tmp_path / name).write_text(text, encoding="utf-8")
    shown = {"diff": cli("check", name, "--diff", "--unsafe-fixes", "--show-fixes")[1]}
    for fmt in FORMATS:
        (tmp_path / name).write_text(text, encoding="utf-8")
        shown[fmt] = cli("check", name, "--format", fmt, "--fix", "--unsafe-fixes", "--show-fixes")[1]
    shown["api"] = repr(lflint.fix_text(text, name, unsafe=True)[1]) + repr(lflint.lint_text(text, name))
    return shown


def test_a_fixed_secret_is_masked_in_the_diff_and_the_placeholder_shown(cli, tmp_path):
    (tmp_path / "a.yaml").write_text(spec(f"      password: '{SECRET}'  # {SECRET}\n"))
    code, out = cli("check", "a.yaml", "--diff", "--unsafe-fixes")
    assert code == 1 and "-      password: ****\n+      password: '${LF_DB_PASSWORD}'\n" in out
    assert SECRET[:6] not in out
    assert cli("check", "a.yaml", "--diff")[1] == "0 fixes would be applied.\n"  # unsafe: only when asked
    for text in (spec(f"      password: {SECRET}  # a\n"), FLOW.format(ds=f"password: '{SECRET}'", top="")):
        shown = fix_outputs(cli, tmp_path, "a.yaml", text)
        assert leaks(shown, SECRET) == [] and "${LF_DB_PASSWORD}" in shown["diff"] + shown["json"]
        # not its length either: the edit runs to the start of the next line
        assert fix_outputs(cli, tmp_path, "a.yaml", text.replace(SECRET, SECRET + "0123456789abcdef")) == shown


FIX_SHAPES = [  # shapes where a fix replaces or deletes the secret, or edits around it
    lambda s: spec(f"      password: |\n        {one_line(s)}\n        {one_line(s)}\n\n"),
    lambda s: spec(f"      password: {yaml_quoted(s)}\n").replace("MRS_RDS_FOR_MYSQL", "ALIYUN_DLF"),  # deleted
    lambda s: FLOW.format(ds=f"password: {yaml_quoted(s)}", top="").replace("MRS_RDS_FOR_MYSQL", "ALIYUN_DLF"),
    lambda s: spec(f"      password:\n        {yaml_quoted(s)}  #{one_line(s)}\n      secret_key: {yaml_quoted(s)}\n"),
    lambda s: spec("      password: *a\n", f"x-copy: {{p: &a {yaml_quoted(s)}}}\n"),  # an alias: no fix
    lambda s: spec(f"      password: {yaml_quoted(s)}\n").replace(
        "type: METADATA_MIGRATION", "type: METADATA_DISCOVERY"
    ),
]


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture]
)
@given(secrets, st.sampled_from(range(len(YAML_SHAPES) + len(FIX_SHAPES) + 2)))
@example("Qk9W a #, 'b' \"c\"", 0)
@example("Qk9W\n x", len(YAML_SHAPES))
def test_no_generated_secret_in_any_output_of_a_fix(cli, tmp_path, secret, shape):
    shapes = YAML_SHAPES + FIX_SHAPES
    if shape >= len(shapes):
        job = json.loads(json.dumps(JOB))
        job["parameter"]["metadata_migration_parameter"]["datasource_parameter"]["password"] = secret
        if shape > len(shapes):
            job["parameter"]["metadata_migration_parameter"]["datasource_type"] = "ALIYUN_DLF"
        name, text = "a.json", json.dumps(job, ensure_ascii=False, indent=shape - len(shapes) or None) + "\n"
    else:
        name, text = "a.yaml", shapes[shape](secret)
    shown = fix_outputs(cli, tmp_path, name, text)
    assert [w for w, out in shown.items() if MARK in out] == []
    fixed = shape >= len(shapes) or 0 <= shape - len(YAML_SHAPES) < 4  # a shape whose secret a fix replaces
    if fixed and not load_source(text, name)[2]:
        assert "0 fixes would be applied" not in shown["diff"]
