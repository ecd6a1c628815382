"""Code rules: logic a JSON Schema fragment cannot express. A rule file names one of these functions.

Each takes the value its rule's ``given`` path selects, that value's JSON pointer and the run's context, and
yields ``(pointer, message)`` or ``(pointer, message, suggestion, at_key)``, or with a fix of its own
``(pointer, message, suggestion, at_key, applicability, edit)`` (``engine.Finding``).
"""

from __future__ import annotations

import json
import re

from .documents import join_pointer
from .secrets import SECRET_KEYS, printable

BLOCKS = {
    "METADATA_MIGRATION": "metadata_migration_parameter",
    "PERMISSION_MIGRATION": "permission_migration_parameter",
    "METADATA_DISCOVERY": "metadata_discovery_parameter",
}


def ignored_blocks(job):
    """The pointers of the parameter blocks the service ignores: those for a job type other than a valid ``type``
    (with no valid ``type``, which block is meant is unknown, so none is ignored)."""
    job_type, parameter = job.get("type"), job.get("parameter")
    expected = BLOCKS.get(job_type) if isinstance(job_type, str) else None
    if expected is None or not isinstance(parameter, dict):
        return
    for block in parameter:
        if block in BLOCKS.values() and block != expected:
            yield join_pointer("/parameter", block)


def other_parameter_blocks(job, pointer, context):
    """A parameter block for a job type other than ``type``: the service ignores it."""
    for block in ignored_blocks(job):
        name = block.rsplit("/", 1)[1]
        yield (
            pointer + block,
            f"`{name}` is ignored for a {job['type']} job, which reads only `{BLOCKS[job['type']]}`",
            None,
            True,
        )


def _repeats(items, identity):
    """(index, index of the first equal item) for each item whose identity an earlier item had."""
    seen: dict = {}
    for index, item in enumerate(items if isinstance(items, list) else ()):
        key = identity(item) if isinstance(item, dict) else None
        if key is not None:
            if key in seen:
                yield index, seen[key]
            else:
                seen[key] = index


def duplicate_location_keys(locations, pointer, context):
    """Two replacement rules for the same source path: which one wins is not defined."""

    def source(rule):
        key = rule.get("key")
        return key.strip().rstrip("/") if isinstance(key, str) else None

    for index, first in _repeats(locations, source):
        yield (
            join_pointer(join_pointer(pointer, index), "key"),
            f"`locations[{index}].key` {locations[index]['key']!r} repeats the source path of `locations[{first}]`",
            None,
            False,
            "safe",
            ("remove", join_pointer(pointer, index), join_pointer(pointer, first)),
        )


def duplicate_principals(principals, pointer, context):
    """The same principal listed twice."""
    fields = ("principal_type", "principal_source", "principal_name")
    for index, first in _repeats(principals, lambda p: tuple(str(p.get(k)) for k in fields)):
        identity = printable(" ".join(str(principals[index].get(k)) for k in fields))
        item = join_pointer(pointer, index)
        message = f"`principals[{index}]` repeats `principals[{first}]` ({identity})"
        yield item, message, None, False, "safe", ("remove", item, join_pointer(pointer, first))


SCHEDULE_FIELDS = ("execute_day", "execute_hour", "execute_minute")
_DIGITS = re.compile(r"[0-9]{1,9}")


def schedule_value_types(block, pointer, context):
    """A schedule field written in the form the ``schedule-value-type`` setting does not ask for: an integer where
    it asks for strings (as the reference types these fields), a string of digits where it asks for integers."""
    wanted = context.schedule_value_type
    if wanted is None or not isinstance(block, dict):
        return
    for key in SCHEDULE_FIELDS:
        value = block.get(key)
        if wanted == "string" and type(value) is int:
            new, found = str(value), f"the integer {value}"
        elif wanted == "integer" and isinstance(value, str) and _DIGITS.fullmatch(value):
            new, found = int(value), f"the string {json.dumps(value)}"
        else:
            continue
        yield (
            join_pointer(pointer, key),
            f"`{key}` is {found}; the `schedule-value-type` setting asks for {wanted}s: write {json.dumps(new)}",
            None,
            False,
            "safe",
            ("value", value, new),
        )


def literal_secrets(datasource, pointer, context):
    """A password or key written into the spec instead of a placeholder. The value is never repeated; the
    placeholder offered is the field's example in the job schema, named for what the field holds."""
    if not isinstance(datasource, dict):
        return
    from .schema import schema_at

    for key in sorted(SECRET_KEYS):
        value = datasource.get(key)
        if isinstance(value, str) and value and not context.placeholder.search(value):
            [placeholder] = schema_at(["parameter", "metadata_migration_parameter", "datasource_parameter", key])[
                "examples"
            ]
            yield (
                join_pointer(pointer, key),
                f"`datasource_parameter.{key}` holds a literal secret; reference it "
                f"from a secret store with a placeholder such as {placeholder}",
                placeholder,  # what the rule's fix writes there
                False,
            )


_BUCKET_CHARACTERS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789-.")
_IP_ADDRESS = re.compile(r"[0-9]{1,3}(\.[0-9]{1,3}){3}")


def bucket_problem(bucket: str) -> str | None:
    """Why ``bucket`` is not a valid OBS bucket name (OBS naming rules), or None."""
    for index, char in () if _BUCKET_CHARACTERS.issuperset(bucket) else enumerate(bucket, 1):
        if char not in _BUCKET_CHARACTERS:
            what = (
                f"uppercase `{char}`"
                if char.isupper()
                else "a space"
                if char == " "
                else f"`{char}`"
                if char.isprintable()
                else f"U+{ord(char):04X}"
            )
            return f"{what} at character {index} is not allowed (lowercase letters, digits, - and . only)"
    if not 3 <= len(bucket) <= 63:
        return f"it has {len(bucket)} character{'s' if len(bucket) != 1 else ''}; a bucket name has 3 to 63"
    for end, char in (("starts", bucket[0]), ("ends", bucket[-1])):
        if char in "-.":
            return f"it {end} with `{char}`; a bucket name starts and ends with a letter or digit"
    for pair in ("..", ".-", "-."):
        if pair in bucket:
            return f"`{pair}` at character {bucket.index(pair) + 1} is not allowed"
    if _IP_ADDRESS.fullmatch(bucket):
        return "it is formatted as an IP address"
    return None


def invalid_buckets(block, pointer, context):
    """An ``obs://`` path whose bucket OBS does not allow, with the reason."""
    if not isinstance(block, dict):
        return
    for key in ("log_location", "data_location", "location"):
        value = block.get(key)
        if isinstance(value, str) and value.startswith("obs://"):
            bucket = value[len("obs://") :].split("/", 1)[0]
            problem = bucket_problem(bucket)
            if problem:
                yield (
                    join_pointer(pointer, key),
                    f"`{key}` names an invalid OBS bucket {json.dumps(bucket, ensure_ascii=False)}: {problem}",
                )
