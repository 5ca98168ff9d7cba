"""Where the templates are: the user's folder first, the built-in ``templates/`` last.

Kept free of heavy imports: an up-to-date build only needs these paths to hash.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from .errors import Location, Problem, ResourceError, TemplateError

BUILTIN_TEMPLATES = Path(__file__).resolve().parents[2] / "templates"


def template_folders(user: Path | None = None) -> list[Path]:
    """Return the template folders in lookup order: ``user`` first, built-in last."""
    if user is not None and not user.is_dir():
        raise ResourceError.collect([Problem(Location(str(user)), "templates folder not found")])
    return [user.resolve(), BUILTIN_TEMPLATES] if user is not None else [BUILTIN_TEMPLATES]


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
