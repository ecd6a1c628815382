"""The language server end to end, driven over stdio by a real LSP client (pytest-lsp): open, change, hover,
completion, code actions, close, shutdown."""

import json
import sys

import pytest
import pytest_lsp
from conftest import GOOD
from lsprotocol import types as lsp
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities

pytestmark = pytest.mark.slow

BAD = GOOD.replace("conflict_strategy: UPSERT", "conflict_strategy: upsert")


@pytest_lsp.fixture(config=ClientServerConfig(server_command=[sys.executable, "-m", "lflint", "server"]))
async def client(lsp_client: LanguageClient, tmp_path):
    await lsp_client.initialize_session(
        lsp.InitializeParams(capabilities=client_capabilities("visual-studio-code"), root_uri=tmp_path.as_uri())
    )
    yield
    await lsp_client.shutdown_session()


def open_doc(client, path, text, version=1):
    path.write_text(text)
    uri = path.as_uri()
    client.text_document_did_open(
        lsp.DidOpenTextDocumentParams(lsp.TextDocumentItem(uri=uri, language_id="yaml", version=version, text=text))
    )
    return uri


async def diagnostics_after(client, action):
    action()
    await client.wait_for_notification(lsp.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)


async def open_bad(client, tmp_path):
    """Open a spec with one finding (LF104 on line 8); return its uri and that diagnostic."""
    path = tmp_path / "my jobs" / "sales.lfjob.yaml"  # a space: the uri says %20
    path.parent.mkdir()
    await diagnostics_after(client, lambda: open_doc(client, path, BAD))
    [found] = client.diagnostics[path.as_uri()]
    return path.as_uri(), found


@pytest.mark.asyncio
async def test_diagnostics_on_open_change_and_close(client: LanguageClient, tmp_path):
    uri, found = await open_bad(client, tmp_path)
    assert found.code == "LF104" and found.source == "lflint"
    assert found.severity == lsp.DiagnosticSeverity.Error
    assert found.range == lsp.Range(lsp.Position(7, 23), lsp.Position(7, 29))
    assert found.code_description.href.endswith("#lf104-invalid-value")
    assert "did you mean UPSERT" in found.message

    fix = lsp.TextDocumentContentChangePartial(range=found.range, text="UPSERT")
    await diagnostics_after(
        client,
        lambda: client.text_document_did_change(
            lsp.DidChangeTextDocumentParams(lsp.VersionedTextDocumentIdentifier(uri=uri, version=2), [fix])
        ),
    )
    assert not client.diagnostics[uri]  # from the unsaved buffer: the file on disk still says upsert

    broken = lsp.TextDocumentContentChangeWholeDocument(text=GOOD + "  oops: [unclosed\n")
    await diagnostics_after(
        client,
        lambda: client.text_document_did_change(
            lsp.DidChangeTextDocumentParams(lsp.VersionedTextDocumentIdentifier(uri=uri, version=3), [broken])
        ),
    )
    assert [d.code for d in client.diagnostics[uri]] == ["LF001"]
    hover = await client.text_document_hover_async(
        lsp.HoverParams(  # a broken buffer still gets answers
            lsp.TextDocumentIdentifier(uri=uri), lsp.Position(0, 1)
        )
    )
    assert "**name**" in hover.contents.value

    await diagnostics_after(
        client,
        lambda: client.text_document_did_close(lsp.DidCloseTextDocumentParams(lsp.TextDocumentIdentifier(uri=uri))),
    )
    assert not client.diagnostics[uri]


@pytest.mark.asyncio
async def test_inline_suppressions_config_and_utf16_columns(client: LanguageClient, tmp_path):
    (tmp_path / ".lflint.toml").write_text('ignore = ["LF106"]\n')
    text = GOOD.replace("name: discover_sales", "name: s😀les  # lflint: disable=LF999")
    path = tmp_path / "emoji.lfjob.yaml"
    await diagnostics_after(client, lambda: open_doc(client, path, text))
    found = {d.code: d for d in client.diagnostics[path.as_uri()]}
    assert set(found) == {"LF105", "LF009"}  # LF106 ignored by the config; LF999 named by a suppression
    # "s😀les" is 5 characters but 6 UTF-16 code units: the client counts the latter
    assert found["LF105"].range == lsp.Range(lsp.Position(0, 6), lsp.Position(0, 12))


