"""What lflint promises a hostile or careless input (docs/security.md): nothing is fetched, no pattern hangs, the
cache cannot make a broken spec pass, and every report stays valid for its consumer."""

import contextlib
import http.server
import threading
from pathlib import Path

import pytest
from conftest import GOOD, lflint_subprocess

RULE = """\
id: ORG009
slug: org-rule
severity: error
summary: A rule of the organisation
given: {given}
then: {then}
docs: {{what: w, why: w, fix: w}}
examples: {{good: [], bad: []}}
"""


@pytest.fixture
def server():
    """A local HTTP server that records every request it sees (and would serve a schema)."""
    seen = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            seen.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(b'{"type": "object"}')

        def log_message(self, *args):
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}", seen
    httpd.shutdown()
    httpd.server_close()


def write_rule(tmp_path, then, given="parameter.*"):
    (tmp_path / "lint-rules").mkdir(exist_ok=True)
    rule = tmp_path / "lint-rules/ORG009-org-rule.yaml"
    rule.write_text(RULE.format(given=given, then=then))
    (tmp_path / ".lflint.toml").write_text('rule-paths = ["lint-rules"]\n')
    return rule


# -- Network -----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "then",
    [
        '{"$schema": "URL/meta"}',
        '{properties: {log_location: {"$schema": "URL/meta", type: string}}}',
        '{properties: {log_location: {"$ref": "URL/ref"}}}',
        '{properties: {log_location: {"$id": "URL/base/", "$ref": "other"}}}',
        '{properties: {log_location: {"$ref": "file:///etc/hostname"}}}',
    ],
)
def test_a_rule_naming_a_uri_is_refused_and_nothing_is_fetched(run, tmp_path, server, then):
    url, seen = server
    rule = write_rule(tmp_path, then.replace("URL", url))
    (tmp_path / "a.lfjob.yaml").write_text(GOOD)
    code, out = run("check", "a.lfjob.yaml")
    assert code == 2 and out.count("\n") == 1 and str(rule) in out and "never fetches" in out, out
    assert seen == []


def test_the_meta_schema_itself_is_allowed(run, tmp_path):
    write_rule(
        tmp_path,
        '{"$schema": "https://json-schema.org/draft/2020-12/schema", '
        'properties: {log_location: {pattern: "^obs://corp-logs/"}}}',
    )
    (tmp_path / "a.lfjob.yaml").write_text(GOOD)
    code, out = run("check", "a.lfjob.yaml")
    assert code == 1 and "ORG009" in out


@pytest.mark.parametrize(
    "schema",
    [
        {"properties": {"a": {"$schema": "URL/meta"}}},
        {"$ref": "URL/ref"},
        {"$id": "URL/base/", "$ref": "other"},
        {"$ref": "file:///etc/hostname"},
    ],
)
def test_every_schema_is_compiled_offline(server, schema):
    """Below the rule checks: both validators refuse every URI themselves (a built-in schema cannot fetch)."""
    import json

    from lflint.rules import Rule
    from lflint.validation import VALIDATORS, compile_schema

    url, seen = server
    schema = json.loads(json.dumps(schema).replace("URL", url))
    for validate in (
        lambda: compile_schema(schema).is_valid({"a": 1}),
        lambda: list(VALIDATORS.python(Rule(Path("r.yaml"), id="ORG009", then=schema)).iter_errors({})),
        lambda: list(VALIDATORS.python(Rule(Path("r.yaml"), id="ORG009", then=schema)).iter_errors({"a": 1})),
    ):
        with contextlib.suppress(Exception):  # refusing is the point; how each library says so is its own
            validate()
    assert seen == []


# -- Regular expressions -----------------------------------------------------------------------------------------

HOSTILE = "a" * 40 + "!"  # Python's re takes hours to fail ^(a+)+$ on this; a linear-time engine microseconds


def check_in_time(cwd, *args):
    """lflint in a subprocess; the timeout only guards the suite against a hang (no speed is asserted)."""
    return lflint_subprocess("check", "--format", "json", *args, cwd=cwd)


MIGRATION = (Path(__file__).resolve().parent.parent / "examples/hive-migration.lfjob.yaml").read_text()


def test_a_hostile_placeholder_cannot_hang_the_secret_check(tmp_path):
    (tmp_path / ".lflint.toml").write_text("placeholder = '^(a+)+$'\n")
    (tmp_path / "a.lfjob.yaml").write_text(MIGRATION.replace("${LF_HIVE_DB_PASSWORD}", HOSTILE))
    result = check_in_time(tmp_path, "a.lfjob.yaml")
    assert result.returncode == 1 and '"LF501"' in result.stdout and HOSTILE not in result.stdout


