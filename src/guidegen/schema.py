"""JSON Schema of the guide and theme files, for editors (yaml-language-server)."""

from __future__ import annotations

import json
from typing import Any

SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"


def json_schema(name: str = "guide") -> dict[str, Any]:
    """Return the JSON Schema of a guide file (``name="guide"``) or of ``theme.yaml``."""
    from .model import Guide
    from .theme import Theme

    schema = (Theme if name == "theme" else Guide).model_json_schema()
    return {"$schema": SCHEMA_DIALECT, **schema, "title": f"guidegen {name} file"}


def json_schema_text(name: str = "guide") -> str:
    """Return :func:`json_schema` as stable, indented JSON text ending in a newline."""
    return json.dumps(json_schema(name), indent=2, ensure_ascii=False, sort_keys=False) + "\n"
