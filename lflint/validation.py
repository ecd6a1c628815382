"""Which parts of a document fail which schema: both validator paths and the gate of clean documents.

Most documents are clean, so the schema-based rules first ask one yes/no question of a compiled validator
(jsonschema-rs: the job schema and every rule's ``then`` at its ``given``, in one schema: ``gate``). A document
that fails it gets jsonschema-rs's errors (``schema_errors``), raw: ``messages`` words them from the schema and the
original data (never the validator's own text, which repeats the value, secrets included). python-jsonschema is the
reference path (``fast=False``), which a hypothesis test compares with; on the fast path it judges only the
infinities and NaNs that JSON (and so jsonschema-rs) does not have, each a number alone, where no user pattern can
run. This module words nothing and does no I/O.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from functools import cache
from typing import Any, NamedTuple

from .documents import join_pointer, split_pointer
from .rules import JOB_SCHEMA, Rule, json_file


class SchemaError(NamedTuple):
    """What the messages read of a schema error: python-jsonschema's names, filled from jsonschema-rs."""

    validator: str
    validator_value: Any
    schema: dict
    instance: Any
    absolute_path: tuple


def compile_schema(schema: dict):
    from .compiler import compile_schema as compile_offline  # offline, with bounded patterns

    return compile_offline(schema)


class Validators:
    """The compiled validators of the checks one process runs, each built on first use: jsonschema-rs's and
    python-jsonschema's of the job schema (``None``) and of each rule's ``then`` (a rule is compared by
    identity, so a rule file loaded again is compiled again)."""

    def __init__(self):
        self._rs: dict[Rule | None, Any] = {}
        self._python: dict[Rule | None, Any] = {}
        self._alone: dict[Rule, Any] = {}

    def rs(self, rule: Rule | None):
        if rule not in self._rs:
            self._rs[rule] = compile_schema(schema_of(rule))
        return self._rs[rule]

    def alone(self, rule: Rule):
        """The gate of ``rule`` alone: passes exactly the documents on which its check finds nothing."""
        if rule not in self._alone:
            self._alone[rule] = gate([rule], job_schema=False)
        return self._alone[rule]

    def python(self, rule: Rule | None):
        if rule not in self._python:
            from .compiler import python_validator

            self._python[rule] = python_validator(schema_of(rule))
        return self._python[rule]


VALIDATORS = Validators()


def schema_of(rule: Rule | None) -> dict:
    return rule.then if rule else json_file(JOB_SCHEMA)


def gate(rules: Iterable[Rule], job_schema: bool):
    """A validator that passes exactly the documents on which no schema-based rule can report: the job schema
    (when a keyword rule is on) and each rule's ``then`` at its ``given``, in one schema; each ``then`` gets an $id
    of its own so that its local $refs still resolve inside the whole."""
    parts = [json_file(JOB_SCHEMA)] if job_schema else []
    parts += [at_given(r.given, {"$id": f"urn:lflint:rule:{r.id}", **r.then}) for r in rules]
    return compile_schema({"allOf": parts} if parts else {})


def holds(rule: Rule, data: Any, is_plain: bool) -> bool:
    """Whether ``rule``'s check surely finds nothing in the document ``data`` (that ``plain`` passed, when
    ``is_plain``): one yes/no of its compiled gate, before any ``select`` or error is made. A document that is
    not plain is left to the check itself."""
    return is_plain and VALIDATORS.alone(rule).is_valid(data)


def plain(data: Any) -> bool:
    """Whether jsonschema-rs takes ``data`` as it is (no infinity, NaN or lone surrogate anywhere in it; exactly
    when ``_for_rs`` would hand back ``data`` itself): then it takes every part of it as it is too, and
    ``schema_errors`` need not copy each part again for each rule. A loop, not a call per value: every document
    is looked at so."""
    stack = [data]
    while stack:
        value = stack.pop()
        kind = type(value)
        if kind is str:
            if not value.isascii() and _no_surrogate(value) is not value:
                return False
        elif kind is dict:
            for key, item in value.items():
                if not key.isascii() and _no_surrogate(key) is not key:
                    return False
                stack.append(item)
        elif kind is list:
            stack.extend(value)
        elif kind is float and not math.isfinite(value):
            return False
    return True


