"""Run every enabled rule over a document and turn findings into diagnostics.

Rules yield findings keyed by JSON pointer; source ranges are looked up only for findings, so a clean document
never pays for them. The engine does no I/O and prints nothing.

Most documents are clean, so the schema-based rules first ask one yes/no question of a compiled validator
(jsonschema-rs: the job schema and every rule's ``then`` at its ``given``, in one schema). A document that fails
it gets jsonschema-rs's errors, and each message is worded from the schema and the original data, as it would be
from python-jsonschema's errors. python-jsonschema is the reference path (``fast=False``) and the fallback for a
keyword whose message is its own; a hypothesis test checks that both paths report the same findings.
"""

from __future__ import annotations

import json
import math
import re
from functools import cache, cached_property
from typing import Any, Iterable, NamedTuple

from .config import MAX_FILE_SIZE
from .diagnostic import Diagnostic
from .documents import Document, Problem, join_pointer, load, split_pointer, type_name
from .rules import JOB_SCHEMA, Rule, json_file

SECRET_KEYS = frozenset({"password", "access_key", "secret_key"})
DEFAULT_PLACEHOLDER = r"^\$\{[A-Za-z_][A-Za-z0-9_]*\}$"


class Finding(NamedTuple):
    rule: Rule
    pointer: str
    message: str
    suggestion: str | None = None
    at_key: bool = False


class Context:
    """What code rules may read besides the document."""

    def __init__(self, placeholder: re.Pattern | None = None):
        self.placeholder = placeholder or re.compile(DEFAULT_PLACEHOLDER)


class _Error(NamedTuple):
    """What the messages read of a schema error: python-jsonschema's names, filled from jsonschema-rs."""

    validator: str
    validator_value: Any
    schema: dict
    instance: Any
    absolute_path: tuple


# Keywords whose message ``describe`` builds from the schema and the value alone (not from the validator's text)
_DESCRIBED = frozenset({"type", "enum", "const", "pattern", "minLength", "maxLength", "minimum", "maximum",
                        "exclusiveMinimum", "exclusiveMaximum", "minItems", "maxItems", "uniqueItems", "required",
                        "additionalProperties"})


def _schema_of(rule: Rule | None) -> dict:
    return rule.then if rule else json_file(JOB_SCHEMA)


@cache
def rs_validator(rule: Rule | None):
    """jsonschema-rs's compiled validator of one check: the job schema (``None``) or a rule's ``then``."""
    return _compile(_schema_of(rule))


@cache
def python_validator(rule: Rule | None):
    """python-jsonschema's validator of the same check: the reference, and the fallback for rare keywords."""
    from jsonschema import Draft202012Validator, validators  # noqa: PLC0415

    return validators.extend(Draft202012Validator, {"pattern": _pattern})(_schema_of(rule))


def _pattern(validator, pattern, instance, schema):
    """``pattern`` as JSON Schema (ECMA-262) reads ``$``: the end of the string, never before a final newline
    (python-jsonschema's ``re.search`` lets ``^[a-z]+$`` pass ``"abc\n"``; jsonschema-rs does not)."""
    if validator.is_type(instance, "string") and not _end_anchored(pattern).search(instance):
        from jsonschema.exceptions import ValidationError  # noqa: PLC0415

        yield ValidationError(f"{instance!r} does not match {pattern!r}")


@cache
def _end_anchored(pattern: str) -> re.Pattern:
    out, in_class, escaped = [], False, False
    for char in pattern:
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif char in "[]":
            in_class = char == "["
        elif char == "$" and not in_class:
            char = r"\Z"
        out.append(char)
    return re.compile("".join(out))


def _follow(node: Any, path) -> Any:
    for token in path:
        node = node[token]
    return node


def _finite(value: Any) -> bool:
    """Whether ``value`` holds no infinity or NaN (YAML has them, JSON does not: jsonschema-rs reads them its
    own way, so ``Linter.findings`` leaves a document with one to python-jsonschema)."""
    stack = [value]
    while stack:
        item = stack.pop()
        kind = type(item)  # the loaders build plain dicts, lists and floats
        if kind is dict:
            stack.extend(item.values())
        elif kind is list:
            stack.extend(item)
        elif kind is float and not math.isfinite(item):
            return False
    return True


def schema_errors(rule: Rule | None, instance: Any, fast: bool) -> Iterable:
    """The errors of one check on ``instance``: jsonschema-rs's, unless one of them needs python-jsonschema's own
    message (a keyword ``describe`` does not word) or jsonschema-rs cannot take the data."""
    if fast:
        schema, errors = _schema_of(rule), []
        try:
            for e in rs_validator(rule).iter_errors(instance):
                *where, keyword = e.schema_path
                sub = _follow(schema, where)
                if not (isinstance(sub, dict) and keyword in sub and (keyword in _DESCRIBED or "x-message" in sub)):
                    break
                path = tuple(e.instance_path)
                errors.append(_Error(keyword, sub[keyword], sub, _follow(instance, path), path))
            else:
                return errors
        except (ValueError, OverflowError):  # data jsonschema-rs cannot take (e.g. a non-string key)
            pass
    return python_validator(rule).iter_errors(instance)


