"""`fmt`: canonical, idempotent, and the data (and every comment) survives."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML

from guidekit.check.engine import run_check
from guidekit.fmt import FormatError, format_text
from guidekit.fmt.files import format_files
from guidekit.loading import load_config
from guidekit.loading.yamlio import load_yaml


def _comments(text: str) -> Counter[str]:
    return Counter(m.group(0).strip() for m in re.finditer(r"(?m)(?:^|\s)#.*$", text))


MESSY = """\
# yaml-language-server: $schema=../schemas/policy.schema.json
title: Messy   # the title
id: CG-MESSY
x-team-note: keep me first among the unknown keys
# rules follow
rules:
  -   text: >-
        Folded text that
        spans lines.
      id: CG-MESSY-1.a   # the rule id
      severity: low
      action: remove
      title: A rule
      examples:
        allowed:
          - {text: "fine", id: a1}
        violating:
          - note: |
              Literal block
                keeps its indentation.
            text: 'single quoted'
            id: v1
status: active
kind: community
x-another: 2
"""


def test_known_keys_follow_the_schema_and_nothing_is_lost() -> None:
    out = format_text(MESSY, "policy").text
    assert load_yaml(out) == load_yaml(MESSY)
    assert _comments(out) == _comments(MESSY)
    keys = [line.split(":")[0] for line in out.splitlines() if re.match(r"^[a-z]", line)]
    assert keys == ["id", "title", "kind", "status", "rules", "x-team-note", "x-another"]
    assert out.index("# rules follow") == out.index("rules:") - len("# rules follow\n")
    assert re.search(r"  - id: CG-MESSY-1\.a +# the rule id\n    title: A rule\n    text: >-\n", out)
    assert "        - {id: a1, text: \"fine\"}" in out          # flow style and quotes kept
    assert re.search(r"\n( +)Literal block\n\1  keeps its indentation\.\n", out)
    assert "'single quoted'" in out
    assert format_text(out, "policy").changed is False


def test_markdown_body_is_kept_byte_for_byte_and_crlf_stays() -> None:
    body = "\n## Rationale\n\nTabs\tand  double  spaces, trailing space \n\n- a\n"
    text = "---\n" + MESSY + "---\n" + body
    out = format_text(text, "policy", markdown=True).text
    assert out.endswith("---\n" + body)
    crlf = text.replace("\n", "\r\n")
    out_crlf = format_text(crlf, "policy", markdown=True).text
    assert out_crlf == out.replace("\n", "\r\n")


def test_unreadable_yaml_is_an_error_with_a_position() -> None:
    try:
        format_text("---\nid: X\nrules: [\n---\nbody\n", "policy", markdown=True)
    except FormatError as err:
        assert (err.line, err.col) >= (3, 1)
    else:  # pragma: no cover
        raise AssertionError("no error")


def test_sample_guidance_is_stable_after_one_pass(sample_root: Path) -> None:
    config = load_config(sample_root)
    before = run_check(config)
    first = format_files(config).files
    assert all(r.error is None for r in first), [(r.rel, r.error) for r in first if r.error]
    for r in first:
        assert r.after is not None
        assert _comments(r.after) == _comments(r.before), r.rel
        r.path.write_text(r.after, encoding="utf-8")
    second = format_files(config).files
    assert [r.rel for r in second if r.changed] == []
    after = run_check(load_config(sample_root))
    assert [(f.rule, f.message) for f in after.findings] == [(f.rule, f.message) for f in before.findings]


# --- property: idempotent, and the data is identical -----------------------------

_scalar = st.one_of(
    st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), max_size=30),
    st.integers(-1000, 1000), st.booleans(), st.none(),
    st.sampled_from(["yes", "no", "null", "1.0", "2026-01-01", "# not a comment", "a: b", "- x"]),
)
_key = st.sampled_from(["id", "title", "text", "action", "severity", "examples", "rules", "kind",
                        "status", "note", "x-extra", "zeta", "alpha", "violating", "allowed"])
_value = st.recursive(
    _scalar,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(_key, inner, max_size=5)),
    max_leaves=25,
)


def _dump(data: Any, flow: bool, comments: bool) -> str:
    import io

    y = YAML(typ="rt")
    y.default_flow_style = flow
    y.width = 60
    out = io.StringIO()
    y.dump(data, out)
    text = out.getvalue()
    if comments and not flow:
        lines = text.splitlines()
        text = "\n".join(f"{line}  # c{i}" if line.rstrip().endswith((":", "]", "}")) is False
                         and not line.lstrip().startswith(("|", ">")) and i % 3 == 0 else line
                         for i, line in enumerate(lines)) + "\n"
    return text


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.dictionaries(_key, _value, min_size=1, max_size=8), flow=st.booleans(),
       comments=st.booleans(), schema=st.sampled_from(["policy", "sop", "taxonomy", None]))
def test_fmt_is_idempotent_and_keeps_the_data(data: dict[str, Any], flow: bool, comments: bool,
                                               schema: str | None) -> None:
    text = _dump(data, flow, comments)
    try:
        original = load_yaml(text)
    except Exception:  # a generated comment broke a multi-line scalar: not our input
        return
    try:
        once = format_text(text, schema).text
    except FormatError as err:
        # refusing is the safe outcome for constructs the YAML library cannot keep
        assert "not changed" in err.message, err.message
        return
    assert load_yaml(once) == original
    assert _comments(once) == _comments(text)
    assert format_text(once, schema).text == once


def test_the_committed_sample_guidance_is_canonical() -> None:
    from conftest import SAMPLE

    assert [r.rel for r in format_files(load_config(SAMPLE)).files if r.changed or r.error] == []


SECOND_EDITION = """\
id: CG-NEW
title: Second-edition keys
rules:
  - appeal: {deadline: P180D, channel: in_app}
    examples: {violating: [{text: bad}]}
    ladder: strikes
    enforcement:
      - referral: {mandatory: true, to: hotline}
        duration: P7D
        subject: account
        action: account_ban
    tiers:
      - {action: label, when: mild, id: t1}
    requires_context: [self_report]
    targets: [private_adult]
    parameters:
      - {unit: percent, value: 36, comparison: "<=", id: apr_cap}
    severity: medium
    action: remove
    text: Remove the content.
    title: A rule
    id: CG-NEW-1
    markets: [BR]
