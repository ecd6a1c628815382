"""``lflint server``: the language server, over stdio, on pygls (``pip install 'lflint[lsp]'``).

It serves the files a directory walk of ``lflint check`` would lint (the ``include``/``exclude`` settings) and
lints the unsaved buffer through the same ``Runner``: same rules, ids, severities, config and inline
suppressions. Diagnostics come on open, after a pause in typing and on save, and are cleared on close. Hover
shows a field's schema docs and the docs of the rules reported under the cursor; completion offers the keys a
mapping may still take and the values of an enum field; code actions apply a "did you mean" and add an inline
suppression. A request for any other file is answered at once with nothing.
"""

from __future__ import annotations

import asyncio
import functools
import json
import re
from pathlib import Path

from lsprotocol import types as lsp
from pygls.lsp.server import LanguageServer
from pygls.uris import to_fs_path
from pygls.workspace.position_codec import ServerTextPosition, ServerTextRange

from . import __version__
from .config import CONFIG_FILE, ConfigError, path_matches
from .diagnostic import Diagnostic
from .editor import field_at, json_context, yaml_context
from .rules import RuleError, find_rule, rule_url
from .runner import Runner, internal_error
from .schema import enum_of, field_markdown, schema_at

DEBOUNCE = 0.3  # seconds of quiet typing before a buffer is linted
SEVERITY = {
    "error": lsp.DiagnosticSeverity.Error,
    "warning": lsp.DiagnosticSeverity.Warning,
    "info": lsp.DiagnosticSeverity.Information,
}


class LflintServer(LanguageServer):
    def __init__(self):
        super().__init__("lflint", __version__, text_document_sync_kind=lsp.TextDocumentSyncKind.Incremental)
        self.pending: dict[str, asyncio.TimerHandle] = {}
        self.reported: dict[str, list[Diagnostic]] = {}  # the last diagnostics of each open document


server = LflintServer()


def safe(handler):
    """A handler that fails answers nothing (and logs why) rather than an error the editor would show."""

    @functools.wraps(handler)
    def guarded(ls: LflintServer, params):
        try:
            return handler(ls, params)
        except Exception as exc:  # noqa: BLE001 - a broken buffer must never cost the user the server
            ls.window_log_message(
                lsp.LogMessageParams(lsp.MessageType.Error, f"lflint: {handler.__name__}: {type(exc).__name__}: {exc}")
            )
            return None

    return guarded


def linted_path(uri: str) -> Path | None:
    """The file behind ``uri`` if lflint lints it, else None."""
    path = to_fs_path(uri) if uri.startswith("file:") else None
    if path is None:
        return None
    path = Path(path)
    try:
        settings = Runner(cache=False).settings_for(path)
    except ConfigError:
        return path if path.suffix in (".yaml", ".yml", ".json") else None  # lint() reports the config error
    root = Path(settings.root)
    return (
        path if path_matches(path, root, settings.include) and not path_matches(path, root, settings.exclude) else None
    )


def _range(doc, line: int, column: int, end_line: int, end_column: int) -> lsp.Range:
    """A 1-based, code-point range as the client counts (UTF-16 unless it said otherwise)."""
    return doc.range_to_client_units(
        ServerTextRange(ServerTextPosition(line - 1, column - 1), ServerTextPosition(end_line - 1, end_column - 1))
    )


def _diagnostic(doc, d: Diagnostic) -> lsp.Diagnostic:
    return lsp.Diagnostic(
        range=_range(doc, d.line, d.column, d.end_line, d.end_column),
        message=d.message,
        severity=SEVERITY[d.severity],
        code=d.rule,
        source="lflint",
        code_description=lsp.CodeDescription(href=rule_url(d.rule, d.name)),
        data={"fix": d.fix.to_dict() if d.fix else None, "name": d.name},
    )


