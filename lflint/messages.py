"""How a finding reads: one table from each JSON Schema keyword to its wording, field labels, value display,
did-you-mean and type names.

Messages are worded from the schema and the original data alone, never from a validator's own text (which repeats
the value, secrets included); a secret's value is shown as ``HIDDEN``. ``WORDED`` is the set of keywords the table
words: every other keyword only hands a value to a subschema, whose own keyword is what fails.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from functools import cache, lru_cache
from typing import Any

from .compiler import search
from .documents import split_pointer, type_name
from .secrets import is_secret, is_secret_key, mask_tokens, printable, shown_key


@lru_cache(maxsize=8192)
def field_label(pointer: str) -> str:
    """``/parameter/metadata_migration_parameter/locations/3/key`` → ``locations[3].key`` (kept: the same
    pointers come back in file after file)."""
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
    return text if len(text) <= 60 else text[:57] + '…"'


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
    return _did_you_mean(word, tuple(candidates))


@lru_cache(maxsize=4096)  # a repository repeats its mistakes: difflib was a fifth of a file with findings
def _did_you_mean(word: str, candidates: tuple[str, ...]) -> str | None:
    same = _same_meaning(word, candidates)
    if same:
        return same
    key = word.lower()
    import difflib

    ending = [c for c in candidates if c.lower().endswith("_" + key)]
    close = difflib.get_close_matches(word, ending, n=1, cutoff=0) or difflib.get_close_matches(
        word, candidates, n=1, cutoff=0.6
    )
    return close[0] if close else None


def _same_meaning(word: str, candidates: Iterable[str]) -> str | None:
    """The candidate that is ``word`` in another case, or with its last word's usual meaning (``_ROLES``)."""
    lower = {c.lower(): c for c in candidates}
    key = word.lower()
    head, _, last = key.rpartition("_")
    for name in (key, f"{head}_{_ROLES[last]}" if head and last in _ROLES else None):
        if name in lower:
            return lower[name]
    return None


def certain(word: Any, suggestion: str | None, documented: Iterable[str] = ()) -> bool:
    """Whether ``suggestion`` is the only thing ``word`` can have meant: a spelling the reference documents
    (``documented``: the values with a hint of their own), the same word in another case, or the same name with
    its last word's usual meaning (``execute_date`` → ``execute_day``). Anything else is a guess."""
    return (
        isinstance(word, str)
        and suggestion is not None
        and (word in documented or _same_meaning(word, [suggestion]) == suggestion)
    )


def documented(schema) -> set[str]:
    """The values a schema documents a spelling for (``x-hints``, ``x-suggest``)."""
    if not isinstance(schema, dict):
        return set()
    return {*schema.get("x-hints", {}), *schema.get("x-suggest", {})}


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")


_TYPE_WORDS = {
    "string": "a string",
    "integer": "an integer",
    "number": "a number",
    "boolean": "a boolean (true or false)",
    "object": "a mapping",
    "array": "a list",
    "null": "null",
}


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
    shown = {" ": "a space", "\n": "a line break"}.get(char) or (
        f"`{char}`" if char.isprintable() else f"U+{ord(char):04X}"
    )
    more = f" (and {_plural(len(bad) - 1, 'other')})" if len(bad) > 1 else ""
    return f": {shown} at character {index} is not allowed{more}"


def _types(types: str | list[str]) -> str:
    return " or ".join(_TYPE_WORDS[t] for t in ([types] if isinstance(types, str) else types))


def _bound(keyword: str) -> str:
    return "at least" if keyword.startswith("min") else "at most"


def _options(options: list) -> str:
    return ", ".join(printable(o) if isinstance(o, str) else show(o) for o in options)


def _enum(e, name, found):
    options = [
        o
        for o in (e.validator_value if e.validator == "enum" else [e.validator_value])
        if o not in e.schema.get("x-undocumented", ())
    ]  # x-undocumented: accepted, not offered
    value = e.instance
    hint = e.schema.get("x-hints", {}).get(value) if isinstance(value, str) else None
    suggestion = (e.schema.get("x-suggest", {}).get(value) if isinstance(value, str) else None) or did_you_mean(
        value, [o for o in options if isinstance(o, str)]
    )
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
    bound = {
        "minimum": "at least",
        "maximum": "at most",
        "exclusiveMinimum": "more than",
        "exclusiveMaximum": "less than",
    }[e.validator]
    return f"{name} must be {bound} {e.validator_value}; found {found}"


