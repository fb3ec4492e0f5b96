"""Language server latency and memory against checking one file in a fresh process.

An editor plugin without a server would run `guidekit check FILE --no-cache`
after each change: a fresh process that loads the whole corpus. This bench
opens a generated corpus (2,000 policies by default) in `guidekit lsp`,
makes edits to random documents (a rule's action alternates between a known
and an unknown id, so every edit changes the diagnostics) and times, per
edit, from sending the change to receiving its diagnostics (the server's
debounce included), then hover and go-to-definition requests. Rounds are
interleaved: each round runs one fresh-process check of a random file, then
its share of edits and requests, and the ratios are taken per round; the
medians of the per-round ratios are reported with the load average.
Memory: the server's PSS after all edits against the peak PSS of a cold
`guidekit check` of the same corpus (process tree).

    python bench/bench_lsp.py [--n 2000] [--edits 100] [--rounds 5]

Exits 1 when a target is missed: diagnostics p95 <= 1/10, hover and
definition p95 <= 1/50 of the fresh-process time, memory <= the cold check's.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import sys
import time
from pathlib import Path

from lsprotocol import types as lsp
from pygls.lsp.client import LanguageClient

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_check import _pss, _run, _tree
from gen_corpus import generate

GUIDEKIT = Path(sys.executable).with_name("guidekit")


def _p95(xs: list[float]) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, round(0.95 * (len(xs) - 1)))]


class _Client(LanguageClient):
    def __init__(self) -> None:
        super().__init__("bench", "1")
        self.waiting: dict[str, asyncio.Future[list[lsp.Diagnostic]]] = {}

        @self.feature(lsp.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
        def _published(params: lsp.PublishDiagnosticsParams) -> None:
            fut = self.waiting.pop(params.uri, None)
            if fut is not None and not fut.done():
                fut.set_result(list(params.diagnostics))


async def _bench(root: Path, files: list[Path], args: argparse.Namespace) -> int:
    rng = random.Random(11)
    client = _Client()
    await client.start_io(str(GUIDEKIT), "lsp")
    started = time.perf_counter()
    await client.initialize_async(lsp.InitializeParams(
        capabilities=lsp.ClientCapabilities(), root_uri=root.as_uri(),
        workspace_folders=[lsp.WorkspaceFolder(uri=root.as_uri(), name="bench")]))
    client.initialized(lsp.InitializedParams())
    # the first request answers once the repository is loaded
    await client.workspace_symbol_async(lsp.WorkspaceSymbolParams(query="P00000"))
    print(f"server ready in {time.perf_counter() - started:.2f} s")

    texts: dict[Path, str] = {}
    versions: dict[Path, int] = {}
    rounds: list[dict[str, float]] = []
    per_round = max(1, args.edits // args.rounds)
    serial = 0
    for r in range(args.rounds):
        target = rng.choice(files)
        fresh, _ = _run([str(GUIDEKIT), "check", str(target), "--no-cache", "-f", "json"], cwd=root, ok=(0, 1))
        diag, hover, definition = [], [], []
        for _ in range(per_round):
            serial += 1
            path = rng.choice(files)
            uri = path.as_uri()
            if path not in texts:
                texts[path] = path.read_text("utf-8")
                versions[path] = 1
                item = lsp.TextDocumentItem(uri=uri, language_id="markdown", version=1, text=texts[path])
                fut = asyncio.get_running_loop().create_future()
                client.waiting[uri] = fut
                client.text_document_did_open(lsp.DidOpenTextDocumentParams(text_document=item))
                await asyncio.wait_for(fut, 60)
            base = texts[path]
            action = "remove" if serial % 2 else f"nope{serial}"
            new = base.replace("action: ", f"action: {action} #", 1)
            versions[path] += 1
            fut = asyncio.get_running_loop().create_future()
            client.waiting[uri] = fut
            sent = time.perf_counter()
            client.text_document_did_change(lsp.DidChangeTextDocumentParams(
                text_document=lsp.VersionedTextDocumentIdentifier(uri=uri, version=versions[path]),
                content_changes=[lsp.TextDocumentContentChangeWholeDocument(text=new)]))
            await asyncio.wait_for(fut, 60)
            diag.append(time.perf_counter() - sent)
            index = new.index("action: ") + len("action: ") + 1
            pos = lsp.Position(line=new.count("\n", 0, index), character=index - new.rfind("\n", 0, index) - 1)
            ident = lsp.TextDocumentIdentifier(uri=uri)
            t = time.perf_counter()
            await client.text_document_hover_async(lsp.HoverParams(text_document=ident, position=pos))
            hover.append(time.perf_counter() - t)
            t = time.perf_counter()
            await client.text_document_definition_async(lsp.DefinitionParams(text_document=ident, position=pos))
            definition.append(time.perf_counter() - t)
        rounds.append({"fresh": fresh, "diag": _p95(diag), "hover": _p95(hover), "definition": _p95(definition),
                       "diag_p50": statistics.median(diag)})
        print(f"round {r + 1}: fresh check {fresh:.2f} s; diagnostics p50 {statistics.median(diag) * 1000:.0f} ms "
              f"p95 {_p95(diag) * 1000:.0f} ms; hover p95 {_p95(hover) * 1000:.1f} ms; "
              f"definition p95 {_p95(definition) * 1000:.1f} ms")
    # the server is this process's only child by now (each fresh check has exited)
    server_mem = _pss([p for p in _tree(os.getpid()) if p != os.getpid()])
    await client.shutdown_async(None)
    client.exit(None)
    await client.stop()

    _, cold_mem = _run([str(GUIDEKIT), "check", "--no-cache", "-f", "json"], cwd=root, ok=(0, 1))
    ratio = {k: statistics.median(rd[k] / rd["fresh"] for rd in rounds) for k in ("diag", "hover", "definition")}
    load = os.getloadavg()
    print(f"\nload average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}; {args.n} policies; "
          f"{per_round * args.rounds} edits in {args.rounds} interleaved rounds")
    rows = [
        ("diagnostics after a change, p95 / fresh-process check", ratio["diag"], 1 / 10),
        ("hover p95 / fresh-process check", ratio["hover"], 1 / 50),
        ("definition p95 / fresh-process check", ratio["definition"], 1 / 50),
        ("server memory / cold check peak memory", server_mem / cold_mem, 1.0),
    ]
    missed = 0
    for name, value, target in rows:
        ok = value <= target
        missed += not ok
        print(f"  {name:55s} {value:8.4f}  (target <= {target:.4f}) {'met' if ok else 'MISSED'}")
    print(f"  server PSS {server_mem / 1e6:.0f} MB, cold check peak PSS {cold_mem / 1e6:.0f} MB; "
          f"median fresh check {statistics.median(rd['fresh'] for rd in rounds):.2f} s, "
          f"median diagnostics p50 {statistics.median(rd['diag_p50'] for rd in rounds) * 1000:.0f} ms")
    return 1 if missed else 0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=2000)
    ap.add_argument("--edits", type=int, default=100)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--out", type=Path, default=Path(__file__).resolve().parent / "out" / "lsp")
    args = ap.parse_args()
    root = args.out / f"corpus-{args.n}"
    if not (root / "guidekit.yaml").exists():
        generate(root, args.n)
    files = sorted((root / "policies").rglob("*.md"))
    return asyncio.run(_bench(root, files, args))


if __name__ == "__main__":
    sys.exit(main())