@safe
def lint(ls: LflintServer, uri: str) -> None:
    ls.pending.pop(uri, None)
    path = linted_path(uri)
    if path is None:
        return
    doc = ls.workspace.get_text_document(uri)
    try:
        found = Runner(cache=False).lint_bytes(doc.source, str(path))
    except Exception as exc:  # noqa: BLE001 - a broken config or a bug is shown where the user looks
        message = str(exc) if isinstance(exc, (ConfigError, RuleError)) else internal_error(exc)
        ls.reported[uri] = []
        ls.text_document_publish_diagnostics(
            lsp.PublishDiagnosticsParams(
                uri=uri,
                version=doc.version,
                diagnostics=[
                    lsp.Diagnostic(
                        range=lsp.Range(lsp.Position(0, 0), lsp.Position(0, 1)),
                        message=f"lflint: {message}",
                        severity=lsp.DiagnosticSeverity.Error,
                        source="lflint",
                    )
                ],
            )
        )
        return
    ls.reported[uri] = found
    ls.text_document_publish_diagnostics(
        lsp.PublishDiagnosticsParams(uri=uri, version=doc.version, diagnostics=[_diagnostic(doc, d) for d in found])
    )


def _cancel(ls: LflintServer, uri: str) -> None:
    handle = ls.pending.pop(uri, None)
    if handle is not None:
        handle.cancel()


@server.feature(lsp.TEXT_DOCUMENT_DID_OPEN)
@safe
def did_open(ls: LflintServer, params: lsp.DidOpenTextDocumentParams) -> None:
    lint(ls, params.text_document.uri)


@server.feature(lsp.TEXT_DOCUMENT_DID_CHANGE)
@safe
def did_change(ls: LflintServer, params: lsp.DidChangeTextDocumentParams) -> None:
    uri = params.text_document.uri
    _cancel(ls, uri)
    ls.pending[uri] = asyncio.get_running_loop().call_later(DEBOUNCE, lint, ls, uri)


@server.feature(lsp.TEXT_DOCUMENT_DID_SAVE)
@safe
def did_save(ls: LflintServer, params: lsp.DidSaveTextDocumentParams) -> None:
    uri = params.text_document.uri
    saved_config = uri.endswith(("/" + CONFIG_FILE, "/pyproject.toml"))
    for target in list(ls.reported) if saved_config else [uri]:  # a new config: every open spec again
        _cancel(ls, target)
        lint(ls, target)


@server.feature(lsp.TEXT_DOCUMENT_DID_CLOSE)
@safe
def did_close(ls: LflintServer, params: lsp.DidCloseTextDocumentParams) -> None:
    uri = params.text_document.uri
    _cancel(ls, uri)
    if ls.reported.pop(uri, None) is not None:
        ls.text_document_publish_diagnostics(lsp.PublishDiagnosticsParams(uri=uri, diagnostics=[]))


def _served(ls: LflintServer, params):
    """The path and open document of a request's file, or (None, None) when lflint does not lint it."""
    uri = params.text_document.uri
    path = linted_path(uri)
    return (path, ls.workspace.get_text_document(uri)) if path else (None, None)


def _position(doc, position: lsp.Position) -> tuple[int, int]:
    server_position = doc.position_from_client_units(position)
    return server_position.line, server_position.character


def _rule_markdown(path: Path, d: Diagnostic) -> str:
    runner = Runner(cache=False)
    rule = find_rule(runner.linter_for(runner.settings_for(path)).rules, d.rule)
    docs = rule.docs if rule else {}
    return "\n\n".join(
        part
        for part in (
            f"**{d.rule} {d.name}** ({d.severity}): {rule.summary if rule else ''}",
            docs.get("what", ""),
            f"*Why:* {docs['why']}" if docs.get("why") else "",
            f"*Fix:* {docs['fix']}" if docs.get("fix") else "",
            f"[Rule docs]({rule_url(d.rule, d.name)})",
        )
        if part
    )


