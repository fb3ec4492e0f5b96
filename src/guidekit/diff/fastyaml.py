"""One pass over a YAML text for both its data and its positions.

A diff needs the data of every changed document and the line of every change
in it. The safe loader gives data without positions, so locating a change
means composing the text a second time; here the node tree is composed once
(in C) and turned into plain data by a small constructor that knows the
scalars guidance uses (both in guidekit.loading.yamlcompat, the home of the
ruamel internals this needs). Anything unusual (aliases, custom tags,
duplicate or merge keys, syntax errors, those internals missing) raises
``Unusual``, and the caller takes the standard loader, which reports such
problems properly. (It lives in guidekit.loading.yamlio, which check uses too.)
"""

from __future__ import annotations

from guidekit.loading.yamlio import Unusual, load_with_nodes

__all__ = ["Unusual", "load_with_nodes"]
