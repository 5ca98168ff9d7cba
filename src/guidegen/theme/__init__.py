"""The styling of a build: template folders, the theme they make, and the style sheet.

:func:`load_templates` reads it all once; the result, :class:`Templates`, travels with
every render (and to worker processes) so no part of guidegen loads the theme again.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from ..common.paper import Paper
from .folders import load_image, template_folders

if TYPE_CHECKING:
    from .resolve import Styles
    from .styles import StyleSheet
    from .theme import Theme


@dataclass(frozen=True)
class Templates:
    """The template folders in lookup order (the user's first) and their merged theme."""

    folders: tuple[Path, ...]
    theme: Theme
    digest: str = ""  # of every file of the folders, if known (a build session's)

    @cached_property
    def style_sheet(self) -> StyleSheet:
        """Return the validated style sheet of these folders, in terms of the theme."""
        from .sheet import load_styles

        return load_styles(self.folders, self.theme)

    @cached_property
    def styles(self) -> Styles:
        """Return the style sheet resolved for the theme: every role's look in numbers."""
        from .resolve import resolve

        return resolve(self.style_sheet, self.theme)

    def with_theme(self, theme: Theme) -> Templates:
        """Return these templates with ``theme`` (a tightened one), the style sheet kept."""
        changed = Templates(self.folders, theme, self.digest)
        for name in ("style_sheet", "reference", "_logo"):
            if name in self.__dict__:
                changed.__dict__[name] = self.__dict__[name]
        return changed

    def logo(self) -> tuple[bytes, str] | None:
        """Return the theme's logo as bytes and MIME type, or None without a logo.

        It is read and validated once (:func:`~.folders.load_image`): what ``check``
        accepts, every writer embeds.
        """
        return self._logo

    @cached_property
    def reference(self) -> bytes | None:
        """Return the user's ``reference.docx``, read and checked, or None without one."""
        from .reference import find_reference, read_reference

        path = find_reference(self.folders)
        return None if path is None else read_reference(path, path.parent)

    @cached_property
    def _logo(self) -> tuple[bytes, str] | None:
        return load_image(self.folders, self.theme.logo) if self.theme.logo else None


def load_templates(user: Path | None = None, paper: Paper | None = None,
                   digest: str = "") -> Templates:
    """Return the templates of ``user``'s folder over the built-in ones, on ``paper``.

    ``digest`` is the hash of every file of the folders, if the caller made it.
    """
    from .theme import load_theme

    folders = tuple(template_folders(user))
    return Templates(folders, load_theme(folders).with_paper(paper), digest)


__all__ = ["Templates", "load_templates"]
