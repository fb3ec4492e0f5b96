"""Everything guidekit asks of git: the only module that runs it.

check (``--changed-since``, the cache's tracked-folder test) and diff
(revisions, changed files, blobs, log, grep) both come here. Every command
runs with ``LC_ALL=C`` (messages guidekit can parse), ``GIT_PAGER=cat`` and no
prompt, and takes ``--end-of-options`` before user-given revisions (where the
git command has no such option, a revision starting with ``-`` is refused).

git is run directly (subprocess): importing gitpython cost about 0.15 s of CPU,
more than the whole diff of a 50-policy change, and the diff needs nothing it
adds. Content is read from git objects (a diff's changed blobs in one ``git
cat-file --batch`` round trip, single files through one persistent ``cat-file
--batch`` process), never by checking a revision out; the working tree is read
from disk. Every git failure the user can fix becomes a GuidekitError with a
hint (exit 2).
"""

from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any, NamedTuple

from guidekit.errors import GuidekitError

__all__ = ["WORKTREE", "Commit", "GitCommandError", "GitRepo", "PathChange", "init_work_tree", "pathspec", "run",
           "within_reach", "work_tree_top"]

WORKTREE = None  # the "revision" of the working tree
_NULL_SHA = "0" * 40
_HEX = re.compile(r"[0-9a-f]{40}|[0-9a-f]{64}")
_SHALLOW_HINT = (
    "this clone is shallow and lacks that commit: fetch the full history with "
    "`git fetch --unshallow`, or set `fetch-depth: 0` on actions/checkout in GitHub Actions"
)


# named tuple, measured hot: one per changed file of every diff (500 in a 500-policy diff)
class PathChange(NamedTuple):
    """One file that differs between two trees; paths are relative to the git top level."""

    status: str  # A added, D deleted, M modified, R renamed, C copied, T type change
    old_path: str | None
    new_path: str | None
    old_blob: str | None
    new_blob: str | None  # None when the new side must be read from the working tree


@dataclass(frozen=True, slots=True)
class Commit:
    sha: str
    author: str
    date: dt.datetime
    summary: str
    parent: str | None
    changes: tuple[PathChange, ...] = ()

    @property
    def short(self) -> str:
        return self.sha[:7]


class GitCommandError(Exception):
    """A git command that exited with a non-zero status."""

    def __init__(self, args: Sequence[str], status: int, stderr: str, stdout: str = "") -> None:
        super().__init__(f"git {' '.join(args)}: exit status {status}")
        self.status = status
        self.stderr = stderr
        self.stdout = stdout


def run(cwd: Path, *args: str) -> str:
    """``git ARGS`` in ``cwd``: its standard output (undecodable bytes kept as surrogates);
    GitCommandError when it fails, GuidekitError when git is not installed."""
    return _run(cwd, args).decode("utf-8", "surrogateescape")


def _run(cwd: Path, args: Sequence[str]) -> bytes:
    try:
        proc = subprocess.run(["git", *args], cwd=cwd, env=_env(), capture_output=True,
                              check=False)
    except FileNotFoundError:
        raise GuidekitError("guidekit needs git for this, and git is not installed",
                            hint="install git and make sure it is on PATH") from None
    if proc.returncode != 0:
        raise GitCommandError(args, proc.returncode, proc.stderr.decode("utf-8", "replace"),
                              proc.stdout.decode("utf-8", "surrogateescape"))
    return proc.stdout


def _popen(cwd: Path, args: Sequence[str], **kwargs: Any) -> subprocess.Popen[bytes]:
    try:
        return subprocess.Popen(["git", *args], cwd=cwd, env=_env(), **kwargs)
    except FileNotFoundError:
        raise GuidekitError("guidekit needs git for this, and git is not installed",
                            hint="install git and make sure it is on PATH") from None


def _rev(rev: str) -> str:
    """A revision for a git command without ``--end-of-options``: never an option."""
    if rev.startswith("-"):
        raise GuidekitError(f"{rev!r} is not a revision")
    return rev


