"""guidegen: comparison guides in YAML → print-ready PDF and Word documents.

The pipeline is content (YAML → validated :class:`~guidegen.content.model.Guide`) →
layout (one document tree) → renderers looked up by format name (``html``, ``pdf``,
``docx``) → build (options, scheduling, atomic writes). The functions below are the
library API; they import their heavy dependencies on first use.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import TYPE_CHECKING

from .version import __version__

if TYPE_CHECKING:
    from .builder.jobs import Output
    from .builder.options import BuildOptions
    from .content.model import Guide
    from .renderers import Rendered

__all__ = ["BuildOptions", "__version__", "build", "check", "load", "project_options", "render"]

PathLike = str | os.PathLike[str]


def load(path: PathLike) -> Guide:
    """Return the validated guide of the YAML file at ``path``."""
    from .content.loader import load as load_guide
    from .errors import in_working_folder

    with in_working_folder():  # deleted: a ResourceError, as the command line says it
        return load_guide(path)


def check(guides: Sequence[PathLike] = (), options: BuildOptions | None = None) -> list[Guide]:
    """Return the validated guides; raise one error listing every problem found.

    Packets named (or in the project's packets folder) are checked too, with their
    guides and roster; what ``check`` accepts, ``build`` builds. Warnings are collected
    (so ``strict`` options make them errors); collect them yourself with
    :func:`guidegen.errors.collect_warnings` around the call to see them.
    """
    from .builder.pipeline import check as check_guides
    from .errors import collect_warnings, in_working_folder

    with collect_warnings(), in_working_folder():
        checked = check_guides(guides, options or project_options())
    return [guide for _, guide in checked.guides]


def project_options() -> BuildOptions:
    """Return the build options of the project around the working folder."""
    from .errors import in_working_folder
    from .project.config import load_project

    with in_working_folder():
        return load_project().options()


def build(guides: Sequence[PathLike] = (), options: BuildOptions | None = None) -> list[Output]:
    """Build guides to files and return what was written.

    Without ``options``, the project file's (``guidegen.yaml``, found from the working
    folder) are used. Warnings are collected as :func:`check` says.
    """
    from .builder.pipeline import build as build_guides
    from .errors import collect_warnings, in_working_folder

    with collect_warnings(), in_working_folder():
        return build_guides(guides, options or project_options())


def render(guide: Guide, formats: Sequence[str] = ("pdf", "docx"),
           options: BuildOptions | None = None) -> dict[str, Rendered]:
    """Return ``guide`` rendered in memory to each of ``formats``."""
    from .builder.pipeline import render as render_guide
    from .errors import in_working_folder

    with in_working_folder():
        return render_guide(guide, formats, options)


def __getattr__(name: str) -> object:
    """Return :class:`BuildOptions`, imported when first asked for.

    Importing the package imports nothing else, so the command line can have its own
    imports compile faster first (:mod:`guidegen.cli`).
    """
    if name == "BuildOptions":
        from .builder.options import BuildOptions

        return BuildOptions
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