@pytest.mark.asyncio
async def test_hover_shows_field_docs_and_rule_docs(client: LanguageClient, tmp_path):
    uri, _ = await open_bad(client, tmp_path)
    on_key = await client.text_document_hover_async(
        lsp.HoverParams(lsp.TextDocumentIdentifier(uri=uri), lsp.Position(7, 8))
    )
    assert "**conflict_strategy**" in on_key.contents.value and '`"UPSERT"`' in on_key.contents.value
    assert "What to do with metadata that exists already" in on_key.contents.value
    assert on_key.range == lsp.Range(lsp.Position(7, 4), lsp.Position(7, 21))
    on_value = await client.text_document_hover_async(
        lsp.HoverParams(lsp.TextDocumentIdentifier(uri=uri), lsp.Position(7, 25))
    )
    assert "**LF104 invalid-value**" in on_value.contents.value and "[Rule docs](" in on_value.contents.value


@pytest.mark.asyncio
async def test_completion_offers_missing_keys_and_enum_values(client: LanguageClient, tmp_path):
    path = tmp_path / "sales.lfjob.yaml"
    text = GOOD + "    exe\n"
    await diagnostics_after(client, lambda: open_doc(client, path, text))
    uri = path.as_uri()
    keys = await client.text_document_completion_async(
        lsp.CompletionParams(lsp.TextDocumentIdentifier(uri=uri), lsp.Position(11, 7))
    )
    labels = {item.label for item in keys.items}
    assert {"execute_frequency", "execute_strategy", "principals"} <= labels
    assert "conflict_strategy" not in labels and "name" not in labels  # present already / not in this block

    text = GOOD + "    execute_frequency: \n"
    client.text_document_did_change(
        lsp.DidChangeTextDocumentParams(
            lsp.VersionedTextDocumentIdentifier(uri=uri, version=2), [lsp.TextDocumentContentChangeWholeDocument(text)]
        )
    )
    values = await client.text_document_completion_async(
        lsp.CompletionParams(lsp.TextDocumentIdentifier(uri=uri), lsp.Position(11, 23))
    )
    assert [item.label for item in values.items] == ["MONTHLY", "WEEKLY", "DAILY", "HOURLY"]


@pytest.mark.asyncio
async def test_completion_in_json_and_in_a_list_of_values(client: LanguageClient, tmp_path):
    text = '{"name": "x", "type": "METADATA_MIGRATION", "parameter": {"metadata_migration_parameter": {\n  "sync_'
    path = tmp_path / "m.lfjob.json"
    await diagnostics_after(client, lambda: open_doc(client, path, text))
    keys = await client.text_document_completion_async(
        lsp.CompletionParams(lsp.TextDocumentIdentifier(uri=path.as_uri()), lsp.Position(1, 7))
    )
    sync = next(i for i in keys.items if i.label == "sync_objects")
    assert sync.text_edit.new_text == '"sync_objects": '  # replaces the typed '"sync_', quote and all
    assert sync.text_edit.range == lsp.Range(lsp.Position(1, 2), lsp.Position(1, 7))
    present = await client.text_document_completion_async(
        lsp.CompletionParams(  # the block is there already
            lsp.TextDocumentIdentifier(uri=path.as_uri()), lsp.Position(0, 58)
        )
    )
    assert not present.items
    path = tmp_path / "n.lfjob.json"
    await diagnostics_after(client, lambda: open_doc(client, path, '{"type": "METADATA_MIGRATION", "parameter": {'))
    parameter = await client.text_document_completion_async(
        lsp.CompletionParams(  # the block of this type only
            lsp.TextDocumentIdentifier(uri=path.as_uri()), lsp.Position(0, 45)
        )
    )
    assert [i.label for i in parameter.items] == ["metadata_migration_parameter"]

    path = tmp_path / "m.lfjob.yaml"
    text = "type: METADATA_MIGRATION\nparameter:\n  metadata_migration_parameter:\n    sync_objects:\n      - \n"
    await diagnostics_after(client, lambda: open_doc(client, path, text))
    values = await client.text_document_completion_async(
        lsp.CompletionParams(lsp.TextDocumentIdentifier(uri=path.as_uri()), lsp.Position(4, 8))
    )
    assert [i.label for i in values.items] == ["DATABASE", "FUNCTION", "TABLE", "PARTITION"]


