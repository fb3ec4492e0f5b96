"""What the language server answers, as plain data: no protocol types here.

Positions are 0-based lines and columns in code points (the server converts
to and from the editor's UTF-16 units); every answer names files by their
path relative to the guidance root.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from guidekit.check.session import CheckSession
from guidekit.defang import defang
from guidekit.findings import Finding, JsonPath, SourceSpan
from guidekit.fmt import FormatError, format_text
from guidekit.fmt.keyorder import shape_of
from guidekit.loading.source import DocKind, Source
from guidekit.loading.yamlio import compose, node_at
from guidekit.lsp.index import (
    LOCAL,
    OUTCOME,
    POLICY,
    RULE,
    SOP,
    FileIndex,
    Symbol,
    WorkspaceIndex,
    index_source,
    load_document,
)
from guidekit.model import build_policy

__all__ = [
    "Edit",
    "Features",
    "Suggestion",
    "Target",
]

_VOCABS = ("actions", "severities", "markets", "surfaces", "categories")
# what a key's value names, for a repository with no reference to learn from yet
_KEY_NAMES = {"action": "actions", "actions": "actions", "severity": "severities", "market": "markets",
              "markets": "markets", "surface": "surfaces", "surfaces": "surfaces", "categories": "categories",
              "policies": POLICY, "supersedes": POLICY, "related": "documents", "rules": RULE,
              "not_rules": RULE, "rule": RULE, "next": "nodes", "start": "nodes", "outcome": OUTCOME,
              "escalation": "escalations", "sop": SOP}
_DID_YOU_MEAN = re.compile(r"did you mean '([^']+)'\?")


@dataclass(frozen=True, slots=True)
class Target:
    """What the cursor is on."""

    rel: str
    path: JsonPath
    is_key: bool
    value: str
    span: SourceSpan
    what: str | None  # the kind of id it declares or names, None for other values
    declares: bool  # the id's definition, not a reference to it


@dataclass(frozen=True, slots=True)
class Edit:
    rel: str
    span: SourceSpan  # 1-based, end exclusive
    new_text: str


@dataclass(frozen=True, slots=True)
class Suggestion:
    label: str
    detail: str
    kind: str  # "value", "field", "id"


class Features:
    """Hover, definition, references, completion, code actions, rename and symbols."""

    def __init__(self, session: CheckSession, index: WorkspaceIndex) -> None:
        self.session = session
        self.index = index

    # --- where the cursor is --------------------------------------------------------
    def document(self, rel: str) -> Source | None:
        return load_document(self.session, rel)

    def target(self, rel: str, line: int, col: int) -> Target | None:
        src = self.document(rel)
        if src is None or not src.yaml_text:
            return None
        yline = line - src.yaml_line
        if yline < 0 or yline > src.yaml_text.count("\n"):
            return None
        found = node_at(compose(src.yaml_text), yline, col)
        if found is None:
            return None
        path, node, is_key = found
        value = str(node.value)
        first = src.yaml_line + 1
        span = SourceSpan(rel, node.start_mark.line + first, node.start_mark.column + 1,
                          node.end_mark.line + first, node.end_mark.column + 1)
        if is_key:
            return Target(rel, path, True, value, span, None, False)
        fi = self._file_index(src)
        for s in fi.symbols:
            if s.path == path:
                return Target(rel, path, False, value, span, s.what, True)
        for r in fi.refs:
            if r.path == path:
                return Target(rel, path, False, value, span, r.what, False)
        return Target(rel, path, False, value, span, None, False)

    def _file_index(self, src: Source) -> FileIndex:
        try:
            return index_source(src, True)
        except Exception:  # a half-typed document: fall back to what the last check saw
            return self.index.files.get(src.rel, FileIndex())

    # --- hover -------------------------------------------------------------------------
    def hover(self, rel: str, line: int, col: int) -> tuple[str, SourceSpan] | None:
        t = self.target(rel, line, col)
        if t is None:
            return None
        if t.is_key:
            schema = self._schema_at(rel, t.path)
            if not schema:
                return None
            return _field_doc(t.value, schema), t.span
        if t.what is None:
            return None
        text = self.describe(t.what, t.value, rel)
        return (text, t.span) if text else None

    def describe(self, what: str, ident: str, rel: str) -> str | None:
        if what in _VOCABS:
            return self._describe_vocab(what, ident)
        symbols = self._definitions(what, ident, rel)
        if not symbols:
            return f"**{ident}**: unknown {what.rstrip('s')}"
        s = symbols[0]
        lines = [f"**{s.id}**: {s.title}", ""]
        if s.what == RULE:
            rule = self._rule(s)
            if rule is not None:
                tax = self.session.taxonomy
                action = tax.actions.get(rule.action)
                severity = tax.severities.get(rule.severity)
                lines.append(f"Action: {action.title if action else rule.action} (`{rule.action}`)  ")
                lines.append(f"Severity: {severity.title if severity else rule.severity} (`{rule.severity}`)")
                if rule.text:
                    lines += ["", rule.text.strip()]
        elif s.detail:
            lines.append(s.detail)
        lines += ["", f"Defined in `{s.rel}`"]
        return "\n".join(lines)

    def _describe_vocab(self, what: str, ident: str) -> str:
        item = self.session.taxonomy.vocab(what).get(ident)
        if item is None:
            return f"**{ident}**: not in the {what} taxonomy"
        lines = [f"**{getattr(item, 'title', ident)}** (`{ident}`, {what.rstrip('s').replace('ie', 'y')})"]
        if getattr(item, "description", None):
            lines += ["", str(item.description).strip()]
        facts = []
        for attr in ("rank", "scope", "strike_weight", "requires_escalation", "locales", "eu", "regulator",
                     "dsa_category", "graphic", "do_not_download", "referral"):
            value = getattr(item, attr, None)
            if value not in (None, (), "", False):
                facts.append(f"- {attr.replace('_', ' ')}: {_plain(value)}")
        dsa = getattr(item, "dsa", None)
        if dsa:
            facts += [f"- DSA {k}: `{v}`" for k, v in sorted(dsa.items())]
        if facts:
            lines += ["", *facts]
        return "\n".join(lines)

    def _rule(self, s: Symbol) -> Any:
        src = self.document(s.rel)
        if src is None or not src.ok:
            return None
        try:
            policy = build_policy(src)
        except (KeyError, TypeError, ValueError, AttributeError):
            return None
        return next((r for r in policy.rules if r.id == s.id), None)

    def _schema_at(self, rel: str, path: JsonPath) -> dict[str, Any] | None:
        kind = self.session.kind(rel)
        if kind is None or not path:
            return None
        src = self.document(rel)
        return self._properties_at(kind, path[:-1], src.data if src is not None else None).get(str(path[-1]))

    # --- definition and references ---------------------------------------------------------
    def _definitions(self, what: str, ident: str, rel: str) -> list[Symbol]:
        return self.index.symbols(what, ident, rel if what in LOCAL else None)

    def definition(self, rel: str, line: int, col: int) -> list[SourceSpan]:
        t = self.target(rel, line, col)
        if t is None or t.what is None:
            return []
        return [self.span_of(s.rel, s.path) for s in self._definitions(t.what, t.value, rel)]

    def references(self, rel: str, line: int, col: int, *, declaration: bool = True) -> list[SourceSpan]:
        t = self.target(rel, line, col)
        if t is None or t.what is None:
            return []
        what = self._declared_kind(t)
        spans = [self.span_of(r.rel, r.path) for r in self.index.references(what, t.value, rel)]
        if declaration:
            spans = [self.span_of(s.rel, s.path) for s in self._definitions(what, t.value, rel)] + spans
        return spans

    def _declared_kind(self, t: Target) -> str:
        if t.what == "documents":
            found = self.index.symbols("documents", t.value)
            return found[0].what if found else POLICY
        return t.what or ""

    def span_of(self, rel: str, path: JsonPath) -> SourceSpan:
        src = self.document(rel)
        if src is None:
            return SourceSpan(rel)
        return src.span(path)

    # --- completion --------------------------------------------------------------------------
    def completion(self, rel: str, line: int, col: int) -> list[Suggestion]:
        text = self.session.text(rel) or ""
        lines = text.split("\n")
        if line >= len(lines):
            return []
        before = lines[line][:col]
        key, in_list = _key_before(lines, line, before)
        if key is not None:
            what = self._what_for_key(key)
            return self._values(what, rel) if what else []
        if re.fullmatch(r"\s*(?:-\s+)?[A-Za-z_]*", before) and not in_list:
            return self._fields(rel, lines, line, col)
        return []

    def _what_for_key(self, key: str) -> str | None:
        learned: dict[str, str] = {}
        for fi in self.index.files.values():
            for r in fi.refs:
                last = next((p for p in reversed(r.path) if isinstance(p, str)), None)
                if last is not None:
                    learned.setdefault(last, r.what)
        return learned.get(key) or _KEY_NAMES.get(key)

    def _values(self, what: str, rel: str) -> list[Suggestion]:
        if what in _VOCABS:
            items = self.session.taxonomy.vocab(what)
            return [Suggestion(i, str(getattr(item, "title", i)), "value") for i, item in sorted(items.items())]
        symbols = self.index.symbols(what, None, rel if what in LOCAL else None)
        seen: dict[str, Suggestion] = {}
        for s in symbols:
            seen.setdefault(s.id, Suggestion(s.id, s.title, "id"))
        return sorted(seen.values(), key=lambda s: (s.label, s.detail, s.kind))

    def _fields(self, rel: str, lines: list[str], line: int, col: int) -> list[Suggestion]:
        kind = self.session.kind(rel)
        src = self.document(rel)
        if kind is None or src is None:
            return []
        # a placeholder key where the cursor is shows which mapping it would belong to
        indent = len(lines[line]) - len(lines[line].lstrip(" -"))
        probe = list(lines)
        probe[line] = lines[line][:indent] + "guidekit_probe_: 0"
        yaml_lines = probe[src.yaml_line:src.yaml_line + src.yaml_text.count("\n")] \
            if src.yaml_text else probe
        root = compose("\n".join(yaml_lines))
        found = node_at(root, line - src.yaml_line, indent) if root is not None else None
        if found is None or not found[2]:
            return []
        parent = found[0][:-1]
        schema_props = self._properties_at(kind, parent, src.data)
        present = _keys_at(src.data, parent)
        return [Suggestion(name, str(sub.get("title") or sub.get("description") or ""), "field")
                for name, sub in schema_props.items() if name not in present]

    def _properties_at(self, kind: DocKind, path: JsonPath, data: Any) -> dict[str, Any]:
        shape = shape_of(kind.value)
        for step in path:
            if isinstance(step, int):
                shape = shape.item()
                data = data[step] if isinstance(data, list) and step < len(data) else None
            else:
                shape = shape.child(step, data)
                data = data.get(step) if isinstance(data, dict) else None
        return shape.properties(data)

    # --- code actions, rename, formatting, symbols ---------------------------------------
    def fixes(self, finding: Finding) -> list[tuple[str, Edit]]:
        """Edits that carry out what a finding suggests (did-you-mean, defang)."""
        out: list[tuple[str, Edit]] = []
        span = finding.span
        if span.end_line is None:
            return out
        for note in finding.notes:
            m = _DID_YOU_MEAN.search(note)
            if m:
                out.append((f"Replace with '{m.group(1)}'", Edit(span.path, span, m.group(1))))
        if finding.rule == "GK331":
            old = self._span_text(span)
            if old:
                out.append((f"Defang the link: {defang(old)}", Edit(span.path, span, defang(old))))
        return out

    def suppress(self, finding: Finding) -> tuple[str, Edit] | None:
        """An edit that silences one finding where it is, with the project's directive."""
        src = self.document(finding.span.path)
        if src is None:
            return None
        line = finding.span.line
        lines = src.text.split("\n")
        if not 0 < line <= len(lines):
            return None
        in_body = bool(src.body_line) and line > src.body_line and src.path.suffix.lower() in (".md", ".markdown")
        if in_body:
            indent = lines[line - 1][: len(lines[line - 1]) - len(lines[line - 1].lstrip())]
            edit = Edit(src.rel, SourceSpan(src.rel, line, 1, line, 1),
                        f"{indent}<!-- guidekit: disable-next-line={finding.rule} -->\n")
        else:
            end = len(lines[line - 1].rstrip("\r")) + 1
            edit = Edit(src.rel, SourceSpan(src.rel, line, end, line, end),
                        f"  # guidekit: disable={finding.rule}")
        return f"Disable {finding.rule} ({finding.name}) for this line", edit

    def _span_text(self, span: SourceSpan) -> str:
        text = self.session.text(span.path) or ""
        lines = text.split("\n")
        if span.end_line != span.line or not 0 < span.line <= len(lines):
            return ""
        return lines[span.line - 1][span.col - 1:(span.end_col or span.col) - 1]

    def rename(self, rel: str, line: int, col: int, new: str) -> list[Edit]:
        """Every edit that renames the rule or document id under the cursor; ValueError when
        the new id is taken or the cursor is on something else."""
        t = self.target(rel, line, col)
        if t is None or t.what not in (RULE, POLICY, SOP, "documents"):
            raise ValueError("only a rule, policy or SOP id can be renamed here")
        what = self._declared_kind(t)
        if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]*", new):
            raise ValueError(f"{new!r} is not a valid id")
        taken = self.index.symbols(RULE if what == RULE else "documents", new)
        if taken:
            raise ValueError(f"{new!r} already exists in {taken[0].rel}")
        places: list[tuple[str, JsonPath]] = [(s.rel, s.path) for s in self._definitions(what, t.value, rel)]
        places += [(r.rel, r.path) for r in self.index.references(what, t.value, rel)]
        return [Edit(r, self.span_of(r, p), new) for r, p in sorted(set(places))]

    def formatting(self, rel: str) -> str | None:
        kind = self.session.kind(rel)
        text = self.session.text(rel)
        if kind is None or text is None:
            return None
        try:
            result = format_text(text, kind.value, markdown=rel.lower().endswith((".md", ".markdown")))
        except FormatError:
            return None
        return result.text if result.text != text else None

    def document_symbols(self, rel: str) -> list[tuple[Symbol, SourceSpan]]:
        src = self.document(rel)
        if src is None:
            return []
        fi = self._file_index(src)
        return [(s, src.span(s.path)) for s in fi.symbols]

    def workspace_symbols(self, query: str) -> Iterator[Symbol]:
        q = query.lower()
        for s in self.index.symbols():
            if q in s.id.lower() or q in s.title.lower():
                yield s


