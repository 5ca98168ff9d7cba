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


def _fork_helper_first() -> None:
    """Fork the PDF helper before the command line's imports when it asks for ``build --force``.

    Decided from the words alone, as guidegen's own command line (not a program that
    imports this package) names them: the command is ``build`` (after the global options,
    ``-c FILE`` taking a value), ``--force`` is given, and no option that may want no
    helper or another one (``--jobs``, ``--format``, ``--memory-limit``), nor help or the
    version. A wrong guess costs a helper stopped unused; what the options say when read
    decides (:func:`guidegen.builder.processes.fork_helper_first`).
    """
    program, args = os.path.basename(sys.argv[0]), sys.argv[1:]
    if program != "guidegen" and not sys.argv[0].endswith(os.path.join("guidegen",
                                                                       "__main__.py")):
        return
    command, words = None, iter(args)
    for word in words:
        if word in ("-c", "--config"):
            next(words, None)  # its value
        elif not word.startswith("-"):
            command = word
            break
    if command != "build" or "--force" not in args or any(map(_not_first, args)):
        return
    try:
        from ..builder.processes import fork_helper_first

        fork_helper_first()
    except Exception:  # as any speed trick that fails: the build forks it as before
        return


def _not_first(word: str) -> bool:
    """Return whether ``word`` is an option after which the helper may not be wanted.

    ``--jobs``, ``--format`` and ``--memory-limit`` (with their values, or short:
    ``-j2``, ``-qf pdf``), help or the version.
    """
    if word.startswith("--"):
        return word.split("=", 1)[0] in ("--jobs", "--format", "--memory-limit", "--help",
                                         "--version")
    return word.startswith("-") and any(letter in word[1:] for letter in "jfh")



_compile_once()
_fork_helper_first()

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
