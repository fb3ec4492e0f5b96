"""Typed guidance documents.

Builders take schema-valid data from a Source; each node keeps a ``Loc`` (its
source and JSON path) so that any finding, diff entry or rendered change can
point at the line that caused it without paying for positions up front.

The models live in four modules: ``common`` (Status, Loc), ``policy``, ``sop``
and ``taxonomy``. Every name can be imported from here; a module is imported the
first time one of its names is asked for, so that a command that meets only
policies (a diff of policy files) does not build the SOP and taxonomy classes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from guidekit.lazy import lazy_exports

if TYPE_CHECKING:
    from guidekit.model.common import Loc, Status
    from guidekit.model.enforcement import (
        Appeal,
        Condition,
        Consequence,
        Notice,
        Parameter,
        Referral,
        SeeAlso,
        Tier,
        duration_days,
    )
    from guidekit.model.policy import (
        Example,
        Override,
        Policy,
        PolicyException,
        Rule,
        build_page,
        build_policy,
        page_id,
    )
    from guidekit.model.sop import (
        Answer,
        Case,
        DecisionTree,
        Escalation,
        Expect,
        Fact,
        Node,
        Outcome,
        Sop,
        Step,
        build_cases,
        build_sop,
    )
    from guidekit.model.taxonomy import (
        AccountType,
        Action,
        AgeGate,
        Category,
        ContextKind,
        Ladder,
        LadderStep,
        Market,
        SeverityLevel,
        Subject,
        Surface,
        Target,
        Taxonomy,
        TaxonomyItem,
        Unit,
        build_taxonomy_items,
    )

    Document = Policy | Sop

_HOMES = {
    "common": ("Loc", "Status"),
    "policy": ("Example", "Override", "Policy", "PolicyException", "Rule", "build_policy", "build_page",
               "page_id"),
    "sop": ("Answer", "Case", "DecisionTree", "Escalation", "Expect", "Fact", "Node", "Outcome", "Sop", "Step",
            "build_cases", "build_sop"),
    "taxonomy": ("Action", "Category", "Market", "SeverityLevel", "Surface", "Taxonomy", "TaxonomyItem",
                 "build_taxonomy_items", "AccountType", "AgeGate", "ContextKind", "Ladder", "LadderStep",
                 "Subject", "Target", "Unit"),
    "enforcement": ("Appeal", "Condition", "Consequence", "Notice", "Parameter", "Referral", "SeeAlso", "Tier",
                    "duration_days"),
}
_HOME = {name: module for module, names in _HOMES.items() for name in names}

__all__ = [
    "AccountType",
    "Action",
    "AgeGate",
    "Answer",
    "Appeal",
    "Case",
    "Category",
    "Condition",
    "Consequence",
    "ContextKind",
    "DecisionTree",
    "Document",
    "Escalation",
    "Example",
    "Expect",
    "Fact",
    "Ladder",
    "LadderStep",
    "Loc",
    "Market",
    "Node",
    "Notice",
    "Outcome",
    "Override",
    "Parameter",
    "Policy",
    "PolicyException",
    "Referral",
    "Rule",
    "SeeAlso",
    "SeverityLevel",
    "Sop",
    "Status",
    "Step",
    "Subject",
    "Surface",
    "Target",
    "Taxonomy",
    "TaxonomyItem",
    "Tier",
    "Unit",
    "build_cases",
    "build_page",
    "build_policy",
    "build_sop",
    "build_taxonomy_items",
    "duration_days",
    "page_id",
]




def _document() -> Any:
    from guidekit.model.policy import Policy
    from guidekit.model.sop import Sop

    return Policy | Sop


__getattr__ = lazy_exports(__name__, _HOME, {"Document": _document})