class GitRepo:
    """A git work tree and its object database."""

    def __init__(self, top: Path) -> None:
        self.top = top.resolve()
        self._cat: subprocess.Popen[bytes] | None = None
        self._inherited: subprocess.Popen[bytes] | None = None  # see forget_helpers

    @classmethod
    def open(cls, path: Path) -> GitRepo:
        not_a_repo = GuidekitError(
            f"{path} is not inside a git repository",
            hint="guidekit diff, changelog and history read the guidance's git history; "
            "run them inside a clone (or `git init` and commit first)",
        )
        if not path.is_dir():
            raise not_a_repo
        try:
            lines = run(path, "rev-parse", "--is-bare-repository", "--show-toplevel").splitlines()
        except GitCommandError as err:
            lines = err.stdout.splitlines()
            if lines[:1] != ["true"]:
                raise not_a_repo from None
        if lines[:1] == ["true"]:
            raise GuidekitError("a bare git repository has no working tree to diff",
                                hint="run guidekit inside a clone with a working tree")
        if len(lines) < 2:
            raise not_a_repo
        return cls(Path(lines[1]))

    @classmethod
    def open_resolving(cls, path: Path, revs: Sequence[str]) -> tuple[GitRepo, list[str] | None]:
        """``open(path)`` and the full shas of the commits ``revs`` name, in one git call;
        the shas are None on any doubt (``resolve`` each then: it also says why not)."""
        if path.is_dir() and revs and not any(rev.startswith("-") for rev in revs):
            try:
                lines = run(path, "rev-parse", "--is-bare-repository", "--show-toplevel", "--revs-only",
                            "--end-of-options", *(f"{rev}^{{commit}}" for rev in revs)).splitlines()
            except GitCommandError:
                lines = []
            if (len(lines) == 2 + len(revs) and lines[0] == "false"
                    and all(_HEX.fullmatch(sha) for sha in lines[2:])):
                return cls(Path(lines[1])), lines[2:]
        return cls.open(path), None

    def close(self) -> None:
        if self._cat is not None:
            for stream in (self._cat.stdin, self._cat.stdout):
                if stream is not None:
                    stream.close()
            self._cat.wait()
            self._cat = None

    def forget_helpers(self) -> None:
        """In a forked child: leave the parent's `cat-file` process to the parent (the
        child starts its own when it needs one)."""
        self._inherited, self._cat = self._cat, None

    def __enter__(self) -> GitRepo:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()

    # --- revisions ------------------------------------------------------------

    def prefix_of(self, root: Path) -> str:
        """``root`` as a path relative to the top of the work tree ('' for the top)."""
        try:
            rel = root.resolve().relative_to(self.top).as_posix()
        except ValueError:
            raise GuidekitError(f"{root} is outside the git work tree {self.top}") from None
        return "" if rel == "." else rel

    def empty_tree(self) -> str:
        """The id of the empty tree: the "parent" of a root commit."""
        return self._git("hash-object", "-t", "tree", "/dev/null").strip()

    def is_shallow(self) -> bool:
        return self._git("rev-parse", "--is-shallow-repository").strip() == "true"

    def resolve(self, rev: str) -> str:
        """The full sha of the commit ``rev`` names, or a GuidekitError saying why not."""
        if rev.startswith("-"):
            raise GuidekitError(f"{rev!r} is not a revision")
        try:
            return self._git("rev-parse", "--verify", "--quiet", "--end-of-options",
                             f"{rev}^{{commit}}").strip()
        except GitCommandError:
            pass
        if rev in ("HEAD", "@") and not self._head_valid():
            branch = self._branch() or "HEAD"
            raise GuidekitError(
                f"the branch {branch!r} has no commits yet, so {rev} names nothing",
                hint="commit the guidance first, or compare two existing revisions",
            )
        if self.is_shallow():
            raise GuidekitError(f"unknown revision {rev!r}", hint=_SHALLOW_HINT)
        raise GuidekitError(
            f"unknown revision {rev!r}",
            hint="give a commit, tag or branch that exists here, e.g. HEAD~1, main or v1.2",
        )

    def resolve_pair(self, base: str, head: str) -> tuple[str, str]:
        """``resolve`` for two revisions in one git call (the usual diff); on any doubt,
        one call each, which also says why a revision does not resolve."""
        if not base.startswith("-") and not head.startswith("-"):
            try:
                out = self._git("rev-parse", "--revs-only", "--end-of-options",
                                f"{base}^{{commit}}", f"{head}^{{commit}}").split()
            except GitCommandError:
                out = []
            if len(out) == 2 and all(_HEX.fullmatch(sha) for sha in out):
                return out[0], out[1]
        return self.resolve(base), self.resolve(head)

    def _head_valid(self) -> bool:
        try:
            self._git("rev-parse", "--verify", "--quiet", "HEAD^{commit}")
        except GitCommandError:
            return False
        return True

    def _branch(self) -> str | None:
        try:
            return self._git("symbolic-ref", "--short", "HEAD").strip() or None
        except GitCommandError:
            return None

    # --- what changed -----------------------------------------------------------

    def changes(self, base: str, head: str | None, under: Sequence[str] = ()) -> list[PathChange]:
        """Files that differ between commit ``base`` and ``head`` (None: the working tree,
        untracked files included), with git's rename detection."""
        args = ["diff", "--raw", "-z", "-M", "--no-abbrev", "--no-ext-diff", "--no-textconv",
                "--ignore-submodules", "--end-of-options", base]
        if head is not None:
            args.append(head)
        out = self._git(*args, "--", *(under or ["."]))
        found = _parse_raw(out, worktree=head is None)
        if head is None:
            listed = self._git("ls-files", "-z", "--others", "--exclude-standard", "--",
                               *(under or ["."]))
            found += [PathChange("A", None, p, None, None) for p in listed.split("\0") if p]
        return found

    def log(self, rev_range: str, under: Sequence[str] = ()) -> list[Commit]:
        """Commits in ``rev_range`` (newest first, merges skipped) that touch ``under``,
        each with the files it changed against its first parent."""
        sep = "\x1e"
        fmt = f"{sep}%H%x1f%P%x1f%an%x1f%aI%x1f%s"
        try:
            out = self._git("log", "--no-merges", "-z", "--raw", "-M", "--no-abbrev",
                            f"--format={fmt}", "--end-of-options", rev_range, "--", *(under or ["."]))
        except GitCommandError as err:
            raise GuidekitError(f"git log {rev_range} failed: {_stderr(err)}") from None
        commits = []
        for chunk in out.split(sep):
            if not chunk.strip("\0\n"):
                continue
            header, _, raw = chunk.strip("\n").partition("\0")
            sha, parents, author, date, summary = header.split("\x1f", 4)
            parent = parents.split()[0] if parents.split() else None
            commits.append(Commit(sha, author, dt.datetime.fromisoformat(date), summary,
                                  parent, tuple(_parse_raw(raw.lstrip("\0\n"), worktree=False))))
        return commits

    # --- content ------------------------------------------------------------------

    def read_blobs(self, shas: Iterable[str]) -> dict[str, bytes]:
        """Many blobs in one `git cat-file --batch` round trip (a diff's changed files)."""
        wanted = list(dict.fromkeys(shas))
        if not wanted:
            return {}
        # --buffer: one write at the end, not a flush per object. The requests go in while
        # the answers come out (communicate polls both pipes): written first in one go, a
        # request larger than a pipe holds (~1,600 objects) waits on a git that waits on us
        proc = _popen(self.top, ["cat-file", "--batch", "--buffer"], stdin=subprocess.PIPE,
                      stdout=subprocess.PIPE)
        out, _err = proc.communicate(("\n".join(wanted) + "\n").encode())
        status = proc.returncode
        if status != 0:
            raise GitCommandError(("cat-file", "--batch"), status, "")
        found: dict[str, bytes] = {}
        pos = 0
        for sha in wanted:
            eol = out.index(b"\n", pos)
            header = out[pos:eol].split()
            pos = eol + 1
            if len(header) < 3 or header[1] == b"missing":
                continue
            size = int(header[2])
            found[sha] = out[pos:pos + size]
            pos += size + 1
        return found

    def read_blob(self, sha: str) -> bytes:
        """One object (a sha or ``rev:path``), through a persistent `git cat-file --batch`;
        ValueError when it is missing."""
        if self._cat is None:
            self._cat = _popen(self.top, ["cat-file", "--batch"], stdin=subprocess.PIPE,
                               stdout=subprocess.PIPE)
        stdin, stdout = self._cat.stdin, self._cat.stdout
        assert stdin is not None and stdout is not None
        if "\n" in sha:
            raise ValueError(f"not an object name: {sha!r}")
        stdin.write(sha.encode() + b"\n")
        stdin.flush()
        header = stdout.readline().split()
        if len(header) < 3 or header[-1] in (b"missing", b"ambiguous"):
            raise ValueError(f"no object {sha!r}")
        data = stdout.read(int(header[2]) + 1)
        return data[:-1]

    def read(self, rev: str | None, path: str) -> bytes | None:
        """A file at a revision (None: the working tree); None when it is not there."""
        if rev is None:
            return _read_work_tree(self.top / path)
        try:
            return self.read_blob(f"{rev}:{path}")
        except ValueError:
            return None

    def list_files(self, rev: str | None, under: Sequence[str]) -> list[str]:
        """Files under the given folders at a revision (None: the working tree)."""
        if rev is None:
            out = self._git("ls-files", "-z", "--cached", "--others", "--exclude-standard",
                            "--", *(under or ["."]))
            return sorted({p for p in out.split("\0") if p and (self.top / p).is_file()})
        out = self._git("ls-tree", "-r", "-z", "--name-only", _rev(rev), "--", *(under or ["."]))
        return [p for p in out.split("\0") if p]

    def tree_blobs(self, rev: str, under: Sequence[str]) -> Callable[[], list[tuple[str, str]]]:
        """(path, blob sha) of the files under the given folders at commit ``rev``. git
        starts now and the answer is collected when the returned function is called,
        so the caller can do other work (or run other git commands) meanwhile."""
        proc = _popen(self.top, ["ls-tree", "-r", "-z", _rev(rev), "--", *(under or ["."])],
                      stdout=subprocess.PIPE, stderr=subprocess.PIPE)

        def result() -> list[tuple[str, str]]:
            out, err = proc.communicate()
            if proc.returncode != 0:
                raise GitCommandError(("ls-tree", rev), proc.returncode, err.decode("utf-8", "replace"))
            found = []
            for record in out.decode("utf-8", "surrogateescape").split("\0"):
                meta, _tab, path = record.partition("\t")
                parts = meta.split()
                if path and len(parts) == 3 and parts[1] == "blob":
                    found.append((path, parts[2]))
            return found
        return result

    def grep(self, rev: str | None, words: Iterable[str], under: Sequence[str]) -> list[str]:
        """Files at a revision that hold any of ``words`` as a whole word (a fast
        pre-filter: callers confirm each hit in the parsed document)."""
        patterns: list[str] = []
        for w in sorted(set(words)):
            patterns += ["-e", w]
        if not patterns:
            return []
        args = ["grep", "-l", "-z", "-F", "-w", "-I", *patterns]
        args += ["--untracked"] if rev is None else [_rev(rev)]
        try:
            out = self._git(*args, "--", *(under or ["."]))
        except GitCommandError as err:
            if err.status == 1:  # no match
                return []
            raise GuidekitError(f"git grep failed: {_stderr(err)}") from None
        prefix = f"{rev}:" if rev is not None else ""
        return [p.removeprefix(prefix) for p in out.split("\0") if p]

    def _git(self, *args: str) -> str:
        return run(self.top, *args)


