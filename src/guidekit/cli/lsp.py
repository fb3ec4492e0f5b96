"""`guidekit lsp`: the language server for editors (stdio)."""

from __future__ import annotations

import typer

from guidekit.errors import GuidekitError


def lsp(
    stdio: bool = typer.Option(True, "--stdio", help="Talk to the editor on standard input and output "
                               "(the only transport; accepted because editors pass it)."),
) -> None:
    """Run the guidance language server.

    Diagnostics as you type, hover, go to definition, references, completion,
    quick fixes, rename and formatting, over standard input and output.
    """
    try:
        from guidekit.lsp.server import serve
    except ImportError as err:
        raise GuidekitError(f"the language server needs pygls ({err.name} is missing)",
                            hint="install it with: pip install 'guidekit[lsp]'") from None
    serve()