@pytest.mark.asyncio
async def test_code_actions_apply_the_suggestion_or_suppress(client: LanguageClient, tmp_path):
    uri, found = await open_bad(client, tmp_path)
    actions = await client.text_document_code_action_async(
        lsp.CodeActionParams(
            lsp.TextDocumentIdentifier(uri=uri), found.range, lsp.CodeActionContext(diagnostics=[found])
        )
    )
    by_title = {a.title: a for a in actions}
    replace = by_title['Replace "upsert" with "UPSERT"']  # the finding's own safe fix (Diagnostic.fix)
    assert replace.is_preferred and list(replace.edit.changes[uri]) == [lsp.TextEdit(found.range, "UPSERT")]
    suppress = by_title["Suppress LF104 on this line"].edit.changes[uri][0]
    assert suppress.new_text == "  # lflint: disable=LF104" and suppress.range.start == lsp.Position(7, 29)


@pytest.mark.asyncio
async def test_files_lflint_does_not_lint_get_nothing(client: LanguageClient, tmp_path):
    path = tmp_path / "ci.yaml"
    open_doc(client, path, "on: push\njobs: {}\n")
    hover = await client.text_document_hover_async(
        lsp.HoverParams(lsp.TextDocumentIdentifier(uri=path.as_uri()), lsp.Position(0, 1))
    )
    completion = await client.text_document_completion_async(
        lsp.CompletionParams(lsp.TextDocumentIdentifier(uri=path.as_uri()), lsp.Position(1, 0))
    )
    assert hover is None and completion is None
    spec = tmp_path / "sales.lfjob.yaml"  # the server handles notifications in order: once this one's diagnostics
    await diagnostics_after(client, lambda: open_doc(client, spec, BAD))  # are in, ci.yaml's would be too
    assert [d.code for d in client.diagnostics[spec.as_uri()]] == ["LF104"]
    assert path.as_uri() not in client.diagnostics


@pytest.mark.asyncio
async def test_json_fix_keeps_quotes_and_a_broken_config_is_shown(client: LanguageClient, tmp_path):
    spec = {
        "name": "discover_sales",
        "type": "METADATA_DISCOVERY",
        "parameter": {
            "metadata_discovery_parameter": {
                "data_location": "obs://lake/raw",
                "target_catalog": "hive",
                "target_database": "sales",
                "conflict_strategy": "upsert",
                "file_discovery_type": "PARQUET",
                "log_location": "obs://lake/logs",
                "instance_id": "2180518f42b84947b20badfc53981a25",
            }
        },
    }
    path = tmp_path / "sales.lfjob.json"
    await diagnostics_after(client, lambda: open_doc(client, path, json.dumps(spec, indent=2)))
    uri = path.as_uri()
    [found] = client.diagnostics[uri]
    actions = await client.text_document_code_action_async(
        lsp.CodeActionParams(
            lsp.TextDocumentIdentifier(uri=uri), found.range, lsp.CodeActionContext(diagnostics=[found])
        )
    )
    assert [a.title for a in actions] == ['Replace "upsert" with "UPSERT"']  # JSON has no comments to suppress with
    [edit] = actions[0].edit.changes[uri]  # inside the quotes, which stay
    assert (edit.new_text, edit.range.start.character + 1) == ("UPSERT", found.range.start.character + 2)

    config = tmp_path / ".lflint.toml"
    config.write_text("selekt = []\n")  # saved in the editor: the open specs are linted again
    await diagnostics_after(
        client,
        lambda: client.text_document_did_save(
            lsp.DidSaveTextDocumentParams(lsp.TextDocumentIdentifier(uri=config.as_uri()))
        ),
    )
    [config_error] = client.diagnostics[uri]
    assert "unknown key 'selekt'" in config_error.message and "did you mean 'select'" in config_error.message


