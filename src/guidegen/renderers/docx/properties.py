r"""The document's own properties, shown where they are printed: DOCPROPERTY fields.

A guide's document number, version, effective date and status are custom document
properties (File ▸ Properties); where the DOCX prints them (the title block's control
fields, every page's control line) it prints a ``DOCPROPERTY`` field that shows the
property, its result cached as the printed value, so an editor who changes the version
in the properties changes every place at once (Word: when it updates the fields, as
before printing; LibreOffice shows the cached results). The effective date is a date
property, shown through a date picture (``\@``) made from the pattern the guide's
language writes dates in; the status is the printed one ("Gültig").
A packet's parts print their own guides' numbers, not the packet's: a packet has none.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from ...tree import Document, Section
from . import oxml

#: the custom properties printed as fields: what the DOCX prints is their exact value
#: (a date's: as its pattern writes it)
SHOWN = ("Document number", "Version", "Effective date", "Status")

# CLDR's date pattern letters, as Word's date picture writes them, by how many repeat
_PICTURE: dict[str, Callable[[int], str]] = {
    "y": lambda n: "yy" if n == 2 else "yyyy", "M": lambda n: "M" * min(n, 4),
    "L": lambda n: "M" * min(n, 4), "d": lambda n: "d" * min(n, 2),
    "E": lambda n: "dddd" if n >= 4 else "ddd", "c": lambda n: "dddd"}


def shown_properties(document: Document) -> dict[str, str]:
    """Return the fields ``document`` prints its properties through, by the text printed.

    Each is the field's instruction (``DOCPROPERTY "Version"``); none for a packet.
    """
    if any(isinstance(block, Section) and block.running for block in document.blocks):
        return {}
    custom = dict(document.meta.custom)
    found = {custom[name]: f'DOCPROPERTY "{name}"' for name in SHOWN if custom.get(name)}
    for name, printed, pattern in document.meta.dates:
        if name in SHOWN and custom.get(name):
            found.pop(custom[name], None)
            found[printed] = f'DOCPROPERTY "{name}" \\@ "{word_picture(pattern)}"'
    return found


def control_fields(fields: Mapping[str, str]) -> dict[str, str]:
    """Return the ``fields`` a page's control line prints: number, version, effective date.

    Not the status: the line does not print it, and its text can be a word of the line's
    own ("Effective 24 November 2026", "発効日"), which must not become a field.
    """
    return {text: instruction for text, instruction in fields.items()
            if not instruction.startswith('DOCPROPERTY "Status"')}


def word_picture(pattern: str) -> str:
    """Return CLDR's date ``pattern`` ("d. MMMM y") as Word's date picture ("d. MMMM yyyy").

    Text between the pattern's letters is quoted, so Word takes none of it for a picture.
    """
    written = []
    for match in re.finditer(r"'([^']*)'|([A-Za-z])\2*|[^A-Za-z']+", pattern):
        quoted, letter, text = match.group(1), match.group(2), match.group()
        if letter is not None and letter in _PICTURE:
            written.append(_PICTURE[letter](len(text)))
        else:
            literal = quoted if quoted is not None else text
            written.append(f"'{literal}'" if literal.strip() else literal)
    return "".join(written)


def add_text(paragraph: Any, text: str, fields: Mapping[str, str]) -> None:
    """Add ``text`` to ``paragraph``, each printed value of ``fields`` in it as its field."""
    if not fields:
        paragraph.add_run(text)
        return
    found = re.compile("|".join(re.escape(v) for v in sorted(fields, key=len, reverse=True)))
    end = 0
    for match in found.finditer(text):
        if match.start() > end:
            paragraph.add_run(text[end:match.start()])
        oxml.add_field(paragraph, fields[match.group()], match.group())
        end = match.end()
    if end < len(text):
        paragraph.add_run(text[end:])