regional_overrides:
  - min_age: 18
    text: In Brazil the rule also covers ...
    rule: CG-NEW-1
    market: BR
"""


def test_fmt_orders_the_second_edition_keys() -> None:
    out = format_text(SECOND_EDITION, "policy").text
    assert load_yaml(out) == load_yaml(SECOND_EDITION)
    rules_part = out[:out.index("regional_overrides:")]
    rule_keys = [m.group(1) for m in re.finditer(r"^    ([a-z_]+):", rules_part, re.MULTILINE)]
    assert rule_keys[:11] == ["title", "text", "action", "severity", "markets", "targets", "requires_context",
                              "tiers", "enforcement", "parameters", "ladder"]
    assert rule_keys[-2:] == ["appeal", "examples"]
    assert "      - action: account_ban\n        subject: account\n        duration: P7D\n" in out
    assert "{id: t1, when: mild, action: label}" in out
    assert "{id: apr_cap, comparison: \"<=\", value: 36, unit: percent}" in out
    assert "  - market: BR\n    rule: CG-NEW-1\n    text: In Brazil the rule also covers ...\n    min_age: 18\n" in out
    assert format_text(out, "policy").changed is False


TABLE_SOP = """\
id: SOP-NEW
decision_tree:
  nodes:
    - table:
        cells: {public: {t1: label-it}}
        tiers_of: CG-NEW-1
        columns: tier
        rows: target_class
      question: Which tier applies?
      id: t-tier
    - answers:
        - {next: t-tier, value: degrades}
      multiple: true
      question: What does it do?
      id: q-what
  start: q-what
cases:
  - expect: {rules: [CG-NEW-1], outcomes: [label-it]}
    answers: {q-what: [degrades]}
    id: c1
"""


def test_fmt_orders_table_nodes_plural_outcomes_and_exception_keys() -> None:
    out = format_text(TABLE_SOP, "sop").text
    assert load_yaml(out) == load_yaml(TABLE_SOP)
    assert "    - id: t-tier\n      question: Which tier applies?\n      table:\n        rows: target_class\n" \
           "        columns: tier\n        tiers_of: CG-NEW-1\n        cells: {public: {t1: label-it}}\n" in out
    assert "    - id: q-what\n      question: What does it do?\n      multiple: true\n      answers:\n" in out
    assert "expect: {outcomes: [label-it], rules: [CG-NEW-1]}" in out
    policy = format_text("id: CG-NEW\nexceptions:\n  - never_for: [CG-NEW-2]\n    residual_action: label\n"
                         "    rules: [CG-NEW-1]\n    id: x\nrules:\n  - examples:\n      allowed:\n"
                         "        - {exception: x, text: fine}\n    id: CG-NEW-1\n", "policy").text
    assert "  - id: x\n    rules: [CG-NEW-1]\n    residual_action: label\n    never_for: [CG-NEW-2]\n" in policy
    assert "{text: fine, exception: x}" in policy
    assert format_text(out, "sop").changed is False
