"""A fitted guide's DOCX written once, its level's Word styles put in (issue 16).

A build that fits its guide to its pages prepares the DOCX beside the PDF's first layout,
at the theme's spacing, then again at the level the fitter tries, beside that try: the
second was on the build's critical path. What the level changes in a DOCX whose tree is
the same at both levels is the Word styles (``word/styles.xml``), the space the writer
gives blocks as direct formatting (:meth:`.spacing.BlockSpacing.relevel`) and the
header's and footer's distance from the paper's edge (:func:`guidegen.renderers.docx.
set_page`), up to a small tightening (level 1: spacing and line height; past it the
type shrinks, and the body with it): the body written at one level takes another's by
swapping in that level's styles part, where the two generated reference documents
differ in nothing else.
The default guide's second DOCX: ~190 ms of CPU before (a reference document and the
body written again), ~75 now (the level's reference document, made once per level,
and the swap); measured with bench/critical.py (see bench/README.md).
"""

from __future__ import annotations

import io
import zipfile
from typing import Any

from ...common.validated import plain
from ...theme.resolve import Styles
from . import oxml

STYLES_PART = "word/styles.xml"


def same_type(one: Styles, other: Styles) -> bool:
    """Return whether two levels of a style sheet differ in spacing and line height only.

    Past a small tightening the type sizes shrink too, and the body with them: the
    widths of a fields block's columns are measured in its type.
    """
    spaced = {"spacing", "line_height"}
    one_sizes, other_sizes = plain(one.theme.sizes), plain(other.theme.sizes)
    return {k: v for k, v in one_sizes.items() if k not in spaced} == \
        {k: v for k, v in other_sizes.items() if k not in spaced}


def same_but_styles(one: bytes, other: bytes) -> bool:
    """Return whether two reference documents (DOCX bytes) differ in their styles part only."""
    with zipfile.ZipFile(io.BytesIO(one)) as a, zipfile.ZipFile(io.BytesIO(other)) as b:
        names = a.namelist()
        return names == b.namelist() and STYLES_PART in names and all(
            a.read(name) == b.read(name) for name in names if name != STYLES_PART)


def swap_styles(word: Any, reference: bytes) -> None:
    """Give ``word`` the styles part of ``reference`` (DOCX bytes), as if made from it."""
    with zipfile.ZipFile(io.BytesIO(reference)) as package:
        oxml.replace_styles(word, package.read(STYLES_PART))