def is_secret(pointer: str) -> bool:
    tokens = split_pointer(pointer)
    return bool(tokens) and tokens[-1] in SECRET_KEYS


def field_label(pointer: str) -> str:
    """``/parameter/metadata_migration_parameter/locations/3/key`` → ``locations[3].key``."""
    tokens = split_pointer(pointer)
    if len(tokens) > 2 and tokens[0] == "parameter":
        tokens = tokens[2:]
    label = ""
    for token in tokens:
        label += f"[{token}]" if token.isdigit() else (f".{token}" if label else token)
    return f"`{label}`" if label else "the job"


def show(value: Any, pointer: str = "") -> str:
    """A value as a message shows it: never a secret, never a whole block."""
    if is_secret(pointer):
        return "a value (hidden)"
    if isinstance(value, (dict, list)):
        return type_name(value)
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 60 else text[:57] + "…\""


# The value after a secret key, in YAML or JSON, block or flow style: never shown.
_SECRET = re.compile(r"""(["']?(?:""" + "|".join(sorted(SECRET_KEYS)) +
                     r""")["']?\s*:\s*)("(?:[^"\\]|\\.)*"|'[^']*'|[^,}\s#]+)""")


def mask_secrets(line: str) -> str:
    """A source line as a report may show it: the value of a secret key replaced by ``****``."""
    return _SECRET.sub(lambda m: m.group(1) + "****", line)


# A field name's last word and the word of the field usually meant by it: `principal_id` → `principal_name`
_ROLES = {"id": "name", "identifier": "name", "kind": "type", "path": "location", "date": "day"}


def did_you_mean(word: Any, candidates: Iterable[str]) -> str | None:
    """The candidate ``word`` most likely stands for: the same word in another case; the same name with its last
    word's usual meaning (``_ROLES``); a name that ends with the whole word (``owner`` → ``default_owner``); else
    the closest spelling."""
    if not isinstance(word, str):
        return None
    candidates = list(candidates)
    lower = {c.lower(): c for c in candidates}
    key = word.lower()
    head, _, last = key.rpartition("_")
    for name in (key, f"{head}_{_ROLES[last]}" if head and last in _ROLES else None):
        if name in lower:
            return lower[name]
    import difflib  # noqa: PLC0415

    ending = [c for c in candidates if c.lower().endswith("_" + key)]
    close = difflib.get_close_matches(word, ending, n=1, cutoff=0) or \
        difflib.get_close_matches(word, candidates, n=1, cutoff=0.6)
    return close[0] if close else None


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")


_TYPE_WORDS = {"string": "a string", "integer": "an integer", "number": "a number", "boolean": "a boolean (true or "
               "false)", "object": "a mapping", "array": "a list", "null": "null"}


def _offending(value: Any, pattern: str, pointer: str) -> str:
    """For a ``^[class]*$`` pattern: which character of ``value`` is not allowed, and where."""
    allowed = re.fullmatch(r"\^(\[.+\])[*+]\$", pattern)
    if not allowed or not isinstance(value, str) or is_secret(pointer):
        return ""
    char_class = re.compile(allowed.group(1))
    bad = [(i, c) for i, c in enumerate(value, 1) if not char_class.fullmatch(c)]
    if not bad:
        return ""
    index, char = bad[0]
    shown = {" ": "a space", "\n": "a line break"}.get(char) or (f"`{char}`" if char.isprintable() else
                                                              f"U+{ord(char):04X}")
    more = f" (and {_plural(len(bad) - 1, 'other')})" if len(bad) > 1 else ""
    return f": {shown} at character {index} is not allowed{more}"