@pytest.mark.asyncio
async def test_hostile_buffers_and_positions_never_cost_the_server(client: LanguageClient, tmp_path):
    path = tmp_path / "junk.lfjob.yaml"
    await diagnostics_after(client, lambda: open_doc(client, path, "\ufeff" + "[" * 5000 + "\n\x00: &a *a\n"))
    uri = path.as_uri()
    assert {d.code for d in client.diagnostics[uri]} <= {"LF001", "LF008"} and client.diagnostics[uri]
    for position in (lsp.Position(0, 0), lsp.Position(1, 3), lsp.Position(40, 200)):
        document = lsp.TextDocumentIdentifier(uri=uri)
        await client.text_document_hover_async(lsp.HoverParams(document, position))
        await client.text_document_completion_async(lsp.CompletionParams(document, position))
    good = tmp_path / "good.lfjob.yaml"  # still answering, and with the right answers
    await diagnostics_after(client, lambda: open_doc(client, good, GOOD))
    assert not client.diagnostics[good.as_uri()]
    hover = await client.text_document_hover_async(
        lsp.HoverParams(lsp.TextDocumentIdentifier(uri=good.as_uri()), lsp.Position(0, 1))
    )
    assert "**name**" in hover.contents.value
    empty = tmp_path / "empty.lfjob.yaml"
    await diagnostics_after(client, lambda: open_doc(client, empty, ""))
    assert [d.code for d in client.diagnostics[empty.as_uri()]] == ["LF004"]
    assert not [m.message for m in client.log_messages if m.type == lsp.MessageType.Error]


@pytest.mark.asyncio
async def test_a_number_past_pythons_digit_limit_is_published(client: LanguageClient, tmp_path):
    path = tmp_path / "n.lfjob.json"
    await diagnostics_after(client, lambda: open_doc(client, path, '{"name": ' + "7" * 5000 + "}"))
    assert [d.code for d in client.diagnostics[path.as_uri()]] == ["LF008"]


def test_an_internal_error_is_published_not_swallowed(monkeypatch, tmp_path):
    """A bug while linting a buffer reaches the editor as a diagnostic, as a broken config does."""
    from types import SimpleNamespace

    from lflint import server

    published = []
    document = SimpleNamespace(source=GOOD, version=3)
    ls = SimpleNamespace(
        pending={},
        reported={},
        workspace=SimpleNamespace(get_text_document=lambda uri: document),
        text_document_publish_diagnostics=published.append,
        window_log_message=print,
    )
    monkeypatch.setattr(server.Runner, "lint_bytes", lambda *a: {}["boom"])
    server.lint(ls, (tmp_path / "a.lfjob.yaml").as_uri())
    [params] = published
    [diagnostic] = params.diagnostics
    assert diagnostic.message.startswith("lflint: internal error: KeyError in ") and params.version == 3


@pytest.mark.asyncio
async def test_diagnostics_never_carry_a_secret(client: LanguageClient, tmp_path):
    secret = "Zq8vK3ySecretValue"  # typed into a key (a flow-mapping typo): lflint shows `password:****`
    text = GOOD.replace("metadata_discovery_parameter:\n", f"metadata_discovery_parameter:\n    password:{secret}: 1\n")
    path = tmp_path / "secret.lfjob.yaml"
    await diagnostics_after(client, lambda: open_doc(client, path, text))
    [found] = client.diagnostics[path.as_uri()]
    assert found.code == "LF102" and "`password:****`" in found.message
    assert "Zq8vK" not in json.dumps([found.message, found.data])
    assert found.range == lsp.Range(lsp.Position(4, 4), lsp.Position(4, 8))  # the mask's width, not the key's
    actions = await client.text_document_code_action_async(
        lsp.CodeActionParams(
            lsp.TextDocumentIdentifier(uri=path.as_uri()), found.range, lsp.CodeActionContext(diagnostics=[found])
        )
    )
    assert [a.title for a in actions] == ["Suppress LF102 on this line"]  # an edit there would rewrite the secret


def _apply(text: str, edits: list[lsp.TextEdit]) -> str:
    lines = text.split("\n")
    offsets = [sum(len(li) + 1 for li in lines[:n]) for n in range(len(lines))]
    for edit in sorted(edits, key=lambda e: (e.range.start.line, e.range.start.character), reverse=True):
        start = offsets[edit.range.start.line] + edit.range.start.character
        end = offsets[edit.range.end.line] + edit.range.end.character
        text = text[:start] + edit.new_text + text[end:]
    return text


