"""Run every enabled rule over a document and turn findings into diagnostics.

Rules yield findings keyed by JSON pointer; source ranges are looked up only for findings, so a clean document
never pays for them. The engine does no I/O and prints nothing.

Most documents are clean, so the schema-based rules first ask one yes/no question of a compiled validator
(jsonschema-rs: the job schema and every rule's ``then`` at its ``given``, in one schema). A document that fails
it gets jsonschema-rs's errors, and each message is worded by ``describe`` from the schema and the original data
(never the validator's own text, which repeats the value, secrets included). python-jsonschema is the reference
path (``fast=False``), which a hypothesis test compares with; on the fast path it judges only the infinities and
NaNs that JSON (and so jsonschema-rs) does not have, each a number alone, where no user pattern can run.
"""

from __future__ import annotations

import json
import math
import re
from functools import cache, cached_property
from typing import Any, Iterable, NamedTuple

from .compiler import search
from .config import MAX_FILE_SIZE
from .diagnostic import Diagnostic
from .documents import Problem, Source, join_pointer, load_source, split_pointer, type_name
from .rules import JOB_SCHEMA, RULES_DIR, Rule, json_file
from .secrets import MASK, SECRET_KEYS, is_secret_key, mask_tokens, printable, shown_key  # noqa: F401 - SECRET_KEYS

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


def _schema_of(rule: Rule | None) -> dict:
    return rule.then if rule else json_file(JOB_SCHEMA)


@cache
def rs_validator(rule: Rule | None):
    """jsonschema-rs's compiled validator of one check: the job schema (``None``) or a rule's ``then``."""
    return _compile(_schema_of(rule))


@cache
def python_validator(rule: Rule | None):
    """python-jsonschema's validator of the same check: the reference, and the fallback for rare keywords."""
    from .compiler import python_validator as compile_python  # noqa: PLC0415

    return compile_python(_schema_of(rule))


def _follow(node: Any, path) -> Any:
    for token in path:
        node = node[int(token)] if isinstance(node, list) else node[token]
    return node


def _for_rs(value: Any, path: tuple = ()) -> tuple[Any, list[tuple]]:
    """``value`` as jsonschema-rs can take it: each infinity or NaN (YAML has them, JSON does not) replaced by
    null, and the paths of those replaced; a lone surrogate (JSON's ``"\\ud800"``) in a string or key by U+FFFD."""
    kind = type(value)  # the loaders build plain dicts, lists and floats
    if kind is float and not math.isfinite(value):
        return None, [path]
    if kind is str:
        return _no_surrogate(value), []
    if kind is dict or kind is list:
        items = value.items() if kind is dict else enumerate(value)
        copied, odd, changed = {}, [], False
        for key, item in items:
            copied[_no_surrogate(key) if kind is dict else key], found = _for_rs(item, (*path, key))
            odd += found
            changed = changed or bool(found) or copied.get(key, copied) is not item
        if changed:
            return (copied if kind is dict else list(copied.values())), odd
    return value, []


def _no_surrogate(text: str) -> str:
    if text.isascii():
        return text
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        return "".join("\ufffd" if "\ud800" <= c <= "\udfff" else c for c in text)


def _original(instance: Any, path: tuple) -> tuple:
    """``path`` in ``instance`` for a path jsonschema-rs gave in its copy (keys with a surrogate were changed)."""
    out = []
    for token in path:
        if isinstance(instance, dict) and token not in instance:
            token = next(k for k in instance if _no_surrogate(k) == token)
        out.append(token)
        instance = instance[token]
    return tuple(out)


def schema_errors(rule: Rule | None, instance: Any, fast: bool) -> Iterable:
    """The errors of one check on ``instance``: jsonschema-rs's (python-jsonschema's when not ``fast``)."""
    if not fast:
        return python_validator(rule).iter_errors(instance)
    schema, errors = _schema_of(rule), []
    data, odd = _for_rs(instance)
    for e in rs_validator(rule).iter_errors(data):
        path = _original(instance, tuple(e.instance_path))
        if path in odd:
            continue  # judged on its own below
        *where, keyword = e.schema_path
        kind = type(e.kind).__name__
        if kind == "PropertyNames":  # the error of the subschema: report the mapping's keyword
            where = where[:max(i for i, t in enumerate(where) if t == "propertyNames")]
            keyword = "propertyNames"
        sub = _follow(schema, where)
        if kind == "FalseSchema":  # properties/x: false, items: false, ...
            sub, keyword = {"false": False}, "false"
        errors.append(_Error(keyword, sub[keyword], sub, _follow(instance, path), path))
    if odd:
        errors += _numbers_alone(rule, data, instance, set(odd))
    return errors


