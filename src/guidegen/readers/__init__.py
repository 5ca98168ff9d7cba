"""Readers, in pandoc's sense: other formats → a guide, written as the YAML a person writes.

``guidegen import`` (:func:`import_guide`) reads a Word document (:mod:`.docx`, mapped by
:mod:`.wordguide`) or an Excel matrix (:mod:`.xlsx`) into a :class:`~.draft.Draft`,
writes its YAML (:mod:`.yamltext`), loads that text through the guide loader (what
``check`` accepts) and only then writes the guide, and the pictures beside it, all at
once. A failed import writes nothing; an existing guide is replaced only when asked.
What the document holds that a guide cannot is a located warning.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..errors import UsageError, display_name

DOCX_SUFFIXES = (".docx",)


@dataclass(frozen=True)
class Imported:
    """What an import wrote: the guide, and the pictures beside it."""

    guide: Path
    pictures: tuple[Path, ...] = field(default=())
    subjects: int = 0
    comparisons: int = 0


def import_guide(source: Path, output: Path | None = None, *, content: Path = Path("content"),
                 force: bool = False, sheet: str | None = None, header_row: int | None = None,
                 language: str = "en") -> Imported:
    """Import the Word document or Excel workbook ``source`` as a guide; return what was written.

    ``output`` is the guide file (default: ``content/<source's name>.yaml``); an
    existing one is replaced only with ``force``. ``sheet`` and ``header_row`` choose
    a workbook's matrix. ``language`` is the project's, for labels the guide does not
    name.
    """
    from ..builder.outputs import write_files
    from ..builder.pipeline import source_date
    from ..content.loader import load_text
    from ..spreadsheets import XLSX_SUFFIXES
    from .draft import Draft
    from .yamltext import guide_text

    suffix = source.suffix.lower()
    if suffix not in (*DOCX_SUFFIXES, *XLSX_SUFFIXES):
        raise UsageError(f"{display_name(source)}: guidegen imports Word (.docx) and Excel "
                         "(.xlsx) files")
    if suffix in DOCX_SUFFIXES and (sheet is not None or header_row is not None):
        raise UsageError("--sheet and --header-row choose a matrix in an .xlsx file")
    output = output or content / f"{source.stem}.yaml"
    if output.suffix.lower() not in (".yaml", ".yml"):
        raise UsageError(f"{display_name(output)}: a guide file ends in .yaml")
    if os_exists(output) and not force:
        raise UsageError(f"{display_name(output)} exists already; --force replaces it")
    draft = Draft(display_name(source), pictures=f"{output.stem}-images")
    if suffix in DOCX_SUFFIXES:
        from .docx import read_docx
        from .wordguide import WordGuide

        WordGuide(read_docx(source), draft, _title_of(source), language).build()
    else:
        from .xlsx import XlsxGuide

        XlsxGuide(source, draft, sheet, header_row).build()
    text = guide_text(draft.data, draft.notes, [
        f"Imported from {source.name} by `guidegen import`: read it through, and see the",
        "warnings the import printed for what the guide could not take over."])
    guide = load_text(text, display_name(output))  # what check accepts, before writing
    source_date(guide)
    pictures = {output.parent / name: data for name, data in draft.files.items()}
    write_files({output: text.encode("utf-8"), **pictures})
    return Imported(output, tuple(pictures), len(guide.subjects), len(guide.comparisons))


def os_exists(path: Path) -> bool:
    """Return whether anything (a file, a folder, a dangling link) is at ``path``."""
    return path.exists() or path.is_symlink()


def _title_of(source: Path) -> str:
    """Return a title made from a file's name: ``qa-vs-qc_v2.docx`` → ``qa vs qc v2``."""
    return " ".join(source.stem.replace("_", " ").replace("-", " ").split()) or source.stem


__all__ = ["Imported", "import_guide"]
