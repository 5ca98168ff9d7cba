"""Where the templates are: the user's folder first, the built-in ``templates/`` last.

The built-in templates are package data, found through :mod:`importlib.resources`, so
an installed guidegen renders from any folder. Kept free of heavy imports: an
up-to-date build only needs these paths to hash.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from functools import cache
from importlib import resources
from pathlib import Path

from ..errors import Location, Problem, ResourceError, TemplateError, display_name
from ..files import MAX_TEMPLATE_FILE, read_file


@cache
def package_folder(name: str) -> Path:
    """Return the folder ``name`` shipped inside the guidegen package (templates, schema)."""
    folder = Path(str(resources.files("guidegen") / name))
    if not folder.is_dir():
        raise ResourceError.collect([Problem(
            Location(str(folder)), f"guidegen's built-in {name} folder is missing; "
            "reinstall guidegen")])
    return folder


def builtin_templates() -> Path:
    """Return the folder of the built-in templates."""
    return package_folder("templates")


def template_folders(user: Path | None = None) -> list[Path]:
    """Return the template folders in lookup order: ``user`` first, built-in last."""
    if user is not None and not user.is_dir():
        raise ResourceError.collect([Problem(Location(str(user)), "templates folder not found")])
    builtin = builtin_templates()
    return [user.resolve(), builtin] if user is not None else [builtin]


def find_file(folders: Sequence[Path], name: str) -> tuple[Path, Path]:
    """Return the file ``name`` in the first template folder that has it, and that folder.

    Whatever is there counts (a FIFO, a symlink out): the reader refuses it, by name.
    """
    for folder in folders:
        candidate = folder / name
        if os.path.lexists(candidate):
            return candidate, folder
    raise ResourceError.collect([Problem(Location(str(folders[0])),
                                         f"{name!r} not found in the template folders")])


def load_image(folders: Sequence[Path], name: str) -> tuple[bytes, str]:
    """Return the image ``name`` from the template folders and its MIME type.

    It is read by :func:`~guidegen.files.read_file` and must pass
    :func:`~guidegen.theme.images.validate_image`: a PNG or JPEG every writer embeds.
    """
    from .images import ImageError, validate_image

    path, folder = find_file(folders, name)
    data = read_file(path, MAX_TEMPLATE_FILE, root=folder, error=TemplateError)
    try:
        return data, validate_image(data)
    except ImageError as exc:
        raise TemplateError.collect([Problem(Location(display_name(path)), str(exc))]) from None
