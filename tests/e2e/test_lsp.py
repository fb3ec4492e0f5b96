"""`guidekit lsp` driven by a real LSP client (pytest-lsp) over stdio, on a copy of the
sample kept, as most teams keep it, in a `guidance/` folder of a git repository."""

from __future__ import annotations

import asyncio
import random
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import pytest_lsp
from lsprotocol import types as lsp
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities

from conftest import SAMPLE

pytestmark = pytest.mark.e2e

GAMBLING = "guidance/policies/ads/gambling.md"
FINANCE = "guidance/policies/ads/financial-services.md"
SOP = "guidance/sops/ad-creative-review.sop.yaml"


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    shutil.copytree(SAMPLE, root / "guidance")
    (root / "README.md").write_text("# Our guidance\n", "utf-8")
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    return root


@pytest_lsp.fixture(config=ClientServerConfig(server_command=[sys.executable, "-m", "guidekit", "lsp"]))
async def client(lsp_client: LanguageClient, repo: Path):  # type: ignore[no-untyped-def]
    # the editor opens the repository root; guidekit.yaml is one folder below it
    params = lsp.InitializeParams(
        capabilities=client_capabilities("visual-studio-code"),
        workspace_folders=[lsp.WorkspaceFolder(uri=repo.as_uri(), name="repo")],
        root_uri=repo.as_uri(),
    )
    await lsp_client.initialize_session(params)
    yield
    await lsp_client.shutdown_session()


def _uri(repo: Path, rel: str) -> str:
    return (repo / rel).as_uri()


def _doc(uri: str) -> lsp.TextDocumentIdentifier:
    return lsp.TextDocumentIdentifier(uri=uri)


def _open(client: LanguageClient, repo: Path, rel: str, text: str | None = None) -> str:
    uri = _uri(repo, rel)
    text = (repo / rel).read_text("utf-8") if text is None else text
    kind = "markdown" if rel.endswith(".md") else "yaml"
    item = lsp.TextDocumentItem(uri=uri, language_id=kind, version=1, text=text)
    client.text_document_did_open(lsp.DidOpenTextDocumentParams(text_document=item))
    return uri


def _replace(client: LanguageClient, uri: str, version: int, text: str) -> None:
    client.text_document_did_change(lsp.DidChangeTextDocumentParams(
        text_document=lsp.VersionedTextDocumentIdentifier(uri=uri, version=version),
        content_changes=[lsp.TextDocumentContentChangeWholeDocument(text=text)]))


async def _diagnostics(client: LanguageClient, uri: str, want: object, timeout: float = 30) -> list[lsp.Diagnostic]:
    """Wait until the diagnostics of ``uri`` satisfy ``want`` (a predicate)."""
    loop = asyncio.get_running_loop()
    end = loop.time() + timeout
    while True:
        found = list(client.diagnostics.get(uri, []))
        if want(found):  # type: ignore[operator]
            return found
        if loop.time() > end:
            raise AssertionError(f"diagnostics of {uri} never matched; last: {found}")
        await asyncio.sleep(0.05)


def _position(text: str, needle: str, offset: int = 0) -> lsp.Position:
    index = text.index(needle) + offset
    line = text.count("\n", 0, index)
    return lsp.Position(line=line, character=index - (text.rfind("\n", 0, index) + 1))


async def test_typo_in_front_matter_is_reported_at_its_range_and_clears_when_fixed(
        client: LanguageClient, repo: Path) -> None:
    text = (repo / GAMBLING).read_text("utf-8")
    broken = text.replace("action: ad_disapprove", "action: ad_disaprove", 1)
    uri = _open(client, repo, GAMBLING, broken)
    found = await _diagnostics(client, uri, lambda ds: any(d.code == "GK210" for d in ds))
    d = next(d for d in found if d.code == "GK210")
    start = _position(broken, "ad_disaprove")
    assert d.range.start == start
    assert d.range.end == lsp.Position(line=start.line, character=start.character + len("ad_disaprove"))
    assert d.severity == lsp.DiagnosticSeverity.Error
    assert "unknown action 'ad_disaprove'" in d.message and "did you mean 'ad_disapprove'?" in d.message
    _replace(client, uri, 2, text)
    await _diagnostics(client, uri, lambda ds: not any(d.code == "GK210" for d in ds))