def _length(e, name, found):
    length = HIDDEN if found == HIDDEN else len(e.instance) if isinstance(e.instance, str) else 0
    return f"{name} must be {_bound(e.validator)} {_plural(e.validator_value, 'character')} long; found {length}"


def _extra_fields(e, name, found):
    schema, instance = e.schema, e.instance if isinstance(e.instance, dict) else {}
    extra = [
        k
        for k in instance
        if k not in schema.get("properties", {}) and not any(search(p, k) for p in schema.get("patternProperties", {}))
    ]
    shown = ", ".join(key_label(k) for k in extra[:5]) + (", …" if len(extra) > 5 else "")
    return f"{name} has {'a field' if len(extra) == 1 else 'fields'} this rule does not allow: {shown}"


def _field_names(e, name, found):
    names = [
        k
        for k in (e.instance if isinstance(e.instance, dict) else ())
        if not _compiled(json.dumps(e.validator_value)).is_valid(k)
    ]
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
WORDS = {
    "type": lambda e, name, found: f"{name} must be {_types(e.validator_value)}; found {found}",
    "enum": _enum,
    "const": _enum,
    "pattern": lambda e, name, found: (
        f"{name} must "
        + (
            f"contain only {e.schema['x-expected']}"
            if "x-expected" in e.schema
            else f"match {printable(e.validator_value)}"
        )
        + f"; found {found}"
        + ("" if found == HIDDEN else _offending(e.instance, e.validator_value, ""))
    ),
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
    "required": lambda e, name, found: (
        f"{name} is missing required field {', '.join(key_label(m) for m in missing_fields(e))}"
    ),
    "not": lambda e, name, found: f"{name} must not match the schema under `not`; found {found}",
    "anyOf": lambda e, name, found: (
        f"{name} must match at least one of {len(e.validator_value)} alternatives; found {found}"
    ),
    "oneOf": lambda e, name, found: (
        f"{name} must match exactly one of {len(e.validator_value)} alternatives; found {found}"
    ),
    "allOf": lambda e, name, found: f"{name} must match all of {len(e.validator_value)} schemas; found {found}",
    "false": lambda e, name, found: f"{name} is not allowed here",
}
# The keywords lflint words: every other keyword (if/then/else, $ref, dependentSchemas, properties, ...) only hands
# a value to a subschema, whose own keyword is what fails; `format` is an annotation in 2020-12, never checked.
WORDED = frozenset(WORDS)


def describe(error, pointer: str) -> tuple[str, str | None]:
    """(message, suggestion) for one schema error at ``pointer``: lflint's wording, never the validator's."""
    name, found = field_label(pointer), show(error.instance, pointer)
    if isinstance(error.schema, dict) and "x-message" in error.schema:  # a rule's own wording for this subschema
        return error.schema["x-message"].format(field=name, value=found), None
    word = WORDS.get(error.validator or "false")
    if word is None:
        return f"{name} does not satisfy this rule", None
    message = word(error, name, found)
    return message if isinstance(message, tuple) else (message, None)


def unknown_field(key: str, pointer: str, known: Iterable[str]) -> tuple[str, str | None]:
    """(message, suggestion) for a field ``key`` that the mapping at ``pointer`` does not have."""
    # a secret's characters choose nothing; a secret's name is offered only for a key whose value is masked as a
    # secret (secrets.is_secret_key reads every key lflint would offer it for)
    suggestion = did_you_mean(shown_key(key), [k for k in known if is_secret_key(key) or not is_secret_key(k)])
    message = f"unknown field {key_label(key)} in {field_label(pointer)}"
    if suggestion:
        message += f"; did you mean `{suggestion}`?"
    return message, suggestion


def missing_message(pointer: str, names: list[str]) -> str:
    return f"{field_label(pointer)} is missing required field{'s' if len(names) > 1 else ''} {quoted_names(names)}"


def quoted_names(names: list[str]) -> str:
    """``["a", "b", "c"]`` → ```a`, `b` and `c```."""
    quoted = [f"`{n}`" for n in names]
    return quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " and " + quoted[-1]


def missing_fields(error) -> list[str]:
    return [m for m in error.validator_value if m not in error.instance]


@cache
def _compiled(schema_json: str):
    from .compiler import compile_schema

    return compile_schema(json.loads(schema_json))
