"""Every report format, on good and bad input, checked against what its consumer expects."""

import json
from pathlib import Path
from xml.etree import ElementTree as ET

import jsonschema
from conftest import GOOD

FIXTURES = Path(__file__).parent / "fixtures"
BAD = GOOD.replace("conflict_strategy: UPSERT", "conflict_strategy: upsert").replace(
    "file_discovery_type: PARQUET", "file_discovery_type: TEXT"
)


def _files(tmp_path):
    (tmp_path / "jobs").mkdir()
    (tmp_path / "jobs/good.lfjob.yaml").write_text(GOOD)
    (tmp_path / "jobs/bad.lfjob.yaml").write_text(BAD)


def test_sarif_is_valid_and_complete(run, tmp_path):
    _files(tmp_path)
    code, out = run("check", "jobs", "--format", "sarif")
    log = json.loads(out)
    jsonschema.validate(log, json.loads((FIXTURES / "sarif-2.1.0.json").read_text()))
    driver = log["runs"][0]["tool"]["driver"]
    assert driver["name"] == "lflint" and driver["informationUri"]
    rules = driver["rules"]
    results = log["runs"][0]["results"]
    assert [(r["ruleId"], r["level"]) for r in results] == [("LF104", "error"), ("LF109", "warning")]
    for result in results:
        descriptor = rules[result["ruleIndex"]]
        assert descriptor["id"] == result["ruleId"]
        assert {"shortDescription", "fullDescription", "help", "helpUri", "defaultConfiguration"} <= set(descriptor)
        location = result["locations"][0]["physicalLocation"]
        assert location["artifactLocation"]["uri"] == "jobs/bad.lfjob.yaml"
        assert location["region"]["startLine"] in (8, 9)
    clean = json.loads(run("check", "jobs/good.lfjob.yaml", "--format", "sarif")[1])
    jsonschema.validate(clean, json.loads((FIXTURES / "sarif-2.1.0.json").read_text()))
    assert clean["runs"][0]["results"] == []


def test_sarif_fingerprints_survive_unrelated_edits(run, tmp_path):
    _files(tmp_path)
    before = json.loads(run("check", "jobs/bad.lfjob.yaml", "--format", "sarif")[1])["runs"][0]["results"]
    (tmp_path / "jobs/bad.lfjob.yaml").write_text("# a new comment\n\n" + BAD)
    after = json.loads(run("check", "jobs/bad.lfjob.yaml", "--format", "sarif")[1])["runs"][0]["results"]
    assert [r["partialFingerprints"] for r in before] == [r["partialFingerprints"] for r in after]
    assert before[0]["locations"] != after[0]["locations"]


def test_github_annotations(run, tmp_path):
    _files(tmp_path)
    code, out = run("check", "jobs", "--format", "github")
    assert code == 1
    assert out.splitlines() == [
        "::error file=jobs/bad.lfjob.yaml,line=8,col=24,endLine=8,endColumn=30,title=LF104 (invalid-value)::"
        '`conflict_strategy` must be one of UPDATE, INSERT, UPSERT; found "upsert"; did you mean UPSERT?',
        "::warning file=jobs/bad.lfjob.yaml,line=9,col=26,endLine=9,endColumn=30,title=LF109 "
        "(undocumented-value)::`file_discovery_type` TEXT is described by the API reference but missing from its "
        "enumeration; the service may reject it (use ALL to detect text files)",
    ]
    assert run("check", "jobs/good.lfjob.yaml", "--format", "github") == (0, "")


def test_github_escapes():
    from lflint.diagnostic import Diagnostic
    from lflint.report import Context, github

    d = Diagnostic("a,b:c.yaml", 0, 1, 1, 1, 2, "LF001", "syntax-error", "info", "100% bad\nnext", "")
    assert github.render([d], Context({})) == (
        "::notice file=a%2Cb%3Ac.yaml,line=1,col=1,endLine=1,endColumn=2,"
        "title=LF001 (syntax-error)::100%25 bad%0Anext\n"
    )


def test_junit(run, tmp_path):
    _files(tmp_path)
    root = ET.fromstring(run("check", "jobs", "--format", "junit")[1])
    suite = root.find("testsuite")
    assert (suite.get("tests"), suite.get("failures")) == ("2", "1")
    cases = {c.get("classname"): c for c in suite.iter("testcase")}
    assert cases["jobs/good.lfjob.yaml"].find("failure") is None
    failure = cases["jobs/bad.lfjob.yaml"].find("failure")
    assert failure.get("message") == "2 findings" and "LF104" in failure.text


def test_gitlab(run, tmp_path):
    _files(tmp_path)
    issues = json.loads(run("check", "jobs", "--format", "gitlab")[1])
    assert [(i["check_name"], i["severity"], i["location"]) for i in issues] == [
        ("LF104 invalid-value", "major", {"path": "jobs/bad.lfjob.yaml", "lines": {"begin": 8, "end": 8}}),
        ("LF109 undocumented-value", "minor", {"path": "jobs/bad.lfjob.yaml", "lines": {"begin": 9, "end": 9}}),
    ]
    assert len({i["fingerprint"] for i in issues}) == 2
    assert json.loads(run("check", "jobs/good.lfjob.yaml", "--format", "gitlab")[1]) == []