@pytest.mark.parametrize(
    "then",
    [
        '{properties: {target_database: {pattern: "^(a+)+$"}}}',
        '{propertyNames: {pattern: "^(a+)+$"}}',
        '{patternProperties: {"^(a+)+$|^target_": {type: integer}}}',
        '{patternProperties: {"^(a+)+$|^[a-z_]+$": true}, additionalProperties: {type: string}}',
    ],
)
@pytest.mark.parametrize("extra", ["", "\n    7: x"])  # a non-string key sends the spec to python-jsonschema
def test_a_hostile_rule_pattern_cannot_hang(tmp_path, then, extra):
    write_rule(tmp_path, then)
    spec = GOOD.replace("target_database: sales", f"target_database: {HOSTILE}\n    {HOSTILE}: 1{extra}")
    (tmp_path / "a.lfjob.yaml").write_text(spec)
    result = check_in_time(tmp_path, "a.lfjob.yaml")
    assert result.returncode == 1 and '"ORG009"' in result.stdout, result.stderr


@pytest.mark.parametrize(
    ("pattern", "reason"),
    [
        (r"(?P<n>a)(?P=n)", "is not a regular expression lflint can run"),  # Python's dialect, not ECMA-262's
        (r"^(?=(a+)+$)", "look-around or a back-reference"),  # would backtrack: users' patterns run in linear time
        (r"(a)\1", "look-around or a back-reference"),
    ],
)
def test_a_pattern_lflint_will_not_run_is_a_config_or_rule_error(run, tmp_path, pattern, reason):
    (tmp_path / "a.lfjob.yaml").write_text(GOOD)
    (tmp_path / ".lflint.toml").write_text(f"placeholder = '{pattern}'\n")  # TOML and YAML '': no escapes
    code, out = run("check", "a.lfjob.yaml")
    assert code == 2 and out.startswith("lflint: error: ") and "'placeholder'" in out and reason in out, out
    rule = write_rule(tmp_path, f"{{properties: {{log_location: {{pattern: '{pattern}'}}}}}}")
    code, out = run("check", "a.lfjob.yaml")
    assert code == 2 and out.startswith(f"lflint: error: {rule}: `then` cannot be compiled") and reason in out, out
    assert out.count("\n") == 1


def test_patterns_read_dollar_as_json_schema_does(run_json, tmp_path):
    """ECMA-262's $ is the end of the text, on both of lflint's paths and in the placeholder."""
    (tmp_path / ".lflint.toml").write_text("placeholder = '^vault:[a-z]+$'\n")
    spec = MIGRATION.replace("${LF_HIVE_DB_PASSWORD}", '"vault:abc\\n"')
    (tmp_path / "a.lfjob.yaml").write_text(spec)
    assert [d["rule"] for d in run_json("a.lfjob.yaml")[1]] == ["LF501"]


# -- Cache -------------------------------------------------------------------------------------------------------

BROKEN = GOOD.replace("conflict_strategy: UPSERT", "conflict_strategy: upsert")  # LF104


def cache_file(tmp_path):
    return next((tmp_path / ".lflint_cache").glob("lflint-*.json"))


def test_a_second_run_is_answered_from_the_cache(run, tmp_path):
    (tmp_path / "good.lfjob.yaml").write_text(GOOD)
    (tmp_path / "bad.lfjob.yaml").write_text(BROKEN)
    first = run("check", ".", "--cache", "--statistics")
    assert first[0] == 1 and "0 of 2 files answered from the cache" in first[1]
    second = run("check", ".", "--cache", "--statistics")
    assert second[0] == 1 and "2 of 2 files answered from the cache" in second[1]
    assert first[1].replace("0 of 2", "2 of 2") == second[1]  # excerpt and all
    assert "conflict_strategy: upsert" in second[1] and "upsert" not in cache_file(tmp_path).read_text().replace(
        '\\"upsert\\"', ""
    )  # the excerpt is read again from the file, never from the cache


def _changed(fields, index, value):
    return fields[:index] + [value] + fields[index + 1 :]


