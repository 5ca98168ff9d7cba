"""The document's own properties, shown where they are printed: DOCPROPERTY fields.

A guide's document number and version are custom document properties (File ▸
Properties); where the DOCX prints them (the title block's control fields, every page's
control line) it prints a ``DOCPROPERTY`` field that shows the property, its result
cached as the value, so an editor who changes the version in the properties changes
every place at once (Word: when it updates the fields, as before printing;
LibreOffice shows the cached results).
A packet's parts print their own guides' numbers, not the packet's: a packet has none.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from ...tree import Document, Section
from . import oxml

#: the custom properties printed as fields: what the DOCX prints is their exact value
SHOWN = ("Document number", "Version")


def shown_properties(document: Document) -> dict[str, str]:
    """Return the properties ``document`` prints as fields, by name (none for a packet)."""
    if any(isinstance(block, Section) and block.running for block in document.blocks):
        return {}
    custom = dict(document.meta.custom)
    return {name: custom[name] for name in SHOWN if custom.get(name)}


def add_text(paragraph: Any, text: str, properties: Mapping[str, str]) -> None:
    """Add ``text`` to ``paragraph``, each value of ``properties`` in it as its field."""
    values = {value: name for name, value in properties.items()}
    if not values:
        paragraph.add_run(text)
        return
    found = re.compile("|".join(re.escape(v) for v in sorted(values, key=len, reverse=True)))
    end = 0
    for match in found.finditer(text):
        if match.start() > end:
            paragraph.add_run(text[end:match.start()])
        oxml.add_field(paragraph, f'DOCPROPERTY "{values[match.group()]}"', match.group())
        end = match.end()
    if end < len(text):
        paragraph.add_run(text[end:])
