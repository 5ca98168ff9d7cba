"""Marks in a table cell: a check mark, a cross, a dash, a half circle, or a mark word.

The words are those of every language guidegen prints (``Yes``/``No``/``Partial``,
``Ja``/``Nein``/``Teilweise``, ``はい``/``いいえ``/``一部``, …, from
``guidegen/locales/*.yaml``), in any letter case, alone, after or before a symbol
(``✓ Yes``, as guidegen prints them), or followed by a note in parentheses
(``Partial (vendor dependent)``), or a symbol and word followed by the note (``◐ Partial
vendor dependent``). Spreadsheet booleans (``TRUE``/``FALSE``) are marks too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from ..content.model import Mark

_SYMBOLS = {
    Mark.YES: "✓✔☑✅●",
    Mark.NO: "✗✘❌—–-○☐",
    Mark.PARTIAL: "◐◑◒◓◔◕½~",
}
_WITH_NOTE = re.compile(r"^(?P<mark>[^()\[\]]+?)\s*[(\[](?P<note>[^()\[\]]+)[)\]]$")
# a mark as guidegen prints one, symbol and word, and more words after it: "◐ Partial vendor
# dependent" (a word alone is not enough: "No later than day 30" is text)
_AFTER_PRINTED = re.compile(r"^(?P<mark>\S \w+)[\s,;:–—-]+(?P<note>\w.*)$")


@dataclass(frozen=True)
class FoundMark:
    """A mark read from a cell, the note that came with it, and the languages of its word."""

    mark: Mark
    note: str = ""
    languages: frozenset[str] = frozenset()


@cache
def mark_words() -> dict[str, tuple[Mark, frozenset[str]]]:
    """Return every language's mark words, lower-cased, with their mark and languages."""
    from ..theme.locales import catalogue_tags, load_catalogue

    found: dict[str, tuple[Mark, set[str]]] = {}
    for tag in catalogue_tags().values():
        texts = load_catalogue(tag).labels
        for mark in Mark:
            word = getattr(texts, f"mark_{mark.value}").casefold()
            found.setdefault(word, (mark, set()))[1].add(tag)
    words = {word: (mark, frozenset(tags)) for word, (mark, tags) in found.items()}
    words.setdefault("true", (Mark.YES, frozenset()))
    words.setdefault("false", (Mark.NO, frozenset()))
    return words


def read_mark(text: str) -> FoundMark | None:
    """Return the mark ``text`` holds (with its note), or None if it is other text."""
    text = " ".join(text.split())
    found = _bare_mark(text)
    if found is not None:
        return found
    matched = _WITH_NOTE.match(text) or _AFTER_PRINTED.match(text)
    if matched:
        found = _bare_mark(matched.group("mark"))
        if found is not None:
            return FoundMark(found.mark, matched.group("note").strip(), found.languages)
    return None


def _bare_mark(text: str) -> FoundMark | None:
    """Return the mark of a symbol, a word, or a symbol and word that agree; else None."""
    text = text.strip().rstrip(".")
    symbol = _symbol(text)
    if symbol is not None:
        return FoundMark(symbol)
    word = mark_words().get(text.casefold())
    if word is not None:
        return FoundMark(*word[:1], languages=word[1])
    parts = text.split(" ", 1)
    if len(parts) == 2:
        for sign, said in (parts, parts[::-1]):
            mark, word = _symbol(sign), mark_words().get(said.strip().casefold())
            if mark is not None and word is not None and word[0] == mark:
                return FoundMark(mark, languages=word[1])
    return None


def _symbol(text: str) -> Mark | None:
    if len(text) != 1:
        return None
    return next((mark for mark, signs in _SYMBOLS.items() if text in signs), None)


def languages_of(found: list[FoundMark]) -> str | None:
    """Return the one language whose words all of ``found`` are, if there is exactly one.

    English is preferred where its words are among those possible (``No`` is also
    Spanish and Italian); None when the words say nothing or disagree.
    """
    possible: frozenset[str] | None = None
    for mark in found:
        if mark.languages:
            possible = mark.languages if possible is None else possible & mark.languages
    if not possible:
        return None
    if "en" in possible:
        return "en"
    return sorted(possible)[0] if len(possible) == 1 else None


__all__ = ["FoundMark", "languages_of", "mark_words", "read_mark"]
