"""What the command line does before its own imports: two speed tricks, decided from argv.

:func:`begin` runs first when :mod:`guidegen.cli` is imported: the compiled-code cache
for ``build`` and ``check`` (:func:`_compile_once`), and for a build it guesses is cold
the PDF helper forked before click, YAML and the project file are loaded
(:func:`_fork_helper_first`). Both only buy speed; a wrong guess, or any failure, leaves
the command to do what it did without them. :func:`interrupted` ends the program as an
interrupted command does if Ctrl-C comes before click's handler is there.
"""

from __future__ import annotations

import os
import sys

_MAX_GUESSED = 64 * 1024  # bytes of a project file read for its output folder


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
    """Fork the PDF helper before the command line's imports when it asks for a cold build.

    Decided from the words alone, as guidegen's own command line (not a program that
    imports this package) names them: the command is ``build`` (after the global options,
    ``-c FILE`` taking a value), ``--force`` is given or the output folder has no state
    file yet (:func:`_fresh_output`), and no option that may want no helper or another
    one (``--jobs``, ``--format``, ``--memory-limit``), nor help or the version. A wrong
    guess costs a helper stopped unused (an up-to-date build stops it once it knows);
    what the options say when read decides
    (:func:`guidegen.builder.processes.fork_helper_first`).
    """
    args = sys.argv[1:]
    if not _the_program():
        return
    command, words = None, iter(enumerate(args))
    for index, word in words:
        if word in ("-c", "--config"):
            next(words, None)  # its value
        elif not word.startswith("-"):
            command = index
            break
    if command is None or args[command] != "build" or any(map(_not_first, args)):
        return
    config = _given(args[:command], ("-c", "--config"))
    if config is not None and not _nearest_project(config):
        return  # forked once the project is read: its caches go there, not here
    try:
        if "--force" in args or _fresh_output(args[:command], args[command:]):
            from .. import testhook
            from ..builder.processes import fork_helper_first

            fork_helper_first()
            testhook.reached("forked-first")
    except Exception:  # as any speed trick that fails: the build forks it as before
        return


def _nearest_project(config: str) -> bool:
    """Return whether the project file ``config`` is in the folder of the nearest one.

    Only then does a helper forked before the project is read keep its caches in the
    project (:func:`guidegen.caches.cache_folder`).
    """
    from ..project import find_project_file

    nearest = find_project_file()
    return nearest is not None and os.path.realpath(os.path.dirname(nearest)) == \
        os.path.dirname(os.path.realpath(config))


def _fresh_output(before: list[str], after: list[str]) -> bool:
    """Return whether the output folder of ``guidegen BEFORE build AFTER`` has no state file.

    The folder is ``-o``/``--out``'s if given, else the project file's (``-c``'s, else
    the nearest ``guidegen.yaml``: :func:`_project_output`), else the default (``output``
    in the working folder); False if unsure. One ``lstat`` of the build state file, after
    the project file's lookup and read.
    """
    from ..builder.options import option_fields

    out = option_fields()["out"]
    folder = _given(after, out.flags) or _project_output(_given(before, ("-c", "--config")),
                                                         str(out.default), out.key or "")
    if folder is None:
        return False
    from ..builder.state import STATE_FILE

    return not os.path.lexists(os.path.join(folder, STATE_FILE))


def _given(args: list[str], flags: tuple[str, ...]) -> str | None:
    """Return the last value given to the option named ``flags`` in ``args``, if any."""
    value, words = None, iter(args)
    for word in words:
        name, equals, rest = word.partition("=")
        if word in flags:
            value = next(words, None)
        elif equals and name in flags and name.startswith("--"):
            value = rest
        else:
            value = next((word[len(flag):] for flag in flags if len(flag) == 2
                          and word.startswith(flag) and len(word) > 2), value)
    return value


def _project_output(config: str | None, default: str, key: str) -> str | None:
    """Return the output folder the project file ``config`` (else the nearest) gives.

    Read from its text alone: none (no file, or no line for ``key``) is ``default``; one
    plain top-level ``output: FOLDER`` line is FOLDER beside the file; anything else
    (quoted, flowed, several lines, not UTF-8, over 64 KiB) is None: not guessed at.
    """
    import re

    from ..project import find_project_file

    path = find_project_file() if config is None else config
    if path is None:
        return default
    try:
        text = _regular_text(path)
    except (OSError, UnicodeDecodeError):
        return None
    if text is None:
        return None
    lines = re.findall(rf"^[\"'{{]?{key}\b.*$", text, re.MULTILINE)
    if len(text) > _MAX_GUESSED or len(lines) > 1:
        return None
    if not lines:
        return default
    plain = re.fullmatch(rf"{key}[ \t]*:[ \t]+([\w./-]+)[ \t]*(#.*)?", lines[0].rstrip("\r"))
    return None if plain is None else os.path.join(os.path.dirname(os.path.realpath(path)),
                                                   plain[1])


def _regular_text(path: str | os.PathLike[str]) -> str | None:
    """Return the first 64 KiB and a byte of ``path``'s text, or None if not a regular file.

    Opened without blocking and checked once open: a named pipe, a terminal or a device
    is not read (the loader refuses it, located, once the options are read).
    """
    import stat

    descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    with open(descriptor, "rb") as file:
        if not stat.S_ISREG(os.fstat(descriptor).st_mode):
            return None
        return file.read(_MAX_GUESSED + 1).decode("utf-8")


def _not_first(word: str) -> bool:
    """Return whether ``word`` is an option after which the helper may not be wanted.

    ``--jobs``, ``--format`` and ``--memory-limit`` (with their values, or short:
    ``-j2``, ``-qf pdf``), help or the version.
    """
    if word.startswith("--"):
        return word.split("=", 1)[0] in ("--jobs", "--format", "--memory-limit", "--help",
                                         "--version")
    return word.startswith("-") and any(letter in word[1:] for letter in "jfh")



def _the_program() -> bool:
    """Return whether this process is guidegen's own command line (not a program using it)."""
    return os.path.basename(sys.argv[0]) == "guidegen" or sys.argv[0].endswith(
        os.path.join("guidegen", "__main__.py"))


def interrupted() -> None:
    """End the program as an interrupted command does, if Ctrl-C came before click's handler.

    :func:`begin` and the command line's imports after it run before the command group
    catches Ctrl-C (:mod:`.group`): the same line and status here, not a traceback. A
    program that imports the package gets the KeyboardInterrupt.
    """
    if _the_program():
        from ..errors import EXIT_CODES

        sys.stderr.write("interrupted; no output was changed\n")
        sys.stderr.flush()
        os._exit(EXIT_CODES["interrupted"])  # a helper forked first ends with this process


def begin() -> None:
    """Run the tricks that come before the command line's imports (see the module)."""
    _compile_once()
    _fork_helper_first()