def describe(error, pointer: str) -> tuple[str, str | None]:
    """(message, suggestion) for one jsonschema error at ``pointer``."""
    keyword, schema, value, expected = error.validator, error.schema, error.instance, error.validator_value
    name, found = field_label(pointer), show(value, pointer)
    if isinstance(schema, dict) and "x-message" in schema:  # a rule's own wording for this subschema
        return schema["x-message"].format(field=name, value=found), None
    if keyword == "type":
        types = [expected] if isinstance(expected, str) else expected
        return f"{name} must be {' or '.join(_TYPE_WORDS[t] for t in types)}; found {found}", None
    if keyword in ("enum", "const"):
        options = [o for o in (expected if keyword == "enum" else [expected])  # x-undocumented: accepted, not offered
                   if o not in schema.get("x-undocumented", ())]
        hint = schema.get("x-hints", {}).get(value) if isinstance(value, str) else None
        suggestion = (schema.get("x-suggest", {}).get(value) if isinstance(value, str) else None) or \
            did_you_mean(value, [o for o in options if isinstance(o, str)])
        message = f"{name} must be {'one of ' if len(options) > 1 else ''}{', '.join(map(str, options))}; found {found}"
        if suggestion:
            message += f"; did you mean {suggestion}?"
        if hint:
            message += f" ({hint})"
        return message, suggestion
    if keyword == "pattern":
        what = f"contain only {schema['x-expected']}" if "x-expected" in schema else f"match {expected}"
        return f"{name} must {what}; found {found}{_offending(value, expected, pointer)}", None
    if keyword in ("minLength", "maxLength"):
        bound = "at least" if keyword == "minLength" else "at most"
        length = len(value) if isinstance(value, str) else 0
        return f"{name} must be {bound} {_plural(expected, 'character')} long; found {length}", None
    if keyword in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
        low, high = schema.get("minimum"), schema.get("maximum")
        if low is not None and high is not None:
            return f"{name} must be between {low} and {high}; found {found}", None
        bound = {"minimum": "at least", "maximum": "at most", "exclusiveMinimum": "more than",
                 "exclusiveMaximum": "less than"}[keyword]
        return f"{name} must be {bound} {expected}; found {found}", None
    if keyword in ("minItems", "maxItems"):
        bound = "at least" if keyword == "minItems" else "at most"
        return (f"{name} has {_plural(len(value), 'item')}; {bound} {expected} allowed", None)
    if keyword == "uniqueItems":
        return f"{name} lists the same item twice", None
    if is_secret(pointer) or any(k in SECRET_KEYS for k in (value if isinstance(value, dict) else ())):
        return f"{name} does not satisfy this rule", None
    return f"{name}: {error.message}", None


