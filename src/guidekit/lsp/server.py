"""`guidekit lsp`: the protocol end of the language server (pygls, LSP 3.17, stdio).

Everything the server knows comes from a ``CheckSession`` (the findings
``guidekit check`` reports, kept current as the editor's texts change) and
the ``Features`` built on it; this module only converts positions (the
editor's UTF-16 units to code points and back), debounces edits and sends
the answers.
"""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

from lsprotocol import types as lsp
from pygls.exceptions import JsonRpcInvalidRequest
from pygls.lsp.server import LanguageServer
from pygls.uris import from_fs_path
from pygls.workspace import TextDocument

from guidekit import __version__
from guidekit.check.session import CheckSession
from guidekit.findings import Finding, Severity, SourceSpan
from guidekit.loading.config import CONFIG_NAME, load_config
from guidekit.loading.root import find_root
from guidekit.lsp.features import Edit, Features
from guidekit.lsp.index import RULE, WorkspaceIndex

__all__ = ["GuidekitServer", "serve"]

DEBOUNCE_SECONDS = 0.15
_SEVERITY = {Severity.ERROR: lsp.DiagnosticSeverity.Error, Severity.WARNING: lsp.DiagnosticSeverity.Warning,
             Severity.INFO: lsp.DiagnosticSeverity.Information}
_SYMBOL_KIND = {"policies": lsp.SymbolKind.Module, "sops": lsp.SymbolKind.Module, RULE: lsp.SymbolKind.Key,
                "nodes": lsp.SymbolKind.Event, "outcomes": lsp.SymbolKind.EnumMember,
                "escalations": lsp.SymbolKind.Event, "exceptions": lsp.SymbolKind.Boolean}

log = logging.getLogger(__name__)


