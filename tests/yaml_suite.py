"""The official YAML test suite (vendored in tests/yaml-test-suite/), run through lflint and two peer loaders.

A case passes when valid YAML loads to the expected data (``in.json``, one JSON value per document) with no
finding that the file could not be read (LF001, LF003, LF008), and when invalid YAML gets such a finding.
``python tests/yaml_suite.py`` prints the tables of docs/yaml-conformance.md; tests/test_yaml_suite.py fails when
lflint's differ from the docs.
"""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path

SUITE = Path(__file__).resolve().parent / "yaml-test-suite"
# Findings that say a file, or part of it, could not be read as YAML (LF004/LF005 are about job specs, not YAML).
UNREADABLE = {"LF001", "LF003", "LF008"}


class Case:
    def __init__(self, folder: Path):
        self.id = folder.relative_to(SUITE).as_posix()
        self.name = (folder / "===").read_text(encoding="utf-8").strip()
        self.raw = (folder / "in.yaml").read_bytes()
        self.invalid = (folder / "error").exists()
        expected = folder / "in.json"
        self.expected = _json_values(expected.read_text(encoding="utf-8")) if expected.exists() else None

    @property
    def category(self) -> str:
        if self.invalid:
            return "invalid"
        return "valid, with JSON" if self.expected is not None else "valid, no JSON"


def cases() -> list[Case]:
    return [Case(p.parent) for p in sorted(SUITE.glob("**/in.yaml"))]


def _json_values(text: str) -> list:
    decoder, values, pos = json.JSONDecoder(), [], 0
    while True:
        while pos < len(text) and text[pos].isspace():
            pos += 1
        if pos == len(text):
            return values
        value, pos = decoder.raw_decode(text, pos)
        values.append(value)


def same(a, b) -> bool:
    """Equal as JSON data: bool is not a number, 1 equals 1.0, NaN equals NaN, keys compare as they are."""
    if isinstance(a, bool) or isinstance(b, bool) or a is None or b is None:
        return type(a) is type(b) and a == b
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return a == b or (isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b))
    if isinstance(a, str) or isinstance(b, str):
        return type(a) is type(b) is str and a == b
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    return False


# --- the loaders: each returns (documents' data, whether it said the file could not be read) ---------------------


def lflint(raw: bytes) -> tuple[list, list]:
    from lflint.documents import load_source

    source, _, problems = load_source(raw, "in.yaml", max_bytes=1 << 20)
    return [d.data for d in source.documents] if source else [], [p for p in problems if p.rule in UNREADABLE]


def _plain(value):
    """A peer's data as JSON data: a tagged scalar is its text, a set a mapping to nulls, an ordered map a list of
    one-pair mappings (what the suite's JSON holds); a date stays a date, which no JSON value equals."""
    from ruamel.yaml import comments

    if isinstance(value, comments.TaggedScalar):
        return value.value
    if isinstance(value, comments.CommentedOrderedMap):  # ruamel.yaml's !!omap (PyYAML's is a list of pairs)
        return [{k: _plain(v)} for k, v in value.items()]
    if isinstance(value, tuple) and len(value) == 2:
        return {value[0]: _plain(value[1])}
    if isinstance(value, (set, frozenset)):
        return {k: None for k in value}
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    for kind in (bool, int, float, str):
        if isinstance(value, kind):
            return kind(value)
    return value


def ruamel_rt(raw: bytes) -> tuple[list, list]:
    from ruamel.yaml import YAML

    try:
        return [_plain(d) for d in YAML(typ="rt").load_all(raw)], []
    except Exception as exc:  # noqa: BLE001 - a crash is counted as a refusal and listed apart
        return [], [exc]


def pyyaml_c(raw: bytes) -> tuple[list, list]:
    import yaml

    try:
        return [_plain(d) for d in yaml.load_all(raw, Loader=yaml.CSafeLoader)], []
    except yaml.YAMLError as exc:
        return [], [exc]
    except Exception as exc:  # noqa: BLE001
        return [], [exc]


def passes(case: Case, loader) -> bool:
    try:
        data, refused = loader(case.raw)
    except Exception:  # noqa: BLE001
        return False
    if case.invalid:
        return bool(refused)
    if refused:
        return False
    return case.expected is None or (len(data) == len(case.expected) and all(map(same, data, case.expected)))


def crashes(case: Case, loader) -> bool:
    """Whether the loader raised something other than its own syntax error."""
    import yaml
    from ruamel.yaml import error

    try:
        _, refused = loader(case.raw)
    except Exception:  # noqa: BLE001
        return True
    return any(isinstance(r, Exception) and not isinstance(r, (yaml.YAMLError, error.YAMLError)) for r in refused)


LOADERS = {"lflint": lflint, "ruamel.yaml round trip": ruamel_rt, "PyYAML CSafeLoader": pyyaml_c}
CATEGORIES = ("valid, with JSON", "valid, no JSON", "invalid")


def lflint_report(all_cases: list[Case]) -> str:
    """lflint's figures per category and every case it fails, with why: the part of the docs a test keeps true."""
    rows = ["| category | cases | lflint passed |", "| --- | ---: | ---: |"]
    for category in (*CATEGORIES, None):
        group = [c for c in all_cases if category in (None, c.category)]
        rows.append(f"| {category or '**all**'} | {len(group)} | {sum(passes(c, lflint) for c in group)} |")
    rows += ["", "| case | category | name | lflint's finding |", "| --- | --- | --- | --- |"]
    for case in all_cases:
        if not passes(case, lflint):
            from lflint.documents import load_source

            problems = load_source(case.raw, "in.yaml")[2]
            said = f"{problems[0].rule}: {problems[0].message}" if problems else "none (loads)"
            name = case.name.replace("|", "\\|")
            rows.append(f"| {case.id} | {case.category} | {name} | {said.replace('|', chr(92) + '|')} |")
    return "\n".join(rows) + "\n"


def peers_report(all_cases: list[Case]) -> str:
    """Passed (and crashed) per category for lflint and its peers, at the versions installed."""
    import ruamel.yaml
    import yaml

    versions = {"ruamel.yaml round trip": ruamel.yaml.__version__, "PyYAML CSafeLoader": yaml.__version__}
    names = [f"{n} {versions.get(n, '')}".strip() for n in LOADERS]
    rows = ["| category | cases | " + " | ".join(names) + " |", "| --- | ---: |" + " ---: |" * len(names)]
    for category in (*CATEGORIES, None):
        group = [c for c in all_cases if category in (None, c.category)]
        rows.append(
            f"| {category or '**all**'} | {len(group)} | "
            + " | ".join(str(sum(passes(c, f) for c in group)) for f in LOADERS.values())
            + " |"
        )
    rows.append(
        "| crashed | | " + " | ".join(str(sum(crashes(c, f) for c in all_cases)) for f in LOADERS.values()) + " |"
    )
    return "\n".join(rows) + "\n"


if __name__ == "__main__":
    import warnings

    sys.path.insert(0, str(SUITE.parent.parent))
    warnings.simplefilter("ignore")
    print(peers_report(cases()))
    print(lflint_report(cases()), end="")
