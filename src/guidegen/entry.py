"""The ``guidegen`` program: the console script's entry point.

It is kept apart from :mod:`guidegen.cli` so that a build that will render can fork
its PDF helper before click or anything else is imported: the helper's WeasyPrint
import then runs while the command line is parsed and the content loads.
"""

from __future__ import annotations

import itertools
import os
import sys


def run() -> None:
    """Run the command line, then end the process at once.

    Once the command has finished and its output is flushed, the process ends with
    ``os._exit``: tearing down hundreds of imported modules would add a tenth of the
    time of a whole build. A PDF helper process ends with it.
    """
    if _will_render(sys.argv[1:]):
        from .rendering import PdfHelper

        PdfHelper.get()
    from .cli import main

    try:
        main()
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        if not isinstance(exc.code, int | None):
            print(exc.code, file=sys.stderr)
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


def _will_render(args: list[str]) -> bool:
    """Return whether ``args`` are a ``build --force`` that may use the PDF helper.

    Without ``--force`` the build may be up to date, and ``build`` forks the helper
    itself once it knows there is work. Should the build not use the helper after all
    (no PDF asked for), it ends with this process.
    """
    command = next((a for a in args if not a.startswith("-")), None)
    one_job = any(a in ("-j1", "--jobs=1") for a in args) or any(
        a in ("-j", "--jobs") and b == "1" for a, b in itertools.pairwise(args))
    return (command == "build" and "--force" in args and not one_job
            and not {"-h", "--help"} & set(args) and (os.cpu_count() or 1) > 1
            and hasattr(os, "fork"))