@server.feature(lsp.TEXT_DOCUMENT_HOVER)
@safe
def hover(ls: LflintServer, params: lsp.HoverParams) -> lsp.Hover | None:
    path, doc = _served(ls, params)
    if path is None:
        return None
    line, col = _position(doc, params.position)
    parts = [
        _rule_markdown(path, d)
        for d in ls.reported.get(params.text_document.uri, [])
        if (d.line, d.column) <= (line + 1, col + 1) < (d.end_line, d.end_column)
    ]
    found = field_at(doc.source, str(path), line, col)
    tokens = ["*" if t.isdigit() else t for t in found.tokens] if found else []
    if found is None and path.suffix != ".json":  # YAML that does not parse: read the line's key by indentation
        lines = doc.source.split("\n")
        context = yaml_context(lines, line, len(lines[line])) if line < len(lines) else None
        tokens = context.tokens if context and context.mode == "value" else []
    schema = schema_at(tokens) if tokens and tokens[-1] != "*" else None
    if schema is not None:
        parent = schema_at(tokens[:-1]) or {}
        parts.insert(0, field_markdown(tokens[-1], schema, tokens[-1] in parent.get("required", [])))
    if not parts:
        return None
    return lsp.Hover(
        contents=lsp.MarkupContent(kind=lsp.MarkupKind.Markdown, value="\n\n---\n\n".join(parts)),
        range=_range(doc, *found.range) if found else None,
    )


@server.feature(lsp.TEXT_DOCUMENT_COMPLETION, lsp.CompletionOptions(trigger_characters=[" ", ":", "-", '"']))
@safe
def completion(ls: LflintServer, params: lsp.CompletionParams) -> lsp.CompletionList | None:
    path, doc = _served(ls, params)
    if path is None:
        return None
    is_json = path.suffix == ".json"
    if is_json:
        context, before = json_context(doc.source, doc.offset_at_position(params.position)), ""
    else:
        line, col = _position(doc, params.position)
        lines = doc.source.split("\n")
        context, before = yaml_context(lines, line, col), lines[line][:col] if line < len(lines) else ""
    schema = schema_at(context.tokens) if context else None
    if schema is None:
        return None
    # JSON: the item replaces what is typed of the token, quote included; YAML: the editor's word is replaced
    typed = lsp.Range(doc.client_position_at_offset(context.start), params.position) if is_json else None

    def item(label: str, text: str, **fields) -> lsp.CompletionItem:
        if typed is None:
            return lsp.CompletionItem(label=label, insert_text=text, **fields)
        return lsp.CompletionItem(
            label=label, filter_text=text.split(":")[0].strip(), text_edit=lsp.TextEdit(typed, text), **fields
        )

    values = enum_of(schema)
    if context.mode == "value" or values and "properties" not in schema:  # also "- " in a list of scalars
        space = " " if before.endswith(":") else ""
        items = []
        for i, (value, note) in enumerate(values):
            label = value if isinstance(value, str) else json.dumps(value)
            text = json.dumps(value) if is_json else label
            items.append(
                item(
                    label,
                    space + text,
                    kind=lsp.CompletionItemKind.EnumMember,
                    documentation=note or None,
                    sort_text=f"{i:03d}",
                )
            )
        return lsp.CompletionList(is_incomplete=False, items=items)
    properties = schema.get("properties", {})
    if context.tokens == ["parameter"]:  # only the block that matches the job's type, when it is known
        found = (
            re.search(r'^"?type"?\s*:\s*["\']?([A-Za-z_]+)', doc.source, re.M)
            if not is_json
            else re.search(r'"type"\s*:\s*"([A-Za-z_]+)"', doc.source)
        )
        job_type = found.group(1).lower() if found else ""
        properties = {k: v for k, v in properties.items() if k.startswith(job_type)} or properties
    required = set(schema.get("required", []))
    items = []
    for key in properties:
        if key in context.present:
            continue
        sub = schema_at([*context.tokens, key]) or {}
        container = sub.get("type") in ("object", "array")
        text = f"{json.dumps(key)}: " if is_json else (f"{key}:" if container else f"{key}: ")
        items.append(
            item(
                key,
                text,
                kind=lsp.CompletionItemKind.Property,
                detail="required" if key in required else None,
                documentation=lsp.MarkupContent(kind=lsp.MarkupKind.Markdown, value=field_markdown(key, sub)),
                sort_text=("0" if key in required else "1") + key,
            )
        )
    return lsp.CompletionList(is_incomplete=False, items=items)