class Linter:
    """Lints sources with a fixed set of rules; build one per run and reuse it."""

    def __init__(self, rules: Iterable[Rule], context: Context | None = None,
                 severities: dict[str, str] | None = None, fast: bool = True, max_bytes: int = MAX_FILE_SIZE):
        self.rules = {r.id: r for r in rules}
        self.context = context or Context()
        self.severities = severities or {}
        self.by_keyword = {kw: r for r in self.rules.values() for kw in r.keywords}
        self.declarative = [r for r in self.rules.values() if r.then is not None]
        self.coded = [r for r in self.rules.values() if r.check]
        self.fast = fast  # False: python-jsonschema only (the reference path the tests compare with)
        self.max_bytes = max_bytes  # a larger source is not parsed (LF008)

    # -- findings ------------------------------------------------------------------------------------------------

    @cached_property
    def _gate(self):
        """Passes exactly the documents on which no schema-based rule can report: one call for a clean document.

        The job schema and each rule's ``then`` at its ``given``, in one schema; each ``then`` gets an $id of its
        own so that its local $refs still resolve inside the whole."""
        parts = [json_file(JOB_SCHEMA)] if self.by_keyword else []
        parts += [_at(r.given, {"$id": f"urn:lflint:rule:{r.id}", **r.then}) for r in self.declarative]
        return _compile({"allOf": parts} if parts else {})

    def _passes(self, data: Any) -> bool:
        try:
            return self._gate.is_valid(data)
        except (ValueError, OverflowError):
            return False

    def findings(self, data: dict) -> list[Finding]:
        findings = []
        fast = self.fast and _finite(data)
        if not (fast and self._passes(data)):
            findings.extend(self._structural(data, fast))
            for rule in self.declarative:
                findings.extend(self._declarative(rule, data, fast))
        if self.coded or findings:
            from . import checks  # noqa: PLC0415

            for rule in self.coded:
                check = getattr(checks, rule.check)
                for pointer, value in select(data, rule.given):
                    for found in check(value, pointer, self.context):
                        findings.append(Finding(rule, *found))
            # In a block the service ignores, only structure is reported (the service still parses it)
            ignored = tuple(checks.ignored_blocks(data)) if findings else ()
            if ignored:
                findings = [f for f in findings if f.rule.keywords or f.rule.in_ignored_blocks or not any(
                            f.pointer == b or f.pointer.startswith(b + "/") for b in ignored)]
        return findings

    def _structural(self, data: dict, fast: bool) -> Iterable[Finding]:
        if not self.by_keyword:
            return
        seen_required = set()  # jsonschema yields one error per missing field; report them from the first
        for error in schema_errors(None, data, fast):
            pointer = "".join(join_pointer("", t) for t in error.absolute_path)
            rule = self.by_keyword.get(error.validator)
            if error.validator == "additionalProperties":
                known = error.schema.get("properties", {})
                for key in error.instance:
                    if key not in known and rule:
                        suggestion = did_you_mean(key, known)
                        message = f"unknown field `{key}` in {field_label(pointer)}"
                        if suggestion:
                            message += f"; did you mean `{suggestion}`?"
                        yield Finding(rule, join_pointer(pointer, key), message, suggestion, True)
            elif error.validator == "required":
                if rule and pointer not in seen_required:
                    seen_required.add(pointer)
                    for missing in _missing(error):
                        yield Finding(rule, pointer, _missing_message(pointer, [missing]))
            elif rule:
                yield Finding(rule, pointer, *describe(error, pointer))

    def _declarative(self, rule: Rule, data: dict, fast: bool) -> Iterable[Finding]:
        for base, value in select(data, rule.given):
            seen_required = set()
            for error in schema_errors(rule, value, fast):
                pointer = base + "".join(join_pointer("", t) for t in error.absolute_path)
                if error.validator == "required":
                    if pointer in seen_required:
                        continue
                    seen_required.add(pointer)
                    missing = _missing(error)  # one finding names every field missing at one place
                    cases = [(_missing_message(pointer, missing), None, _names(missing))]
                else:
                    cases = [(*describe(error, pointer), "")]
                at = pointer
                if rule.report_at and isinstance(value, dict) and rule.report_at in value:
                    at = join_pointer(base, rule.report_at)
                for default, suggestion, missing in cases:
                    message = (rule.message or "{default}").format(
                        field=field_label(at), value=show(error.instance, at), missing=missing, default=default)
                    yield Finding(rule, at, message, suggestion)

    # -- diagnostics ---------------------------------------------------------------------------------------------

    def lint_source(self, raw: bytes | str, filename: str) -> tuple[list[Diagnostic], list[Document]]:
        """Diagnostics for one file (sorted), and its documents (for suppression comments and fixes)."""
        documents, problems = load(raw, filename, self.max_bytes)
        diagnostics = [self._problem(filename, p) for p in problems if p.rule in self.rules]
        for doc in documents:
            for f in self.findings(doc.data):
                line, col, end_line, end_col = doc.locate(f.pointer, f.at_key)
                diagnostics.append(Diagnostic(filename, doc.index, line, col, end_line, end_col, f.rule.id,
                                              f.rule.slug, self.severity(f.rule), f.message, f.pointer,
                                              f.suggestion))
        return sorted(set(diagnostics)), documents

    def severity(self, rule: Rule) -> str:
        return self.severities.get(rule.id, rule.severity)

    def _problem(self, filename: str, problem: Problem) -> Diagnostic:
        rule = self.rules[problem.rule]
        line, col, end_line, end_col = problem.range
        if (end_line, end_col) <= (line, col):
            end_line, end_col = line, col + 1
        return Diagnostic(filename, problem.document, line, col, end_line, end_col, rule.id, rule.slug,
                          self.severity(rule), problem.message, "", None)


def _missing_message(pointer: str, names: list[str]) -> str:
    return f"{field_label(pointer)} is missing required field{'s' if len(names) > 1 else ''} {_names(names)}"


def _names(names: list[str]) -> str:
    """``["a", "b", "c"]`` → ```a`, `b` and `c```."""
    quoted = [f"`{n}`" for n in names]
    return quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " and " + quoted[-1]


def _missing(error) -> list[str]:
    return [m for m in error.validator_value if m not in error.instance]


def _compile(schema: dict):
    import jsonschema_rs  # noqa: PLC0415

    return jsonschema_rs.Draft202012Validator(schema)


def _at(given: str, schema: dict) -> dict:
    """A schema that applies ``schema`` to what ``select(data, given)`` picks."""
    for part in reversed(given.split(".") if given else ()):
        schema = {"additionalProperties": schema, "items": schema} if part == "*" else {"properties": {part: schema}}
    return schema


def select(data: Any, given: str) -> list[tuple[str, Any]]:
    """The (pointer, value) pairs a dotted ``given`` path names; ``*`` matches any key or item."""
    nodes = [("", data)]
    for part in given.split(".") if given else ():
        following = []
        for pointer, value in nodes:
            if part == "*" and isinstance(value, dict):
                following.extend((join_pointer(pointer, k), v) for k, v in value.items())
            elif part == "*" and isinstance(value, list):
                following.extend((join_pointer(pointer, i), v) for i, v in enumerate(value))
            elif isinstance(value, dict) and part in value:
                following.append((join_pointer(pointer, part), value[part]))
        nodes = following
    return nodes
