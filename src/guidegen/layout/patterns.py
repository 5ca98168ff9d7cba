"""Hyphenation patterns: where a word may break, read as LibreOffice reads them.

The patterns are the LibreOffice dictionaries (``hyph_*.dic``) that pyphen ships, the
same files Debian's ``hyphen-*`` packages install for LibreOffice. They are read here as
LibreOffice's hyphenation library (libhyphen) reads them, not as pyphen does: a
dictionary may hold two levels (the German one does, ``NEXTLEVEL``): the first finds
the boundaries of a compound's parts, the second the syllables inside each part, no
closer than ``COMPOUNDLEFTHYPHENMIN``/``COMPOUNDRIGHTHYPHENMIN`` letters to a boundary.
pyphen reads both levels as one, which breaks German words where no reader would
("Facha-rztausbildung", "Vertrieb-spartner"); libhyphen gives "Fach-arzt…",
"Ver-triebs-part-ner". The tests hold this reading to libhyphen's on every word of
the fixtures.

Which dictionary a language takes is chosen per language (:data:`SOURCES`), after
comparing them on the fixtures' words: English of every country takes the US patterns
(TeX's, by pronunciation), which break where British readers expect too, where the
en-GB ones break by word parts readers take for typos ("Laborat-ory", "certific-ate",
"respons-ib-il-it-ies", "val-id-ated"). A language without a dictionary is not
hyphenated.
"""

from __future__ import annotations

import bisect
import importlib.util
import itertools
import re
from collections.abc import Sequence
from functools import cache
from importlib import resources
from pathlib import Path

# language (lower-case base or tag) -> the dictionary file it takes, where not its own
SOURCES = {"en": "en_US"}

_SETTING = re.compile(r"^(COMPOUND(?:LEFT|RIGHT)HYPHENMIN)\s+(\d+)", re.MULTILINE)


class Level:
    """One level of patterns: each pattern's letters, with the pattern as written.

    A pattern's weights are read from its written form only when a word first needs
    it, and the patterns are sorted when a word is first looked up, so loading the
    German dictionary (77,000 patterns) costs little more than splitting its lines.
    """

    def __init__(self, letters: Sequence[str], written: Sequence[str]) -> None:
        self.written = dict(zip(letters, written, strict=True))
        self._weights: dict[str, list[int]] = {}
        self._sorted: list[str] = []

    def weights(self, letters: str) -> list[int] | None:
        """Return the weights before each letter of pattern ``letters`` (and after the last)."""
        found = self._weights.get(letters)
        if found is None:
            line = self.written.get(letters)
            if line is None:
                return None
            found = [0] * (len(letters) + 1)
            at = 0
            for char in line:
                if char.isdigit():
                    found[at] = int(char)
                else:
                    at += 1
            self._weights[letters] = found
        return found

    def begins(self, letters: str) -> bool:
        """Return whether some pattern starts with ``letters``."""
        if not self._sorted:
            self._sorted = sorted(self.written)
        at = bisect.bisect_left(self._sorted, letters)
        return at < len(self._sorted) and self._sorted[at].startswith(letters)

    def points(self, word: str) -> list[int]:
        """Return the weight before each letter of ``word`` (odd: it may break there).

        As libhyphen's automaton: after each letter it stands on the longest text just
        read that begins a pattern, and takes that pattern's weights if it is one (not
        those of shorter patterns it ends with: the dictionaries are written for that).
        """
        dotted = f".{word}."
        values = [0] * (len(dotted) + 1)
        state = ""
        for end, char in enumerate(dotted, 1):
            state += char
            while state and not self.begins(state):
                state = state[1:]
            found = self.weights(state) if state else None
            if found is not None:
                start = end - len(state)
                for offset, weight in enumerate(found):
                    if weight > values[start + offset]:
                        values[start + offset] = weight
        return values[1:len(word) + 1]  # before word[i] is before dotted[i + 1]