class GuidekitServer(LanguageServer):
    def __init__(self) -> None:
        super().__init__("guidekit", __version__)
        self.session: CheckSession | None = None
        self.index: WorkspaceIndex | None = None
        self.features: Features | None = None
        self.published: set[str] = set()
        self._pending: dict[str, asyncio.Task[None]] = {}

    # --- the repository -----------------------------------------------------------
    def open_repository(self, start: Path) -> None:
        root = find_root(start) or _root_below(start)
        if root is None:
            message = f"guidekit: no {CONFIG_NAME} at, above or just below {start}; nothing to check"
            self.window_log_message(lsp.LogMessageParams(type=lsp.MessageType.Warning, message=message))
            return
        try:
            config = load_config(root)
        except Exception as err:  # a broken guidekit.yaml: its own diagnostics say why
            self.window_log_message(lsp.LogMessageParams(type=lsp.MessageType.Error, message=f"guidekit: {err}"))
            return
        self.session = CheckSession(config)
        self.index = WorkspaceIndex(self.session)
        self.features = Features(self.session, self.index)
        for doc in list(self.workspace.text_documents.values()):
            rel = self.rel(doc.uri)
            if rel is not None:
                self.session.set_text(rel, doc.source)
                self.index.refresh(rel)
        self.publish(set(self.session.all_findings()) | {CONFIG_NAME})

    def rel(self, uri: str) -> str | None:
        if self.session is None:
            return None
        parsed = urlparse(uri)
        if parsed.scheme != "file":
            return None
        try:
            return Path(unquote(parsed.path)).resolve().relative_to(self.session.root.resolve()).as_posix()
        except (ValueError, OSError, RuntimeError):
            return None

    def uri(self, rel: str) -> str:
        assert self.session is not None
        return from_fs_path(str(self.session.root / rel)) or ""

    # --- diagnostics ------------------------------------------------------------------
    def publish(self, rels: set[str], always: str | None = None) -> None:
        """Send the diagnostics of ``rels`` that have or had findings (and of ``always``,
        the file the editor just changed, even when clean)."""
        assert self.session is not None
        for rel in sorted(rels | ({always} if always else set())):
            findings = self.session.findings(rel)
            if not findings and rel not in self.published and rel != always:
                continue
            doc = self._document(rel)
            diagnostics = [self._diagnostic(f, doc) for f in findings]
            params = lsp.PublishDiagnosticsParams(uri=self.uri(rel), diagnostics=diagnostics)
            self.text_document_publish_diagnostics(params)
            if findings:
                self.published.add(rel)
            else:
                self.published.discard(rel)

    def _document(self, rel: str) -> TextDocument:
        uri = self.uri(rel)
        doc: TextDocument | None = self.workspace.text_documents.get(uri)
        if doc is not None:
            return doc
        assert self.session is not None
        return TextDocument(uri=uri, source=self.session.text(rel) or "")

    def _diagnostic(self, f: Finding, doc: TextDocument) -> lsp.Diagnostic:
        message = f.message + "".join(f"\n{n}" for n in f.notes)
        if f.fix:
            message += f"\nfix: {f.fix}"
        return lsp.Diagnostic(range=self.range(f.span, doc), message=message, severity=_SEVERITY[f.severity],
                              code=f.rule, source="guidekit", data={"name": f.name})

    def range(self, span: SourceSpan, doc: TextDocument) -> lsp.Range:
        lines = doc.lines
        line = max(0, span.line - 1)
        col = max(0, span.col - 1)
        if span.end_line is not None and span.end_col is not None:
            end_line, end_col = max(0, span.end_line - 1), max(0, span.end_col - 1)
        else:  # no end: the rest of the line
            end_line = line
            end_col = len(lines[line].rstrip("\r\n")) if line < len(lines) else col
            end_col = max(end_col, col)
        codec = doc.position_codec
        start = codec.position_to_client_units(lines, lsp.Position(line=line, character=col))
        end = codec.position_to_client_units(lines, lsp.Position(line=end_line, character=end_col))
        return lsp.Range(start=start, end=end)

    def changed(self, uri: str, text: str | None) -> None:
        rel = self.rel(uri)
        if rel is None or self.session is None or self.index is None:
            return
        try:
            touched = self.session.set_text(rel, text)
        except Exception as err:  # a bug must not take the editor's diagnostics down with it
            log.exception("guidekit: checking %s failed", rel)
            message = f"guidekit: {rel}: {err!r}"
            self.window_log_message(lsp.LogMessageParams(type=lsp.MessageType.Error, message=message))
            return
        for r in touched | {rel}:
            self.index.refresh(r)
        self.publish(touched, always=rel)

    def debounce(self, uri: str) -> None:
        task = self._pending.pop(uri, None)
        if task is not None:
            task.cancel()

        async def later() -> None:
            await asyncio.sleep(DEBOUNCE_SECONDS)
            self._pending.pop(uri, None)
            doc = self.workspace.text_documents.get(uri)
            if doc is not None:
                self.changed(uri, doc.source)

        self._pending[uri] = asyncio.get_running_loop().create_task(later())

    # --- positions ----------------------------------------------------------------------
    def where(self, uri: str, position: lsp.Position) -> tuple[str, int, int] | None:
        rel = self.rel(uri)
        if rel is None or self.features is None:
            return None
        doc = self.workspace.get_text_document(uri)
        p = doc.position_codec.position_from_client_units(doc.lines, position)
        return rel, p.line, p.character

    def location(self, span: SourceSpan) -> lsp.Location:
        return lsp.Location(uri=self.uri(span.path), range=self.range(span, self._document(span.path)))

    def workspace_edit(self, edits: list[Edit]) -> lsp.WorkspaceEdit:
        changes: dict[str, list[lsp.TextEdit]] = {}
        for e in edits:
            changes.setdefault(self.uri(e.rel), []).append(
                lsp.TextEdit(range=self.range(e.span, self._document(e.rel)), new_text=e.new_text))
        return lsp.WorkspaceEdit(changes=changes)


def _root_below(start: Path, depth: int = 2) -> Path | None:
    """An editor opened on the repository whose guidance sits in a subfolder (guidance/)."""
    level = [start]
    for _ in range(depth):
        nxt = []
        for folder in level:
            try:
                children = sorted(p for p in folder.iterdir() if p.is_dir() and not p.name.startswith(".")
                                  and p.name not in ("node_modules", "venv", "site"))
            except OSError:
                continue
            for child in children:
                if (child / CONFIG_NAME).is_file():
                    return child
                nxt.append(child)
        level = nxt
    return None


