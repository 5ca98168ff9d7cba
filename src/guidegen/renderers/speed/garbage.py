"""The garbage collector held off while a process starts: a speed trick (see :mod:`.`).

Before the main process hands the helper its first layout it makes 270,000 objects that
it keeps (modules, classes, pydantic's schemas, the guide, its tree): 625 of them were
garbage, yet with a collection every 10,000 new ones (``fast_start``) 27 collections took
19-24 ms of its CPU (load 8), and the helper's import of WeasyPrint as much again.
:func:`hold` (from ``fast_start``) has them collect every ``_START`` new objects instead;
:func:`settle` freezes what is there (the permanent generation: no collection looks at
it again) and collects every ``_YOUNG`` again. A process that never settles collects
every ``_YOUNG`` from its first collection on (:func:`_started`).

After the settling, a cold build of the default guide collects little: every collection
timed with ``gc.callbacks`` (3 builds, load 5-10), the helper's layout 3 (2.5-2.8 ms of
CPU in all), its twin's layout and PDF 2-3 (1.7-3.5 ms), the main process's DOCX 1
(1.6 ms), each of the youngest generation only. Holding them off through a layout or
a write too would save about as much as the noise of one build, for a larger heap.
"""

from __future__ import annotations

import gc
from contextlib import suppress

_YOUNG = 10_000  # objects between two collections of the youngest generation (fast_start)
_START = 1_000_000  # the same until the process settles: a cold build makes 270,000
_SETTLED: list[bool] = []  # [True] once this process froze its start


def hold() -> None:
    """Collect every ``_START`` new objects until :func:`settle` (once settled: ``_YOUNG``)."""
    if _SETTLED:
        gc.set_threshold(_YOUNG, *gc.get_threshold()[1:])
        return
    gc.set_threshold(_START, *gc.get_threshold()[1:])
    if _started not in gc.callbacks:
        gc.callbacks.append(_started)


def settle() -> None:
    """Freeze what this process made while held, then collect every ``_YOUNG`` new objects.

    Called where the start's objects are made: the main process's layout handed off
    (:func:`guidegen.renderers.pdf.handoff.prepare_layout`), a helper's WeasyPrint
    imported (:func:`guidegen.renderers.pdf.warm_up`). Once per process: a later build
    in the same process (the API, the tests) freezes nothing more.
    """
    if _SETTLED or gc.get_threshold()[0] != _START:
        return
    _SETTLED.append(True)
    with suppress(ValueError):
        gc.callbacks.remove(_started)
    gc.freeze()
    gc.set_threshold(_YOUNG, *gc.get_threshold()[1:])


def _started(phase: str, info: dict[str, int]) -> None:
    """Collect every ``_YOUNG`` new objects from the first collection after :func:`hold`."""
    if phase == "stop" and gc.get_threshold()[0] == _START:
        gc.set_threshold(_YOUNG, *gc.get_threshold()[1:])


__all__ = ["hold", "settle"]
