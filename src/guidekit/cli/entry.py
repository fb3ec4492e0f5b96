"""The `guidekit` console script (and `python -m guidekit`).

Typer, click, rich and pydantic take about 0.1 s to import here, a third of a
whole `guidekit diff` on a 50-policy change. So `guidekit --version` and a
`guidekit diff` whose arguments guidekit.cli.diff_args fully understands run
without them, through the same diff runner (guidekit.cli.diff_run) and the
same failure report (guidekit.cli.outcome) as the Typer command; every other
command line (help, completion, an error in the arguments, any other command)
goes to the Typer app, guidekit.cli.app.main, with the same arguments.
"""

from __future__ import annotations

import os
import sys

# not typing.TYPE_CHECKING: importing typing alone costs about 15 ms on a slow machine
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Sequence

    from guidekit.cli.diff_run import DiffRequest

__all__ = ["main"]

# Typer's shell-completion switch (`_{PROG}_COMPLETE`): only Typer can answer it
_COMPLETE_VAR = "_GUIDEKIT_COMPLETE"


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if _COMPLETE_VAR not in os.environ:
        if args == ["--version"]:
            return _version()
        if args[:1] == ["diff"]:
            from guidekit.cli.diff_args import parse_diff_args

            request = parse_diff_args(args[1:])
            if request is not None:
                return _diff(request)
    from guidekit.cli.app import main as typer_main

    return typer_main(None if argv is None else list(argv))


def _version() -> int:
    from guidekit import __version__

    try:
        sys.stdout.write(f"guidekit {__version__}\n")
        sys.stdout.flush()
    except BrokenPipeError as err:
        from guidekit.cli.outcome import report_failure

        return report_failure(err)
    return 0


def _diff(request: DiffRequest) -> int:
    import gc

    from guidekit.cli.diff_run import run_diff

    # A diff is one short run that allocates many small objects (module code, YAML
    # nodes) and frees them by reference counting; Python's default (a collection
    # every 700 allocations) ran ~57 cyclic collections per diff, 14-36 ms here.
    # Collect rarely instead (cycles are still collected; memory stays bounded).
    gc.set_threshold(50_000, 20, 20)
    try:
        return run_diff(request)
    except (Exception, KeyboardInterrupt) as err:
        from guidekit.cli.outcome import report_failure

        return report_failure(err)
