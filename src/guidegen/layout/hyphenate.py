"""Where a printed word may be hyphenated, decided once, as soft hyphens in the tree's text.

Every writer breaks a word only where the layout put a soft hyphen (U+00AD): the PDF
(its CSS says ``hyphens: manual``), Word and LibreOffice (the DOCX turns automatic
hyphenation off and writes each soft hyphen as an optional hyphen), and a browser. So
the PDF and the DOCX hyphenate alike, by the same rules:

* the patterns of the text's language (:mod:`.patterns`), or the theme's and the
  language catalogue's ``hyphenation_exceptions`` (``Fach-arzt-aus-bil-dung``: break
  only there; a word without a hyphen: never); a long chemical name breaks between
  its parts (:mod:`.chemistry`: "hydroxy-propyl-methyl-cellulose");
* at least three letters before and after a break, in words of six letters or more;
* never a mark's word, code, a web or e-mail address, an acronym or a name (a letter
  in capitals after the first: ``CDMO``, ``eQMS``, ``EudraGMDP``), a capitalised word in
  a language that does not capitalise its nouns (``Boehringer``), a word with a digit
  next to a letter or joined to others by ``_``, ``@``, ``/`` or a dot (codes, file
  names); a chemical name's parts between hyphens are words ("2-Hydroxypropyl-β-cyclo-
  dextrin");
* in a table cell, only a word wider than its column: one that fits whole on a line of
  its cell goes to the next line whole ("Study Director", never "Study Dir-ector"); a
  matrix's criteria column counts as no wider than the theme's
  ``matrix_criteria_screen`` share of a phone's screen, the most the HTML gives it there;
* a word the author gave soft hyphens keeps exactly those;
* text in a role whose style says ``hyphenate: false``, or sets it in capitals or with
  letter spacing, is left as it is.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Iterable, Sequence
from functools import cache, cached_property

from ..common.language import Language, subtags
from ..theme.locales import catalogue_for, load_catalogue
from ..theme.resolve import ParagraphLook, Styles
from ..theme.theme import Theme
from ..tree import (
    Block,
    Cell,
    Code,
    Emph,
    Inline,
    Link,
    ListBlock,
    Paragraph,
    Section,
    Span,
    Strong,
    Table,
    Text,
)
from . import keptbreaks
from .chemistry import chemical_breaks
from .metrics import Face, Measure
from .patterns import Patterns, dictionary_name, patterns_for
from .widths import text_widths

SOFT_HYPHEN = "\u00ad"
SHORTEST = 6  # letters: a shorter word is never hyphenated
SIDE = 3  # letters: the least before and after a break
# languages that capitalise their nouns: a capital letter there says nothing of a name
CAPITALISED_NOUNS = frozenset({"de", "lb", "gsw"})
PHONE = 292.5  # points: a phone's screen (390 CSS pixels), the narrowest the HTML is fitted to
_TOKEN = re.compile(r"\S+")
_WORD = re.compile(r"[^\W\d_]+")
# a code, a file name or an address: a digit next to a letter ("B12", not the "2-" of
# "2-Hydroxypropyl-β-cyclodextrin"), "_", "@", a slash, a dot between letters, "://"
_CODE_LIKE = re.compile(r"[^\W\d_]\d|\d[^\W\d_]|[_@/\\]|\w\.\w|://")
_KEPT_SPANS = frozenset({"mark-yes", "mark-no", "mark-partial", "symbol", "who", "label"})
_SPAN_OF = {Strong: "strong", Emph: "emph"}

Fits = Callable[[str, Face], bool]


class Hyphenator:
    """The break points of one language's words, its exceptions first."""

    def __init__(self, language: Language, exceptions: Iterable[str] = ()) -> None:
        self.tag = language.tag
        self.nouns = language.base in CAPITALISED_NOUNS
        self.listed = tuple(exceptions)
        self.exceptions: dict[str, tuple[int, ...]] = {}
        # each word's breaks, once per process (and those a build here kept: .keptbreaks)
        self.found: dict[str, tuple[int, ...]] = {}
        self.kept = 0  # how many of them the cache folder holds
        for written in self.listed:
            pieces = written.split("-")
            points = [sum(len(piece) for piece in pieces[:n]) for n in range(1, len(pieces))]
            self.exceptions["".join(pieces).lower()] = tuple(points)

    @cached_property
    def patterns(self) -> Patterns | None:
        """Return the language's patterns, parsed when a word first needs them."""
        return patterns_for(self.tag)

    @property
    def active(self) -> bool:
        """Return whether this language hyphenates at all (it has patterns)."""
        return dictionary_name(self.tag) is not None

    def load_kept(self) -> None:
        """Take the breaks a build here kept for this language and these exceptions."""
        self.found.update(keptbreaks.load(self.tag, self.listed))
        self.kept = len(self.found)

    def keep(self) -> None:
        """Keep the breaks found for the next process, if any are new."""
        if len(self.found) > self.kept:
            keptbreaks.save(self.tag, self.listed, self.found)
            self.kept = len(self.found)

    def breaks(self, word: str) -> tuple[int, ...]:
        """Return where ``word`` may break (letters before each point); () if it may not."""
        found = self.found.get(word)
        if found is None:
            found = self.found[word] = self._breaks(word)
        return found

    def _breaks(self, word: str) -> tuple[int, ...]:
        listed = self.exceptions.get(word.lower())
        if listed is not None:
            return listed
        if len(word) < SHORTEST or not self.may_break(word):
            return ()
        patterns = self.patterns
        if patterns is None:
            return ()
        points = chemical_breaks(word, lambda part: tuple(patterns.breaks(part))) or \
            patterns.breaks(word)
        return tuple(point for point in points if SIDE <= point <= len(word) - SIDE)

    def may_break(self, word: str) -> bool:
        """Return whether ``word`` is one that is hyphenated at all: not an acronym or a name."""
        if any(char.isupper() for char in word[1:]):
            return False
        return self.nouns or not word[0].isupper()

    def text(self, text: str, fits: Callable[[str], bool] | None = None) -> str:
        """Return ``text`` with a soft hyphen at each break point of its words.

        ``fits``: a word for which it says True (it fits whole on a line) is left whole.
        """
        if not self.active and not self.exceptions:
            return text
        return _TOKEN.sub(lambda token: self._token(token.group(), fits), text)

    def _token(self, token: str, fits: Callable[[str], bool] | None) -> str:
        if SOFT_HYPHEN in token or _CODE_LIKE.search(token):
            return token
        return _WORD.sub(lambda word: self._word(word.group(), fits), token)

    def _word(self, word: str, fits: Callable[[str], bool] | None) -> str:
        points = self.breaks(word)
        if not points or (fits is not None and fits(word)):
            return word
        pieces = [word[a:b] for a, b in zip((0, *points), (*points, len(word)), strict=True)]
        return SOFT_HYPHEN.join(pieces)


