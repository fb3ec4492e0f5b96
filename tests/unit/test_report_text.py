"""The caret under a finding lands on the right character whatever the line holds."""

from __future__ import annotations

import pytest
from rich.cells import cell_len

from guidekit.report.text import excerpt


@pytest.mark.parametrize(
    ("line", "col", "width", "target"),
    [
        ("status: actve", 9, 5, "actve"),
        ("\tstatus: actve", 10, 5, "actve"),  # a tab before the value
        ("title: 詐欺の広告 action: bogus", 22, 5, "bogus"),  # wide characters before it
        ("note: 🚫🚫 then: wrong", 16, 5, "wrong"),
    ],
)
def test_caret_sits_under_the_target(line: str, col: int, width: int, target: str) -> None:
    shown, offset, marks = excerpt(line, col, width)
    # cut the shown text at `offset` cells: what follows must start with the target
    cells = 0
    for i, ch in enumerate(shown):
        if cells == offset:
            assert shown[i:].startswith(target), (shown, offset)
            break
        cells += cell_len(ch)
    else:
        pytest.fail("offset past the end of the line")
    assert marks == cell_len(target)


def test_long_lines_are_cut_to_a_window_around_the_column() -> None:
    line = "x" * 5000 + "TARGET" + "y" * 5000
    shown, offset, marks = excerpt(line, 5001, 6)
    assert len(shown) < 110
    assert shown.startswith("…") and shown.endswith("…")
    assert shown[offset:].startswith("TARGET")
    assert marks == 6
