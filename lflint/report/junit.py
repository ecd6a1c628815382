"""JUnit XML: one test case per linted file and document; a finding fails its test case."""

from collections import defaultdict
from xml.etree import ElementTree as ET

from ..secrets import printable
from . import relative_uri


def render(diagnostics, context):
    by_case = defaultdict(list)
    for d in diagnostics:
        by_case[(d.file, d.document)].append(d)
    cases = sorted(set(by_case) | {(p, 0) for p in context.paths})
    suite = ET.Element(
        "testsuite",
        name="lflint",
        tests=str(len(cases)),
        failures=str(sum(1 for c in cases if by_case.get(c))),
        errors="0",
        skipped="0",
    )
    for file, document in cases:
        path = printable(relative_uri(file))  # XML 1.0 cannot hold most control characters, even escaped
        case = ET.SubElement(suite, "testcase", classname=path, name=f"document {document}", file=path)
        found = by_case.get((file, document))
        if found:
            failure = ET.SubElement(
                case, "failure", type=found[0].rule, message=f"{len(found)} finding{'s' if len(found) != 1 else ''}"
            )
            failure.text = "\n".join(
                f"{path}:{d.line}:{d.column}: {d.rule} [{d.severity}] {printable(d.message)}" for d in found
            )
    root = ET.Element("testsuites", name="lflint", tests=suite.get("tests"), failures=suite.get("failures"))
    root.append(suite)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