class Patterns:
    """A dictionary's levels and its least numbers of letters around a compound's boundary."""

    def __init__(self, data: bytes, encoding: str) -> None:
        letters = data.translate(None, b"0123456789").decode(encoding).split("\n")
        written = data.decode(encoding).split("\n")
        settings = dict(_SETTING.findall(data[:4096].decode(encoding)))
        self.compound_left = int(settings.get("COMPOUNDLEFTHYPHENMIN", 2))
        self.compound_right = int(settings.get("COMPOUNDRIGHTHYPHENMIN", 2))
        # settings, comments and the first line (the encoding) are kept as patterns no
        # word matches; non-standard breaks ("ck" → "k-k", with a "/") are not taken
        cuts = [0, *(n for n, line in enumerate(written) if line.strip() == "NEXTLEVEL"),
                len(written)]
        self.levels = [Level([key.strip() for key in letters[a:b] if "/" not in key],
                             [line.strip() for line in written[a:b] if "/" not in line])
                       for a, b in itertools.pairwise(cuts) if b > a + 1]

    def breaks(self, word: str) -> list[int]:
        """Return where ``word`` may break (the number of letters before each point).

        With two levels, as libhyphen: the first level's points are the boundaries of a
        compound's parts; each part is broken again the same way, and a part with no
        boundary by the second level, none of its points closer to a boundary inside the
        word than the compound minimums.
        """
        if not self.levels:
            return []
        return sorted(self._breaks(word.lower(), True, True))

    def _breaks(self, word: str, starts: bool, ends: bool) -> set[int]:
        bounds = _odd(self.levels[0].points(word))
        if len(self.levels) == 1:
            return set(bounds)
        if not bounds:
            return {point for point in _odd(self.levels[1].points(word))
                    if (starts or point >= self.compound_left)
                    and (ends or len(word) - point >= self.compound_right)}
        found = set(bounds)
        edges = [0, *bounds, len(word)]
        for left, right in itertools.pairwise(edges):
            inner = self._breaks(word[left:right], starts and not left,
                                 ends and right == len(word))
            found |= {left + point for point in inner}
        return found


def _odd(values: list[int]) -> list[int]:
    return [at for at, weight in enumerate(values) if at and weight % 2]


@cache
def patterns_for(language: str) -> Patterns | None:
    """Return the hyphenation patterns of BCP 47 ``language``, or None if there are none."""
    name = dictionary_name(language)
    if name is None:
        return None
    data = dictionary_file(name).read_bytes()
    encoding = data.split(b"\n", 1)[0].decode("ascii", "replace").strip().lower()
    encoding = {"iso8859-1": "latin-1", "microsoft-cp1251": "cp1251"}.get(encoding, encoding)
    return Patterns(data, encoding)


def dictionary_file(name: str) -> Path | resources.abc.Traversable:
    """Return pyphen's dictionary file ``name`` (``de_DE``).

    Found without importing pyphen where its folder is on disk: pyphen lists all its
    dictionaries as it is imported (~5 ms of CPU), and a build whose words were all kept
    (:mod:`.keptbreaks`) reads none.
    """
    spec = importlib.util.find_spec("pyphen")  # found, not imported
    for folder in (spec.submodule_search_locations or ()) if spec is not None else ():
        found = Path(folder) / "dictionaries" / f"hyph_{name}.dic"
        if found.is_file():
            return found
    return resources.files("pyphen.dictionaries") / f"hyph_{name}.dic"


@cache
def dictionary_name(language: str) -> str | None:
    """Return the name of the dictionary ``language`` takes (``de_DE``), or None."""
    parts = language.replace("_", "-").lower().split("-")
    chosen = SOURCES.get(language.lower()) or SOURCES.get(parts[0])
    if chosen is not None:
        return chosen
    import pyphen  # (listing its dictionaries: not for a language of SOURCES)

    found = pyphen.language_fallback(language.replace("-", "_"))
    return pyphen.LANGUAGES[found].name[5:-4] if found else None