async def test_renaming_a_rule_id_marks_the_sop_that_names_it(client: LanguageClient, repo: Path) -> None:
    sop_uri = _uri(repo, SOP)
    text = (repo / FINANCE).read_text("utf-8")
    uri = _open(client, repo, FINANCE)
    # a request answered after the open: every diagnostic the open sent has arrived by then
    await client.text_document_document_symbol_async(lsp.DocumentSymbolParams(text_document=_doc(uri)))
    assert not any(d.code == "GK210" for d in client.diagnostics.get(sop_uri, []))
    _replace(client, uri, 2, text.replace("id: ADS-FIN-1.a", "id: ADS-FIN-1.z", 1))
    found = await _diagnostics(client, sop_uri, lambda ds: any(d.code == "GK210" for d in ds))
    assert any("ADS-FIN-1.a" in d.message for d in found)
    _replace(client, uri, 3, text)  # and back: the SOP is clean again
    await _diagnostics(client, sop_uri, lambda ds: not any(d.code == "GK210" for d in ds))


async def test_rename_updates_every_reference_and_refuses_a_taken_id(client: LanguageClient, repo: Path) -> None:
    text = (repo / FINANCE).read_text("utf-8")
    uri = _open(client, repo, FINANCE)
    at = _position(text, "id: ADS-FIN-1.a", 5)
    edit = await client.text_document_rename_async(lsp.RenameParams(
        text_document=_doc(uri), position=at, new_name="ADS-FIN-1.q"))
    assert edit is not None and edit.changes is not None
    files = {Path(u.removeprefix("file://")).relative_to(repo).as_posix(): es for u, es in edit.changes.items()}
    assert set(files) >= {FINANCE, SOP}
    sop_lines = (repo / SOP).read_text("utf-8").split("\n")
    for e in files[SOP]:
        line = sop_lines[e.range.start.line]
        assert line[e.range.start.character:e.range.end.character] == "ADS-FIN-1.a"
        assert e.new_text == "ADS-FIN-1.q"
    with pytest.raises(Exception, match="already exists"):
        await client.text_document_rename_async(lsp.RenameParams(
            text_document=_doc(uri), position=at, new_name="ADS-FIN-2.a"))


async def test_hover_on_an_action_shows_its_label_and_dsa_mapping(client: LanguageClient, repo: Path) -> None:
    text = (repo / GAMBLING).read_text("utf-8")
    uri = _open(client, repo, GAMBLING)
    at = _position(text, "action: ad_disapprove", 10)
    hover = await client.text_document_hover_async(lsp.HoverParams(text_document=_doc(uri), position=at))
    assert hover is not None
    value = hover.contents.value  # type: ignore[union-attr]
    assert "Ad disapproved" in value and "DECISION_VISIBILITY_CONTENT_REMOVED" in value
    at = _position(text, "action: ad_disapprove", 2)
    field = await client.text_document_hover_async(lsp.HoverParams(text_document=_doc(uri), position=at))
    assert field is not None and "Taxonomy action id" in field.contents.value  # type: ignore[union-attr]


async def test_definition_of_a_rule_named_in_an_sop_opens_the_policy_at_the_rule(
        client: LanguageClient, repo: Path) -> None:
    text = (repo / SOP).read_text("utf-8")
    uri = _open(client, repo, SOP)
    at = _position(text, "rules: [ADS-FIN-1.a]", 10)
    found = await client.text_document_definition_async(lsp.DefinitionParams(text_document=_doc(uri), position=at))
    assert isinstance(found, list) and len(found) == 1
    loc = found[0]
    assert loc.uri == _uri(repo, FINANCE)
    line = (repo / FINANCE).read_text("utf-8").split("\n")[loc.range.start.line]
    assert line.strip() == "- id: ADS-FIN-1.a"
    refs = await client.text_document_references_async(lsp.ReferenceParams(
        text_document=_doc(uri), position=_position(text, "rules: [ADS-FIN-1.a]", 10),
        context=lsp.ReferenceContext(include_declaration=False)))
    assert refs and any(r.uri == uri for r in refs)
    for r in refs:  # every place named is the id itself, in the SOP, its case file, an override ...
        line = Path(r.uri.removeprefix("file://")).read_text("utf-8").split("\n")[r.range.start.line]
        assert line[r.range.start.character:r.range.end.character] == "ADS-FIN-1.a"


