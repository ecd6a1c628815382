"""Rules are data: one YAML file per rule, found by globbing a directory, checked against the rule schema."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

_HERE = Path(__file__).resolve().parent
# In a wheel, rules/ and schemas/ are installed inside the package; in a checkout they sit beside it.
RULES_DIR = _HERE / "rules" if (_HERE / "rules").is_dir() else _HERE.parent / "rules"
SCHEMAS_DIR = _HERE / "schemas" if (_HERE / "schemas").is_dir() else _HERE.parent / "schemas"
JOB_SCHEMA = SCHEMAS_DIR / "job.schema.json"
# The built-in rules' data, read once from their YAML files (``python -m lflint.rules`` writes it): JSON reads in
# about 1 ms what the YAML files take 25-60 ms to (docs/performance.md). It is used only while its digest is that
# of the rule files beside it; otherwise they are read as YAML, as a user's are.
BUNDLE = RULES_DIR / "builtin.json"
DOCS_URL = "https://github.com/lflint/lflint/blob/main/docs/rules.md"


class RuleError(Exception):
    """A rule file that cannot be used; the message names the file."""


# A bad example's keys for the text it must read after its fixes, by the fixes' applicability
FIXED_KEYS = {"safe": "fixed", "unsafe": "unsafe_fixed"}


class Rule:
    """One rule as its file defines it (``schemas/rule.schema.json``); compared by identity. ``kind``: keyword (the
    job schema's ``keywords``), schema (``given``/``then``), code (``check``, a function of ``lflint.checks``) or
    file (found by the loader or the runner). ``examples``: the good and bad specs, as text; for each bad example,
    ``settings``: the config keys it is linted with (``settings`` beside its ``spec``), and ``fixed``: the text it
    must read after ``check --fix`` ("safe") and ``--unsafe-fixes`` ("unsafe"), where the example states it
    (``fixed`` / ``unsafe_fixed``)."""

    _DEFAULTS = {
        "kind": "schema",
        "keywords": (),
        "given": "",
        "then": None,
        "check": None,
        "message": None,
        "report_at": None,
        "in_ignored_blocks": False,
        "fix": None,
    }
    __slots__ = ("path", "id", "slug", "severity", "summary", "docs", "examples", *_DEFAULTS, "fixed", "settings")

    def __init__(self, path: Path, **data: Any):
        self.path = path
        for name in self.__slots__[1:-2]:
            setattr(self, name, data[name] if name in data else self._DEFAULTS[name])
        self.keywords = tuple(self.keywords)
        bad = self.examples["bad"]
        self.fixed = [
            {a: e[key] for a, key in FIXED_KEYS.items() if key in e} if isinstance(e, dict) else {} for e in bad
        ]
        self.settings = [e.get("settings", {}) if isinstance(e, dict) else {} for e in bad]
        self.examples = {**self.examples, "bad": [e["spec"] if isinstance(e, dict) else e for e in bad]}

    def __repr__(self) -> str:
        return f"Rule({self.id} {self.slug})"

    @property
    def url(self) -> str:
        return rule_url(self.id, self.slug)


def rule_url(rule_id: str, slug: str) -> str:
    """Where a rule's docs are: its section of docs/rules.md."""
    return f"{DOCS_URL}#{rule_id.lower()}-{slug}"


@cache
def json_file(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


@cache
def _rule_validator():
    from .compiler import python_validator

    return python_validator(json_file(SCHEMAS_DIR / "rule.schema.json"), own=True)


@cache
def _meta_validator():
    from jsonschema import Draft202012Validator

    from .compiler import python_validator

    return python_validator(Draft202012Validator.META_SCHEMA, own=True)


def load_rule_file(path: Path, builtin: bool) -> Rule:
    from .config import read_small

    return make_rule(path, rule_data(path, read_small(path, "rule file", RuleError)), builtin)


def rule_data(path: Path, raw: bytes) -> Any:
    """The one rule a rule file's bytes hold, as data."""
    from .documents import load

    docs, problems = load(raw, path.name)
    if problems:
        p = problems[0]
        raise RuleError(f"{path}:{p.range[0]}:{p.range[1]}: {p.message}")
    if len(docs) != 1:
        raise RuleError(f"{path}: a rule file holds exactly one rule")
    return docs[0].data


def make_rule(path: Path, data: Any, builtin: bool) -> Rule:
    if not builtin:
        validate_rule(path, data)
    rule = Rule(path, **data)
    if rule.kind == "code":
        from . import checks

        if not callable(getattr(checks, rule.check, None)):
            raise RuleError(f"{path}: `check: {rule.check}` names no function of lflint/checks.py")
    return rule


def validate_rule(path: Path, data: Any) -> None:
    """Raise ``RuleError`` unless ``data`` is a valid user rule (built-in rules are checked by the test suite,
    so that startup never pays for it)."""
    if isinstance(data, dict) and ("check" in data or data.get("kind", "schema") != "schema"):
        raise RuleError(f"{path}: a user rule is data only: use given/then (kind: schema), not check or another kind")
    if isinstance(data, dict) and "fix" in data:
        raise RuleError(f"{path}: `fix` is for built-in rules only: a user rule's findings carry no fix")
    errors = sorted(_rule_validator().iter_errors(data), key=lambda e: list(e.absolute_path))
    if errors:
        where = "/".join(str(p) for p in errors[0].absolute_path) or "(top)"
        what = (
            "a user rule (kind: schema) has `then`, and no `keywords` or `check`"
            if errors[0].validator == "not"
            else errors[0].message
        )
        raise RuleError(f"{path}: invalid rule at {where}: {what}")
    for number, example in enumerate(data["examples"]["bad"], 1):
        stated = [key for key in FIXED_KEYS.values() if isinstance(example, dict) and key in example]
        if stated:
            raise RuleError(
                f"{path}: bad example {number} states `{stated[0]}`, but a rule of your own cannot declare fixes "
                "(it is data: lflint cannot know a safe edit for it); remove it"
            )
    if data["id"].startswith("LF"):
        raise RuleError(f"{path}: the LF prefix is lflint's own; give your rules a prefix of your own")
    if "then" in data:
        _validate_then(path, data["then"])
        for template in _values(data["then"], "x-message"):
            _check_template(path, "x-message", template, ("field", "value"))
    if "message" in data:
        _check_template(path, "message", data["message"], ("field", "value", "missing", "default"))


def _check_template(path: Path, key: str, template: Any, fields: tuple[str, ...]) -> None:
    """A message template names only ``fields``, each plainly as ``{field}`` (no format spec, no conversion)."""
    import string

    allowed = ", ".join(f"{{{f}}}" for f in fields)
    if not isinstance(template, str):
        raise RuleError(f"{path}: `{key}` must be a string")
    try:
        parts = list(string.Formatter().parse(template))
    except ValueError as exc:
        raise RuleError(
            f"{path}: `{key}` is not a valid template ({exc}); write {{{{ and }}}} for a literal brace"
        ) from None
    for _, name, spec, conversion in parts:
        if name is not None and (name not in fields or spec or conversion):
            raise RuleError(f"{path}: `{key}` names {{{name}}}; a template may name {allowed}")


def _values(node: Any, name: str) -> Iterator[Any]:
    """The values of every ``name`` key at any depth of ``node``."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == name:
                yield value
            yield from _values(value, name)
    elif isinstance(node, list):
        for value in node:
            yield from _values(value, name)


META_SCHEMA = "https://json-schema.org/draft/2020-12/schema"  # the dialect of every rule's `then`


def _validate_then(path: Path, then: dict) -> None:
    """A user rule's schema: valid, self-contained (nothing to fetch) and runnable by lflint's engines."""
    from jsonschema.exceptions import best_match

    error = best_match(_meta_validator().iter_errors(then))
    if error is not None:
        raise RuleError(f"{path}: `then` is not a valid JSON Schema: {error.message}")
    for keyword in ("$ref", "$dynamicRef", "$schema", "$id"):
        for value in _values(then, keyword):
            if not isinstance(value, str):  # a property of that name
                continue
            if keyword in ("$ref", "$dynamicRef") and not value.startswith("#"):
                raise RuleError(f"{path}: `then` refers to {value!r}; lflint never fetches schemas: use local $defs")
            if keyword == "$schema" and value.rstrip("#") != META_SCHEMA:
                raise RuleError(
                    f"{path}: `then` declares $schema {value!r}; a rule's schema is JSON Schema 2020-12 "
                    "and lflint never fetches meta-schemas: remove it"
                )
            if keyword == "$id":
                raise RuleError(
                    f"{path}: `then` declares $id {value!r}; lflint never fetches schemas, so a rule's "
                    "schema has no $id: remove it"
                )
    if all(
        next(_values(then, keyword), None) is not None for keyword in ("unevaluatedProperties", "patternProperties")
    ):
        raise RuleError(
            f"{path}: `then` combines unevaluatedProperties with patternProperties, which lflint "
            "cannot run in bounded time: use additionalProperties"
        )
    from .compiler import compile_schema, jsonschema_rs, pattern_error

    try:
        compile_schema(then, linear=True)
    except (jsonschema_rs().ValidationError, ValueError) as exc:
        message = getattr(exc, "message", None) or str(exc)
        pattern = getattr(exc, "instance", None)
        problem = pattern_error(pattern) if isinstance(pattern, str) else None
        if problem:
            message = f"pattern {pattern!r} is {problem}"
        raise RuleError(f"{path}: `then` cannot be compiled: {message}") from None


def _load_dir(directory: Path, builtin: bool) -> list[Rule]:
    if not directory.is_dir():
        raise RuleError(f"{directory}: rule directory not found")
    return [load_rule_file(p, builtin) for p in sorted(directory.glob("*.y*ml"))]


@cache
def builtin_rules() -> tuple[Rule, ...]:
    from .config import read_small

    files = sorted(RULES_DIR.glob("*.y*ml"))
    raws = [read_small(p, "rule file", RuleError) for p in files]
    try:
        bundle = json_file(BUNDLE)
    except (OSError, ValueError):
        bundle = None
    if isinstance(bundle, dict) and bundle.get("digest") == rules_digest(files, raws):
        return tuple(make_rule(p, data, builtin=True) for p, data in zip(files, bundle["rules"], strict=True))
    return tuple(make_rule(p, rule_data(p, raw), builtin=True) for p, raw in zip(files, raws, strict=True))


def rules_digest(files: list[Path], raws: list[bytes]) -> str:
    """What the bundle was made from: each built-in rule file's name and bytes. A CRC, not a cryptographic hash: it
    tells a stale bundle from a current one (both ship together), and hashlib would load OpenSSL (4 MB) at start."""
    import zlib

    digest = 0
    for path, raw in zip(files, raws, strict=True):
        digest = zlib.crc32(f"{path.name}\0{len(raw)}\0".encode() + raw, digest)
    return f"{digest:08x}"


def bundle_json() -> str:
    """``BUNDLE``'s text for the rule files as they are now."""
    files = sorted(RULES_DIR.glob("*.y*ml"))
    raws = [p.read_bytes() for p in files]
    rules = [rule_data(p, raw) for p, raw in zip(files, raws, strict=True)]
    return json.dumps({"digest": rules_digest(files, raws), "rules": rules}, ensure_ascii=False, indent=0) + "\n"


def all_rules(rule_paths: tuple[str, ...] = ()) -> dict[str, Rule]:
    """Built-in rules plus the user's, by id; duplicate ids and slugs are errors."""
    rules: dict[str, Rule] = {}
    slugs: dict[str, Rule] = {}
    user = [r for d in rule_paths for r in _load_dir(Path(d), builtin=False)]
    for rule in (*builtin_rules(), *user):
        for key, seen in ((rule.id, rules), (rule.slug, slugs)):
            if key in seen:
                raise RuleError(f"{rule.path}: {key} is already used by {seen[key].path}")
        rules[rule.id] = slugs[rule.slug] = rule
    return rules


def find_rule(rules: dict[str, Rule], name: str) -> Rule | None:
    name = name.strip()
    return rules.get(name.upper()) or next((r for r in rules.values() if r.slug == name.lower()), None)


def matches(rule: Rule, selector: str) -> bool:
    """A selector is an id, an id prefix (``LF3``) or a slug."""
    selector = selector.strip()
    return rule.slug == selector or rule.id.startswith(selector.upper()) if selector else False


EXPECT = re.compile(r"#\s*expect:\s*([A-Z]{2,8}[0-9]{3}(?:\s*,\s*[A-Z]{2,8}[0-9]{3})*)")


def expected_findings(example: str) -> list[tuple[int, str]]:
    """The (line, rule id) pairs a bad example marks with ``# expect: LF123``."""
    return sorted(
        (n, rid.strip())
        for n, line in enumerate(example.splitlines(), 1)
        for m in EXPECT.finditer(line)
        for rid in m.group(1).split(",")
    )


if __name__ == "__main__":  # python -m lflint.rules: write BUNDLE after a built-in rule file changed
    BUNDLE.write_text(bundle_json(), encoding="utf-8")