def passes(gate_validator, data: Any, is_plain: bool | None = None) -> bool:
    """Whether ``data`` passes the gate; ``is_plain``: ``plain(data)`` when already known."""
    if plain(data) if is_plain is None else is_plain:
        return gate_validator.is_valid(data)
    standin, odd = _for_rs(data)
    return not odd and gate_validator.is_valid(standin)


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


def schema_errors(rule: Rule | None, instance: Any, fast: bool, is_plain: bool) -> Iterable:
    """The errors of one check on ``instance``: jsonschema-rs's (python-jsonschema's when not ``fast``);
    ``is_plain``: ``instance`` is part of a document that ``plain`` passed."""
    if not fast:
        return VALIDATORS.python(rule).iter_errors(instance)
    schema, errors = schema_of(rule), []
    data, odd = (instance, []) if is_plain else _for_rs(instance)
    for e in VALIDATORS.rs(rule).iter_errors(data):
        path = _original(instance, tuple(e.instance_path))
        if path in odd:
            continue  # judged on its own below
        *where, keyword = e.schema_path
        kind = type(e.kind).__name__
        if kind == "PropertyNames":  # the error of the subschema: report the mapping's keyword
            where = where[: max(i for i, t in enumerate(where) if t == "propertyNames")]
            keyword = "propertyNames"
        sub = _follow(schema, where)
        if kind == "FalseSchema":  # properties/x: false, items: false, ...
            sub, keyword = {"false": False}, "false"
        errors.append(SchemaError(keyword, sub[keyword], sub, _follow(instance, path), path))
    if odd:
        errors += _numbers_alone(rule, data, instance, set(odd))
    return errors


def _numbers_alone(rule: Rule | None, data: Any, instance: Any, odd: set[tuple]) -> list[SchemaError]:
    """python-jsonschema's errors on each infinity or NaN, under each subschema jsonschema-rs applied there:
    python-jsonschema on a number alone runs no pattern."""
    where = {"/" + "/".join(str(t).replace("~", "~0").replace("/", "~1") for t in p) if p else "": p for p in odd}
    units = [u for u in VALIDATORS.rs(rule).evaluate(data).list()["details"] if u["instanceLocation"] in where]
    entries: list[tuple[str, dict]] = []
    for unit in sorted(units, key=lambda u: len(u["evaluationPath"])):  # the subschemas the value was handed
        path = unit["evaluationPath"]  # to, not their own parts
        if not any(path.startswith(e + "/") for e, u in entries if u["instanceLocation"] == unit["instanceLocation"]):
            entries.append((path, unit))
    schema, python, errors = schema_of(rule), VALIDATORS.python(rule), []
    for path, unit in entries:
        if path.endswith("/contains"):
            continue  # a failing item does not fail `contains`; its list is judged as a whole
        at = where[unit["instanceLocation"]]
        location = unit["schemaLocation"]
        sub = _follow(schema, split_pointer(location.partition("#")[2] if "#" in location else location))
        for e in python.evolve(schema=sub).iter_errors(_follow(instance, at)):
            keyword = e.validator or "false"
            errors.append(
                SchemaError(
                    keyword,
                    e.validator_value,
                    e.schema if keyword != "false" else {"false": False},
                    e.instance,
                    (*at, *e.absolute_path),
                )
            )
    return errors


def at_given(given: str, schema: dict) -> dict:
    """A schema that applies ``schema`` to what ``select(data, given)`` picks."""
    for part in reversed(given.split(".") if given else ()):
        schema = {"additionalProperties": schema, "items": schema} if part == "*" else {"properties": {part: schema}}
    return schema


def select(data: Any, given: str) -> list[tuple[str, Any]]:
    """The (pointer, value) pairs a dotted ``given`` path names; ``*`` matches any key or item."""
    nodes = [("", data)]
    for part, token in _steps(given):
        following = []
        for pointer, value in nodes:
            if part == "*" and isinstance(value, dict):
                following.extend((join_pointer(pointer, k), v) for k, v in value.items())
            elif part == "*" and isinstance(value, list):
                following.extend((join_pointer(pointer, i), v) for i, v in enumerate(value))
            elif isinstance(value, dict) and part in value:
                following.append((pointer + token, value[part]))
        if not following:
            return following
        nodes = following
    return nodes


@cache
def _steps(given: str) -> tuple[tuple[str, str], ...]:
    """The parts of a dotted ``given`` path, each with its pointer token (every document is selected from)."""
    return tuple((part, join_pointer("", part)) for part in given.split(".")) if given else ()
