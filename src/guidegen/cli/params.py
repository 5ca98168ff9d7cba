"""What the commands share: the click options made from the build options' declarations.

Each build option is declared once (:class:`~guidegen.builder.options.BuildOptions`);
:func:`option` makes its click option, whose value its declaration checks, and
:func:`options_of` the options of a command: defaults, the project file's, then the
given ones.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sized
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from ..builder.kinds import Choice, Choices, Flag, OptionError, Place
from ..builder.options import BuildOptions, Option, option_fields

if TYPE_CHECKING:  # generic in click's types from 8.2; subscripted only for the checker
    _ParamType = click.ParamType[Any, Any]
else:
    _ParamType = click.ParamType

F = Callable[..., Any]


class OptionType(_ParamType):
    """The click type of a build option: its value checked by its one declaration."""

    def __init__(self, spec: Option) -> None:
        self.spec = spec
        self.name = spec.name

    def convert(self, value: Any, param: click.Parameter | None,
                ctx: click.Context | None) -> Any:
        """Return ``value`` as the option holds it, or fail saying what it expected."""
        try:
            return self.spec.check(value)
        except OptionError as exc:
            self.fail(str(exc), param, ctx)

    def shell_complete(self, ctx: click.Context, param: click.Parameter,
                       incomplete: str) -> list[Any]:
        """Return the completions of ``incomplete``: a choice, or a file or folder name."""
        from click.shell_completion import CompletionItem

        kind = self.spec.kind
        if isinstance(kind, Choice) and not isinstance(kind, Choices):
            return [CompletionItem(name) for name in kind.choices
                    if name.startswith(incomplete)]
        if isinstance(kind, Place):
            return [CompletionItem(incomplete, type="file" if kind.file else "dir")]
        return []


def _joined(ctx: click.Context, param: click.Parameter, values: tuple[Any, ...]) -> Any:
    """Return the values of a repeated list option as one (None if not given)."""
    if not values:
        return None
    spec = option_fields()[str(param.name)]
    return spec.check([item for value in values for item in value])


def option(name: str) -> Callable[[F], F]:
    """Return the click option for the build option ``name``, from its declaration."""
    spec = option_fields()[name]
    help_text, kind = spec.help, spec.kind
    if spec.default not in (None, False) and "default" not in help_text:
        help_text += f" [default: {kind.shown(spec.default)}]"
    settings: dict[str, Any] = {"default": None, "help": help_text}  # None: not given
    if isinstance(kind, Flag):  # not given: None, so the project file's value stands
        settings["is_flag"] = True
    else:
        settings.update(type=OptionType(spec), metavar=kind.metavar())
    if isinstance(kind, Choices):
        settings.update(multiple=True, callback=_joined)
    if spec.bare is not None:  # may be given without a value
        settings.update(is_flag=False, flag_value=spec.bare)
    return click.option(*spec.flags, name, **settings)


def options(*names: str) -> Callable[[F], F]:
    """Return the click options of the build options ``names``, in that order."""
    def decorate(command: F) -> F:
        for name in reversed(names):
            command = option(name)(command)
        return command

    return decorate


# the options of every command that builds into the output folder (build, watch)
BUILDING = ("formats", "out", "paper", "templates", "language", "pdf_variant", "pages",
            "strict", "allow_draft", "force", "jobs", "jobs_over_cpus", "time_limit",
            "memory_limit")

guides_argument = click.argument("guides", nargs=-1, type=click.Path(path_type=Path))


def project_of(ctx: click.Context) -> Any:
    """Return the project of the command running in ``ctx`` (its file, else the defaults)."""
    from ..project.config import load_project

    return load_project(ctx.meta.get("guidegen.config"),
                        allow_outside=bool(ctx.meta.get("guidegen.allow_outside")))


def options_of(ctx: click.Context, given: dict[str, Any]) -> BuildOptions:
    """Return the build options: defaults, the project file's, then the given ones."""
    options: BuildOptions = project_of(ctx).options(**given)
    return options


def count(items: Sized, noun: str) -> str:
    """Return how many ``items`` there are, with ``noun`` in the singular or the plural."""
    return f"{len(items)} {noun}{'' if len(items) == 1 else 's'}"



def write_output(path: Path | None, data: bytes) -> bool:
    """Return whether ``data`` went to the regular file ``path`` (written atomically).

    ``None`` or ``-`` is standard output.
    """
    from ..builder.outputs import write_files

    if path is None or str(path) == "-":
        sys.stdout.flush()
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        return False
    write_files({path: data})
    return True
