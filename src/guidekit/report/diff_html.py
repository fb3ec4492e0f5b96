"""A self-contained redline page: one HTML file, inline CSS, no script, no network."""

from __future__ import annotations

from html import escape
from typing import TextIO

from guidekit import __version__
from guidekit.diff.model import ChangeKind, ChangeSet, DocumentChange, FieldChange, ItemChange, Redline, SectionChange
from guidekit.diff.redline import reader_runs, reader_text, segments_html
from guidekit.diff.summary import (
    IMPACT_ORDER,
    counts,
    describe_field,
    describe_translation,
    field_note,
    line_label,
    shown_paragraphs,
    summarize,
    translation_tally,
)
from guidekit.report.diff_base import DiffReportOptions
from guidekit.report.paths import from_top

__all__ = ["render_html", "write_html"]

_CSS = """
body{font:15px/1.5 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0;color:#1b1f24;background:#fff}
main{max-width:980px;margin:0 auto;padding:24px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:18px;margin:0}
.meta,.where,.note{color:#57606a;font-size:13px}
table{border-collapse:collapse;width:100%;margin:16px 0}
th,td{border-bottom:1px solid #d0d7de;padding:6px 8px;text-align:left;vertical-align:top}
.badge{display:inline-block;border-radius:10px;padding:0 8px;font-size:12px;font-weight:600;white-space:nowrap}
.breaking{background:#ffebe9;color:#a40e26}.stricter{background:#fff1e5;color:#953800}
.looser{background:#ddf4ff;color:#0550ae}.editorial{background:#dafbe1;color:#116329}
.metadata{background:#eaeef2;color:#424a53}
section.doc{border:1px solid #d0d7de;border-radius:6px;margin:16px 0;padding:12px 16px}
ul{padding-left:20px;margin:6px 0}li{margin:3px 0}
del{background:#ffebe9;color:#82071e;text-decoration:line-through}
ins{background:#dafbe1;color:#116329;text-decoration:none;border-bottom:1px solid #2da44e}
blockquote{margin:6px 0;padding:4px 12px;border-left:3px solid #d0d7de;white-space:pre-wrap}
code{font:13px ui-monospace,SFMono-Regular,Menlo,monospace}
@media print{section.doc{break-inside:avoid}}
"""


def _badge(impact: str) -> str:
    return f'<span class="badge {impact}">{impact}</span>'


def _redline(runs: Redline) -> str:
    """The redline as a reader sees it: markup rendered, changes in <del>/<ins>."""
    return "".join(segments_html(reader_runs(runs), lambda t: escape(t, quote=False)))


def _field(f: FieldChange) -> str:
    body = (f"<code>{escape(f.field)}</code>: <blockquote>{_redline(f.redline)}</blockquote>"
            if f.redline and not f.reflow else escape(describe_field(f)))
    why = field_note(f)
    note = f' <span class="note">{escape(why)}</span>' if why else ""
    return f"<li>{_badge(f.impact.value)} {body}{note}</li>"


def _item(i: ItemChange) -> str:
    was = f" (was <code>{escape(i.old_id)}</code>)" if i.old_id else ""
    note = f' <span class="note">{escape(i.note)}</span>' if i.note else ""
    fields = "".join(_field(f) for f in i.fields)
    return (f"<li>{_badge(i.impact.value)} {escape(i.kind)} <b><code>{escape(i.id)}</code></b>{was} "
            f"{escape(i.title)} — {i.change.value}{note}" + (f"<ul>{fields}</ul>" if fields else "") + "</li>")


def _section(s: SectionChange, root: str) -> str:
    was = f" (was {escape(' > '.join(s.old_heading))})" if s.old_heading is not None else ""
    shown, reflowed = shown_paragraphs(s)
    paras = []
    for p in shown:
        where = f"{from_top(root, p.span.path)}:{line_label(p)}" if p.span else ""
        line = f'<span class="where">{escape(where)}</span>' if p.span else ""
        if p.change is ChangeKind.MOVED:
            paras.append(f"<li>{line} moved<blockquote>{escape(reader_text(p.new))}</blockquote></li>")
        else:
            paras.append(f"<li>{line}<blockquote>{_redline(p.redline)}</blockquote></li>")
    if reflowed:
        what = "whitespace only: " if not shown else "and "
        paras.append(f'<li class="note">{what}{reflowed} paragraph{"s" if reflowed != 1 else ""} reflowed '
                     "(line breaks only)</li>")
    return (f"<li>{_badge(s.impact.value)} <b>{escape(s.title)}</b>{was} — {s.change.value}"
            f"<ul>{''.join(paras)}</ul></li>")


