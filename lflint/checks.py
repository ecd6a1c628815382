"""Code rules: logic a JSON Schema fragment cannot express. A rule file names one of these functions.

Each takes the value its rule's ``given`` path selects, that value's JSON pointer and the run's context, and
yields ``(pointer, message)`` or ``(pointer, message, suggestion, at_key)``.
"""

from __future__ import annotations

from .documents import join_pointer

BLOCKS = {"METADATA_MIGRATION": "metadata_migration_parameter",
          "PERMISSION_MIGRATION": "permission_migration_parameter",
          "METADATA_DISCOVERY": "metadata_discovery_parameter"}


def other_parameter_blocks(job, pointer, context):
    """A parameter block for a job type other than ``type``: the service ignores it."""
    job_type, parameter = job.get("type"), job.get("parameter")
    expected = BLOCKS.get(job_type) if isinstance(job_type, str) else None
    if expected is None or not isinstance(parameter, dict):
        return
    for block in parameter:
        if block in BLOCKS.values() and block != expected:
            yield (join_pointer(join_pointer(pointer, "parameter"), block),
                   f"`{block}` is ignored for a {job['type']} job, which reads only `{expected}`", None, True)


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
        yield (join_pointer(join_pointer(pointer, index), "key"),
               f"`locations[{index}].key` {locations[index]['key']!r} repeats the source path of "
               f"`locations[{first}]`")


def duplicate_principals(principals, pointer, context):
    """The same principal listed twice."""
    fields = ("principal_type", "principal_source", "principal_name")
    for index, first in _repeats(principals, lambda p: tuple(str(p.get(k)) for k in fields)):
        identity = " ".join(str(principals[index].get(k)) for k in fields)
        yield join_pointer(pointer, index), f"`principals[{index}]` repeats `principals[{first}]` ({identity})"


def literal_secrets(datasource, pointer, context):
    """A password or key written into the spec instead of a placeholder. The value is never repeated."""
    if not isinstance(datasource, dict):
        return
    for key in ("password", "access_key", "secret_key"):
        value = datasource.get(key)
        if isinstance(value, str) and value and not context.placeholder.search(value):
            yield (join_pointer(pointer, key),
                   f"`datasource_parameter.{key}` holds a literal secret; reference it from a secret store "
                   "with a placeholder such as ${LF_DB_" + key.upper() + "}")
