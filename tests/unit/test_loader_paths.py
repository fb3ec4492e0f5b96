"""check's one-pass loader (libyaml's composer, in C, with guidekit's constructor: yamlcompat)
gives the data the standard ruamel loader gives, on generated YAML of every kind guidance holds:
scalars of every type, anchors and aliases, multi-line (block and flow) strings, unicode."""

from __future__ import annotations

from collections.abc import Callable
from io import StringIO
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML

from guidekit.loading.yamlio import Unusual, YamlProblem, load_with_nodes, load_yaml


def _as_check_loads(text: str) -> Any:
    """The data check takes (loading/source.py): the one-pass loader, else the standard one."""
    try:
        data, _root = load_with_nodes(text)
    except Unusual:
        return load_yaml(text)
    return data


_TEXT = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00\ufeff\x85\u2028\u2029\r"),
                max_size=40)
_SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(-(10**12), 10**12),
    st.floats(allow_nan=False, width=64), _TEXT,
    st.lists(st.sampled_from(["line one", "  indented", "", "ünïcödé ✓ 中文", "# not a comment",
                              "key: value", "- item", "trailing  "]), min_size=2, max_size=5).map("\n".join),
    st.sampled_from(["yes", "No", "on", "off", "y", "0x1F", "0o17", "0b101", "1_000", "+12", "-0", "1e3",
                     ".inf", "-.Inf", ".NaN", "2026-01-01", "2026-01-01T10:00:00Z", "~", "null", "Null",
                     "true", "False", "12:30", "0777", "'quoted'", '"dq"', "a: b", "- a", "#x", "&a", "*a",
                     "!tag", "%x", "@x", "`x", "|", ">", "? q"]),
)
_KEYS = st.one_of(st.text("abcxyz_-", min_size=1, max_size=6), st.sampled_from(["ключ", "キー", "ä b", "1", "true"]))
_TREES = st.recursive(_SCALARS, lambda c: st.lists(c, max_size=3) | st.dictionaries(_KEYS, c, max_size=3),
                      max_leaves=14)


@st.composite
def _documents(draw: st.DrawFn) -> str:
    doc: dict[str, Any] = draw(st.dictionaries(_KEYS, _TREES, min_size=1, max_size=5))
    shared = draw(st.one_of(st.none(), st.lists(_SCALARS, min_size=1, max_size=3),
                            st.dictionaries(_KEYS, _SCALARS, min_size=1, max_size=2)))
    if shared is not None:  # one object under two keys: the dumper writes an anchor and an alias
        doc["first"], doc["second"] = shared, shared
    yaml = YAML(typ="safe", pure=True)
    yaml.allow_unicode = draw(st.booleans())
    yaml.default_flow_style = draw(st.sampled_from([False, None, True]))
    yaml.width = draw(st.sampled_from([20, 80, 4096]))
    buf = StringIO()
    yaml.dump(doc, buf)
    return buf.getvalue()


def _outcome(load: Callable[[str], Any], text: str) -> Any:
    """The data, or the problem reported (what, where)."""
    try:
        return load(text)
    except YamlProblem as err:
        return ("problem", str(err), err.line, err.col, err.kind)


@given(_documents())
@settings(max_examples=300, deadline=None)
def test_check_loads_what_the_standard_loader_loads(text: str) -> None:
    # (the dumper writes a few texts no loader reads, such as "[0:0]": both report the same)
    assert _outcome(_as_check_loads, text) == _outcome(load_yaml, text)


@given(st.lists(st.sampled_from(["a: 1\n", "a: 2\n", "b: &x [1, 2]\n", "c: *x\n", "d: |\n  one\n  two\n",
                                 "e: >-\n  folded\n  text\n", "f: 'multi\n  line'\n", "g: !!str 12\n",
                                 "h: 2026-02-30\n", "i: [\n", "j: {k: v}\n", "<<: {m: 1}\n", "ü: ✓\n"]),
                min_size=1, max_size=6).map("".join))
@settings(max_examples=300, deadline=None)
def test_duplicate_keys_and_errors_are_the_standard_loaders(text: str) -> None:
    """Duplicate keys, merge keys, tags and syntax errors: the one-pass loader leaves them to
    the standard loader, which reports them (the same problem, at the same place)."""
    assert _outcome(_as_check_loads, text) == _outcome(load_yaml, text)
