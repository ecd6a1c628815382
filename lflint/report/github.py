"""GitHub Actions workflow commands: annotations on the pull request's diff."""

from ..secrets import printable
from . import relative_uri

COMMANDS = {"error": "error", "warning": "warning", "info": "notice"}


def _data(text: str) -> str:
    return printable(text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A"))


def _property(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")


def render(diagnostics, context):
    return "".join(
        f"::{COMMANDS[d.severity]} file={_property(printable(relative_uri(d.file)))},line={d.line},col={d.column},"
        f"endLine={d.end_line},endColumn={d.end_column},title={_property(f'{d.rule} ({d.name})')}::"
        f"{_data(d.message)}\n"
        for d in diagnostics
    )