server = GuidekitServer()


@server.feature(lsp.INITIALIZED)
def _initialized(ls: GuidekitServer, params: lsp.InitializedParams) -> None:
    folders = ls.workspace.folders
    start = Path(unquote(urlparse(next(iter(folders.values())).uri).path)) if folders else \
        Path(ls.workspace.root_path or ".")
    ls.open_repository(start)


@server.feature(lsp.TEXT_DOCUMENT_DID_OPEN)
def _did_open(ls: GuidekitServer, params: lsp.DidOpenTextDocumentParams) -> None:
    if ls.session is None:
        path = Path(unquote(urlparse(params.text_document.uri).path))
        ls.open_repository(path.parent)
    ls.changed(params.text_document.uri, params.text_document.text)


@server.feature(lsp.TEXT_DOCUMENT_DID_CHANGE)
def _did_change(ls: GuidekitServer, params: lsp.DidChangeTextDocumentParams) -> None:
    ls.debounce(params.text_document.uri)


@server.feature(lsp.TEXT_DOCUMENT_DID_SAVE)
def _did_save(ls: GuidekitServer, params: lsp.DidSaveTextDocumentParams) -> None:
    rel = ls.rel(params.text_document.uri)
    if rel == CONFIG_NAME and ls.session is not None:
        ls.open_repository(ls.session.root)  # new settings: check everything again
        return
    doc = ls.workspace.text_documents.get(params.text_document.uri)
    ls.changed(params.text_document.uri, doc.source if doc is not None else None)


@server.feature(lsp.TEXT_DOCUMENT_DID_CLOSE)
def _did_close(ls: GuidekitServer, params: lsp.DidCloseTextDocumentParams) -> None:
    ls.changed(params.text_document.uri, None)  # back to the file on disk


@server.feature(lsp.TEXT_DOCUMENT_HOVER)
def _hover(ls: GuidekitServer, params: lsp.HoverParams) -> lsp.Hover | None:
    at = ls.where(params.text_document.uri, params.position)
    if at is None or ls.features is None:
        return None
    found = ls.features.hover(*at)
    if found is None:
        return None
    text, span = found
    return lsp.Hover(contents=lsp.MarkupContent(kind=lsp.MarkupKind.Markdown, value=text),
                     range=ls.range(span, ls._document(span.path)))


@server.feature(lsp.TEXT_DOCUMENT_DEFINITION)
def _definition(ls: GuidekitServer, params: lsp.DefinitionParams) -> list[lsp.Location]:
    at = ls.where(params.text_document.uri, params.position)
    if at is None or ls.features is None:
        return []
    return [ls.location(s) for s in ls.features.definition(*at)]


@server.feature(lsp.TEXT_DOCUMENT_REFERENCES)
def _references(ls: GuidekitServer, params: lsp.ReferenceParams) -> list[lsp.Location]:
    at = ls.where(params.text_document.uri, params.position)
    if at is None or ls.features is None:
        return []
    spans = ls.features.references(*at, declaration=params.context.include_declaration)
    return [ls.location(s) for s in spans]


@server.feature(lsp.TEXT_DOCUMENT_COMPLETION, lsp.CompletionOptions(trigger_characters=[" ", ",", "["]))
def _completion(ls: GuidekitServer, params: lsp.CompletionParams) -> lsp.CompletionList:
    at = ls.where(params.text_document.uri, params.position)
    items: list[lsp.CompletionItem] = []
    if at is not None and ls.features is not None:
        kinds = {"value": lsp.CompletionItemKind.EnumMember, "id": lsp.CompletionItemKind.Reference,
                 "field": lsp.CompletionItemKind.Field}
        for s in ls.features.completion(*at):
            items.append(lsp.CompletionItem(label=s.label, detail=s.detail or None, kind=kinds[s.kind],
                                            insert_text=f"{s.label}: " if s.kind == "field" else s.label))
    return lsp.CompletionList(is_incomplete=False, items=items)


@server.feature(lsp.TEXT_DOCUMENT_CODE_ACTION,
                lsp.CodeActionOptions(code_action_kinds=[lsp.CodeActionKind.QuickFix]))
