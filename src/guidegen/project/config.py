"""The project file, ``guidegen.yaml``: a project's options, read by every command.

Like mkdocs, guidegen looks for the file in the working folder and then in the folders
above it; the folders it names are relative to where it is. Its keys are the build
options a project keeps, validated (with located errors, like a guide's) and published
as JSON Schema from their one declaration in :mod:`guidegen.builder.options`; the command
line wins over it. Reading it needs only PyYAML, so an up-to-date build stays cheap.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from ..builder.kinds import OptionError, Place
from ..builder.options import BuildOptions, Option, option_fields
from ..common.yamlsource import load_yaml
from ..errors import ContentError, Location, Problem, ProjectError, display_name
from ..files import folder_name, named_inside, outside_root
from . import PROJECT_FILE, find_project_file


def project_keys() -> dict[str, Option]:
    """Return the options a project file may set, by key."""
    return {spec.key: spec for spec in option_fields().values() if spec.key}


FOLDERS = ("content", "out", "templates", "packets")  # the options that name folders


class Project:
    """A project: its root folder and the options its file sets (none without a file).

    The folders the project gives (from its file, else the defaults) must lie inside its
    root, symlinks followed, unless ``allow_outside`` (the ``--allow-outside`` flag): a
    cloned project must not read or write elsewhere on its own say-so.
    """

    def __init__(self, root: Path, values: dict[str, Any], path: Path | None = None,
                 allow_outside: bool = False) -> None:
        self.root = root
        self.values = values  # option name -> value, folders already relative to root
        self.path = path
        self.allow_outside = allow_outside

    def options(self, **given: Any) -> BuildOptions:
        """Return the build options: defaults, then this project's, then ``given``.

        Raise a :class:`ProjectError` if a folder not given leads out of the project.
        """
        options = BuildOptions(root=self.root).replace(**self.values).replace(**given)
        if not self.allow_outside:  # a default folder (relative to here) is checked
            for name in FOLDERS:      # where it lies in the project: a symlink out
                folder = getattr(options, name)
                if given.get(name) is None and name not in self.values and \
                        folder is not None and named_inside(folder, self.root):
                    message = outside_folder(folder, self.root)
                    if message:
                        where = Location(display_name(self.path or self.root))
                        key = option_fields()[name].key or name
                        raise ProjectError.collect([Problem(where, message, key)])
        return options


def load_project(path: Path | None = None, allow_outside: bool = False) -> Project:
    """Return the project of ``path`` (a ``guidegen.yaml``), found from here if not given.

    Without a project file, the project is the working folder with guidegen's defaults.
    A folder the file names outside the project (``content: ../..``, a symlinked
    ``templates``) is a located error unless ``allow_outside``.
    """
    from ..caches import use_project  # the caches go in the project

    if path is None:
        path = find_project_file()
        if path is None:
            use_project(Path.cwd())
            return Project(Path.cwd(), {}, allow_outside=allow_outside)
        use_project(path.parent)  # as the caches found it before it was read
    else:
        use_project(path.resolve().parent)
    try:
        data, source = load_yaml(path, root=path.parent)
    except ContentError as exc:
        raise ProjectError.collect(exc.problems) from None
    data = {} if data is None else data
    if not isinstance(data, dict):
        raise ProjectError.collect([Problem(source.locate(()),
                                            f"{PROJECT_FILE} must be a mapping of options")])
    root = path.resolve().parent
    values, problems = {}, list(source.problems)
    keys = project_keys()
    for key, value in data.items():
        spec = keys.get(key)
        if spec is None:
            problems.append(Problem(source.locate((key,), key=True),
                                    f"unknown key {key!r} ({_suggest(key, keys)})"))
            continue
        if value is None:
            continue
        try:
            checked = spec.check(value)
        except OptionError as exc:
            problems.append(Problem(source.locate((key,)), str(exc), key))
            continue
        if isinstance(spec.kind, Place) and isinstance(checked, Path):
            checked = spec.kind.from_project(checked, root)
            message = outside_folder(checked, root) if spec.name in FOLDERS and \
                not allow_outside else None
            if message:
                problems.append(Problem(source.locate((key,)), message, key))
        values[spec.name] = checked
    if problems:
        raise ProjectError.collect(problems)
    return Project(root, values, path, allow_outside)


def outside_folder(folder: Path | None, root: Path) -> str | None:
    """Return why the project's ``folder`` may not be used (outside ``root``), or None."""
    if folder is None:
        return None
    real = outside_root(folder, root)
    if real is None:
        return None
    how = (f"{display_name(folder)} is a symlink to {real}, outside" if named_inside(
        folder, root) else f"{display_name(Path(os.path.normpath(folder)))} is outside")
    return (f"{how} the project ({folder_name(root)}); guidegen uses a folder outside the "
            "project only when you name it on the command line or run with --allow-outside")


def _suggest(key: str, keys: Iterable[str]) -> str:
    """Return "did you mean 'x'?" for a near key, else the keys allowed."""
    import difflib

    near = difflib.get_close_matches(str(key), list(keys), n=1)
    return f"did you mean {near[0]!r}?" if near else f"allowed: {', '.join(keys)}"


def project_schema() -> dict[str, Any]:
    """Return the JSON Schema of ``guidegen.yaml``, from the options' declarations."""
    properties = {}
    for key, spec in project_keys().items():
        schema = spec.kind.schema()
        default = spec.default
        if default is not None:
            schema["default"] = list(default) if isinstance(default, tuple) else (
                str(default) if isinstance(default, Path) else default)
        properties[key] = {"description": spec.help, **schema}
    return {"type": "object", "additionalProperties": False, "properties": properties}


__all__ = ["PROJECT_FILE", "Project", "find_project_file", "load_project", "project_schema"]
