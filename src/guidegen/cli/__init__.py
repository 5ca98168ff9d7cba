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
reference-doc).
"""

from __future__ import annotations

import os
import sys


def _compile_once() -> None:
    """Have ``build`` and ``check`` take the code their imports compile from the cache.

    The speed trick of :func:`guidegen.renderers.speed.fast_start` (the code dataclasses
    and typing compile from text, and :mod:`re`'s patterns, kept per machine), set up
    before the command line's imports rather than after: they make 148 dataclass
    methods (12 ms). Its module is loaded on its own, not its package (which makes
    dataclasses of its own as it is imported).
    """
    if not {"build", "check"} & set(sys.argv[1:]):
        return
    from importlib.util import module_from_spec, spec_from_file_location

    name = "guidegen.renderers.speed.kept"
    spec = spec_from_file_location(name, os.path.join(
        os.path.dirname(os.path.dirname(__file__)), "renderers", "speed", "kept.py"))
    if name in sys.modules or spec is None or spec.loader is None:
        return
    module = sys.modules[name] = module_from_spec(spec)
    try:
        spec.loader.exec_module(module)
        module.compile_once_per_machine()
    except Exception:  # the plain way, as any trick that fails
        sys.modules.pop(name, None)


_compile_once()

from . import authoring, building  # noqa: E402  (after the trick above)
from .group import main  # noqa: E402

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
