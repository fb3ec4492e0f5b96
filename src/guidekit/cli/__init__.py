"""The command-line layer: Typer options -> engine -> reporter -> exit code."""
