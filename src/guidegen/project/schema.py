"""JSON Schema of guidegen's YAML files, for editors (yaml-language-server).

The schemas are generated from the models that validate the files; the package ships
them in ``schema/`` (a test keeps them current) and ``guidegen schema`` writes them into
a project, where the ``# yaml-language-server: $schema=...`` comments point.
"""

from __future__ import annotations

import json
import sys
from typing import Any

SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"
SCHEMAS = {"guide": "guide.schema.json", "theme": "theme.schema.json",
           "project": "project.schema.json", "packet": "packet.schema.json",
           "styles": "styles.schema.json"}


def json_schema(name: str = "guide") -> dict[str, Any]:
    """Return the JSON Schema of one kind of file, a key of :data:`SCHEMAS`.

    Guide and packet files, ``theme.yaml``, ``styles.yaml`` and (``project``)
    ``guidegen.yaml``.
    """
    if name == "project":
        from .config import project_schema

        schema = project_schema()
    elif name == "packet":
        from ..content.packet import Packet

        schema = Packet.model_json_schema()
    elif name == "theme":
        from ..theme.theme import Theme

        schema = Theme.model_json_schema()
    elif name == "styles":
        from ..theme.sheet import style_sheet_schema

        schema = style_sheet_schema()
    else:
        from ..content.model import Guide

        schema = Guide.model_json_schema()
    return {"$schema": SCHEMA_DIALECT, **schema, "title": f"guidegen {name} file"}


def json_schema_text(name: str = "guide") -> str:
    """Return :func:`json_schema` as stable, indented JSON text ending in a newline.

    Under ``python -OO`` the models' docstrings, where many descriptions come from, are
    gone: the schema the package ships is returned instead (a test keeps it equal to
    the generated one).
    """
    if sys.flags.optimize >= 2:
        from ..theme.folders import package_folder

        return (package_folder("schema") / SCHEMAS[name]).read_text(encoding="utf-8")
    return json.dumps(json_schema(name), indent=2, ensure_ascii=False, sort_keys=False) + "\n"
