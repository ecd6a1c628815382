"""How lflint compiles the schemas and regular expressions it runs: offline, and in bounded time.

Nothing is fetched: jsonschema-rs compiles every schema with a retriever that refuses every URI, and
python-jsonschema resolves references in a registry that holds the JSON Schema meta-schemas and nothing else (and
retrieves nothing). Rule files are checked before that ever matters (``rules.validate_rule``).

No pattern backtracks catastrophically: every regular expression (a rule's ``pattern`` and ``patternProperties``,
the ``placeholder`` setting) runs on jsonschema-rs's engine, fancy-regex, never on Python's ``re``. fancy-regex
hands a pattern without look-around or back-references to Rust's ``regex`` crate, whose time is linear in the
text; users' patterns must be such (``linear``). A built-in pattern with them runs on a backtracking VM that gives
up after ``BACKTRACK_LIMIT`` steps at each start, and a match that gives up counts as no match. Patterns are read
as JSON Schema reads them (ECMA-262: ``$`` is the end of the text).
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

_SURROGATE = re.compile("[\ud800-\udfff]")
BACKTRACK_LIMIT = 10_000  # steps of one match with look-around or back-references: about a millisecond


def jsonschema_rs():
    """The jsonschema_rs module. Its start-up calls ``email.utils.parsedate_to_datetime`` once, for the build
    time it shows in ``__build__``; importing ``email.utils`` (sockets, random, the email package: 7 % of a
    one-file run, 1.5 MB) is spared, and that one call gets the same datetime from ``_build_time``."""
    import sys

    if "jsonschema_rs" not in sys.modules and "email.utils" not in sys.modules:
        import types

        stand_in = types.ModuleType("email.utils")
        stand_in.parsedate_to_datetime = _build_time
        stand_in.__getattr__ = _real_email_utils  # anything else a newer jsonschema_rs asks for is the real one
        sys.modules["email.utils"] = stand_in
        try:
            import jsonschema_rs
        finally:
            if sys.modules.get("email.utils") is stand_in:
                del sys.modules["email.utils"]
    import jsonschema_rs

    return jsonschema_rs


_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _build_time(text: str):
    """``email.utils.parsedate_to_datetime`` of a date as jsonschema_rs's build writes it (``Sun, 8 Nov 2026
    16:26:25 +0000``); other text is read by the real function."""
    import datetime

    try:
        _, day, month, year, clock, zone = text.split(" ")
        hour, minute, second = clock.split(":")
        if zone != "+0000" or len(year) != 4 or year < "1000":  # (email.utils reads a year < 100 as 19xx)
            raise ValueError(zone)
        when = (int(year), _MONTHS.index(month) + 1, int(day), int(hour), int(minute), int(second))
        return datetime.datetime(*when, tzinfo=datetime.timezone.utc)
    except ValueError:
        return _real_email_utils("parsedate_to_datetime")(text)


def _real_email_utils(name: str):
    """``email.utils.<name>`` of the real module, which takes the stand-in's place from then on."""
    import importlib
    import sys

    sys.modules.pop("email.utils", None)
    return getattr(importlib.import_module("email.utils"), name)


def refuse(uri: str) -> Any:
    """The retriever of every schema: lflint never fetches one."""
    raise ValueError(f"lflint never fetches schemas: {uri!r} is not retrieved")


def compile_schema(schema: Any, linear: bool = False):
    """jsonschema-rs's validator of a Draft 2020-12 schema, offline and with bounded patterns; ``linear``: refuse
    (``jsonschema_rs.ValidationError``) a pattern with look-around or back-references, as for users' patterns."""
    rs = jsonschema_rs()
    options = rs.RegexOptions() if linear else rs.FancyRegexOptions(backtrack_limit=BACKTRACK_LIMIT)
    return rs.Draft202012Validator(schema, retriever=refuse, pattern_options=options)


def pattern_error(pattern: str) -> str | None:
    """Why lflint will not run ``pattern`` of a user's, or None."""
    error = jsonschema_rs().ValidationError
    try:
        compile_schema({"pattern": pattern}, linear=True)
    except error:
        try:
            compile_schema({"pattern": pattern})
        except error:
            return "not a regular expression lflint can run (JSON Schema's ECMA-262 dialect)"
        if not re.search(r"\(\?<?[=!]|\\[1-9]|\\k<", pattern):  # runs, but not in linear time: too large
            return (
                "a pattern too large for lflint's linear-time engine (counted repetitions such as `{99999}` "
                "multiply its size)"
            )
        return (
            "a pattern with look-around or a back-reference, which lflint runs only in its own rules (yours "
            "must run in linear time; `not: {pattern: …}` says what a negative look-ahead would)"
        )
    return None


class Pattern:
    """A compiled pattern with ``re.Pattern``'s ``search`` (a bool here)."""

    def __init__(self, pattern: str):
        self.pattern = pattern
        self._validator = compile_schema({"pattern": pattern})

    def search(self, text: Any) -> bool:
        if not isinstance(text, str):
            return False
        try:
            return self._validator.is_valid(text)
        except UnicodeEncodeError:  # a lone surrogate (JSON's "\udc80"), which Rust's strings cannot hold
            return self._validator.is_valid(_SURROGATE.sub("\ufffd", text))


@cache
def compile_pattern(pattern: str) -> Pattern:
    return Pattern(pattern)


def search(pattern: str, text: Any) -> bool:
    return compile_pattern(pattern).search(text)


# -- python-jsonschema (the reference path and the fallback of lflint.engine) ---------------------------------------


def python_validator(schema: Any, own: bool = False):
    """python-jsonschema's Draft 2020-12 validator of ``schema``: offline, and with the keywords that read
    patterns (``pattern``, ``patternProperties`` and ``additionalProperties`` beside it) on the engine above;
    ``own``: a schema of lflint's own (the rule file schema, the meta-schema), whose few patterns are linear."""
    import referencing
    from jsonschema import Draft202012Validator, validators

    keywords = (
        {}
        if own
        else {
            "pattern": _pattern,
            "patternProperties": _pattern_properties,
            "additionalProperties": _additional_properties,
        }
    )
    # python-jsonschema adds the meta-schemas to this empty registry, whose retrieve refuses every URI
    return validators.extend(Draft202012Validator, keywords)(schema, registry=referencing.Registry())


def _pattern(validator, pattern, instance, schema):
    if validator.is_type(instance, "string") and not search(pattern, instance):
        from jsonschema.exceptions import ValidationError

        yield ValidationError(f"{instance!r} does not match {pattern!r}")


def _pattern_properties(validator, patterns, instance, schema):
    if validator.is_type(instance, "object"):
        for pattern, subschema in patterns.items():
            for key, value in instance.items():
                if search(pattern, key):
                    yield from validator.descend(value, subschema, path=key, schema_path=pattern)


def _additional_properties(validator, additional, instance, schema):
    """python-jsonschema's keyword, told which keys ``patternProperties`` matched (it would run ``re`` on them)."""
    from jsonschema import Draft202012Validator

    if validator.is_type(instance, "object") and "patternProperties" in schema:
        matched = [k for k in instance if any(search(p, k) for p in schema["patternProperties"])]
        schema = {k: v for k, v in schema.items() if k != "patternProperties"}
        schema["properties"] = {**dict.fromkeys(matched, True), **schema.get("properties", {})}
    yield from Draft202012Validator.VALIDATORS["additionalProperties"](validator, additional, instance, schema)
