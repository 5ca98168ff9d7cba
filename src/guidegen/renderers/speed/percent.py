"""A speed trick of the renderers (see :mod:`.speed`): a box's used lengths set with less Python.

WeasyPrint's layout calls ``weasyprint.layout.percent.resolve_percentages`` for each box
it lays out (about 1,250 times per layout of a guide, more for each page a box is laid out
on): fourteen lengths (margins, paddings, width, height and their limits), each through
``resolve_one_percentage`` and ``percentage``, two calls per length, plus a ``getattr`` of
the unit. :func:`_resolve_percentages` does the same in one function: a length in ``px``
(any unit but ``%``: WeasyPrint's computed lengths are pixels) is its value, a percentage
``refer_to * value / 100`` as WeasyPrint writes it (the same floats), and anything else
(``auto``, ``None``, a math function) goes to WeasyPrint's own ``percentage``. The box's
attributes are set in WeasyPrint's order, and the rest (the height of a box whose
containing block's height is ``auto``, the border widths, ``box-sizing``) is WeasyPrint
70.0's code as it is. Nothing is kept between calls. With any other version, or where a
module no longer holds WeasyPrint's function, :func:`install` does nothing.
``tests/test_percent.py`` compares every length it sets with WeasyPrint's own.

Measured (callgrind): the default guide's two layouts, laid out again in one process,
1.173G -> 1.137G instructions (-3%, with :mod:`.computed`; 1.332G with neither); each
call 8.5 -> 6.5 us of CPU (the calls of those layouts replayed, load 5). The PDFs are
the same bytes.
"""

from __future__ import annotations

from math import inf
from typing import Any

_STATE = {"installed": 0}
_REAL: list[Any] = []  # WeasyPrint's resolve_percentages, once installed
_W: dict[str, Any] = {}  # WeasyPrint's names this reads, once installed
# the modules of weasyprint.layout that call resolve_percentages by their own name
USERS = ("absolute", "block", "column", "float", "grid", "inline", "page", "percent", "table")
_MINIMA = ("min_width", "min_height")


def install() -> None:
    """Have WeasyPrint's layout set a box's used lengths with less Python (see above)."""
    import importlib

    import weasyprint
    import weasyprint.layout.percent as percent

    real = percent.resolve_percentages
    modules = [importlib.import_module(f"weasyprint.layout.{name}") for name in USERS]
    if _STATE["installed"] or weasyprint.__version__ != "70.0" \
            or any(module.resolve_percentages is not real for module in modules):
        return  # done, or not the WeasyPrint this was written for
    from weasyprint.css.functions import check_math
    from weasyprint.formatting_structure.boxes import Box, PageBox

    _W.update(percentage=percent.percentage, adjust=percent.adjust_box_sizing,
              check_math=check_math, Box=Box, PageBox=PageBox)
    _REAL.append(real)
    _STATE["installed"] = 1
    for module in modules:
        module.resolve_percentages = _resolve_percentages  # type: ignore[attr-defined]


def _resolve_percentages(box: Any, containing_block: Any) -> None:
    """Set the used values of ``box``'s lengths as WeasyPrint 70.0 does (see above)."""
    if isinstance(containing_block, _W["Box"]):
        cb_width = containing_block.width
        cb_height = containing_block.height
    else:
        cb_width, cb_height = containing_block
    maybe_height = cb_height if isinstance(box, _W["PageBox"]) else cb_width
    style = box.style
    _lengths(box, style, (
        ("margin_left", cb_width), ("margin_right", cb_width), ("margin_top", maybe_height),
        ("margin_bottom", maybe_height), ("padding_left", cb_width),
        ("padding_right", cb_width), ("padding_top", maybe_height),
        ("padding_bottom", maybe_height), ("width", cb_width), ("min_width", cb_width),
        ("max_width", cb_width)))
    if cb_height == "auto":  # WeasyPrint's code
        height = style["height"]
        if height == "auto" or _W["check_math"](height) or height.unit == "%":
            box.height = "auto"
        else:
            assert height.unit.lower() == "px"
            box.height = height.value
        _lengths(box, style, (("min_height", 0), ("max_height", inf)))
    else:
        _lengths(box, style, (("height", cb_height), ("min_height", cb_height),
                              ("max_height", cb_height)))
    collapse = style["border_collapse"] == "collapse"
    for prop in ("border_top_width", "border_right_width", "border_bottom_width",
                 "border_left_width"):
        if not (collapse and hasattr(box, prop)):
            setattr(box, prop, style[prop])
    _W["adjust"](box, "width")
    _W["adjust"](box, "height")


def _lengths(box: Any, style: Any, lengths: tuple[tuple[str, Any], ...]) -> None:
    """Set ``box``'s used ``lengths`` (name, length for 100%) as ``resolve_one_percentage`` does."""
    percentage = _W["percentage"]
    for name, refer_to in lengths:
        value = style[name]
        unit = getattr(value, "unit", None)
        if unit is None:  # auto, None or a math function: WeasyPrint's way
            used = percentage(value, style, refer_to)
        elif unit == "%":
            used = refer_to * value.value / 100
        else:
            used = value.value
        setattr(box, name, used)
        if used == "auto" and name in _MINIMA:
            setattr(box, name, 0)
