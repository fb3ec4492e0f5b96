"""The guidance language server (``guidekit lsp``; needs the ``lsp`` extra: pygls).

``features`` and ``index`` are plain Python on top of the check session;
only ``server`` imports pygls.
"""