@server.feature(
    lsp.TEXT_DOCUMENT_CODE_ACTION,
    lsp.CodeActionOptions(code_action_kinds=[lsp.CodeActionKind.QuickFix, lsp.CodeActionKind.SourceFixAll]),
)
@safe
def code_action(ls: LflintServer, params: lsp.CodeActionParams) -> list[lsp.CodeAction] | None:
    path, doc = _served(ls, params)
    if path is None:
        return None
    uri = params.text_document.uri
    only = params.context.only or ()  # "fix all" rewrites the buffer: only when asked for by its kind
    actions = _fix_all(doc, path, uri) if lsp.CodeActionKind.SourceFixAll in only else []
    for diag in params.context.diagnostics if _asked(params, lsp.CodeActionKind.QuickFix) else ():
        if diag.source != "lflint" or not diag.code:
            continue
        fix = (diag.data or {}).get("fix") if isinstance(diag.data, dict) else None
        if fix:  # the finding's own fix (Diagnostic.fix), as --fix would apply it
            edits = [
                lsp.TextEdit(_range(doc, e["line"], e["column"], e["end_line"], e["end_column"]), e["content"])
                for e in fix["edits"]
            ]
            unsafe = fix["applicability"] != "safe"
            actions.append(
                lsp.CodeAction(
                    title=fix["message"][:1].upper() + fix["message"][1:] + (" (unsafe)" if unsafe else ""),
                    kind=lsp.CodeActionKind.QuickFix,
                    diagnostics=[diag],
                    is_preferred=not unsafe,
                    edit=lsp.WorkspaceEdit(changes={uri: edits}),
                )
            )
        if path.suffix == ".json":
            continue  # JSON has no comments: per-file-ignores in the config instead
        number = diag.range.start.line
        text = doc.lines[number].rstrip("\r\n") if number < len(doc.lines) else ""
        if "#" in text:  # a comment is there already: suppress from the line above
            indent = text[: len(text) - len(text.lstrip())]
            edit = lsp.TextEdit(
                range=lsp.Range(lsp.Position(number, 0), lsp.Position(number, 0)),
                new_text=f"{indent}# lflint: disable-next-line={diag.code}\n",
            )
        else:
            end = doc.position_to_client_units(ServerTextPosition(number, len(text)))
            edit = lsp.TextEdit(range=lsp.Range(end, end), new_text=f"  # lflint: disable={diag.code}")
        actions.append(
            lsp.CodeAction(
                title=f"Suppress {diag.code} on this line",
                kind=lsp.CodeActionKind.QuickFix,
                diagnostics=[diag],
                edit=lsp.WorkspaceEdit(changes={uri: [edit]}),
            )
        )
    return actions


def _asked(params: lsp.CodeActionParams, kind: str) -> bool:
    only = params.context.only
    return not only or any(kind == k or kind.startswith(f"{k}.") for k in only)


def _fix_all(doc, path: Path, uri: str) -> list[lsp.CodeAction]:
    """ "Fix all": the buffer as ``check --fix`` would leave it (the settings' fixes, safe ones by default)."""
    result = Runner(overrides={"fix": True}, cache=False).fix_bytes(doc.source, str(path))
    if result.text is None or result.text == doc.source:
        return []
    lines = doc.lines
    if not lines or lines[-1].endswith("\n"):
        end = lsp.Position(len(lines), 0)
    else:
        end = doc.position_to_client_units(ServerTextPosition(len(lines) - 1, len(lines[-1])))
    edit = lsp.TextEdit(lsp.Range(lsp.Position(0, 0), end), result.text)
    return [
        lsp.CodeAction(
            title=f"Fix all lflint findings ({len(result.fixed)})",
            kind=lsp.CodeActionKind.SourceFixAll,
            edit=lsp.WorkspaceEdit(changes={uri: [edit]}),
        )
    ]


def main() -> None:
    server.start_io()