def _forgeries(groups, sign):
    """Cache files a CI cache from another branch or a committed directory could hold for the broken spec."""
    import json

    [(settings, files)] = groups.items()
    head, (fields,), lines = files["bad.lfjob.yaml"]  # "CONTENT-KEY SIGNATURE", findings, plain excerpt lines
    clean = {settings: {"bad.lfjob.yaml": head}}
    body = json.dumps(clean, separators=(",", ":"))
    unsigned = {
        "clean, the old layout": json.dumps({"bad.lfjob.yaml": [head[:64], [], "0" * 64]}),
        "clean, a made-up signature": f'["{"0" * 64}",{body}]',
        "clean, no signature": body,
        "clean, a signature of other entries": f'["{sign(json.dumps(groups, separators=(",", ":")))}",{body}]',
        "clean, signed, then a byte changed": f'["{sign(body)}",{body.replace(":{", ": {")}]',
    }
    signed = {  # even with this user's key (which a forger does not have), only findings this run could report
        "an unknown rule": _changed(fields, 5, "LF999"),
        "another rule's slug": _changed(fields, 6, "missing-field"),
        "another severity": _changed(fields, 7, "info"),
        "an unknown severity": _changed(fields, 7, "fatal"),
        "a line of 0": _changed(fields, 1, 0),
        "a line that is true": _changed(fields, 1, True),
        "a float column": _changed(fields, 2, 1.5),
        "a message that is not text": _changed(fields, 8, ["x"]),
        "a pointer that is not one": _changed(fields, 9, "parameter"),
        "too few fields": fields[:10],
        "an end before its start": _changed(fields, 3, 0),
        "not a list": "finding",
    }
    entries = {f"signed, {what}": [head, [f], lines] for what, f in signed.items()}
    entries |= {  # entries of another shape
        "signed, not text or a list": 0,
        "signed, findings not a list": [head, "none", []],
        "signed, too few members": [head, [fields]],
        "signed, a content key that is not text": [0, [fields], lines],
        "signed, excerpt lines that are not line numbers": [head, [fields], [0]],
        "signed, no settings key": "",
    }
    forged = {}
    for what, entry in entries.items():
        body = json.dumps({settings: {"bad.lfjob.yaml": entry}} if entry != "" else [], separators=(",", ":"))
        forged[what] = f'["{sign(body)}",{body}]'
    return unsigned | forged


def test_a_forged_or_damaged_entry_is_a_miss(run, tmp_path, user_cache_home):
    """Anything but a cache file signed with this user's key, holding entries of the expected shape with findings
    this run could report, is linted afresh: never "All checks passed", never a crash. The forged entries keep
    the file's signature, so that they are looked up without reading it."""
    import hashlib
    import hmac
    import json
    import os

    (tmp_path / "bad.lfjob.yaml").write_text(BROKEN)
    expected = run("check", "bad.lfjob.yaml", "--cache")
    assert expected[0] == 1 and "LF104" in expected[1]
    path = cache_file(tmp_path)
    mac, groups = json.loads(path.read_text())
    secret = (user_cache_home / "lflint/cache-key").read_bytes()

    def sign(body):
        return hmac.new(secret, body.encode(), hashlib.sha256).hexdigest()

    assert sign(json.dumps(groups, separators=(",", ":"))) == mac  # the test signs as lflint does
    info = os.stat(tmp_path / "bad.lfjob.yaml")
    [files] = groups.values()
    head = files["bad.lfjob.yaml"][0]
    files["bad.lfjob.yaml"][0] = (
        f"{head[:64]} {info.st_size}:{info.st_mtime_ns}:{info.st_ctime_ns}:{info.st_ino}:{info.st_dev}"
    )
    body = json.dumps(groups, separators=(",", ":"))
    path.write_text(f'["{sign(body)}",{body}]')  # signed as lflint signs: answered from it
    assert run("check", "bad.lfjob.yaml", "--cache", "--statistics")[1].endswith(
        "1 of 1 file answered from the cache\n"
    )
    for what, forged in _forgeries(groups, sign).items():
        path.write_text(forged)
        code, out = run("check", "bad.lfjob.yaml", "--cache", "--statistics")
        assert (code, out) == (1, expected[1] + "    1  LF104  invalid-value\n0 of 1 file answered from the cache\n"), (
            what
        )
        again = run("check", "bad.lfjob.yaml", "--cache", "--statistics")  # the entry was made afresh
        assert again == (1, out.replace("0 of 1", "1 of 1")), what


def test_a_cache_from_another_user_or_machine_is_a_miss(run, tmp_path, user_cache_home, monkeypatch):
    (tmp_path / "bad.lfjob.yaml").write_text(BROKEN)
    run("check", "bad.lfjob.yaml", "--cache")
    from lflint.cache import machine_key

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "elsewhere"))
    machine_key.cache_clear()
    assert "0 of 1 file answered" in run("check", "bad.lfjob.yaml", "--cache", "--statistics")[1]
    assert "1 of 1 file answered" in run("check", "bad.lfjob.yaml", "--cache", "--statistics")[1]