@pytest.mark.asyncio
async def test_a_quick_fix_after_a_flow_style_secret_edits_exactly_its_token(client: LanguageClient, tmp_path):
    """Ranges are true source columns: a secret earlier on the line (masked in reports) moves nothing."""
    block = "\n".join(line.strip() for line in GOOD.split("metadata_discovery_parameter:\n")[1].splitlines())
    flow = "{password: VeryLongSecretValue123456, " + block.replace("\n", ", ").replace("UPSERT", "upsert") + "}"
    text = GOOD.split("  metadata_discovery_parameter:")[0] + f"  metadata_discovery_parameter: {flow}\n"
    path = tmp_path / "shift.lfjob.yaml"
    await diagnostics_after(client, lambda: open_doc(client, path, text))
    uri = path.as_uri()
    found = [d for d in client.diagnostics[uri] if d.code == "LF104"]
    assert [d.range for d in found] == [
        lsp.Range(
            lsp.Position(3, text.split("\n")[3].index("upsert")),
            lsp.Position(3, text.split("\n")[3].index("upsert") + 6),
        )
    ]
    actions = await client.text_document_code_action_async(
        lsp.CodeActionParams(
            lsp.TextDocumentIdentifier(uri=uri), found[0].range, lsp.CodeActionContext(diagnostics=found)
        )
    )
    [replace] = [a for a in actions if a.title == 'Replace "upsert" with "UPSERT"']
    assert _apply(text, replace.edit.changes[uri]) == text.replace("upsert", "UPSERT")


@pytest.mark.asyncio
async def test_fix_all_is_the_buffer_as_check_fix_leaves_it(client: LanguageClient, tmp_path):
    text = BAD.replace("file_discovery_type: PARQUET", "file_discovery_type: parquet  # keep")
    path = tmp_path / "all.lfjob.yaml"
    await diagnostics_after(client, lambda: open_doc(client, path, text))
    uri = path.as_uri()
    actions = await client.text_document_code_action_async(
        lsp.CodeActionParams(
            lsp.TextDocumentIdentifier(uri=uri),
            lsp.Range(lsp.Position(0, 0), lsp.Position(0, 0)),
            lsp.CodeActionContext(diagnostics=[], only=[lsp.CodeActionKind.SourceFixAll]),
        )
    )
    [fix_all] = actions
    assert fix_all.kind == lsp.CodeActionKind.SourceFixAll and fix_all.title == "Fix all lflint findings (2)"
    assert _apply(text, fix_all.edit.changes[uri]) == GOOD.replace("PARQUET", "PARQUET  # keep")
    assert path.read_text() == text  # the buffer is edited by the client, never the file by the server


@pytest.mark.asyncio
async def test_a_literal_secret_gets_its_placeholder_as_an_unsafe_action_that_holds_no_secret(
    client: LanguageClient, tmp_path
):
    secret = "Zq8vK3ySecretValue"
    text = (
        "name: migrate_x\ntype: METADATA_MIGRATION\nparameter:\n  metadata_migration_parameter:\n"
        "    datasource_type: MRS_RDS_FOR_MYSQL\n    datasource_parameter: {jdbc_url: 'jdbc:mysql://h:3306/d', "
        f"username: u, password: {secret}}}\n    source_catalog: hive\n    target_catalog: hive_lf\n"
        "    conflict_strategy: UPSERT\n    log_location: obs://corp-logs/migration\n    sync_objects: [DATABASE]\n"
        "    locations: [{key: hdfs://hacluster/warehouse, value: obs://lake-warehouse/hive}]\n"
        "    instance_id: 2180518f42b84947b20badfc53981a25\n"
    )
    path = tmp_path / "secret.lfjob.yaml"
    await diagnostics_after(client, lambda: open_doc(client, path, text))
    uri = path.as_uri()
    [found] = client.diagnostics[uri]
    assert found.code == "LF501"
    actions = await client.text_document_code_action_async(
        lsp.CodeActionParams(lsp.TextDocumentIdentifier(uri=uri), found.range, lsp.CodeActionContext([found]))
    )
    [placeholder] = [a for a in actions if a.title.startswith("Replace")]
    assert placeholder.title == "Replace the literal secret with ${LF_DB_PASSWORD} (unsafe)"
    assert not placeholder.is_preferred and "Zq8vK" not in json.dumps([a.title for a in actions])
    [edit] = placeholder.edit.changes[uri]
    assert edit.new_text == '"${LF_DB_PASSWORD}"}\n' and edit.range.end == lsp.Position(6, 0)  # not the secret's end
    assert _apply(text, [edit]) == text.replace(secret, '"${LF_DB_PASSWORD}"')
