"""A project: its file ``guidegen.yaml`` and folders, and ``guidegen new``.

:mod:`.config` reads the project file; :mod:`.schema` publishes the JSON Schemas of a
project's files for editors; :mod:`.scaffold` starts a project or adds a skeleton guide.
The file's name and where it is found are here, needing no YAML: the command line looks
for it before it imports anything (:mod:`guidegen.cli`).
"""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_FILE = "guidegen.yaml"


def find_project_file(start: Path | None = None) -> Path | None:
    """Return the ``guidegen.yaml`` of the working folder or the nearest folder above it."""
    folder = (start or Path.cwd()).resolve()
    for candidate in (folder, *folder.parents):
        path = candidate / PROJECT_FILE
        if os.path.lexists(path):  # whatever it is: the reader says if it is not a file
            return path
    return None
