"""Every printed label of a guide, resolved once, in the guide's language.

A label comes from, first to last: the guide's ``labels:``, the theme's ``labels:``, the
message catalogue of the guide's language (``guidegen/locales/<tag>.yaml``), that of its
base language (``de-CH`` → ``de``), and English, with a located warning, never a key
name. Dates and lists are written the way the language writes them, by Babel (CLDR);
Babel is imported only when a date or a list is first formatted, so ``guidegen --help``
and up-to-date builds never load it, and a date in a built-in language is written from
the table :mod:`.cldr` keeps of Babel's patterns and month names (a cold build never
imports Babel then).
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any

from ..common.labels import LabelTexts, fill
from ..common.language import Language
from ..common.validated import plain, validated
from ..errors import Location, warn
from ..theme.locales import catalogue_for, catalogue_tags, load_catalogue
from . import cldr

if TYPE_CHECKING:
    from ..content.model import Guide
    from ..theme import Templates

FALLBACK = "en"
@dataclass(frozen=True)
class Labels:
    """The labels of one guide, and how its language writes dates, lists and quotes.

    ``texts`` holds every label (:class:`~guidegen.common.labels.LabelTexts`);
    ``language`` is the guide's; ``locales`` are the tags Babel tries, in order.
    """

    texts: LabelTexts
    language: Language
    locales: tuple[str, ...] = (FALLBACK,)

    def date(self, day: datetime.date, length: str = "long") -> str:
        """Return ``day`` written out: "24. November 2026", "2026年11月24日".

        ``length`` is CLDR's: "long", or "medium" where room is short ("24.11.2026").
        In a built-in language the table :mod:`.cldr` keeps writes it as Babel would.
        """
        written = cldr.date(self.locales[0], day, length)
        if written is not None:
            return written
        from babel.dates import format_date

        return str(format_date(day, length, locale=_babel_locale(self.locales)))

    def date_pattern(self) -> str:
        """Return the pattern :meth:`date` writes dates in (CLDR's: "d. MMMM y")."""
        found = cldr.pattern(self.locales[0])
        if found is not None:
            return found
        from babel.dates import get_date_format

        return str(get_date_format("long", locale=_babel_locale(self.locales)).pattern)

    def join(self, names: Sequence[str]) -> str:
        """Return ``names`` as the language lists them: "A, B, and C", "A, B und C"."""
        from babel.lists import format_list

        return str(format_list(list(names), locale=_babel_locale(self.locales)))

    def quote(self, text: str) -> str:
        """Return ``text`` in the language's quotation marks."""
        return fill(self.texts.quoted, text=text)

    def caption(self, label: str) -> tuple[str, str]:
        """Return ``label`` with the language's colon, and the space that follows it.

        "Key" → ("Key:", " "); in French ("Légende\u00a0:", " "); in Japanese ("凡例：", "").
        """
        colon = self.texts.colon
        head = colon.rstrip(" ")
        return label + head, colon[len(head):]

    def page_parts(self, key: str = "page") -> tuple[tuple[str, str], ...]:
        """Return a page label (``"Page {page} of {pages}"``) as text and counter parts."""
        import re

        pieces = re.split(r"\{(page|pages)\}", getattr(self.texts, key))
        return tuple(("text", piece) if i % 2 == 0 else (piece, "")
                     for i, piece in enumerate(pieces) if piece or i % 2)


@cache
def _babel_locale(tags: tuple[str, ...]) -> Any:
    """Return Babel's locale for the first of ``tags`` it knows (English if none)."""
    from babel import Locale, UnknownLocaleError

    for tag in tags:
        try:
            return Locale.parse(tag.replace("-", "_"))
        except (UnknownLocaleError, ValueError):
            continue
    return Locale.parse(FALLBACK)


def resolve_labels(language: Language, *overrides: Any, where: Location | None = None,
                   what: str = "", key: str = "guide.language") -> Labels:
    """Return the labels of a guide in ``language``, with ``overrides`` (first wins).

    Each override is a ``labels:`` model (or None). A language without a catalogue, nor
    one for its base language, gets English and a warning at ``where``, about the key
    ``key`` (the dotted path that names the language).
    """
    tag = catalogue_for(language.tag)
    locales: tuple[str, ...] = (language.tag, tag or FALLBACK)
    if tag is None:
        if where is not None:
            warn(where, f"no labels for language {language.tag!r}{what}; printing them in "
                 f"English (built in: {', '.join(catalogue_tags().values())})", key)
        tag, locales = FALLBACK, (FALLBACK,)
    values = plain(load_catalogue(tag).labels)
    for override in reversed([o for o in overrides if o is not None]):
        values.update(plain(override, exclude_none=True))
    return Labels(validated(LabelTexts, values, f"labels {tag}"), language, locales)


def labels_for(guide: Guide, templates: Templates, language: Language) -> Labels:
    """Return the labels of ``guide``: in its language, else ``language`` (the project's)."""
    info = guide.guide
    if info.language:
        where, what = guide.locate("guide", "language"), ""
    else:
        where, what = guide.locate("guide"), " (the project's language; the guide names none)"
    own = Language.of(info.language) if info.language else language
    return resolve_labels(own, guide.labels, templates.theme.labels,
                          where=where or Location(info.title), what=what)


#: how a control line may write its effective date, longest first (CLDR's lengths)
DATED = ("long", "medium")


def control_line(document: Any, labels: Labels, dated: str | None = DATED[0]) -> str:
    """Return a controlled document's line for every page's footer.

    Number, version, effective date ("Effective 24 November 2026"), print notice.
    ``document`` is a guide's or a packet's ``document`` block (None: no line); ``dated``
    is the CLDR length the date is written in (one of :data:`DATED`): "medium"
    ("Effective 24 Nov 2026") where room is short, as in a packet's footer; None: no
    date (a packet's footer without room for it).
    """
    if document is None:
        return ""
    texts = labels.texts
    parts = [document.number, f"{texts.version} {document.version}"]
    if document.effective and dated:
        parts.append(f"{texts.effective} {labels.date(document.effective, dated)}")
    notice = [document.print_notice] if document.print_notice else []
    return texts.separator.join(parts + notice)

