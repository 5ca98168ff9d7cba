"""Where the templates are: the user's folder first, the built-in ``templates/`` last.

The built-in templates are package data, found through :mod:`importlib.resources`, so
an installed guidegen renders from any folder. Kept free of heavy imports: an
up-to-date build only needs these paths to hash.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from importlib import resources
from pathlib import Path

from ..errors import Location, Problem, ResourceError, TemplateError


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


def find_asset(folders: Sequence[Path], name: str) -> Path:
    """Return the file ``name`` from the first template folder that has it."""
    for folder in folders:
        candidate = (folder / name).resolve()
        if candidate.is_file() and candidate.is_relative_to(folder.resolve()):
            return candidate
    raise ResourceError.collect([Problem(Location(str(folders[0])),
                                         f"asset {name!r} not found in the template folders")])


IMAGE_SIGNATURES = {b"\x89PNG\r\n\x1a\n": "image/png", b"\xff\xd8\xff": "image/jpeg"}


def find_image(folders: Sequence[Path], name: str) -> tuple[Path, str]:
    """Return the image ``name`` from the template folders and its MIME type.

    Only PNG and JPEG are accepted, by their first bytes, as both writers embed them.
    """
    path = find_asset(folders, name)
    with path.open("rb") as stream:
        head = stream.read(8)
    for signature, mime in IMAGE_SIGNATURES.items():
        if head.startswith(signature):
            return path, mime
    raise TemplateError.collect([Problem(Location(str(path)), "not a PNG or JPEG image")])