def init_work_tree(path: Path) -> None:
    """``git init`` the folder ``path`` (a new repository with an empty history)."""
    try:
        run(path, "init", "--quiet")
    except GitCommandError as err:
        raise GuidekitError(f"git init failed in {path}: {err.stderr.strip()}") from None


def work_tree_top(path: Path) -> Path | None:
    """The top of the git work tree that holds the folder ``path``; None outside one or without git."""
    try:
        top = run(path, "rev-parse", "--show-toplevel").strip()
    except (GitCommandError, GuidekitError, OSError):
        return None
    return Path(top) if top else None


# what moves git's repository or work tree away from where the folders put it
_PLACING_ENV = ("GIT_DIR", "GIT_WORK_TREE", "GIT_COMMON_DIR", "GIT_CONFIG", "GIT_CONFIG_PARAMETERS",
                "GIT_CONFIG_COUNT")


def within_reach(start: Path, folder: Path) -> bool:
    """Whether ``folder`` may lie in the work tree of the repository git finds from ``start``;
    False only where it certainly does not, found without running git (a process costs a
    short ``guidekit check`` more than the rest of its cache probe).

    git looks for ``.git`` in ``start`` and the folders above it; the work tree is the folder
    that holds it, unless the environment or a ``core.worktree`` setting places it elsewhere.
    So ``folder`` is out of reach when no folder above ``start`` that holds a ``.git`` holds
    ``folder`` too, and none of those repositories' own configuration names a work tree or
    includes other files (the check looks for the words; where it cannot read the
    configuration, it says True). The user's and the system's git configuration are not read:
    a work tree set there would move every repository's, and no repository's authors can
    write them (nor a ``.git`` into the repository: git refuses to track one)."""
    if any(name in os.environ for name in _PLACING_ENV):
        return True
    start = Path(os.path.realpath(start))
    folder = Path(os.path.realpath(folder))
    for top in (start, *start.parents):
        dot = top / ".git"
        if not os.path.lexists(dot):
            continue
        if folder == top or folder.is_relative_to(top) or _names_a_work_tree(dot):
            return True
    return False


