"""The official YAML test suite (tests/yaml-test-suite/): lflint never crashes, never reads valid YAML to other data
than the suite's without saying so, and passes the cases docs/yaml-conformance.md says it passes."""

import re
import warnings
from pathlib import Path

import pytest
from yaml_suite import UNREADABLE, cases, lflint, lflint_report, same

CASES = cases()
DOC = Path(__file__).resolve().parent.parent / "docs" / "yaml-conformance.md"


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_case(case):
    data, refused = lflint(case.raw)  # an exception fails the test: a crash
    assert all(p.rule in UNREADABLE for p in refused)
    if case.expected is not None and not case.invalid and not refused:
        assert len(data) == len(case.expected) and all(map(same, data, case.expected)), "silently wrong"


def test_the_docs_show_lflints_figures():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        report = lflint_report(CASES)
    assert report in DOC.read_text(encoding="utf-8"), "regenerate with: python tests/yaml_suite.py"
    passed = int(re.search(r"\| \*\*all\*\* \| 402 \| (\d+) \|", report)[1])
    assert passed >= 337  # ruamel.yaml's round trip, the best Python loader, passes 330 (the issue counted 337)
