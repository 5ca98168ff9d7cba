"""The theme: colours, fonts (per script), sizes, paper and label overrides of every writer.

The values live in the built-in ``templates/theme.yaml``; this module only declares their schema
and loads them. A user templates folder may hold its own ``theme.yaml`` whose keys
override the built-in ones, key by key; errors point into whichever file said it.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, StringConstraints, model_validator
from pydantic_core import PydanticCustomError

from ..common.labels import HyphenatedWord, LabelOverrides
from ..common.language import Language
from ..common.models import Color, LanguageTag, Model, validate_data
from ..common.paper import PAPER_SIZES_MM, Paper
from ..errors import ThemeError
from .layers import load_layers

THEME_FILE = "theme.yaml"

Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
Points = Annotated[float, Field(gt=0, le=200)]
Millimetres = Annotated[float, Field(ge=0, le=100)]


class Font(Model):
    """A font: ``family`` for the PDF (installed, embedded), ``word`` for the DOCX."""

    family: Name
    word: Name


class Fonts(Model):
    """The fonts of body text, headings, code and symbols."""

    body: Font
    heading: Font
    mono: Font
    symbols: Font


MIN_TEXT_MM = 100.0  # the least width and height margins leave on any paper, either way up


class Margins(Model):
    """Page margins in millimetres.

    Together they leave at least :data:`MIN_TEXT_MM` across and down on every paper a
    build may choose (``--paper``), landscape pages included, so every writer has room
    for a table's columns and a signature line's label.
    """

    top: Millimetres
    bottom: Millimetres
    left: Millimetres
    right: Millimetres

    @model_validator(mode="after")
    def _room_left(self) -> Margins:
        side = min(min(size) for size in PAPER_SIZES_MM.values())
        for axis, total in (("left and right", self.left + self.right),
                            ("top and bottom", self.top + self.bottom)):
            if side - total < MIN_TEXT_MM:
                raise PydanticCustomError("margins", "{message}", {"message": (
                    f"{axis} together take {total:g} mm of a {side:g} mm page, leaving "
                    f"{side - total:g} mm; they may take at most {side - MIN_TEXT_MM:g} mm "
                    f"({MIN_TEXT_MM:g} mm stay for the text)")})
        return self


class Sizes(Model):
    """Type sizes in points, and the line height as a multiple of the font size."""

    body: Points
    small: Points
    title: Points
    subtitle: Points
    heading1: Points
    heading2: Points
    table: Points
    line_height: Annotated[float, Field(ge=1, le=3)]
    spacing: Annotated[float, Field(gt=0, le=4)] = Field(
        1.0, description="Multiplies the space around headings, paragraphs, lists and tables.")
    cell_padding: Annotated[float, Field(ge=0, le=36)] = Field(
        4.5, description="Points left and right of the text in a table cell.")


class Colors(Model):
    """Colours as ``#rrggbb``."""

    text: Color
    heading: Color
    accent: Color
    muted: Color
    rule: Color
    table_header: Color
    table_stripe: Color
    yes: Color
    no: Color
    partial: Color
    watermark: Color = Field("#c9d0d8", description="The watermark across every page of "
                             "a document not in force (a draft); light, so the text "
                             "stays readable through it.")


class Scripts(Model):
    """The fonts of the writing systems the body fonts lack, for PDF and DOCX.

    Latin, Greek and Cyrillic are drawn by ``fonts.body`` and ``fonts.heading``. In the
    PDF, every font stack (:meth:`Theme.font_stack`) names the body font and the font of
    the guide's own script (that one first in Chinese, Japanese and Korean), then the
    symbols font, then the others, so a word in another script still prints. In the
    DOCX, East Asian text takes the font of the guide's East Asian script
    (``w:eastAsia``), and right-to-left text the Arabic one (``w:cs``).
    """

    japanese: Font
    chinese_simplified: Font
    chinese_traditional: Font
    korean: Font
    arabic: Font
    hebrew: Font