def _plain(value: Any) -> str:
    if isinstance(value, tuple | list):
        return ", ".join(str(v) for v in value)
    return str(value)


def _field_doc(name: str, schema: dict[str, Any]) -> str:
    lines = [f"**{schema.get('title') or name}** (`{name}`)"]
    if schema.get("description"):
        lines += ["", str(schema["description"])]
    if isinstance(schema.get("enum"), list):
        lines += ["", "One of: " + ", ".join(f"`{v}`" for v in schema["enum"])]
    return "\n".join(lines)


_KEY_VALUE = re.compile(r"^\s*(?:-\s+)?([A-Za-z_][\w-]*):\s*(?:\[(?:[^\]]*,)?\s*)?[^\s,\[\]{}]*$")
_LIST_ITEM = re.compile(r"^(\s*)-\s+[^\s:]*$")


def _key_before(lines: list[str], line: int, before: str) -> tuple[str | None, bool]:
    """The key whose value the cursor is typing (``action: re``, ``markets: [BR, F``,
    or a ``- `` item under ``markets:``); and whether the cursor is in a list item."""
    m = _KEY_VALUE.match(before)
    if m:
        return m.group(1), False
    item = _LIST_ITEM.match(before)
    if not item:
        return None, False
    indent = len(item.group(1))
    for prev in reversed(lines[:line]):
        stripped = prev.lstrip(" ")
        if not stripped or stripped.startswith("#"):
            continue
        prev_indent = len(prev) - len(stripped)
        if prev_indent < indent or (prev_indent == indent and not stripped.startswith("-")):
            km = re.match(r"(?:-\s+)?([A-Za-z_][\w-]*):\s*$", stripped)
            return (km.group(1) if km else None), True
    return None, True


def _keys_at(data: Any, path: JsonPath) -> set[str]:
    for step in path:
        if isinstance(step, int):
            data = data[step] if isinstance(data, list) and step < len(data) else None
        else:
            data = data.get(step) if isinstance(data, dict) else None
    return set(data) if isinstance(data, dict) else set()
