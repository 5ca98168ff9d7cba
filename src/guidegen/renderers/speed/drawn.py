"""A speed trick of the HTML renderer (see :mod:`.speed`): the HTML Jinja drew, kept.

Before a cold build hands the PDF helper its HTML, the main process imports Jinja and
draws the document's HTML with it (:func:`guidegen.renderers.html.render_html`); a
fitted guide draws it again at its hinted level after the hand-off. What it draws
depends only on the document tree, the template folders' files, the style sheet and
theme resolved (their digest), which places in the content are known already, whether
the elements are tagged with them, guidegen's code and Jinja's and MarkupSafe's. So the
HTML and the places it tagged are kept in the cache folder (:mod:`guidegen.common.remember`:
pickled under a key holding all of these, sealed, read only where a build wrote it,
bounded) and the next process that draws the same takes them: it imports no Jinja.
Nothing is kept where the template folders' digest is not known, nor what failed to
draw: every template error is met, located, as before.

Measured (CPU, main process, ``bench/critical.py`` in turns with the code before): see
:data:`MEASURED`.
"""

from __future__ import annotations

import importlib.util
import pickle
from collections.abc import Callable
from typing import TYPE_CHECKING

from ...common.remember import code, digest, file_of, recall, remember

if TYPE_CHECKING:
    from ...errors import Location
    from ...tree import Document
    from .. import RenderContext

MEASURED = ("default guide, --force, bench/critical.py --runs 9 in turns with 0d4ec50, "
            "load 8: main's CPU to the hand-off 256 ms (min; median 277) instead of 278 "
            "(301), Jinja's import and the drawing; the whole main process 417 (451) "
            "instead of 451 (487), the hinted level's drawing too")
_FORMAT = 1  # of the key; raised when what is kept changes
_LIBRARIES = ("jinja2", "markupsafe")  # what draws besides guidegen's code
# kept at most: the last so many drawings, their bytes, dropped after so many new ones
_BOUND = (64, 32 << 20, 16)

Drawing = tuple[str, tuple["Location", ...]]  # the HTML, and every place known after it


def drawn(document: Document, context: RenderContext, known: tuple[Location, ...] | None,
          draw: Callable[[], Drawing]) -> Drawing:
    """Return ``draw()``, or what it returned for the same inputs in an earlier process.

    ``known``: the places whose indexes the drawing tags its elements with (None: it
    tags none); ``draw`` draws the HTML of ``document`` in ``context`` with them.
    """
    key = _key(document, context, known)
    path = None if key is None else file_of("drawn", key)
    if path is None or key is None:
        return draw()
    found = recall(path, key)
    if found is not None and _drawing(found):
        return found[0], found[1]
    result = draw()
    remember(path, key, result, bound=_BOUND)
    return result


def _drawing(found: object) -> bool:
    """Return whether ``found`` is what :func:`drawn` keeps: HTML and a tuple of places."""
    from ...errors import Location

    return isinstance(found, tuple) and len(found) == 2 and type(found[0]) is str \
        and isinstance(found[1], tuple) and all(type(place) is Location for place in found[1])


def _key(document: Document, context: RenderContext,
         known: tuple[Location, ...] | None) -> str | None:
    """Return the key of drawing ``document`` in ``context``, or None: not to be kept."""
    templates = context.templates
    if not templates.digest:  # the folders' files unknown (not a build session's)
        return None
    try:
        tree = pickle.dumps((document, known), protocol=5)
    except Exception:  # a tree pickle cannot write: drawn as usual
        return None
    return digest("drawn", str(_FORMAT), code(), *map(_library, _LIBRARIES),
                  repr([str(folder) for folder in templates.folders]), templates.digest,
                  templates.styles.key, tree)


def _library(name: str) -> str:
    """Return the name, file, size and time of library ``name``'s package (not imported)."""
    import os

    spec = importlib.util.find_spec(name)
    origin = spec.origin if spec is not None else None
    if origin is None:
        return f"{name} absent"
    try:
        info = os.stat(origin)
    except OSError:
        return f"{name} gone"
    return f"{name} {origin} {info.st_size} {info.st_mtime_ns}"