def _numbers_alone(rule: Rule | None, data: Any, instance: Any, odd: set[tuple]) -> list[_Error]:
    """python-jsonschema's errors on each infinity or NaN, under each subschema jsonschema-rs applied there:
    python-jsonschema on a number alone runs no pattern."""
    where = {"/" + "/".join(str(t).replace("~", "~0").replace("/", "~1") for t in p) if p else "": p for p in odd}
    units = [u for u in rs_validator(rule).evaluate(data).list()["details"] if u["instanceLocation"] in where]
    entries: list[tuple[str, dict]] = []
    for unit in sorted(units, key=lambda u: len(u["evaluationPath"])):  # the subschemas the value was handed
        path = unit["evaluationPath"]  # to, not their own parts
        if not any(path.startswith(e + "/") for e, u in entries if u["instanceLocation"] == unit["instanceLocation"]):
            entries.append((path, unit))
    schema, python, errors = _schema_of(rule), python_validator(rule), []
    for path, unit in entries:
        if path.endswith("/contains"):
            continue  # a failing item does not fail `contains`; its list is judged as a whole
        at = where[unit["instanceLocation"]]
        location = unit["schemaLocation"]
        sub = _follow(schema, split_pointer(location.partition("#")[2] if "#" in location else location))
        for e in python.evolve(schema=sub).iter_errors(_follow(instance, at)):
            keyword = e.validator or "false"
            errors.append(_Error(keyword, e.validator_value, e.schema if keyword != "false" else {"false": False},
                                 e.instance, (*at, *e.absolute_path)))
    return errors


def is_secret(pointer: str) -> bool:
    """Whether the value at ``pointer`` is (part of) a secret."""
    return any(is_secret_key(t) for t in split_pointer(pointer))


def shown_pointer(pointer: str) -> str:
    """``pointer`` as a diagnostic shows it: no key that holds a secret, nothing under a secret key."""
    return "".join(join_pointer("", t) for t in mask_tokens(split_pointer(pointer)))


def field_label(pointer: str) -> str:
    """``/parameter/metadata_migration_parameter/locations/3/key`` → ``locations[3].key``."""
    tokens = mask_tokens(split_pointer(pointer))
    if len(tokens) > 2 and tokens[0] == "parameter":
        tokens = tokens[2:]
    label = ""
    for token in tokens:
        label += f"[{token}]" if token.isdigit() else (f".{token}" if label else token)
    return f"`{printable(label)}`" if label else "the job"


HIDDEN = "a value (hidden)"


def show(value: Any, pointer: str = "") -> str:
    """A value as a message shows it: never a secret, never a whole block, every character printable."""
    if is_secret(pointer):
        return HIDDEN
    if isinstance(value, (dict, list)):
        return type_name(value)
    text = printable(json.dumps(value, ensure_ascii=False))
    return text if len(text) <= 60 else text[:57] + "…\""


def key_label(key: str) -> str:
    """A mapping key as a message names it; a blank one quoted, so that it shows."""
    shown = printable(shown_key(key))
    return f"`{shown}`" if shown.strip() else f"{json.dumps(shown)} (a blank name)"


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


def _bound(keyword: str) -> str:
    return "at least" if keyword.startswith("min") else "at most"


def _options(options: list) -> str:
    return ", ".join(printable(o) if isinstance(o, str) else show(o) for o in options)


def _enum(e, name, found):
    options = [o for o in (e.validator_value if e.validator == "enum" else [e.validator_value])
               if o not in e.schema.get("x-undocumented", ())]  # x-undocumented: accepted, not offered
    value = e.instance
    hint = e.schema.get("x-hints", {}).get(value) if isinstance(value, str) else None
    suggestion = (e.schema.get("x-suggest", {}).get(value) if isinstance(value, str) else None) or \
        did_you_mean(value, [o for o in options if isinstance(o, str)])
    message = f"{name} must be {'one of ' if len(options) > 1 else ''}{_options(options)}; found {found}"
    if suggestion:
        message += f"; did you mean {printable(suggestion)}?"
    if hint:
        message += f" ({hint})"
    return message, suggestion


def _range(e, name, found):
    low, high = e.schema.get("minimum"), e.schema.get("maximum")
    if low is not None and high is not None:
        return f"{name} must be between {low} and {high}; found {found}"
    bound = {"minimum": "at least", "maximum": "at most", "exclusiveMinimum": "more than",
             "exclusiveMaximum": "less than"}[e.validator]
    return f"{name} must be {bound} {e.validator_value}; found {found}"


def _length(e, name, found):
    length = HIDDEN if found == HIDDEN else len(e.instance) if isinstance(e.instance, str) else 0
    return f"{name} must be {_bound(e.validator)} {_plural(e.validator_value, 'character')} long; found {length}"


