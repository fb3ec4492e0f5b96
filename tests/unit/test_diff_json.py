"""The diff JSON report's encoder spells everything as json.dumps(indent=2, ensure_ascii=False)."""

from __future__ import annotations

import json
import math
from typing import Any

import pytest

from guidekit.report.diff_json import dumps_indented

CASES: list[Any] = [
    None, True, False, 0, -7, 10**30, 1.5, -0.0, 1e300, math.inf, -math.inf,
    "", "plain", 'quote " and \\ backslash', "tab\tnew\nline\r\x00\x1f\x7f", "é ü 中文 \u2028 \u2029 😀",
    [], {}, [[]], [{}], {"a": []}, {"a": {}}, (1, "two", None),
    {"documents": [{"id": "P1", "rules": [{"fields": [{"old": None, "new": ["x", 2]}]}], "sections": []}],
     "summary": {"documents": 1, "stricter": 0}, "flags": [True, False]},
]


@pytest.mark.parametrize("value", CASES, ids=repr)
def test_same_text_as_the_standard_encoder(value: Any) -> None:
    assert dumps_indented(value) == json.dumps(value, indent=2, ensure_ascii=False)


def test_nan_as_the_standard_encoder() -> None:
    assert dumps_indented([math.nan]) == json.dumps([math.nan], indent=2)
