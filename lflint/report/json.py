"""The JSON report: a public contract (see README, "JSON output")."""

from . import json_text


def render(diagnostics, context):
    """The report: each finding's ``entry``, then the ``end``."""
    return "".join(entry(d, index) for index, d in enumerate(diagnostics)) + end(len(diagnostics))


def entry(d, index: int) -> str:
    """Finding number ``index`` (from 0) of the report, as in ``json.dumps`` of the whole list (indent 2), so that
    the report can be printed as the findings come."""
    return ("[\n  " if index == 0 else ",\n  ") + json_text(d.to_dict())[:-1].replace("\n", "\n  ")


def end(count: int) -> str:
    """What closes a report of ``count`` findings."""
    return "\n]\n" if count else "[]\n"