def test_the_signing_key_is_private_and_outside_the_repository(run, tmp_path, user_cache_home):
    import stat

    (tmp_path / "a.lfjob.yaml").write_text(GOOD)
    run("check", "a.lfjob.yaml", "--cache")
    key = user_cache_home / "lflint/cache-key"
    assert stat.S_IMODE(key.stat().st_mode) == 0o600 and len(key.read_bytes()) == 32
    assert sorted(p.name for p in (tmp_path / ".lflint_cache").iterdir())[0] == ".gitignore"
    key.chmod(0o644)  # readable by others: not a secret any more, so nothing is trusted (or written) with it
    from lflint.cache import machine_key

    machine_key.cache_clear()
    assert "0 of 1 file answered" in run("check", "a.lfjob.yaml", "--cache", "--statistics")[1]


def test_links_in_the_cache_directory_are_never_followed(run, tmp_path):
    import os

    (tmp_path / "a.lfjob.yaml").write_text(BROKEN)
    cache = tmp_path / ".lflint_cache"
    cache.mkdir()
    (cache / ".gitignore").symlink_to(tmp_path / "written-through")  # dangling
    code, out = run("check", "a.lfjob.yaml", "--cache")
    assert code == 1 and not (tmp_path / "written-through").exists()
    real = cache_file(tmp_path)
    real.rename(tmp_path / "elsewhere.json")
    os.mkfifo(tmp_path / "fifo")
    for target in (tmp_path / "elsewhere.json", tmp_path / "fifo"):  # a link to a FIFO would block a reader
        real.unlink(missing_ok=True)
        real.symlink_to(target)
        result = lflint_subprocess("check", "a.lfjob.yaml", "--cache", "--statistics", cwd=tmp_path)
        assert result.returncode == 1 and "0 of 1 file answered" in result.stdout
    assert (tmp_path / "elsewhere.json").read_text().startswith('["')  # replaced in the directory, not written to
    other = tmp_path / "other-cache"
    other.mkdir()
    cache.rename(tmp_path / "old-cache")
    cache.symlink_to(other)
    run("check", "a.lfjob.yaml", "--cache")
    assert list(other.iterdir()) == []


# -- Reports -----------------------------------------------------------------------------------------------------

import json as _json  # noqa: E402
import os  # noqa: E402
import re  # noqa: E402
import tempfile  # noqa: E402
import xml.etree.ElementTree as ET  # noqa: E402

from click.testing import CliRunner  # noqa: E402
from hypothesis import HealthCheck, example, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from lflint.cli import main  # noqa: E402

_GITHUB = re.compile(r"::(error|warning|notice) ((?:[a-zA-Z]+=[^,:\r\n]*)(?:,[a-zA-Z]+=[^,:\r\n]*)*)::([^\r\n]*)")
_HEADER = re.compile(r"[^\r\n]*:\d+:\d+: [A-Z]+\d{3} \[(error|warning|info)\] [^\r\n]*")
_BAR, _SOURCE, _CARET = re.compile(r" +\|"), re.compile(r"\d+ \| [^\r\n]*"), re.compile(r" +\| *\^+")
_SUMMARY = re.compile(r"(All checks passed|Found \d+ problems?) [^\r\n]*\.")
_FIXABLE = re.compile(r"\[\*\] \d+ fixable with `--fix`( \(\d+ more with `--unsafe-fixes`\))?\.")


def _reports(directory, name):
    """Every format's report of one file, each as its consumer reads it; fails on anything a consumer would
    reject (not UTF-8, not well-formed, a line that is not a finding)."""

    def check(fmt):
        result = CliRunner().invoke(main, ["check", name, "--format", fmt, "--no-color"])
        assert not result.exception or isinstance(result.exception, SystemExit), result.exception
        assert result.exit_code in (0, 1), result.output
        result.output.encode("utf-8")  # writable to any UTF-8 stream (no lone surrogate)
        return result.output

    cwd = os.getcwd()
    os.chdir(directory)
    try:
        found = _json.loads(check("json"))
        for fmt in ("sarif", "gitlab"):
            _json.loads(check(fmt))
        suite = ET.fromstring(check("junit").encode("utf-8")).find("testsuite")
        assert int(suite.get("failures")) == bool(found)
        github = check("github").splitlines()
        assert len(github) == len(found) and all(_GITHUB.fullmatch(line) for line in github), github
        lines = check("text").splitlines()
        if lines and _FIXABLE.fullmatch(lines[-1]):  # after the summary: how many findings --fix would repair
            lines.pop()
        assert "\x1b" not in "".join(lines) and _SUMMARY.fullmatch(lines[-1]), lines
        headers, i = 0, 0
        while i < len(lines) - 1:  # each finding: its header line, then maybe a three-line excerpt
            assert _HEADER.fullmatch(lines[i]), lines[i]
            headers, i = headers + 1, i + 1
            if _BAR.fullmatch(lines[i]) and _SOURCE.fullmatch(lines[i + 1]) and _CARET.fullmatch(lines[i + 2]):
                i += 3
        assert headers == len(found)
    finally:
        os.chdir(cwd)
    return found