def _code_action(ls: GuidekitServer, params: lsp.CodeActionParams) -> list[lsp.CodeAction]:
    rel = ls.rel(params.text_document.uri)
    if rel is None or ls.session is None or ls.features is None:
        return []
    doc = ls._document(rel)
    actions = []
    wanted = {(d.code, d.range.start.line, d.range.start.character) for d in params.context.diagnostics}
    for f in ls.session.findings(rel):
        r = ls.range(f.span, doc)
        if wanted and (f.rule, r.start.line, r.start.character) not in wanted:
            continue
        if not wanted and not (r.start.line <= params.range.end.line and r.end.line >= params.range.start.line):
            continue
        diagnostic = ls._diagnostic(f, doc)
        fixes = ls.features.fixes(f)
        suppress = ls.features.suppress(f)
        for i, (title, edit) in enumerate([*fixes, *([suppress] if suppress else [])]):
            actions.append(lsp.CodeAction(title=title, kind=lsp.CodeActionKind.QuickFix, diagnostics=[diagnostic],
                                          edit=ls.workspace_edit([edit]), is_preferred=i == 0 and bool(fixes)))
    return actions


@server.feature(lsp.TEXT_DOCUMENT_PREPARE_RENAME)
def _prepare_rename(ls: GuidekitServer, params: lsp.PrepareRenameParams) -> lsp.Range | None:
    at = ls.where(params.text_document.uri, params.position)
    if at is None or ls.features is None:
        return None
    t = ls.features.target(*at)
    if t is None or t.what not in (RULE, "policies", "sops", "documents"):
        return None
    return ls.range(t.span, ls._document(t.rel))


@server.feature(lsp.TEXT_DOCUMENT_RENAME)
def _rename(ls: GuidekitServer, params: lsp.RenameParams) -> lsp.WorkspaceEdit | None:
    at = ls.where(params.text_document.uri, params.position)
    if at is None or ls.features is None:
        return None
    try:
        edits = ls.features.rename(*at, params.new_name)
    except ValueError as err:
        raise JsonRpcInvalidRequest(str(err)) from None
    return ls.workspace_edit(edits)


@server.feature(lsp.TEXT_DOCUMENT_FORMATTING)
def _formatting(ls: GuidekitServer, params: lsp.DocumentFormattingParams) -> list[lsp.TextEdit]:
    rel = ls.rel(params.text_document.uri)
    if rel is None or ls.features is None:
        return []
    new = ls.features.formatting(rel)
    if new is None:
        return []
    doc = ls._document(rel)
    end = len(doc.lines)
    return [lsp.TextEdit(range=lsp.Range(start=lsp.Position(line=0, character=0),
                                   end=lsp.Position(line=end, character=0)), new_text=new)]


@server.feature(lsp.TEXT_DOCUMENT_DOCUMENT_SYMBOL)
def _document_symbols(ls: GuidekitServer, params: lsp.DocumentSymbolParams) -> list[lsp.SymbolInformation]:
    rel = ls.rel(params.text_document.uri)
    if rel is None or ls.features is None:
        return []
    return [lsp.SymbolInformation(name=s.id, kind=_SYMBOL_KIND.get(s.what, lsp.SymbolKind.Constant),
                                  location=ls.location(span), container_name=s.title)
            for s, span in ls.features.document_symbols(rel)]


@server.feature(lsp.WORKSPACE_SYMBOL)
def _workspace_symbols(ls: GuidekitServer, params: lsp.WorkspaceSymbolParams) -> list[lsp.SymbolInformation]:
    if ls.features is None:
        return []
    out = []
    for s in ls.features.workspace_symbols(params.query):
        out.append(lsp.SymbolInformation(name=s.id, kind=_SYMBOL_KIND.get(s.what, lsp.SymbolKind.Constant),
                                         location=ls.location(ls.features.span_of(s.rel, s.path)),
                                         container_name=s.title))
        if len(out) >= 500:
            break
    return out


def serve(**_: Any) -> None:
    """Speak LSP on standard input and output until the editor says exit."""
    server.start_io()