def _document(d: DocumentChange, anchor: str, root: str) -> str:
    path = escape(from_top(root, d.path))
    where = path if d.old_path is None else f"{escape(from_top(root, d.old_path))} → {path}"
    parts = [f'<section class="doc" id="{anchor}">',
             f"<h2>{_badge(d.impact.value)} <code>{escape(d.id)}</code> {escape(d.title)}</h2>",
             f'<div class="where">{where} — {d.change.value}</div>']
    parts += [f'<p class="note">{escape(n)}</p>' for n in d.notes]
    if d.fields:
        parts.append("<ul>" + "".join(_field(f) for f in d.fields) + "</ul>")
    for label, items in (("Rules", d.rules), ("Other changes", d.items)):
        if items:
            parts.append(f"<h3>{label}</h3><ul>" + "".join(_item(i) for i in items) + "</ul>")
    if d.sections:
        parts.append("<h3>Text</h3><ul>" + "".join(_section(s, root) for s in d.sections) + "</ul>")
    parts.append("</section>")
    return "\n".join(parts)


def _translations(changes: ChangeSet) -> str:
    """Per locale, every translation unit the change touches (the full list the PR comment
    may cut), errors first."""
    touched = [t for t in changes.translations if t.units or t.note]
    if not touched:
        return ""
    parts = ["<h2>Translations</h2>"]
    for t in touched:
        head = f"<b>{escape(t.locale)}</b>{' (required)' if t.required else ''}: {escape(translation_tally(t))}"
        rows = []
        for u in t.units:
            where = f"{from_top(changes.root, u.span.path)}:{u.span.line}" if u.span else ""
            rows.append(f'<li><span class="badge {_LEVEL[u.level]}">{u.level}</span> <code>{escape(u.key)}</code> '
                        f'<span class="where">{escape(where)}</span> {escape(describe_translation(u))}</li>')
        note = f'<p class="note">{escape(t.note)}</p>' if t.note else ""
        parts.append(f"<p>{head}</p>{note}<ul>{''.join(rows)}</ul>")
    return "\n".join(parts)


_LEVEL = {"error": "breaking", "warning": "stricter", "info": "metadata"}  # badge colours


def render_html(changes: ChangeSet) -> str:
    docs = sorted(changes, key=lambda d: (-d.impact.rank, d.path, d.id))
    per = counts(docs)
    title = f"guidekit diff {changes.base.label} → {changes.head.label}"
    tally = " ".join(f"{_badge(i.value)} {per[i]}" for i in IMPACT_ORDER if per.get(i))
    rows = "".join(
        f'<tr><td>{_badge(d.impact.value)}</td><td><a href="#d{k}"><code>{escape(d.id)}</code></a> '
        f"{escape(d.title)}</td><td>{d.change.value}</td><td>{escape(summarize(d))}</td></tr>"
        for k, d in enumerate(docs))
    body = "\n".join(_document(d, f"d{k}", changes.root) for k, d in enumerate(docs))
    translations = _translations(changes)
    translations += "\n" if translations else ""
    summary = (f"<p>{len(docs)} documents changed {tally}</p><table><thead><tr><th>Impact</th>"
               f"<th>Document</th><th>Change</th><th>Summary</th></tr></thead><tbody>{rows}</tbody></table>"
               if docs else "<p>No guidance changed.</p>")
    return (f'<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width,initial-scale=1">'
            f"<title>{escape(title)}</title><style>{_CSS}</style></head><body><main>"
            f"<h1>{escape(title)}</h1>"
            f'<div class="meta">guidekit {__version__}'
            + (f" — guidance in {escape(changes.root)}/" if changes.root else "") + "</div>"
            f"{summary}\n{translations}{body}\n</main></body></html>\n")


def write_html(changes: ChangeSet, stream: TextIO, options: DiffReportOptions) -> None:
    stream.write(render_html(changes))