class Fit(Model):
    """How far a build may tighten a guide to fit its pages (see :meth:`Theme.tightened`)."""

    spacing: Annotated[float, Field(gt=0, le=1)] = Field(
        0.55, description="The least share of sizes.spacing (tightened first).")
    line_height: Annotated[float, Field(ge=1, le=3)] = Field(
        1.24, description="The least line height (tightened with the spacing).")
    size: Annotated[float, Field(gt=0.5, le=1)] = Field(
        0.88, description="The least share of every type size (tightened last, for a page "
        "budget only).")
    page: Annotated[float, Field(ge=0, le=100)] = Field(
        40, description="Per cent: any other page (but one left blank, or a packet's front "
        "matter) less full than this is near-empty: the layout preflight warns.")
    last_page: Annotated[float, Field(ge=0, le=100)] = Field(
        25, description="Per cent: a last page less full than this is pulled onto the page "
        "before when a small tightening can.")


Orientation = Literal["portrait", "landscape", "auto"]
# how a printed format says where a link goes (layout/links.py)
LinkAddresses = Literal["none", "after", "endnotes", "auto"]
_TYPE_SIZES = ("body", "small", "title", "subtitle", "heading1", "heading2", "table",
               "cell_padding")


class Theme(Model):
    """Everything that styles a guide, for the PDF and the DOCX alike."""

    paper: Paper
    margins: Margins
    fonts: Fonts
    sizes: Sizes
    colors: Colors
    logo: Annotated[str, StringConstraints(pattern=r"(?i)^[^/\\].*\.(png|jpe?g)$")] | None = Field(
        None, description="A PNG or JPEG file in the templates folder, for the title block.")
    logo_height: Millimetres
    matrix_criteria_width: Annotated[float, Field(gt=5, lt=90)] = Field(
        description="Per cent of a matrix's width the criteria column would like.")
    matrix_criteria_min: Annotated[float, Field(ge=1, le=80)] = Field(
        12, description="Characters: the criteria column is never narrower (nor than its "
        "longest word).")
    matrix_criteria_screen: Annotated[float, Field(ge=10, le=90)] = Field(
        40, description="Per cent of a screen's width (a phone's 390 px and more) the "
        "HTML's criteria column may take; its longer words are hyphenated to fit.")
    matrix_column_min: Annotated[float, Field(ge=1, le=40)] = Field(
        5, description="Characters: the narrowest a subject column may get; the layout "
        "preflight warns below it.")
    table_min_rows: Annotated[int, Field(ge=1, le=10)] = Field(
        3, description="Rows: a table split across pages keeps at least this many on each "
        "side (a shorter table stays whole); the preflight warns where it could not.")
    matrix_orientation: Orientation = Field(
        "auto", description="auto turns a matrix that cannot fit on upright pages to "
        "landscape pages.")
    fit: Fit = Field(default_factory=lambda: Fit.model_validate({}))
    document_control: Literal["after-title", "end"] = Field(
        "end", description="Where a controlled document's control block goes (status, "
        "supersedes, review due, approvals, revision history): after the title block, or "
        "at the end.")
    scripts: Scripts
    labels: LabelOverrides | None = Field(  # type: ignore[valid-type]
        None, description="Printed labels that replace those of every guide's language; "
        "a guide's own labels: win.")
    hyphenation_exceptions: dict[LanguageTag, tuple[HyphenatedWord, ...]] = Field(
        default_factory=dict, description="By language (en, de, de-CH: a base language's "
        "list counts for its regions too): words hyphenated only where written with a "
        "hyphen (Fach-arzt-aus-bil-dung); a word written without one is never hyphenated. "
        "They come before the language catalogue's.")

    print_link_addresses: LinkAddresses = Field(
        "auto", description="How a PDF or DOCX says where a link goes: none; after (its "
        "address after its text, smaller); endnotes (a number after its text, the addresses "
        "by number at the end of its section); auto (after, or endnotes in a section with at "
        "least link_endnotes_from links or an address longer than a line). The HTML shows "
        "them only when printed.")
    link_endnotes_from: Annotated[int, Field(ge=1, le=1000)] = Field(
        4, description="With print_link_addresses auto: the number of links from which a "
        "section gets endnotes instead of addresses after the links.")

    def font_stack(self, role: str, language: Language) -> list[str]:
        """Return the font families that draw ``role`` text (body, heading) in ``language``.

        The role's font first, then the font of the language's script, the symbols font,
        and every other script's font: what the PDF's CSS ``font-family`` lists. In Chinese,
        Japanese and Korean the script's font comes before the body and heading fonts: its
        Latin letters and digits are drawn to sit with its own characters (a Latin font's
        look small beside them); symbols and code keep their own font first.
        """
        own = self.script_font(language)
        role_font = getattr(self.fonts, role).family
        text = role in ("body", "heading")  # a symbol or code keeps its own font first
        leading = [own.family, role_font] if own and text and language.east_asian \
            else [role_font, *([own.family] if own else [])]
        families = [*leading, self.fonts.symbols.family,
                    *(getattr(self.scripts, name).family for name in Scripts.model_fields)]
        return list(dict.fromkeys(families))

    def script_font(self, language: Language) -> Font | None:
        """Return the font of the script ``language`` is written in (None: the body font's)."""
        own = language.script
        return None if own is None else getattr(self.scripts, own)

    def word_font(self, key: str, language: Language) -> str:
        """Return the Word font of font ``key`` (body, heading) for Latin text in ``language``.

        As :meth:`font_stack` puts it for the PDF: in Chinese, Japanese and Korean, body
        and heading text's Latin letters are the script's font's, named as the PDF names
        it (Noto Sans CJK JP). LibreOffice draws Latin text in a font it lacks (Yu Gothic)
        in DejaVu Sans, whose wider digits pushed the Japanese guide onto three pages.
        """
        if language.east_asian and key in ("body", "heading"):
            return str(self.east_asian_font(language).family)
        return str(getattr(self.fonts, key).word)

    def east_asian_font(self, language: Language) -> Font:
        """Return the font DOCX text in Chinese, Japanese or Korean takes in ``language``."""
        font: Font = getattr(self.scripts, language.script if language.east_asian and
                             language.script else "japanese")
        return font

    def with_paper(self, paper: Paper | None) -> Theme:
        """Return this theme, on ``paper`` if given."""
        return self if paper is None or paper == self.paper else self.model_copy(
            update={"paper": paper})

    def tightened(self, level: float) -> Theme:
        """Return this theme tightened to ``level``: 0 is as it is, 2 as tight as ``fit`` allows.

        From 0 to 1 the spacing and the line height move to their bounds in ``fit`` (a
        small tightening); from 1 to 2 every type size moves down to its floor as well.
        Values are rounded, so a level always gives the same CSS and Word styles.
        """
        if level <= 0:
            return self
        sizes, fit = self.sizes, self.fit
        first = min(level, 1.0)
        scale = 1 - (min(level, 2.0) - first) * (1 - fit.size)
        changed: dict[str, float] = {
            name: round(getattr(sizes, name) * scale, 2) for name in _TYPE_SIZES}
        # the space between blocks (points in the style sheet) shrinks with the type too
        changed["spacing"] = round(sizes.spacing * (1 - first * (1 - fit.spacing)) * scale, 3)
        changed["line_height"] = round(
            sizes.line_height - first * max(0.0, sizes.line_height - fit.line_height), 3)
        return self.model_copy(update={"sizes": sizes.model_copy(update=changed)})

    @property
    def page_size_mm(self) -> tuple[float, float]:
        """Return the paper's (width, height) in millimetres."""
        return PAPER_SIZES_MM[self.paper]


def load_theme(folders: Sequence[Path]) -> Theme:
    """Return the theme merged from ``theme.yaml`` in ``folders``, the first one winning."""
    data, source = load_layers(folders, THEME_FILE, "theme keys")
    return validate_data(data, source, Theme, ThemeError)