def _extra_fields(e, name, found):
    schema, instance = e.schema, e.instance if isinstance(e.instance, dict) else {}
    extra = [k for k in instance if k not in schema.get("properties", {}) and
             not any(search(p, k) for p in schema.get("patternProperties", {}))]
    shown = ", ".join(key_label(k) for k in extra[:5]) + (", …" if len(extra) > 5 else "")
    return f"{name} has {'a field' if len(extra) == 1 else 'fields'} this rule does not allow: {shown}"


def _field_names(e, name, found):
    names = [k for k in (e.instance if isinstance(e.instance, dict) else ())
             if not _compiled(json.dumps(e.validator_value)).is_valid(k)]
    return f"{name} has field names this rule does not allow: {', '.join(key_label(k) for k in names[:5])}"


def _dependent(e, name, found):
    instance = e.instance if isinstance(e.instance, dict) else {}
    for key, needed in e.validator_value.items():
        missing = [m for m in needed if key in instance and m not in instance]
        if missing:
            return f"{name} has {key_label(key)}, which needs {', '.join(key_label(m) for m in missing)}"
    return f"{name} lacks a field that another of its fields needs"


def _size(e, found, what: str) -> str:
    """How many items or fields ``e.instance`` has (not said of a secret)."""
    size = len(e.instance) if isinstance(e.instance, (dict, list)) else 0
    return f"{'some' if found == HIDDEN else size} {what}{'' if size == 1 and found != HIDDEN else 's'}"


def _count(e, name, found):
    what = "field" if e.validator.endswith("Properties") else "item"
    return f"{name} has {_size(e, found, what)}; {_bound(e.validator)} {e.validator_value} allowed"


def _items(e, name, found):
    allowed = len(e.schema.get("prefixItems", []))
    return f"{name} has {_size(e, found, 'item')}; at most {allowed} allowed"


def _contains(e, name, found):
    low = e.schema.get("minContains", 1)
    high = e.schema.get("maxContains")
    wanted = f"at least {low}" + (f" and at most {high}" if high is not None else "")
    return f"{name} must hold {wanted} {'item' if low == 1 and high is None else 'items'} matching its `contains`"


# Each JSON Schema keyword a rule may use, worded from the schema and the value (``found``, masked) alone.
_WORDS = {
    "type": lambda e, name, found: f"{name} must be "
            f"{' or '.join(_TYPE_WORDS[t] for t in ([e.validator_value] if isinstance(e.validator_value, str) else e.validator_value))}; found {found}",
    "enum": _enum,
    "const": _enum,
    "pattern": lambda e, name, found: f"{name} must " + (f"contain only {e.schema['x-expected']}" if "x-expected" in
                                                          e.schema else f"match {printable(e.validator_value)}")
                                      + f"; found {found}" + ("" if found == HIDDEN else
                                                              _offending(e.instance, e.validator_value, "")),
    "minLength": _length,
    "maxLength": _length,
    "minimum": _range,
    "maximum": _range,
    "exclusiveMinimum": _range,
    "exclusiveMaximum": _range,
    "multipleOf": lambda e, name, found: f"{name} must be a multiple of {e.validator_value}; found {found}",
    "minItems": _count,
    "maxItems": _count,
    "minProperties": _count,
    "maxProperties": _count,
    "uniqueItems": lambda e, name, found: f"{name} lists the same item twice",
    "contains": _contains,
    "minContains": _contains,
    "maxContains": _contains,
    "items": _items,
    "prefixItems": _items,
    "additionalProperties": _extra_fields,
    "unevaluatedProperties": _extra_fields,
    "unevaluatedItems": lambda e, name, found: f"{name} has items this rule does not allow",
    "propertyNames": _field_names,
    "dependentRequired": _dependent,
    "required": lambda e, name, found: f"{name} is missing required field "
                                       f"{', '.join(key_label(m) for m in _missing(e))}",
    "not": lambda e, name, found: f"{name} must not match the schema under `not`; found {found}",
    "anyOf": lambda e, name, found: f"{name} must match at least one of {len(e.validator_value)} alternatives; "
                                    f"found {found}",
    "oneOf": lambda e, name, found: f"{name} must match exactly one of {len(e.validator_value)} alternatives; "
                                    f"found {found}",
    "allOf": lambda e, name, found: f"{name} must match all of {len(e.validator_value)} schemas; found {found}",
    "false": lambda e, name, found: f"{name} is not allowed here",
}
# The keywords lflint words: every other keyword (if/then/else, $ref, dependentSchemas, properties, ...) only hands
# a value to a subschema, whose own keyword is what fails; `format` is an annotation in 2020-12, never checked.
DESCRIBED = frozenset(_WORDS)


def describe(error, pointer: str) -> tuple[str, str | None]:
    """(message, suggestion) for one schema error at ``pointer``: lflint's wording, never the validator's."""
    name, found = field_label(pointer), show(error.instance, pointer)
    if isinstance(error.schema, dict) and "x-message" in error.schema:  # a rule's own wording for this subschema
        return error.schema["x-message"].format(field=name, value=found), None
    word = _WORDS.get(error.validator or "false")
    if word is None:
        return f"{name} does not satisfy this rule", None
    message = word(error, name, found)
    return message if isinstance(message, tuple) else (message, None)


