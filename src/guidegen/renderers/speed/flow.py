"""A speed trick of the renderers (see :mod:`.speed`): "is this box in normal flow?" in one call.

WeasyPrint's layout asks ``Box.is_in_normal_flow`` about 5,000 times per layout of a guide
(each child of each block, line and table it lays out, again on each page and try), and
each answer calls five methods, ``is_floated``, ``is_absolutely_positioned``,
``is_running``, ``is_footnote`` and ``is_note``, each reading the box's style.
:func:`_is_in_normal_flow` reads the same two values in one function: ``float`` (not
``left``, ``right``, ``inline-start``, ``inline-end`` nor ``footnote``), then ``position``
(not ``absolute`` nor ``fixed``, and not ``running()`` nor ``note()``), in WeasyPrint's
order, stopping where WeasyPrint stops (a floated box's ``position`` is not read), so
each style computes the same values in the same order.

This is WeasyPrint 70.0's code inlined; :func:`install` does nothing with any other
version, or where any box class defines one of those six methods itself (one would answer
otherwise). ``tests/test_flow.py`` compares the answer for every box of several documents.

Measured (callgrind, which does not depend on the machine's load): the default and German
guides' four layouts, laid out again in one process, 2175M -> 2109M instructions (-3.1%,
after :mod:`.cascade`'s waiting pseudo-elements); the first pass in a fresh process, with
the imports, 4951M -> 4890M. The PDFs are the same bytes.
"""

from __future__ import annotations

from typing import Any

_STATE = {"installed": 0}
_REAL: list[Any] = []  # WeasyPrint's Box.is_in_normal_flow, once installed
_ASKED = ("is_in_normal_flow", "is_floated", "is_absolutely_positioned", "is_running",
          "is_footnote", "is_note")
_FLOATED = ("left", "right", "inline-start", "inline-end")


def install() -> None:
    """Have WeasyPrint answer ``Box.is_in_normal_flow`` in one call (see above)."""
    import weasyprint
    from weasyprint.formatting_structure.boxes import Box

    if _STATE["installed"] or weasyprint.__version__ != "70.0" \
            or Box.is_in_normal_flow.__module__ != "weasyprint.formatting_structure.boxes" \
            or any(name in vars(cls) for cls in _subclasses(Box) for name in _ASKED):
        return  # done, or not the WeasyPrint this was written for
    _REAL.append(Box.is_in_normal_flow)
    _STATE["installed"] = 1
    Box.is_in_normal_flow = _is_in_normal_flow


def _subclasses(cls: type) -> list[type]:
    """Return every subclass of ``cls``, at any depth."""
    found: list[type] = []
    subclasses: list[type] = cls.__subclasses__()
    for sub in subclasses:
        found += [sub, *_subclasses(sub)]
    return found


def _is_in_normal_flow(self: Any) -> bool:
    """Return whether box ``self`` is in normal flow, as WeasyPrint 70.0 answers it."""
    style = self.style
    floated = style["float"]
    if floated in _FLOATED:
        return False  # is_floated
    position = style["position"]
    return not (position in ("absolute", "fixed") or position[0] == "running()"
                or floated == "footnote" or position[0] == "note()")
