"""Slips that change a guide's text without a word from Markdown: found and said.

The slips YAML itself makes (a list item folded into the text above, a comment that was
text) are found as any YAML file is read (:mod:`guidegen.common.slips`); these are the
content's:

* **A list item joined to the one above.** In a literal ``|`` block, a marker indented
  four spaces past the text is taken by Markdown into the paragraph above: a located
  warning at the line (:func:`markdown_slips`, which the guide and packet loaders give
  the YAML reader for each literal block).
* **A mark misspelt.** A matrix cell that is a near miss of a mark word (``partal``,
  ``yse``; or of a word of the guide's language, ``Teilwiese``, ``Si``) would print as
  text: a located error with "did you mean" (:func:`mark_problems`). Quoted text is
  taken as written.
* **A translation that does not say so.** ``X.fr.yaml`` beside ``X.yaml`` without
  ``translation_of`` is built as a guide of its own, never compared with ``X.yaml``:
  a hint (:func:`translation_hint`).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..common.slips import MARKER, format_at, shorten
from ..errors import Location, Problem, display_name, hint, warn

if TYPE_CHECKING:
    from ..common.yamlsource import Path_, SourceMap

def markdown_slips(text: str, lines: list[tuple[int, int]], file: str, path: Path_) -> None:
    """Warn of list items Markdown takes into the paragraph above, in a literal block.

    ``lines`` are the file's line of each of the block's lines, and the column of its
    first character that is not a space (from 1).
    """
    from .markup import paragraph_lines

    rows = text.split("\n")
    if not any(MARKER.match(row.lstrip(" ")) for row in rows[1:]):
        return
    for first, end in paragraph_lines(text):
        for number in range(first + 1, min(end, len(rows), len(lines))):
            stripped = rows[number].lstrip(" ")
            if MARKER.match(stripped):
                line, column = lines[number]  # the column of the line's first character
                warn(Location(file, line, column),
                     f"{shorten(stripped)!r} is not a list item: Markdown takes this line "
                     "into the paragraph above (its '-' is indented 4 or more spaces past "
                     "that text); indent it like the items above", format_at(path))


# -- marks -----------------------------------------------------------------------------------

_MARKS = {"yes": ("yes", "true"), "no": ("no", "false"), "partial": ("partial",)}
_ENGLISH = {word for spelt in _MARKS.values() for word in spelt}  # marks as they are
_WORD = re.compile(r"^[^\W\d_]+$")


def mark_problems(data: dict[str, Any], source: SourceMap) -> list[Problem]:
    """Return an error for each matrix cell that is a near miss of a mark word.

    The words are the marks' (yes, no, partial) and those the guide's language prints
    (its catalogue's, and its own ``labels:``); a quoted cell is text as written.
    """
    cells = list(_word_cells(data, source))
    if not cells:
        return []
    printed = _printed_marks(data)
    words = {_fold(word): mark for mark, spelt in _MARKS.items() for word in spelt}
    for mark, word in printed.items():
        words.setdefault(_fold(word), mark)
    problems = []
    for at, text in cells:
        message = _near_mark(text, words, printed)
        if message:
            problems.append(Problem(source.locate(at), message, format_at(at)))
    return problems


def _word_cells(data: dict[str, Any], source: SourceMap) -> Iterator[tuple[Path_, str]]:
    """Yield each unquoted matrix cell of one word that is not a mark, with its path."""
    comparisons = data.get("comparisons")
    for c, comparison in enumerate(comparisons if isinstance(comparisons, list) else []):
        rows = comparison.get("rows") if isinstance(comparison, dict) else None
        for r, row in enumerate(rows if isinstance(rows, list) else []):
            values = row.get("values") if isinstance(row, dict) else None
            for subject, cell in (values.items() if isinstance(values, dict) else ()):
                at: Path_ = ("comparisons", c, "rows", r, "values", subject)
                if isinstance(cell, dict):
                    cell, at = cell.get("value"), (*at, "value")
                if isinstance(cell, str) and at not in source.quoted and \
                        _WORD.match(cell.strip()) and _fold(cell.strip()) not in _ENGLISH:
                    yield at, cell.strip()


def _printed_marks(data: dict[str, Any]) -> dict[str, str]:
    """Return the words the guide prints for each mark, in its language (if it names one)."""
    from ..theme.locales import catalogue_for, load_catalogue

    info = data.get("guide")
    language = info.get("language") if isinstance(info, dict) else None
    tag = catalogue_for(language) if isinstance(language, str) and language else None
    printed = {}
    if tag is not None:
        texts = load_catalogue(tag).labels
        printed = {mark: getattr(texts, f"mark_{mark}") for mark in _MARKS}
    labels = data.get("labels")
    for mark in _MARKS:
        own = labels.get(f"mark_{mark}") if isinstance(labels, dict) else None
        if isinstance(own, str) and own.strip():
            printed[mark] = own.strip()
    return printed


def _near_mark(text: str, words: dict[str, str], printed: dict[str, str]) -> str | None:
    """Return the error for a cell that misspells a mark, or None for other text."""
    folded = _fold(text)
    mark = words.get(folded)
    if mark is None:
        near = [(distance, word) for word in words if len(word) >= 3 and len(folded) >= 3
                and (distance := _distance(folded, word)) <= (2 if len(word) >= 8 else 1)]
        if not near:
            return None
        mark = words[min(near)[1]]
    word = printed.get(mark)
    prints = f", which prints as {word!r}" if word and _fold(word) != mark else ""
    return (f"unknown mark {text!r} (did you mean {mark!r}{prints}?); a mark is written "
            "yes, no or partial; put text in quotes to print it as written")


def _fold(word: str) -> str:
    """Return ``word`` in lower case without accents: ``Sí`` → ``si``."""
    decomposed = unicodedata.normalize("NFKD", word.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _distance(a: str, b: str) -> int:
    """Return the edits (insert, delete, replace, swap two neighbours) from ``a`` to ``b``."""
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, x in enumerate(a, 1):
        current = [i]
        for j, y in enumerate(b, 1):
            cost = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (x != y))
            if i > 1 and j > 1 and x == b[j - 2] and a[i - 2] == y:
                cost = min(cost, previous2[j - 2] + 1)
            current.append(cost)
        previous2, previous = previous, current
    return previous[-1]


# -- translations ----------------------------------------------------------------------------

_TRANSLATION_NAME = re.compile(r"^(?P<stem>.+)\.(?P<tag>[A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})*)"
                               r"\.(?P<suffix>ya?ml)$")


def translation_hint(path: Path) -> None:
    """Hint that ``path`` (a guide without ``translation_of``) looks like a translation.

    ``X.fr.yaml`` beside ``X.yaml`` (or ``X.yml``), where ``fr`` is a language.
    """
    found = _TRANSLATION_NAME.match(path.name)
    if found is None:
        return
    stem, tag = found["stem"], found["tag"]
    source = next((path.with_name(f"{stem}.{suffix}") for suffix in ("yaml", "yml")
                   if path.with_name(f"{stem}.{suffix}").is_file()), None)
    if source is None or not _is_language(tag):
        return
    hint(Location(display_name(path), 1, 1),
         f"named like the {tag} translation of {source.name}, but it has no "
         f"translation_of: add 'translation_of: {source.name}' so that check keeps it in "
         "step with its source (or rename the file)")


def _is_language(tag: str) -> bool:
    """Return whether ``tag`` names a language CLDR knows, as its own code (not ``bak``)."""
    from babel import Locale, UnknownLocaleError

    try:
        locale = Locale.parse(tag.replace("-", "_"))
    except (UnknownLocaleError, ValueError, TypeError):
        return False
    return str(locale.language) == tag.split("-")[0].lower()