_NAMES = st.text(st.characters(blacklist_characters="/\0", blacklist_categories=("Cs",)), min_size=1, max_size=30)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(key=st.text(max_size=20), value=st.text(max_size=20))
@example(key="\x1b[2J", value="\x1b[31m")
@example(key="locati", value="")  # a finding with a fix: the fixable line follows the summary
@example(key="a\nsrc/other.yaml:1:1: LF101 [error] fake", value="\x00")
@example(key="\u2028\u202e", value="\udc80")
def test_every_format_stays_valid_whatever_the_keys(key, value):
    spec = _json.loads(
        _json.dumps(
            {
                "name": "x",
                "type": "METADATA_DISCOVERY",
                "parameter": {"metadata_discovery_parameter": {key: value, "data_location": value}},
            }
        )
    )
    with tempfile.TemporaryDirectory() as directory:
        Path(directory, "a.lfjob.json").write_text(_json.dumps(spec))  # ASCII: escapes hold every character
        found = _reports(directory, "a.lfjob.json")
    assert found


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    name=_NAMES
    | st.binary(min_size=1, max_size=20)
    .map(os.fsdecode)
    .filter(lambda n: "/" not in n and "\0" not in n and n not in "..")
)
@example(name="a\nb:1:1: LF101 [error] fake.yaml")
@example(name="\x1b[2J,x:y%0A.yaml")
@example(name=os.fsdecode(b"\xff\xfe.yaml"))
def test_every_format_stays_valid_whatever_the_file_name(name):
    with tempfile.TemporaryDirectory() as directory:
        try:
            Path(directory, name).write_text("name: [unclosed\n")
        except (OSError, UnicodeEncodeError):  # a name this file system does not allow
            return
        found = _reports(directory, name)
    assert [d["rule"] for d in found] == ["LF001"]


# -- --output-file -----------------------------------------------------------------------------------------------


def test_the_report_file_respects_the_umask(run, tmp_path):
    import stat

    (tmp_path / "a.lfjob.yaml").write_text(BROKEN)
    old = os.umask(0o002)
    try:
        assert run("check", "a.lfjob.yaml", "-o", "report.txt")[0] == 1
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "report.txt").stat().st_mode) == 0o664


@pytest.mark.parametrize("output", ["a.lfjob.yaml", "./jobs/../a.lfjob.yaml", "alias.yaml", "jobs/b.lfjob.yaml"])
def test_the_report_never_overwrites_a_file_it_reports_on(tmp_path, output):
    (tmp_path / "jobs").mkdir()
    (tmp_path / "a.lfjob.yaml").write_text(BROKEN)
    (tmp_path / "jobs/b.lfjob.yaml").write_text(GOOD)
    (tmp_path / "alias.yaml").symlink_to(tmp_path / "a.lfjob.yaml")
    result = lflint_subprocess("check", "a.lfjob.yaml", "jobs", "-o", output, cwd=tmp_path)
    assert result.returncode == 2 and result.stderr.count("\n") == 1 and "one of the files linted" in result.stderr
    assert (tmp_path / "a.lfjob.yaml").read_text() == BROKEN and (tmp_path / "jobs/b.lfjob.yaml").read_text() == GOOD


def test_the_report_may_be_written_beside_the_inputs(run, tmp_path):
    (tmp_path / "a.lfjob.yaml").write_text(BROKEN)
    assert run("check", "a.lfjob.yaml", "--format", "json", "-o", "report.lfjob.json")[0] == 1
    assert _json.loads((tmp_path / "report.lfjob.json").read_text())[0]["rule"] == "LF104"


@pytest.mark.parametrize("output", ["a.lfjob.yaml/report.json", "/proc/lflint-report.json"])
def test_a_report_that_cannot_be_written_is_one_line(tmp_path, output):
    """A directory that cannot be made or written (a file in the way; a read-only file system, even for root)."""
    (tmp_path / "a.lfjob.yaml").write_text(BROKEN)
    result = lflint_subprocess("check", "a.lfjob.yaml", "-o", output, cwd=tmp_path)
    assert (
        result.returncode == 2
        and result.stderr.startswith("lflint: error: cannot write ")
        and result.stderr.count("\n") == 1
    ), result.stderr