@cache
def hyphenator(language: Language, exceptions: tuple[str, ...] = ()) -> Hyphenator:
    """Return the hyphenator of ``language`` with ``exceptions`` (one per process and list).

    It starts with the breaks a build here kept for them (:mod:`.keptbreaks`).
    """
    found = Hyphenator(language, exceptions)
    found.load_kept()
    return found


class TreePass:
    """Puts soft hyphens into the text of a tree's blocks, by the rules above."""

    def __init__(self, hyphenator: Hyphenator, styles: Styles, language: Language) -> None:
        self.hyphenator = hyphenator
        self.styles = styles
        self.measure = Measure(styles.theme, language)
        self.upright, self.turned = text_widths(styles.theme)

    def blocks(self, blocks: Sequence[Block], turned: bool = False,
               depth: int = 0) -> tuple[Block, ...]:
        """Return ``blocks`` hyphenated (``turned``: on landscape pages; ``depth``: of lists)."""
        return tuple(self.block(block, turned, depth) for block in blocks)

    def block(self, block: Block, turned: bool, depth: int) -> Block:
        """Return one block hyphenated."""
        if isinstance(block, Paragraph):
            return self.paragraph(block, block.role or "body")
        if isinstance(block, ListBlock):
            role = self.styles.list_level(block.ordered, depth).role
            items = tuple(tuple(
                self.paragraph(child, role) if isinstance(child, Paragraph)
                else self.block(child, turned, depth + 1) for child in item)
                for item in block.items)
            return dataclasses.replace(block, items=items)
        if isinstance(block, Table):
            return self.table(block, turned)
        if isinstance(block, Section):
            if block.role == "guide":  # a guide in a packet: laid out in its own language
                return block
            turned = turned or block.orientation == "landscape"
            return dataclasses.replace(block, children=self.blocks(block.children, turned,
                                                                   depth))
        return block

    def paragraph(self, paragraph: Paragraph, role: str) -> Paragraph:
        """Return ``paragraph`` hyphenated as paragraph role ``role`` says."""
        if not _hyphenates(self.styles.paragraph(role)):
            return paragraph
        return dataclasses.replace(paragraph, inlines=self.inlines(paragraph.inlines))

    def table(self, table: Table, turned: bool) -> Table:
        """Return ``table`` with its long words hyphenated: only those wider than their column."""
        look = self.styles.tables.get(table.role or "")
        if look is None:
            return table
        width = (self.turned if turned else self.upright)
        inner = [width * share - 2 * look.padding_horizontal for share in table.widths]
        if inner and table.role == "matrix":  # the criteria column, also on a phone's screen
            share = self.styles.theme.matrix_criteria_screen / 100
            inner[0] = min(inner[0], PHONE * share - 2 * look.padding_horizontal)
        cells = look.cells
        head = tuple(self.cell(cell, cells.corner if cell.role == "corner" else cells.head,
                               cells.row_note, inner[n])
                     for n, cell in enumerate(table.head))
        rows = tuple(tuple(
            self.cell(cell, cells.row_head if cell.header else cells.body,
                      cells.row_note if cell.header else cells.cell_note, inner[n])
            for n, cell in enumerate(row)) for row in table.rows)
        return dataclasses.replace(table, head=head, rows=rows)

    def cell(self, cell: Cell, role: str, note_role: str, width: float) -> Cell:
        """Return one cell hyphenated: its words wider than ``width`` points, a mark's never."""
        if cell.role == "mark":
            return cell
        text, note = (self.styles.paragraph(name) for name in (role, note_role))

        def fits(word: str, face: Face) -> bool:
            return self.measure.width(word, face) <= width

        return dataclasses.replace(
            cell,
            inlines=self.inlines(cell.inlines, Face.of(text), fits)
            if _hyphenates(text) else cell.inlines,
            note=self.inlines(cell.note, Face.of(note), fits) if _hyphenates(note) else cell.note)

    def inlines(self, inlines: Sequence[Inline], face: Face | None = None,
                fits: Fits | None = None) -> tuple[Inline, ...]:
        """Return ``inlines`` hyphenated; ``fits`` (with ``face``) keeps words that fit whole."""
        return tuple(self.inline(node, face, fits) for node in inlines)

    def inline(self, node: Inline, face: Face | None, fits: Fits | None) -> Inline:
        """Return one inline node hyphenated."""
        if isinstance(node, Text):
            check = None if fits is None or face is None else (lambda word: fits(word, face))
            return Text(self.hyphenator.text(node.text, check))
        if isinstance(node, Code):
            return node
        if isinstance(node, Link):
            if node.shows_address:
                return node  # an address prints as it is
            return dataclasses.replace(node, children=self.inlines(node.children, face, fits))
        if isinstance(node, Span):
            if node.role in _KEPT_SPANS:
                return node
            inner = self._within(face, node.role)
            return dataclasses.replace(node, children=self.inlines(node.children, inner, fits))
        if isinstance(node, Strong | Emph):
            inner = self._within(face, _SPAN_OF[type(node)])
            return dataclasses.replace(node, children=self.inlines(node.children, inner, fits))
        return node

    def _within(self, face: Face | None, role: str) -> Face | None:
        span = self.styles.spans.get(role)
        return face.within(span) if face is not None and span is not None else face


