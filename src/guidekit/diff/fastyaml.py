"""One pass over a YAML text for both its data and its positions.

A diff needs the data of every changed document and the line of every change
in it. The safe loader gives data without positions, so locating a change
means composing the text a second time; here the node tree is composed once
(in C) and turned into plain data by a small constructor that knows the
scalars guidance uses (both in guidekit.loading.yamlcompat, the home of the
ruamel internals this needs). Anything unusual (aliases, custom tags,
duplicate or merge keys, syntax errors, those internals missing) raises
``Unusual``, and the caller takes the standard loader, which reports such
problems properly.
"""

from __future__ import annotations

from typing import Any

from ruamel.yaml.nodes import Node

from guidekit.loading.yamlcompat import Unusual, compose_and_construct
from guidekit.loading.yamlio import may_have_aliases, nesting_risk

__all__ = ["Unusual", "load_with_nodes"]


def load_with_nodes(text: str) -> tuple[Any, Node]:
    """The data and the composed node tree of one YAML document."""
    if may_have_aliases(text):  # the standard loader bounds alias expansion
        raise Unusual("aliases")
    if nesting_risk(text):  # too deep for libyaml's composer: the standard loader copes
        raise Unusual("deep")
    return compose_and_construct(text)
