"""A speed trick of the renderers (see :mod:`.speed`): uncascaded values computed with less Python.

WeasyPrint computes an element's style lazily: ``weasyprint.css.ComputedStyle.__missing__``
makes each property's computed value when the layout first reads it, about 16,000 times
per layout of a guide. Most of those properties are not in the element's cascaded style
(no rule set them), and then the value is the parent's computed value (an inherited
property) or the initial value (computed by WeasyPrint's function for the few whose
initial value is not computed yet); yet each call also makes the CSS name of the key,
compares the value with ``'inherit'``/``'initial'`` several times and looks for math
functions in it. This :func:`_missing` answers those two cases directly and hands every
other call to WeasyPrint's own ``__missing__``:

* an inherited property not in the cascaded style, on an element with a parent, whose
  parent's value holds no math function (``check_math``): the parent's value, kept, as
  WeasyPrint keeps it (a value with one goes to WeasyPrint, which may warn about it);
* a property that is not inherited, nor ``page``, ``position``, ``float``, ``display`` or a
  text decoration (each has its own rule), whose initial value holds no math function,
  not in the cascaded style, nor (for a physical property: ``margin_left``...) its
  logical property for the element's ``direction`` (read as WeasyPrint reads it): the
  initial value, computed as WeasyPrint computes it where it is not computed already.

Everything else (cascaded values, ``var()``, the root element, custom properties) is
WeasyPrint's. This is WeasyPrint 70.0's ``__missing__`` for those cases, step by step;
with any other version :func:`install` does nothing. ``tests/test_computed.py`` compares
every computed value with WeasyPrint's own, read in two orders.

Measured (callgrind, which does not depend on the machine's load): the default guide's
two layouts, laid out again in one process, 1.332G -> 1.173G instructions (-12%); its
first two in a fresh process (with the imports) 3.495G -> 3.335G. Six of seven calls take
one of the two short cuts. The PDFs are the same bytes.
"""

from __future__ import annotations

from typing import Any

_STATE = {"installed": 0, "inherited": 0, "initial": 0, "theirs": 0}
_REAL: list[Any] = []  # WeasyPrint's ComputedStyle.__missing__, once installed
_INHERITED: set[str] = set()  # inherited properties
_INITIAL: dict[str, Any] = {}  # properties answered by their initial value: logical function
_LOGICAL: dict[tuple[str, str], str] = {}  # (physical property, direction): logical property
_SPECIAL = ("page", "position", "float", "display")  # properties with a rule of their own
_W: dict[str, Any] = {}  # WeasyPrint's names this reads, once installed


def install() -> None:
    """Have WeasyPrint answer uncascaded properties with less Python (see above)."""
    import weasyprint
    import weasyprint.css as css

    real = css.ComputedStyle.__missing__
    if _STATE["installed"] or weasyprint.__version__ != "70.0" \
            or real.__module__ != "weasyprint.css":
        return  # done, or not the WeasyPrint this was written for
    from weasyprint.css.computed_values import COMPUTER_FUNCTIONS, PHYSICAL_FUNCTIONS
    from weasyprint.css.functions import check_math
    from weasyprint.css.properties import INHERITED, INITIAL_NOT_COMPUTED, INITIAL_VALUES

    _INHERITED.update(key for key in INHERITED if key in INITIAL_VALUES
                      and key not in PHYSICAL_FUNCTIONS and key not in _SPECIAL
                      and not key.startswith("text_decoration_"))
    _INITIAL.update((key, PHYSICAL_FUNCTIONS.get(key)) for key, value in INITIAL_VALUES.items()
                    if key not in INHERITED and key not in _SPECIAL
                    and not key.startswith(("text_decoration_", "__"))
                    and not check_math(value))
    _W.update(computers=COMPUTER_FUNCTIONS, not_computed=INITIAL_NOT_COMPUTED,
              initial=INITIAL_VALUES, check_math=check_math)
    _REAL.append(real)
    _STATE["installed"] = 1
    css.ComputedStyle.__missing__ = _missing


def _missing(self: Any, key: str) -> Any:
    """Return ``self``'s computed value of ``key`` as WeasyPrint 70.0 computes it (see above)."""
    cascaded = self.cascaded
    if key in cascaded:
        _STATE["theirs"] += 1
        return _REAL[0](self, key)
    if key in _INHERITED:
        parent = self.parent_style
        if parent is not None:
            value = self[key] = parent[key]
            if type(value) is str or not _W["check_math"](value):
                _STATE["inherited"] += 1
                return value
            del self[key]  # a math function in it: WeasyPrint's way
        _STATE["theirs"] += 1
        return _REAL[0](self, key)
    if key not in _INITIAL:
        _STATE["theirs"] += 1
        return _REAL[0](self, key)
    physical = _INITIAL[key]
    if physical is not None:  # WeasyPrint looks for the logical property first
        direction = self["direction"]
        logical = _LOGICAL.get((key, direction))
        if logical is None:
            logical = physical(block="ttb", inline=direction)
            if type(direction) is str:
                _LOGICAL[key, direction] = logical
        if logical in cascaded:
            _STATE["theirs"] += 1
            return _REAL[0](self, key)
    _STATE["initial"] += 1
    value = _W["initial"][key]
    if key not in _W["not_computed"]:  # the initial value is the computed one
        self[key] = value
        return value
    computers = _W["computers"]
    if key in computers:
        value = computers[key](self, key, value)
    self[key] = value
    return value
