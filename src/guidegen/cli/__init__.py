"""The ``guidegen`` command line: thin commands over the library API.

Errors are printed here and only here: every :class:`~guidegen.errors.GuidegenError`
becomes its lines on stderr (on a terminal with each source line and a caret) and its
exit status; ``--debug``, before or after the command, adds the traceback. The
build options are made from their one declaration
(:class:`~guidegen.builder.options.BuildOptions`); an option not given leaves the project
file's value (``guidegen.yaml``), else the default. Heavy modules (pydantic, WeasyPrint,
python-docx) are imported inside commands.

The package: the command group, its global options and where errors are printed
(:mod:`.group`); the click options made from the build options' declarations, and what
every command shares (:mod:`.params`); the commands that build and check
(:mod:`.building`: build, watch, serve, check, manifest merge) and those that write
files for the user to edit (:mod:`.authoring`: new, translations, schema, import,
reference-doc); before them all, what runs ahead of the command line's imports
(:mod:`.start`: speed tricks decided from the words alone).
"""

from __future__ import annotations

import os
import sys

from . import start

try:
    start.begin()  # speed tricks before the imports below (cli/start.py)
    from . import authoring, building
    from .group import main
except KeyboardInterrupt:
    start.interrupted()
    raise

__all__ = ["authoring", "building", "main", "run"]


def run() -> None:
    """Run the command line (the console script), then end the process at once.

    Once the command has finished and its output is flushed, the process ends with
    ``os._exit``: tearing down hundreds of imported modules would add a tenth of the
    time of a whole build. A PDF helper process ends with it.
    """
    try:
        main()
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        if not isinstance(exc.code, int | None):
            print(exc.code, file=sys.stderr)
    sys.stdout.flush()
    sys.stderr.flush()
    speed = sys.modules.get("guidegen.renderers.speed")
    if speed is not None:  # a command that started fast keeps the code it compiled
        speed.save_compiled()
    os._exit(code)