def _hyphenates(look: ParagraphLook) -> bool:
    """Return whether text of ``look`` is hyphenated: it says so, in capitals not spaced out.

    Capitals (a label) and spaced letters (where a soft hyphen would open a gap) never are.
    """
    return look.hyphenate and not look.caps and not look.letter_spacing


def exceptions_for(language: Language, theme: Theme) -> tuple[str, ...]:
    """Return the hyphenation exceptions of ``language``: the theme's, then its catalogue's.

    The theme's lists of the language's tag and of its base language (``de`` for
    ``de-CH``) both count, the more specific first.
    """
    parts = subtags(language.tag)
    listed = {tag.lower(): words for tag, words in theme.hyphenation_exceptions.items()}
    found: list[str] = []
    for end in range(len(parts), 0, -1):
        found += listed.get("-".join(parts[:end]), ())
    tag = catalogue_for(language.tag)
    if tag is not None:
        found += load_catalogue(tag).hyphenation_exceptions
    return tuple(found)


def hyphenate_blocks(blocks: Sequence[Block], styles: Styles,
                     language: Language) -> tuple[Block, ...]:
    """Return ``blocks`` (in ``language``) with soft hyphens where their words may break."""
    found = hyphenator(language, exceptions_for(language, styles.theme))
    if not found.active and not found.exceptions:
        return tuple(blocks)
    hyphenated = TreePass(found, styles, language).blocks(blocks)
    found.keep()
    return hyphenated
