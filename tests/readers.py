"""Read outputs back with tools guidegen did not write, and compare text in order."""

from __future__ import annotations

import re
import subprocess
from html.parser import HTMLParser
from pathlib import Path

from .conftest import DATA


def normalize(text: str) -> str:
    """Return ``text`` with runs of whitespace (and soft hyphens) collapsed to one space."""
    return re.sub(r"\s+", " ", text.replace("\u00ad", "")).strip()


def seed_pieces() -> list[str]:
    """Return the seed guide's text as pieces that must appear in order in every output."""
    pieces = []
    for line in (DATA / "seed-cmo-cdmo-cro.txt").read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line == "-" or set(line) <= set("-|"):
            continue
        if "|" in line:  # a row of the responsibilities table
            pieces += [cell.strip() for cell in line.split("|") if cell.strip()]
        else:
            pieces.append(line)
    return pieces


def missing_in_order(text: str, pieces: list[str]) -> list[str]:
    """Return the pieces not found in ``text`` after the previous piece (empty: all found)."""
    text, position, missing = normalize(text), 0, []
    for piece in pieces:
        found = text.find(normalize(piece), position)
        if found < 0:
            missing.append(piece)
        else:
            position = found + len(normalize(piece))
    return missing


class _TextParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag: str, attrs: object) -> None:
        self.skip += tag in ("style", "script", "head")
        self.parts.append(" " if tag in ("p", "li", "td", "th", "h1", "h2", "h3", "br") else "")

    def handle_endtag(self, tag: str) -> None:
        self.skip -= tag in ("style", "script", "head")

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.parts.append(data)


def html_text(data: bytes) -> str:
    """Return the visible text of an HTML document."""
    parser = _TextParser()
    parser.feed(data.decode("utf-8"))
    return normalize("".join(parser.parts))


def docx_text(path: Path) -> str:
    """Return the body text of a DOCX, paragraphs and tables in document order."""
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    document = docx.Document(str(path))
    parts = []
    for block in document.iter_inner_content():
        if isinstance(block, Paragraph):
            parts.append(block.text)
        elif isinstance(block, Table):
            parts += [cell.text for row in block.rows for cell in row.cells]
    return normalize(" ".join(parts))


def pdf_text(path: Path, *options: str) -> str:
    """Return the text of a PDF as poppler's pdftotext reads it."""
    result = subprocess.run(["pdftotext", *options, str(path), "-"], capture_output=True,
                            text=True, check=True)
    return result.stdout