@cache
def _compiled(schema_json: str):
    return _compile(json.loads(schema_json))


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
    def _gates(self):
        """Pass exactly the documents on which no schema-based rule can report: one call for a clean document
        (two with user rules, which see the document as ``for_user_rules`` shows it).

        The job schema and each rule's ``then`` at its ``given``, in one schema; each ``then`` gets an $id of its
        own so that its local $refs still resolve inside the whole."""
        own = [json_file(JOB_SCHEMA)] if self.by_keyword else []
        parts = {False: own, True: []}
        for r in self.declarative:
            parts[_is_user(r)].append(_at(r.given, {"$id": f"urn:lflint:rule:{r.id}", **r.then}))
        return {user: _compile({"allOf": p} if p else {}) for user, p in parts.items() if p or not user}

    def _passes(self, data: Any, gate: bool = False) -> bool:
        standin, odd = _for_rs(data)
        return not odd and self._gates[gate].is_valid(standin)

    def findings(self, data: dict) -> list[Finding]:
        findings = []
        users = True in self._gates
        shown = for_user_rules(data) if users else data
        if not (self.fast and self._passes(data) and (not users or self._passes(shown, True))):
            findings.extend(self._structural(data, self.fast))
            for rule in self.declarative:
                findings.extend(self._declarative(rule, shown if _is_user(rule) else data, self.fast))
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
                        # a secret's characters choose nothing; a secret's name is offered only for a key whose
                        # value is masked as a secret (secrets.is_secret_key reads every key lflint would offer it for)
                        suggestion = did_you_mean(shown_key(key), [k for k in known if is_secret_key(key) or not
                                                                   is_secret_key(k)])
                        message = f"unknown field {key_label(key)} in {field_label(pointer)}"
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

    def lint_source(self, raw: bytes | str, filename: str) -> tuple[list[Diagnostic], Source | None]:
        """Diagnostics for one file (sorted), and its source (for suppression comments, excerpts and fixes)."""
        source, documents, problems = load_source(raw, filename, self.max_bytes)
        diagnostics = [self._problem(filename, p) for p in problems if p.rule in self.rules]
        for doc in documents:
            for f in self.findings(doc.data):
                line, col, end_line, end_col = doc.locate(f.pointer, f.at_key)
                diagnostics.append(Diagnostic(filename, doc.index, line, col, end_line, end_col, f.rule.id,
                                              f.rule.slug, self.severity(f.rule), f.message,
                                              shown_pointer(f.pointer), f.suggestion))
        return sorted(set(diagnostics)), source

    def severity(self, rule: Rule) -> str:
        return self.severities.get(rule.id, rule.severity)

    def _problem(self, filename: str, problem: Problem) -> Diagnostic:
        rule = self.rules[problem.rule]
        line, col, end_line, end_col = problem.range
        if (end_line, end_col) <= (line, col):
            end_line, end_col = line, col + 1
        return Diagnostic(filename, problem.document, line, col, end_line, end_col, rule.id, rule.slug,
                          self.severity(rule), problem.message, "", None)


def _is_user(rule: Rule) -> bool:
    return rule.path.parent != RULES_DIR


def for_user_rules(data: Any) -> Any:
    """``data`` as a user rule sees it: each secret value (of any type) replaced by ``MASK`` and each key that
    holds a secret shown as ``shown_key`` does, so that a rule learns of a secret only that it is there (never
    its length, its type, or whether it equals a guess; an empty one stays null); ``data`` itself when it holds
    no secret."""
    if isinstance(data, dict):
        out = {shown_key(k): MASK if is_secret_key(k) and v is not None else for_user_rules(v)
               for k, v in data.items()}
        return data if len(out) == len(data) and all(out.get(k, out) is v for k, v in data.items()) else out
    if isinstance(data, list):
        items = [for_user_rules(v) for v in data]
        return data if all(a is b for a, b in zip(items, data)) else items
    return data


def _missing_message(pointer: str, names: list[str]) -> str:
    return f"{field_label(pointer)} is missing required field{'s' if len(names) > 1 else ''} {_names(names)}"


def _names(names: list[str]) -> str:
    """``["a", "b", "c"]`` → ```a`, `b` and `c```."""
    quoted = [f"`{n}`" for n in names]
    return quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " and " + quoted[-1]


def _missing(error) -> list[str]:
    return [m for m in error.validator_value if m not in error.instance]


def _compile(schema: dict):
    from .compiler import compile_schema  # noqa: PLC0415 - offline, with bounded patterns

    return compile_schema(schema)


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