async def test_completion_after_action_lists_the_taxonomy_actions(client: LanguageClient, repo: Path) -> None:
    text = (repo / GAMBLING).read_text("utf-8")
    typed = text.replace("action: ad_disapprove", "action: ", 1)
    uri = _open(client, repo, GAMBLING, typed)
    at = _position(typed, "action: ", len("action: "))
    result = await client.text_document_completion_async(lsp.CompletionParams(text_document=_doc(uri), position=at))
    assert result is not None
    items = result.items if isinstance(result, lsp.CompletionList) else result
    labels = {i.label for i in items}
    assert {"remove", "ad_disapprove", "ad_restrict", "no_action"} <= labels
    assert next(i for i in items if i.label == "ad_disapprove").detail == "Ad disapproved"


async def test_a_code_action_defangs_a_live_url_in_an_example(client: LanguageClient, repo: Path) -> None:
    text = (repo / GAMBLING).read_text("utf-8")
    live = text.replace("hxxps://lucky-spin-777[.]example/br", "https://lucky-spin-777.example/br", 1)
    uri = _open(client, repo, GAMBLING, live)
    found = await _diagnostics(client, uri, lambda ds: any(d.code == "GK331" for d in ds))
    d = next(d for d in found if d.code == "GK331")
    actions = await client.text_document_code_action_async(lsp.CodeActionParams(
        text_document=_doc(uri), range=d.range, context=lsp.CodeActionContext(diagnostics=[d])))
    assert actions
    fix = next(a for a in actions if isinstance(a, lsp.CodeAction) and a.title.startswith("Defang"))
    assert fix.edit is not None and fix.edit.changes is not None
    (edit,) = fix.edit.changes[uri]
    assert edit.range == d.range
    assert "lucky-spin-777[.]example" in edit.new_text and not edit.new_text.startswith("https")
    suppress = [a for a in actions if isinstance(a, lsp.CodeAction) and a.title.startswith("Disable GK331")]
    assert suppress


async def test_formatting_and_symbols(client: LanguageClient, repo: Path) -> None:
    text = (repo / SOP).read_text("utf-8")
    messy = text.replace("id: SOP-ADS-CREATIVE\ntitle: Ad creative review\n",
                         "title: Ad creative review\nid: SOP-ADS-CREATIVE\n", 1)
    assert messy != text
    uri = _open(client, repo, SOP, messy)
    edits = await client.text_document_formatting_async(lsp.DocumentFormattingParams(
        text_document=_doc(uri), options=lsp.FormattingOptions(tab_size=2, insert_spaces=True)))
    assert edits and edits[0].new_text == text
    symbols = await client.text_document_document_symbol_async(lsp.DocumentSymbolParams(
        text_document=_doc(uri)))
    names = {s.name for s in symbols or []}
    assert {"SOP-ADS-CREATIVE", "q-financial", "restrict-crypto"} <= names
    found = await client.workspace_symbol_async(lsp.WorkspaceSymbolParams(query="ADS-FIN-1"))
    assert found and any(s.name == "ADS-FIN-1.a" for s in found)


async def test_the_server_survives_arbitrary_edits_and_positions(client: LanguageClient, repo: Path) -> None:
    rng = random.Random(20261205)
    text = (repo / GAMBLING).read_text("utf-8")
    uri = _open(client, repo, GAMBLING)
    pieces = ["", "---\n", "\x00", "id: [", "{{{{", "\ud83d\ude00 ü 漢字", "action: !!bool maybe\n", "- - -",
              "rules:\n  - id: X\n    action: 5\n", "&a [*a, *a]\n", "\t\t", "\r\n"]
    version = 1
    for _ in range(60):
        version += 1
        choice = rng.random()
        if choice < 0.3:
            new = text[: rng.randrange(len(text))]
        elif choice < 0.6:
            at = rng.randrange(len(text))
            new = text[:at] + rng.choice(pieces) + text[at:]
        else:
            new = "".join(rng.choice(pieces) for _ in range(rng.randrange(8)))
        _replace(client, uri, version, new)
        position = lsp.Position(line=rng.randrange(0, 400), character=rng.randrange(0, 300))
        ident = _doc(uri)
        await client.text_document_hover_async(lsp.HoverParams(text_document=ident, position=position))
        await client.text_document_completion_async(lsp.CompletionParams(text_document=ident, position=position))
        await client.text_document_definition_async(lsp.DefinitionParams(text_document=ident, position=position))
        await client.text_document_document_symbol_async(lsp.DocumentSymbolParams(text_document=ident))
    # still alive and still checking: a known typo is reported
    _replace(client, uri, version + 1, text.replace("action: ad_disapprove", "action: nope", 1))
    await _diagnostics(client, uri, lambda ds: any(d.code == "GK210" and "'nope'" in d.message for d in ds))
