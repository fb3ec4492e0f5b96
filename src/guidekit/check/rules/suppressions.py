"""Findings about inline suppressions themselves (raised by the engine)."""

from __future__ import annotations

from guidekit.check.registry import CheckRule, register
from guidekit.findings import Severity


@register
class UnusedSuppression(CheckRule):
    """A ``guidekit: disable=RULE`` comment suppresses nothing.

    The rule it names reports nothing on the line (or file) it covers, so the
    comment only hides future problems; delete it. Not reported for rules that
    are switched off or not selected in the run.
    """

    id = "GK390"
    name = "unused-suppression"
    severity = Severity.WARNING
    stage = "loader"


@register
class UnknownSuppression(CheckRule):
    """A ``guidekit:`` comment names a rule that does not exist, or is not a directive.

    Directives are ``disable=``, ``disable-next-line=`` and ``disable-file=``
    followed by rule ids or names separated by commas.
    """

    id = "GK391"
    name = "unknown-suppression"
    severity = Severity.WARNING
    stage = "loader"