def _names_a_work_tree(dot: Path) -> bool:
    """Whether the configuration of the repository at ``dot`` (a .git folder, or a .git file
    naming one, as a linked work tree or a submodule has) may set core.worktree."""
    try:
        gitdir = dot
        if not dot.is_dir():
            line = dot.read_text("utf-8").strip()
            if not line.startswith("gitdir:"):
                return True
            gitdir = dot.parent / line.removeprefix("gitdir:").strip()
        places = [gitdir]
        common = gitdir / "commondir"
        if common.is_file():
            places.append(gitdir / common.read_text("utf-8").strip())
        for place in places:
            for name in ("config", "config.worktree"):
                config = place / name
                text = config.read_text("utf-8", "replace").lower() if config.is_file() else ""
                if "worktree" in text or "include" in text:
                    return True
    except (OSError, ValueError):
        return True
    return False


def _env() -> dict[str, str]:
    """No pager, no locale-dependent output, no prompts."""
    return {**os.environ, "GIT_PAGER": "cat", "LC_ALL": "C", "LANGUAGE": "C", "GIT_TERMINAL_PROMPT": "0"}


def _stderr(err: GitCommandError) -> str:
    text = err.stderr.strip()
    return text.splitlines()[-1] if text else f"exit status {err.status}"


def _parse_raw(out: str, *, worktree: bool) -> list[PathChange]:
    """Parse ``git diff --raw -z`` records: ``:m1 m2 sha1 sha2 S\\0path\\0[path2\\0]``."""
    fields = out.split("\0")
    found: list[PathChange] = []
    i = 0
    while i < len(fields):
        meta = fields[i].strip("\n")
        i += 1
        if not meta.startswith(":"):
            continue
        _m1, _m2, sha1, sha2, status = meta[1:].split(" ", 4)
        kind = status[0]
        if kind in "RC":
            old, new = fields[i], fields[i + 1]
            i += 2
        else:
            old = new = fields[i]
            i += 1
        old_blob = None if sha1 == _NULL_SHA else sha1
        new_blob = None if sha2 == _NULL_SHA or worktree else sha2
        if kind == "A":
            found.append(PathChange("A", None, new, None, new_blob))
        elif kind == "D":
            found.append(PathChange("D", old, None, old_blob, None))
        else:
            found.append(PathChange(kind, old, new, old_blob, new_blob))
    return found



_WORK_TREE_CAP = 64 * 1024 * 1024  # past limits.max_file_bytes: the diff notes the size


def _read_work_tree(path: Path) -> bytes | None:
    """A working-tree file as guidance is read (a regular file, opened once, never a FIFO
    or a device); past the cap, its first bytes (the diff compares it as too large)."""
    from guidekit.loading.source import read_guidance

    raw = read_guidance(path, _WORK_TREE_CAP)
    if isinstance(raw, bytes):
        return raw
    if raw.rule == "file-too-large":
        with path.open("rb") as fh:
            return fh.read(_WORK_TREE_CAP + 1)
    return None


def pathspec(prefix: str, paths: Sequence[str] = ()) -> list[str]:
    """The git pathspec of ``paths`` (relative to the guidance root at ``prefix``, the
    root's path below the top of the work tree), or of the whole root."""
    if paths:
        return [f"{prefix}/{p}" if prefix else p for p in paths]
    return [prefix] if prefix else []
