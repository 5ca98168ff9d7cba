"""A templates folder's ``reference.docx``, read and checked before python-docx opens it.

It is read by :func:`~guidegen.files.read_file` (a regular file of at most 16 MB inside
its folder), and its package must pass :func:`guidegen.zips.package_problem` (no zip
bomb, no external entity), so that a hostile ``reference.docx`` costs neither gigabytes
nor a DOCX that cannot be opened.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from ..errors import Location, Problem, TemplateError, display_name
from ..files import MAX_TEMPLATE_FILE, read_file
from ..zips import package_problem

REFERENCE_FILE = "reference.docx"


def find_reference(folders: Sequence[Path]) -> Path | None:
    """Return the ``reference.docx`` of the first template folder that has one."""
    return next((folder / REFERENCE_FILE for folder in folders
                 if os.path.lexists(folder / REFERENCE_FILE)), None)


def read_reference(path: Path, root: Path) -> bytes:
    """Return the bytes of the reference document at ``path`` once they pass the checks."""
    data = read_file(path, MAX_TEMPLATE_FILE, root=root, error=TemplateError)
    problem = package_problem(data)
    if problem is not None:
        raise TemplateError.collect([Problem(Location(display_name(path)),
                                             f"not a usable .docx: {problem}")])
    return data
